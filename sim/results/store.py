"""The results store: one folder per run, Parquet and JSON files, and DuckDB views over them.

    results/
      karmasim.duckdb          views: runs, kpis and one per table, over every runs/*/
      runs/<run_id>/           config.yaml, kpis.json, run.json, *.parquet
      .staging/                runs being written (never read)

A run is written into `.staging/` and renamed into `runs/` in one step, so readers never
see a half-written run and a crash, Ctrl-C or kill -9 leaves nothing behind in `runs/`.
Run ids are content-addressed (see `sim.results.run_id_for`): a run already stored is the
same run, so it is never replaced (a second writer's copy is dropped), and a complete run
can never be lost to a rewrite. The views read `runs/*/...` through globs, so they are
created once, not per run: writing a run does not take the DuckDB lock, and a database
held open elsewhere (the dashboard, a notebook) delays the views at most, with a warning.

`KARMASIM_STORE_FAULT=<step>` kills the writing process with SIGKILL at that step of a
write (`FAULT_STEPS`): the fault-injection tests use it to make the timing deterministic.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import uuid
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from sim.results.tables import RunResult, kpis_json

TABLES = (
    "daily",
    "load",
    "hourly",
    "competencies",
    "competency_gaps",
    "orgs",
    "campaigns",
    "groups",
    "units",
)
DATABASE = "karmasim.duckdb"
VIEWS_SIGNATURE = "views: runs kpis " + " ".join(TABLES)  # the views a database should have
FAULT_STEPS = ("tables-written", "files-written", "renamed", "views")


def _fault(step: str) -> None:
    """Fault injection for the tests: SIGKILL this process at `step` if asked to."""
    if os.environ.get("KARMASIM_STORE_FAULT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


class StoreError(RuntimeError):
    pass


def _write_parquet(frame: pd.DataFrame, path: Path, run_id: str) -> None:
    table = pa.Table.from_pandas(frame.assign(run_id=run_id), preserve_index=False)
    # No pandas metadata blob: the files stay byte-identical for identical results.
    table = table.replace_schema_metadata(None)
    pq.write_table(table, path, compression="zstd")


def writable_folder(folder: Path) -> Path:
    """`folder`, created if needed, after proving a file can be written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise StoreError(f"cannot write results to {folder}: {reason}") from None
    return folder


class ResultsStore:
    def __init__(self, root: str | Path = "results") -> None:
        self.root = Path(root).resolve()
        self.warning: str | None = None  # set when the last write could not create views
        self.runs_dir = self.root / "runs"
        self.staging_dir = self.root / ".staging"

    @property
    def database(self) -> Path:
        return self.root / DATABASE

    # ---- writing ---------------------------------------------------------------------
    def write(self, result: RunResult) -> Path:
        """Write a run atomically (if it is not stored already); returns its folder."""
        final = self.runs_dir / result.run_id
        if self.has(result.run_id):
            self.ensure_views()  # (a writer killed after its rename may have left none)
            return final
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        staging = self.staging_dir / f"{result.run_id}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            self._write_files(result, staging)
            _fault("files-written")
            try:
                staging.rename(final)
            except OSError:
                if not self.has(result.run_id):  # not another writer's copy: a real failure
                    raise
            _fault("renamed")
            self.ensure_views()
            return final
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)

    def _write_files(self, result: RunResult, folder: Path) -> None:
        config = result.scenario.canonical()
        (folder / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=True), "utf-8")
        (folder / "run.json").write_text(json.dumps(result.meta, indent=2, sort_keys=True), "utf-8")
        for name in TABLES:
            _write_parquet(getattr(result, name), folder / f"{name}.parquet", result.run_id)
        _fault("tables-written")
        # kpis.json last: a folder is a run once it has it (`has`, `run_ids`)
        (folder / "kpis.json").write_text(kpis_json(result.kpis), "utf-8")

    def ensure_views(self) -> None:
        """Create the DuckDB views if this store's database lacks them. They read every
        run through globs, so this happens once; if another process holds the database
        open, the views wait for the next write and `warning` says so."""
        self.warning = None
        marker, signature = self._views_marker, f"{VIEWS_SIGNATURE} over {self.runs_dir}"
        if self.database.exists() and marker.exists() and marker.read_text() == signature:
            return  # (a store moved elsewhere has a different signature: views rebuilt)
        try:
            self._refresh_views()
        except (duckdb.Error, OSError, StoreError) as error:  # the runs are safe regardless
            first_line = (str(error).splitlines() or [type(error).__name__])[0]
            self.warning = (
                f"the runs are stored, but the DuckDB views in {self.database} could not be "
                f"created now ({first_line}); they will be at the next write"
            )
            return
        marker.write_text(signature, "utf-8")

    @property
    def _views_marker(self) -> Path:
        return self.root / ".views"

    def _refresh_views(self) -> None:
        """(Re)create the DuckDB views; glob patterns pick up every run in `runs/`."""
        runs = self.runs_dir.as_posix()
        statements = [
            f"CREATE OR REPLACE VIEW runs AS SELECT * FROM read_json_auto('{runs}/*/run.json', "
            "union_by_name=true)",
            f"CREATE OR REPLACE VIEW kpis AS SELECT parse_path(filename)[-2] AS run_id, * "
            f"EXCLUDE (filename) FROM read_json_auto('{runs}/*/kpis.json', filename=true, "
            "union_by_name=true)",
        ]
        for table in TABLES:
            statements.append(
                f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM "
                f"read_parquet('{runs}/*/{table}.parquet', union_by_name=true)"
            )
        _fault("views")
        # A new database is built beside the old one and renamed over it, so that a
        # reader (or a kill) never finds the file without its views.
        building = self.root / f".{DATABASE}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        try:
            with duckdb.connect(str(building)) as connection:
                for statement in statements:
                    connection.execute(statement)
            building.replace(self.database)
        except duckdb.InterruptException:
            # DuckDB turns Ctrl-C into its own exceptions; it is still an interruption
            # (the run itself is already in place: only the views wait for the next write).
            raise KeyboardInterrupt from None
        except RuntimeError as error:
            if isinstance(error, duckdb.IOException):
                raise
            if "interrupted" in str(error).lower():  # DuckDB's "Query interrupted"
                raise KeyboardInterrupt from None
            raise StoreError(f"cannot create the views in {self.database}: {error}") from None
        finally:
            for leftover in (building, Path(f"{building}.wal")):
                leftover.unlink(missing_ok=True)

    def prepare(self) -> None:
        """Check, before any simulation, that runs can be written here (one `StoreError`
        naming the folder if not), and clear what dead writers left in staging."""
        writable_folder(self.root)
        self.clean_staging()

    def clean_staging(self) -> int:
        """Remove leftovers of runs whose writer died (their pid no longer exists)."""
        removed = 0
        leftovers = list(self.staging_dir.iterdir()) if self.staging_dir.exists() else []
        if self.root.exists():  # databases of view builds that died half-way
            leftovers += list(self.root.glob(f".{DATABASE}.*"))
        for path in leftovers:
            parts = path.name.removesuffix(".wal").split(".")
            pid = int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None
            if pid is None or not _alive(pid):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed += 1
        return removed

    # ---- reading ----------------------------------------------------------------------
    def run_ids(self) -> list[str]:
        if not self.runs_dir.exists():
            return []
        return sorted(p.name for p in self.runs_dir.iterdir() if (p / "kpis.json").exists())

    def has(self, run_id: str) -> bool:
        return (self.runs_dir / run_id / "kpis.json").exists()

    def kpis(self, run_id: str) -> dict[str, float]:
        return json.loads((self.runs_dir / run_id / "kpis.json").read_text("utf-8"))

    def meta(self, run_id: str) -> dict:
        return json.loads((self.runs_dir / run_id / "run.json").read_text("utf-8"))

    def config(self, run_id: str) -> dict:
        """The run's scenario, as stored (canonical form)."""
        return yaml.safe_load((self.runs_dir / run_id / "config.yaml").read_text("utf-8"))

    def replications(self, key: str) -> list[str]:
        """Stored runs with this replication key (the same scenario, other seeds)."""
        return [r for r in self.run_ids() if self.meta(r).get("replication_key") == key]

    def table(self, run_id: str, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise StoreError(f"unknown table {name!r}; tables: {', '.join(TABLES)}")
        return pd.read_parquet(self.runs_dir / run_id / f"{name}.parquet")

    def query(self, sql: str) -> pd.DataFrame:
        """Run SQL against the store's views (read-only)."""
        if not self.run_ids():
            raise StoreError(f"no runs in {self.root} yet: create one with `karmasim run CONFIG`")
        if not self.database.exists():
            self.ensure_views()
            if self.warning:
                raise StoreError(self.warning)
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.execute(sql).df()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
