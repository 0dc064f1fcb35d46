from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONFIGS

from sim.results.store import FAULT_STEPS, TABLES, ResultsStore, StoreError


def test_duckdb_views_over_the_runs(tmp_path, saptah_run, baseline_run):
    store = ResultsStore(tmp_path)
    store.write(saptah_run)
    store.write(baseline_run)
    kpis = store.query("SELECT run_id, completions FROM kpis ORDER BY run_id")
    assert sorted(kpis["run_id"]) == sorted([saptah_run.run_id, baseline_run.run_id])
    daily = store.query(
        "SELECT run_id, sum(new_completions) AS c FROM daily GROUP BY run_id ORDER BY run_id"
    )
    by_run = dict(zip(daily["run_id"], daily["c"], strict=True))
    assert by_run[saptah_run.run_id] == pytest.approx(saptah_run.kpis["completions"])
    runs = store.query("SELECT scenario, seed, config_hash FROM runs ORDER BY scenario")
    assert list(runs["scenario"]) == ["baseline", "saptah_2024"]
    peak = store.query(
        f"SELECT max(concurrent_learners) AS p FROM load WHERE run_id = '{saptah_run.run_id}'"
    )
    assert peak["p"].iloc[0] == saptah_run.kpis["peak_concurrent_learners"]


def test_a_stored_run_is_never_replaced(tmp_path, baseline_run):
    """Same id, same content: a second write keeps the first copy's files untouched."""
    store = ResultsStore(tmp_path)
    folder = store.write(baseline_run)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    inode = folder.stat().st_ino
    assert store.write(baseline_run) == folder
    assert folder.stat().st_ino == inode
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before
    assert store.run_ids() == [baseline_run.run_id]
    assert store.query("SELECT count(*) AS n FROM kpis")["n"].iloc[0] == 1


def test_failed_write_leaves_no_run(tmp_path, baseline_run, monkeypatch):
    store = ResultsStore(tmp_path)

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sim.results.store._write_parquet", explode)
    with pytest.raises(KeyboardInterrupt):
        store.write(baseline_run)
    assert store.run_ids() == []
    assert not any(store.staging_dir.iterdir())


def test_leftovers_of_dead_writers_are_cleaned(tmp_path):
    store = ResultsStore(tmp_path)
    store.staging_dir.mkdir(parents=True)
    (store.staging_dir / "x.999999999.abcd").mkdir()
    assert store.clean_staging() == 1


def test_empty_store_says_how_to_create_runs(tmp_path):
    with pytest.raises(StoreError, match="karmasim run"):
        ResultsStore(tmp_path).query("SELECT * FROM kpis")


def test_ctrl_c_inside_duckdb_is_still_an_interruption(tmp_path, monkeypatch):
    """DuckDB reports Ctrl-C as its own InterruptException; the store passes it on as a
    KeyboardInterrupt (exit 130 in the CLI) instead of a store error (exit 2)."""
    import duckdb

    from sim.results.store import ResultsStore

    store = ResultsStore(tmp_path)
    store.runs_dir.mkdir(parents=True)
    for raised in (
        duckdb.InterruptException("INTERRUPT Error: Interrupted!"),
        RuntimeError("Query interrupted"),
    ):

        class Interrupted:
            def __enter__(self, raised=raised):
                raise raised

            def __exit__(self, *exc):
                return False

        monkeypatch.setattr(duckdb, "connect", lambda *a, **k: Interrupted())
        with pytest.raises(KeyboardInterrupt):
            store._refresh_views()


def _karmasim(*args, fault: str | None = None, timeout: float = 300):
    """`karmasim` in a child process (so that SIGKILL takes only the child)."""
    env = {k: v for k, v in os.environ.items() if k != "KARMASIM_STORE_FAULT"}
    if fault:
        env["KARMASIM_STORE_FAULT"] = fault
    binary = Path(sys.executable).parent / "karmasim"
    return subprocess.run(
        [str(binary), *map(str, args)], env=env, capture_output=True, text=True, timeout=timeout
    )


def _complete(folder: Path) -> bool:
    files = {p.name for p in folder.iterdir()}
    return {"kpis.json", "run.json", "config.yaml"} | {f"{t}.parquet" for t in TABLES} <= files


TINY = ["--scale", "20000", "--seed", "3"]


@pytest.mark.parametrize("step", FAULT_STEPS)
def test_kill_9_at_any_step_of_a_write_loses_nothing(tmp_path, step):
    """A writer killed at each step of a write leaves runs/ with complete runs only; an
    earlier complete run survives; the next write completes the store, views included."""
    out = tmp_path / "results"
    first = _karmasim("run", CONFIGS / "baseline.yaml", *TINY, "--out", out)
    assert first.returncode == 0, first.stderr
    if step == "views":  # views are built once: make this write rebuild them
        (out / ".views").unlink()
    killed = _karmasim("run", CONFIGS / "saptah_2024.yaml", *TINY, "--out", out, fault=step)
    assert killed.returncode == -signal.SIGKILL
    store = ResultsStore(out)
    folders = list(store.runs_dir.iterdir())
    assert all(_complete(f) for f in folders)
    assert len(folders) == (2 if step in ("renamed", "views") else 1)  # nothing half-there
    again = _karmasim("run", CONFIGS / "saptah_2024.yaml", *TINY, "--out", out, "--json")
    assert again.returncode == 0, again.stderr
    assert len(store.run_ids()) == 2
    assert not any(store.staging_dir.iterdir())  # the dead writer's leftovers are gone
    assert store.query("SELECT count(*) AS n FROM kpis")["n"].iloc[0] == 2


def test_a_database_held_open_elsewhere_does_not_fail_a_run(tmp_path):
    """Another process holds karmasim.duckdb open for writing (the strictest lock DuckDB
    has) while runs are written: every run is stored and reported as such."""
    out = tmp_path / "results"
    assert _karmasim("run", CONFIGS / "baseline.yaml", *TINY, "--out", out).returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time\n"
         f"c = duckdb.connect({str(out / 'karmasim.duckdb')!r})\n"
         "c.execute('SELECT count(*) FROM kpis').fetchall()\n"
         "print('holding', flush=True)\n"
         "sys.stdin.read()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "holding"
        for seed in ("4", "5"):
            ran = _karmasim("run", CONFIGS / "baseline.yaml", "--scale", "20000", "--seed", seed,
                            "--out", out)  # fmt: skip
            assert ran.returncode == 0, ran.stderr
    finally:
        holder.communicate("", timeout=30)
    store = ResultsStore(out)
    assert len(store.run_ids()) == 3
    assert store.query("SELECT count(*) AS n FROM kpis")["n"].iloc[0] == 3
