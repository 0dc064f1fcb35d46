"""`karmasim`: run scenarios, compare them, benchmark the engine.

Bad input (a config that fails validation, an unknown engine, a bad option) prints one
clear message and exits with status 2; nothing is written to the store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from sim.config import ConfigError, Scenario, load_scenario
from sim.experiments.executors import ExecutorError
from sim.results.bands import kpi_bands, paired_delta_bands
from sim.results.comparison_table import comparison_table
from sim.results.formatting import kpi_value, percent
from sim.results.kpis import COMPETENCY_KPIS, HEADLINE_KPIS, describe
from sim.results.run_identity import run_id_for
from sim.results.store import ResultsStore, StoreError, writable_folder
from sim.results.tables import RunResult
from sim.simulate import ENGINES, EngineError, check_engine, simulate

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="karmayogi-sim: simulate Mission Karmayogi learning campaigns and platform load.",
)
# Wide tables when output goes to a file or a pipe (rich would wrap them at 80 columns).
# Markup off: names, paths and messages are the user's text, and "[/x]" in them must print
# as it is (styles are given as Text where wanted).
console = Console(width=None if sys.stdout.isatty() else 160, markup=False)
err = Console(stderr=True, soft_wrap=True, markup=False)  # error messages stay on one line

ConfigArg = Annotated[Path, typer.Argument(help="scenario YAML file", show_default=False)]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="override the config's seed", min=0)]
ScaleOpt = Annotated[
    int | None, typer.Option("--scale", help="simulate 1 agent per K officers", min=1)
]
OutOpt = Annotated[Path, typer.Option("--out", help="results store folder")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print machine-readable JSON")]
EngineOpt = Annotated[str, typer.Option("--engine", help=f"engine: {', '.join(ENGINES)}")]


STAGGER_KPIS = (
    "peak_concurrent_learners",
    "peak_requests_per_s",
    "servers_needed",
    "server_hours",
    "campaign_participants",
    "campaign_participants_meeting_target",
)


class UserError(Exception):
    """A problem with what the user asked for; printed without a traceback, exit 2."""


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    try:
        yield
    except (ConfigError, EngineError, UserError, StoreError, ExecutorError) as error:
        err.print(Text.assemble(("error: ", "bold red"), str(error)), highlight=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err.print("interrupted: nothing was written for the unfinished run")
        raise typer.Exit(130) from None


def resolve(config: Path, seed: int | None, scale: int | None) -> Scenario:
    scenario = load_scenario(config)
    changes = {}
    if seed is not None:
        changes["seed"] = seed
    if scale is not None:
        changes["scale"] = scale
    return scenario.with_overrides(**changes) if changes else scenario


def progress_bar(unit: str, quiet: bool, transient: bool = True) -> Progress:
    """The progress bar of every long command, on stderr: the task, the bar, done of
    total, `unit` (text that may show task fields), time elapsed; off when `quiet` or
    when stderr is not a terminal."""
    return Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=quiet or not err.is_terminal,
    )


def run_with_progress(scenario: Scenario, engine: str, quiet: bool, what: str = "") -> RunResult:
    label = f"{scenario.name}{what} ({scenario.agents:,} agents, scale {scenario.scale})"
    if not quiet and not err.is_terminal:  # a log line instead of the bar
        err.print(f"simulating {label}", highlight=False)
    with progress_bar("days", quiet) as progress:
        task = progress.add_task(
            label, total=scenario.calendar.end.toordinal() - scenario.calendar.start.toordinal() + 1
        )
        return simulate(
            scenario,
            engine=engine,
            progress=lambda done, total: progress.update(task, completed=done),
        )


def obtain(
    scenario: Scenario, engine: str, store: ResultsStore, rerun: bool, quiet: bool, what: str = ""
) -> tuple[str, dict[str, float]]:
    """The run's id and KPIs: from the store if this exact run is there, else simulated."""
    run_id = run_id_for(scenario, engine)
    if not rerun and store.has(run_id):
        return run_id, store.kpis(run_id)
    result = run_with_progress(scenario, engine, quiet, what)
    store.write(result)
    if store.warning and not quiet:
        err.print(Text.assemble(("warning: ", "yellow"), store.warning), highlight=False)
    return run_id, result.kpis


@app.command()
def run(
    config: ConfigArg,
    seed: SeedOpt = None,
    scale: ScaleOpt = None,
    out: OutOpt = Path("results"),
    json_output: JsonOpt = False,
    engine: EngineOpt = "fast",
) -> None:
    """Simulate one scenario and store the run."""
    with user_errors():
        scenario = resolve(config, seed, scale)
        check_engine(engine, scenario)
        store = ResultsStore(out)
        store.prepare()
        result = run_with_progress(scenario, engine, quiet=json_output)
        folder = store.write(result)
        if store.warning:
            err.print(Text.assemble(("warning: ", "yellow"), store.warning), highlight=False)
    if json_output:
        payload = {
            "run_id": result.run_id,
            "run_dir": str(folder),
            "kpis": result.kpis,
            "meta": result.meta,
        }
        print(json.dumps(payload, indent=2, sort_keys=True))
        return
    table = Table(title=f"{scenario.name}: {scenario.description}", title_justify="left")
    table.add_column("KPI")
    table.add_column("value", justify="right")
    table.add_column("meaning", style="dim")
    for name, value in result.kpis.items():
        table.add_row(name, kpi_value(value), describe(name))
    console.print(table)
    timings = result.meta["timings"]
    console.print(
        f"stored in {folder}  (simulated in {timings['simulate_s']:.1f} s, "
        f"set up in {timings['setup_s']:.1f} s)"
    )


@app.command()
def compare(
    configs: Annotated[list[Path], typer.Argument(help="scenario files; the first is the base")],
    seed: SeedOpt = None,
    scale: ScaleOpt = None,
    out: OutOpt = Path("results"),
    json_output: JsonOpt = False,
    engine: EngineOpt = "fast",
    rerun: Annotated[bool, typer.Option("--rerun", help="simulate even if stored")] = False,
    posterior: Annotated[
        Path | None,
        typer.Option(
            "--posterior",
            help="a fitted ensemble (sim/data/history_fit/<cut-off>, or `backtest --out`): "
            "run each scenario at parameter sets drawn from it, for bands with parameter "
            "uncertainty",
        ),
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", min=2, max=1000, help="draws per scenario with --posterior")
    ] = 16,
    width: Annotated[
        int | None,
        typer.Option(
            "--width",
            min=40,
            max=1000,
            help="terminal columns to fit (default: the terminal's, or 160 when piped); one "
            "column per scenario when it fits, else one row per KPI and scenario",
        ),
    ] = None,
) -> None:
    """Compare scenarios' KPIs against the first one (runs missing scenarios first)."""
    with user_errors():
        scenarios = [resolve(c, seed, scale) for c in configs]  # validate all before running
        if posterior is not None:
            compare_posterior(scenarios, posterior, draws, engine, out, rerun, json_output)
            return
        for scenario in scenarios:
            check_engine(engine, scenario)
        store = ResultsStore(out)
        store.prepare()
        runs = [obtain(s, engine, store, rerun, quiet=json_output) for s in scenarios]
    base_kpis = runs[0][1]
    names = list(dict.fromkeys(k for _, kpis in runs for k in kpis))
    entries = []
    for scenario, (run_id, kpis) in zip(scenarios, runs, strict=True):
        delta = {k: kpis[k] - base_kpis[k] for k in names if k in kpis and k in base_kpis}
        pct = {k: (100.0 * d / base_kpis[k] if base_kpis[k] else None) for k, d in delta.items()}
        entries.append(
            {
                "scenario": scenario.name,
                "run_id": run_id,
                "run_dir": str(store.runs_dir / run_id),
                "kpis": kpis,
                "delta": delta,
                "pct_delta": pct,
            }
        )
    for entry in entries:
        entry["bands"] = replication_bands(store, entry["run_id"])
        entry["largest_gaps"] = largest_gaps(store, entry["run_id"])
    if json_output:
        print(json.dumps({"base": entries[0]["scenario"], "runs": entries}, indent=2))
        return
    columns = width or console.width
    console.print(comparison_table(entries, names, columns), width=columns)
    print_bands({e["scenario"]: e["bands"] for e in entries if e["bands"]}, columns)
    print_gaps({e["scenario"]: e["largest_gaps"] for e in entries if e["largest_gaps"]}, columns)
    console.print(
        f"runs stored under {store.runs_dir}; query them with DuckDB: {store.database}",
        width=columns,
        overflow="fold",
    )


def compare_posterior(
    scenarios: list[Scenario],
    folder: Path,
    draws: int,
    engine: str,
    out: Path,
    rerun: bool,
    json_output: bool,
) -> None:
    """`compare --posterior`: each scenario at `draws` parameter sets from the fitted
    ensemble, paired across scenarios (same parameters and seeds, draw by draw); bands over
    the draws, and of the paired differences against the first scenario."""
    from sim.forecasting.posterior import load_posterior, posterior_draws

    fitted = load_posterior(folder)
    # every scenario at the first one's draws: the differences are paired
    drawn = [posterior_draws(s, fitted, draws, seed=scenarios[0].seed) for s in scenarios]
    for group in drawn:
        for scenario in group:
            check_engine(engine, scenario)
    store = ResultsStore(out)
    store.prepare()
    if not json_output:
        err.print(
            f"{len(scenarios)} scenarios x {draws} draws from the {fitted.label} ({folder}): "
            f"{len(scenarios) * draws} runs"
        )
    runs = [
        [
            obtain(d, engine, store, rerun, json_output, f", draw {i + 1}/{draws}")
            for i, d in enumerate(group)
        ]
        for group in drawn
    ]
    kpis = [[k for _, k in group] for group in runs]
    entries = [
        {
            "scenario": scenario.name,
            "run_ids": [run_id for run_id, _ in group],
            "bands": kpi_bands(group_kpis),
            "delta_bands": paired_delta_bands(kpis[0], group_kpis),
        }
        for scenario, group, group_kpis in zip(scenarios, runs, kpis, strict=True)
    ]
    if json_output:
        payload = {
            "base": scenarios[0].name,
            "posterior": {"folder": str(folder), "label": fitted.label, "draws": draws},
            "runs": entries,
        }
        print(json.dumps(payload, indent=2))
        return
    table = Table(
        title=f"KPIs with parameter uncertainty: median [10% - 90%] over {draws} draws from "
        f"the {fitted.label}; under each, the paired difference from {scenarios[0].name}",
        title_justify="left",
    )
    table.add_column("KPI")
    for entry in entries:
        table.add_column(entry["scenario"], justify="right")
    for name in entries[0]["bands"]:
        row = [name]
        for i, entry in enumerate(entries):
            band, delta = entry["bands"].get(name), entry["delta_bands"].get(name)
            cell = band_text(band) if band else "-"
            if band and i > 0 and delta:
                cell += "\n" + (
                    band_text(delta, "pct_", percent) if "pct_median" in delta else band_text(delta)
                )
            row.append(cell)
        table.add_row(*row)
    console.print(table)
    console.print(f"runs stored under {store.runs_dir}; query them with DuckDB: {store.database}")


def replication_bands(store: ResultsStore, run_id: str) -> dict[str, dict[str, float]]:
    """KPI bands over the stored replications of a run (empty if it has none)."""
    key = store.meta(run_id).get("replication_key")
    runs = store.replications(key) if key else []
    return kpi_bands([store.kpis(r) for r in runs]) if len(runs) >= 2 else {}


def largest_gaps(store: ResultsStore, run_id: str, n: int = 5) -> list[dict[str, object]]:
    """The `n` competencies with the most unmet requirements at the end of a run (none
    for runs stored before the competency model)."""
    try:
        gaps = store.table(run_id, "competency_gaps")
    except (FileNotFoundError, OSError):
        return []
    columns = ["competency", "type", "unmet_end", "coverage_start", "coverage_end"]
    return gaps.head(n)[columns].to_dict("records")


def print_gaps(gaps: dict[str, list[dict[str, object]]], width: int | None = None) -> None:
    """Each scenario's largest competency gaps: officers lacking it, share met (start ->
    end)."""
    if not gaps:
        return
    table = Table(
        title="Largest competency gaps at the end: officers lacking it (share met, start -> end)",
        title_justify="left",
    )
    table.add_column("rank", justify="right")
    for name in gaps:
        table.add_column(name, overflow="fold")
    for rank in range(max(len(g) for g in gaps.values())):
        row = [str(rank + 1)]
        for rows in gaps.values():
            if rank >= len(rows):
                row.append("")
                continue
            g = rows[rank]
            row.append(
                f"{g['competency']} ({g['type']}): {kpi_value(float(g['unmet_end']))} "
                f"({float(g['coverage_start']):.1%} -> {float(g['coverage_end']):.1%})"
            )
        table.add_row(*row)
    console.print(table, width=width)


def band_text(band: dict[str, float], prefix: str = "", show=kpi_value) -> str:
    """ "median [p10 - p90]" of a band (`prefix` picks e.g. the % columns)."""
    low, mid, high = (band[f"{prefix}{q}"] for q in ("p10", "median", "p90"))
    return f"{show(mid)} [{show(low)} - {show(high)}]"


def print_bands(bands: dict[str, dict[str, dict[str, float]]], width: int | None = None) -> None:
    """Median and 10-90% band of the headline and competency KPIs, per scenario with
    replications."""
    if not bands:
        return
    table = Table(
        title="Spread over runs: median [10% - 90%], n runs (other seeds, or posterior draws)",
        title_justify="left",
    )
    table.add_column("KPI", overflow="fold")
    for name in bands:
        table.add_column(name, justify="right", overflow="fold")
    wanted = HEADLINE_KPIS + COMPETENCY_KPIS
    shown = [k for k in wanted if any(k in b for b in bands.values())]
    for kpi in shown:
        row = [kpi]
        for band in bands.values():
            b = band.get(kpi)
            row.append(f"{band_text(b)} n={b['n']}" if b else "-")
        table.add_row(*row)
    console.print(table, width=width)


@app.command()
def scenarios(
    folder: Annotated[Path, typer.Argument(help="folder of scenario files")] = Path("configs"),
    json_output: JsonOpt = False,
) -> None:
    """The built-in scenarios (or those in FOLDER), each with its one-line description."""
    with user_errors():
        if not folder.is_dir():
            raise UserError(f"{folder} is not a folder of scenario files")
        rows = []
        for path in sorted(folder.glob("*.yaml")):
            if path.name == "forecast.yaml":
                continue
            scenario = load_scenario(path)
            rows.append(
                {
                    "file": str(path),
                    "name": scenario.name,
                    "description": scenario.description,
                    "days": (scenario.calendar.end - scenario.calendar.start).days + 1,
                    "campaigns": len(scenario.campaigns),
                }
            )
    if json_output:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title=f"Scenarios in {folder}", title_justify="left")
    for column in ("file", "description", "days"):
        table.add_column(column, justify="right" if column == "days" else "left")
    for row in rows:
        table.add_row(Path(row["file"]).name, row["description"], str(row["days"]))
    console.print(table)
    console.print("run one with `karmasim run FILE`; compare with `karmasim compare BASE OTHER...`")


@app.command()
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="sweep YAML (scenarios x grid x seeds)")],
    executor: Annotated[
        str, typer.Option("--executor", help="serial, processes (one per core) or dask")
    ] = "processes",
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="local workers")] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            envvar="KARMASIM_DASK_SCHEDULER",
            help="address of a running Dask scheduler, e.g. tcp://host:8786",
        ),
    ] = None,
    out: OutOpt = Path("results"),
    json_output: JsonOpt = False,
) -> None:
    """Run a sweep; runs already stored are skipped, so an interrupted sweep resumes."""
    from sim.experiments.executors import make_executor, scheduler_address
    from sim.experiments.sweep import load_sweep, write_manifest

    with user_errors():
        if executor not in ("serial", "processes", "dask"):
            raise UserError(f"unknown executor {executor!r}; choose serial, processes or dask")
        config, tasks = load_sweep(sweep_file)
        if cluster:
            cluster = scheduler_address(cluster)  # its form, before anything else
        store = ResultsStore(out)
        kind = "dask" if cluster else executor
        where = f" on {cluster}" if cluster else ""
        with make_executor(executor, workers, cluster) as pool:  # connects, or fails
            store.prepare()
            err.print(f"sweep {config.name}: {len(tasks)} runs, executor {kind}{where}")
            report = _run_sweep_with_progress(config.name, tasks, store, pool, json_output)
        manifest = write_manifest(store.root, config, report)
    groups: dict[tuple[str, str], list[str]] = {}
    for row in report.rows:
        if row["status"] != "failed":
            groups.setdefault((row["scenario"], row["point"]), []).append(row["run_id"])
    bands = {
        f"{scenario} | {point}": kpi_bands([store.kpis(r) for r in run_ids])
        for (scenario, point), run_ids in groups.items()
    }
    summary = {
        "sweep": config.name,
        "runs": report.total,
        "ran": report.ran,
        "already_stored": report.skipped,
        "failed": [{"run_id": r, "error": e} for r, e in report.failed],
        "manifest": str(manifest),
        "bands": bands,
    }
    if json_output:
        print(json.dumps(summary, indent=2))
    else:
        console.print(
            f"sweep {config.name}: {report.ran} ran, {report.skipped} already stored, "
            f"{len(report.failed)} failed (manifest {manifest})"
        )
        print_bands(bands)
        for run_id, error in report.failed:
            err.print(Text.assemble(("failed ", "red"), f"{run_id}: {error}"), highlight=False)
    if report.failed:
        raise typer.Exit(1)


def _run_sweep_with_progress(name: str, tasks, store: ResultsStore, pool, quiet: bool):
    """Run the sweep's tasks on `pool` with a progress bar (a status line per task when
    the output is not a terminal)."""
    from sim.experiments.sweep import run_sweep

    with progress_bar("{task.fields[status]}", quiet, transient=False) as bar:
        job = bar.add_task(name, total=len(tasks), status="")

        def show(report) -> None:
            done = report.ran + report.skipped
            remaining = report.total - done - len(report.failed)
            status = f"done {done}, failed {len(report.failed)}, remaining {remaining}"
            bar.update(job, completed=done + len(report.failed), status=status)
            if not err.is_terminal and not quiet:
                err.print(status)

        return run_sweep(tasks, store.root, pool, progress=show)


@app.command()
def calibrate(
    config: Annotated[Path, typer.Argument(help="scenario with the 2024 week")] = Path(
        "configs/saptah_2024.yaml"
    ),
    scale: Annotated[int, typer.Option("--scale", min=1, help="sampled scale of the fit")] = 100,
    evaluations: Annotated[int, typer.Option("--evaluations", min=5, help="model runs")] = 150,
    seeds: Annotated[
        int, typer.Option("--seeds", min=1, help="seeds averaged in every evaluation")
    ] = 3,
    out: OutOpt = Path("results"),
    json_output: JsonOpt = False,
) -> None:
    """Fit behaviour parameters to the published 2024 figures (SciPy Nelder-Mead on sampled
    runs with common random numbers); writes results/calibration/fit.json."""
    from sim.experiments.calibration import PARAMETERS, fit, parameters_yaml

    with user_errors():
        scenario = resolve(config, None, scale)
        if not scenario.campaigns:
            raise UserError(f"{config}: calibration needs the 2024 campaign week in the scenario")
        folder = writable_folder(out / "calibration")
        with progress_bar("best loss {task.fields[best]}", json_output) as bar:
            job = bar.add_task("fitting", total=evaluations, best="-")
            result = fit(
                scenario,
                max_evaluations=evaluations,
                progress=lambda n, best: bar.update(job, completed=n, best=f"{best:.4f}"),
                seeds=[scenario.seed + i for i in range(seeds)],
            )
        payload = {
            "scenario": scenario.name,
            "scale": scale,
            "seeds": [scenario.seed + i for i in range(seeds)],
            "evaluations": result.evaluations,
            "loss_start": result.start_loss,
            "loss": result.loss,
            "start": result.start,
            "fitted": result.values,
        }
        (folder / "fit.json").write_text(json.dumps(payload, indent=2), "utf-8")
    if json_output:
        print(json.dumps(payload, indent=2))
        return
    table = Table(title=f"Calibration of {scenario.name} (1:{scale}, {result.evaluations} runs)")
    for column in ("parameter", "start", "fitted", "meaning"):
        table.add_column(column, justify="right" if column in ("start", "fitted") else "left")
    for parameter in PARAMETERS:
        table.add_row(
            parameter.path,
            f"{result.start[parameter.name]:.4g}",
            f"{result.values[parameter.name]:.4g}",
            parameter.doc,
        )
    console.print(table)
    console.print(f"loss (sum of squared log errors): {result.start_loss:.4f} -> {result.loss:.4f}")
    console.print(parameters_yaml(result.values, f"fitted by karmasim calibrate, 1:{scale}"))
    console.print(f"saved {folder / 'fit.json'}; check it with `karmasim calibration-report`")


@app.command("calibration-report")
def calibration_report_command(
    config: Annotated[Path, typer.Argument(help="scenario with the 2024 week")] = Path(
        "configs/saptah_2024.yaml"
    ),
    scale: Annotated[int, typer.Option("--scale", min=1, help="1 = full population")] = 1,
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="replications")] = 5,
    out: OutOpt = Path("results"),
    json_output: JsonOpt = False,
) -> None:
    """Published figure, simulated median and 10-90% range over seeds, and the error, for
    every calibration target; plus a chart of daily completions (results/calibration/)."""
    from sim.experiments.calibration import calibration_report, plot_daily_completions

    with user_errors():
        scenario = resolve(config, None, scale)
        seed_list = [scenario.seed + i for i in range(seeds)]
        folder = writable_folder(out / "calibration")
        with progress_bar("seeds", json_output) as bar:
            job = bar.add_task("report", total=seeds)
            report, dailies = calibration_report(
                scenario, seed_list, progress=lambda n: bar.update(job, completed=n)
            )
        report.to_csv(folder / "report.csv", index=False)
        chart = folder / "daily_completions.png"
        plot_daily_completions(dailies, chart)
    if json_output:
        print(json.dumps({"chart": str(chart), "rows": report.to_dict("records")}, indent=2))
        return
    table = Table(
        title=f"{scenario.name} at 1:{scale}, {seeds} seeds: published against simulated",
        title_justify="left",
    )
    for column in ("target", "published", "median", "10% - 90%", "error"):
        table.add_column(column, justify="left" if column == "target" else "right")
    for row in report.itertuples():
        table.add_row(
            row.target,
            kpi_value(row.published),
            kpi_value(row.simulated_median),
            f"{kpi_value(row.simulated_p10)} - {kpi_value(row.simulated_p90)}",
            percent(row.error_pct),
        )
    console.print(table)
    worst = report["error_pct"].abs().max()
    console.print(f"largest error {worst:.1f}% (target: every figure within 10%); chart: {chart}")


@app.command()
def capacity(
    config: ConfigArg,
    target_ms: Annotated[
        float | None,
        typer.Option("--target-ms", min=1.0, help="latency target (ms) for the chosen quantile"),
    ] = None,
    stagger_waves: Annotated[
        int,
        typer.Option("--stagger-waves", min=0, help="waves for the staggering estimate (0: skip)"),
    ] = 3,
    stagger_days: Annotated[
        int, typer.Option("--stagger-days", min=1, help="days between waves")
    ] = 3,
    posterior: Annotated[
        Path | None,
        typer.Option(
            "--posterior",
            help="a fitted ensemble (e.g. sim/data/history_fit/2026-02-28): the campaign's "
            "load with bands over draws from it",
        ),
    ] = None,
    draws: Annotated[
        int | None,
        typer.Option("--draws", min=1, max=1000, help="draws with --posterior (default 20)"),
    ] = None,
    seeds: Annotated[
        int, typer.Option("--seeds", min=1, max=1000, help="futures as seeds (no --posterior)")
    ] = 1,
    budget: Annotated[
        bool,
        typer.Option(
            "--budget",
            help="the fewest servers and the cheapest autoscaler settings meeting the target "
            "in the busiest hour in 9 of 10 futures",
        ),
    ] = False,
    seed: SeedOpt = None,
    scale: ScaleOpt = None,
    out: OutOpt = Path("results"),
    json_output: JsonOpt = False,
    engine: EngineOpt = "fast",
) -> None:
    """Capacity plan for a scenario: peaks, servers per hour, cost, headroom, autoscaling,
    sensitivity to the request mix, and what staggering the campaign's ministries in waves
    would save. With --posterior or --seeds: the last campaign's load hour by hour with
    bands over futures, the autoscaler replayed in each, and (--budget) what to buy."""
    from sim.platform.plan import capacity_plan, staggered_variant
    from sim.platform.sensitivity import mix_sensitivity, plot_tornado

    with user_errors():
        scenario = resolve(config, seed, scale)
        if target_ms is not None:
            platform = scenario.platform.model_dump(mode="json")
            platform["latency_target_ms"] = target_ms
            scenario = scenario.with_overrides(platform=platform)
        check_engine(engine, scenario)
        store = ResultsStore(out)
        store.prepare()
        if draws is not None and posterior is None:
            raise ConfigError("--draws needs --posterior (futures as seeds: --seeds N)")
        if posterior is not None and seeds > 1:
            raise ConfigError("give --posterior (with --draws) or --seeds, not both")
        if budget and posterior is None and seeds < 2:
            raise ConfigError(
                "--budget plans for 9 in 10 futures: give them with --posterior FIT or "
                "--seeds N (N >= 2)"
            )
        if posterior is not None or seeds > 1:
            runs = capacity_futures(scenario, posterior, draws, seeds, engine, store, json_output)
            capacity_over_futures(scenario, runs, store, out, budget, json_output)
            return
        run_id, kpis = obtain(scenario, engine, store, rerun=False, quiet=json_output)
        windows = [(c.start, c.end) for c in scenario.campaigns]
        plan = capacity_plan(
            scenario.platform, store.table(run_id, "load"), store.table(run_id, "hourly"), windows
        )
        plan["sensitivity"] = mix_sensitivity(scenario.platform, store.table(run_id, "load"))
        folder = writable_folder(out / "capacity" / run_id)
        plan["sensitivity"].to_csv(folder / "sensitivity.csv", index=False)
        plan["tornado_chart"] = str(
            plot_tornado(
                plan["sensitivity"],
                f"{scenario.name}: cost of servers as each request-mix input moves",
                folder / "tornado.png",
            )
        )
        plan["staggering"] = None
        if stagger_waves >= 2 and scenario.campaigns:
            variant, reason = staggered_variant(scenario, stagger_waves, stagger_days)
            if variant is None:
                plan["staggering"] = {"skipped": reason}
            else:
                variant_id, variant_kpis = obtain(variant, engine, store, False, json_output)
                plan["staggering"] = {
                    "waves": stagger_waves,
                    "days_between": stagger_days,
                    "run_id": variant_id,
                    **{
                        f"{name}_{which}": kpi_set[name]
                        for name in STAGGER_KPIS
                        for which, kpi_set in (("now", kpis), ("staggered", variant_kpis))
                    },
                }
    if json_output:
        payload = {
            key: value.to_dict(orient="records") if isinstance(value, pd.DataFrame) else value
            for key, value in plan.items()
        }
        payload.update(run_id=run_id, scenario=scenario.name)
        print(json.dumps(payload, indent=2, default=str))
        return
    quantile = f"{plan['latency_quantile']:.0%}"
    console.print(
        Text.assemble(
            (scenario.name, "bold"),
            f": capacity plan for {quantile} of requests within "
            f"{plan['latency_target_ms']:.0f} ms (run {run_id})",
        )
    )
    console.print(
        f"peak {kpi_value(plan['peak_concurrent_learners'])} learners on the platform, "
        f"{kpi_value(plan['peak_requests_per_s'])} requests/s at {plan['peak_time']} IST; "
        f"{plan['servers_needed']} servers of {plan['server_requests_per_s']:,.0f} requests/s "
        "needed in the busiest hour"
    )
    if plan["headroom"] is not None:
        headroom = percent(100 * plan["headroom"])
        console.print(f"configured {scenario.platform.servers} servers: headroom {headroom}")
    days = Table(title="Servers needed by day (campaign days, or all days without a campaign)")
    for column in ("date", "peak learners", "peak requests/s", "servers (max)", "servers (min)",
                   "busiest hour"):  # fmt: skip
        days.add_column(column, justify="right")
    for row in plan["per_day"].itertuples():
        days.add_row(
            row.date,
            kpi_value(row.peak_concurrent_learners),
            kpi_value(row.peak_requests_per_s),
            str(row.servers_needed_max),
            str(row.servers_needed_min),
            f"{row.busiest_hour:02d}:00",
        )
    console.print(days)
    targets = Table(
        title=f"Servers for the busiest minute, by latency target ({quantile} of requests "
        "within it; below the first, no number of servers will do)",
        title_justify="left",
    )
    targets.add_column("target (ms)", justify="right")
    targets.add_column("servers", justify="right")
    for row in plan["by_target"].itertuples():
        targets.add_row(f"{row.latency_target_ms:,.0f}", str(row.servers_needed))
    console.print(targets)
    options = Table(title="Provisioning options over the whole run")
    for column in ("option", "server-hours", "cost (INR)", "minutes over target", "max servers"):
        options.add_column(column, justify="right" if column != "option" else "left")
    for row in plan["options"].itertuples():
        options.add_row(
            row.option,
            kpi_value(row.server_hours),
            kpi_value(row.cost),
            str(row.minutes_over_latency_target),
            str(row.max_servers),
        )
    console.print(options)
    print_sensitivity(plan["sensitivity"], plan["tornado_chart"])
    staggering = plan["staggering"]
    if staggering and "skipped" in staggering:
        console.print(f"staggering estimate skipped: {staggering['skipped']}")
    elif staggering:
        view = Table(
            title=f"Staggering ministries: {staggering['waves']} waves, "
            f"{staggering['days_between']} days apart, each running the full window "
            "(without an extension)"
        )
        for column in ("KPI", "as planned", "staggered", "change"):
            view.add_column(column, justify="right" if column != "KPI" else "left")
        for name in STAGGER_KPIS:
            before, after = staggering[f"{name}_now"], staggering[f"{name}_staggered"]
            change = percent(100 * (after - before) / before) if before else "n/a"
            view.add_row(name, kpi_value(before), kpi_value(after), change)
        console.print(view)
    console.print("hour-by-hour table: the run's `hourly` table in the store (or --json)")


def capacity_futures(
    scenario: Scenario,
    posterior: Path | None,
    draws: int | None,
    seeds: int,
    engine: str,
    store: ResultsStore,
    quiet: bool,
) -> tuple[str, list[str]]:
    """(what the futures are, their run ids): draws from a fitted ensemble, or seeds."""
    if posterior is not None:
        from sim.forecasting.posterior import load_posterior, posterior_draws

        fitted = load_posterior(posterior)
        draws = draws or 20
        scenarios = posterior_draws(scenario, fitted, draws)
        what = f"{draws} draws from the {fitted.label}"
    else:
        scenarios = [scenario.with_overrides(seed=scenario.seed + i) for i in range(seeds)]
        what = f"{seeds} seeds from {scenario.seed}"
    for each in scenarios:
        check_engine(engine, each)
    n = len(scenarios)
    ids = [obtain(s, engine, store, False, quiet, f", future {i + 1}/{n}")[0]
           for i, s in enumerate(scenarios)]  # fmt: skip
    return what, ids


def capacity_over_futures(
    scenario: Scenario,
    futures: tuple[str, list[str]],
    store: ResultsStore,
    out: Path,
    budget: bool,
    json_output: bool,
) -> None:
    """The last campaign's load with bands over the futures, the autoscaler replayed in
    each, and with `budget` the fewest servers and cheapest autoscaler settings."""
    from sim.platform.budget import plan_budget
    from sim.platform.ensemble import ensemble_capacity, plot_ensemble

    if not scenario.campaigns:
        raise ConfigError(f"{scenario.name}: no campaign to plan for")
    what, run_ids = futures
    campaign = scenario.campaigns[-1]
    platform = scenario.platform
    loads = [store.table(run_id, "load") for run_id in run_ids]
    result = ensemble_capacity(platform, loads, campaign.start, campaign.end)
    folder = writable_folder(out / "capacity" / f"{scenario.name}-{len(run_ids)}-futures")
    for name in ("summary", "daily", "hourly"):
        result[name].to_csv(folder / f"{name}.csv", index=False)
    chart = plot_ensemble(
        result["hourly"],
        f"{campaign.name}: median and 10-90% over {what}",
        folder / "hourly.png",
    )
    answer = None
    if budget:
        answer = plan_budget(platform, result["future_loads"])
    if json_output:
        payload = {
            "scenario": scenario.name,
            "campaign": campaign.name,
            "futures": what,
            "run_ids": run_ids,
            **{k: result[k].to_dict("records") for k in ("summary", "daily", "hourly")},
            "chart": str(chart),
            "budget": answer,
        }
        print(json.dumps(payload, indent=2, default=str))
        return
    quantile = f"{platform.latency_quantile:.0%}"
    console.print(
        Text.assemble(
            (campaign.name, "bold"),
            f" ({campaign.start} - {campaign.end}): platform load over {what}; "
            f"{quantile} of requests within {platform.latency_target_ms:.0f} ms",
        )
    )
    summary = Table(
        title="The campaign days: median [10% - 90%] over futures", title_justify="left"
    )
    for column in ("figure", "median", "10% - 90%"):
        summary.add_column(column, justify="left" if column == "figure" else "right")
    for row in result["summary"].itertuples():
        summary.add_row(row.figure.replace("_", " "), kpi_value(row.p50),
                        f"{kpi_value(row.p10)} - {kpi_value(row.p90)}")  # fmt: skip
    console.print(summary)
    days = Table(title="Day by day: median [10% - 90%]", title_justify="left")
    for column in ("date", "peak learners", "peak requests/s", "servers", "cost (INR)"):
        days.add_column(column, justify="right")
    for row in result["daily"].itertuples():
        cells = [
            f"{kpi_value(getattr(row, f'{c}_p50'))} [{kpi_value(getattr(row, f'{c}_p10'))} - "
            f"{kpi_value(getattr(row, f'{c}_p90'))}]"
            for c in ("peak_concurrent_learners", "peak_requests_per_s", "servers_needed", "cost")
        ]
        days.add_row(str(row.date), *cells)
    console.print(days)
    console.print(f"hour by hour: {folder / 'hourly.csv'}; chart: {chart}")
    if answer:
        console.print(
            Text.assemble(
                ("Budget", "bold"),
                f": the target in the busiest hour in {answer['futures_required']} of "
                f"{answer['futures']} futures",
            )
        )
        console.print(
            f"  fixed: {answer['fixed_servers']} servers, "
            f"{kpi_value(answer['fixed_cost'])} INR over the campaign days"
        )
        scaler = answer["autoscaler"]
        if scaler is None:
            console.print("  autoscaler: no setting on the grid meets it")
        else:
            console.print(
                f"  autoscaler: min {scaler['min_servers']} servers, target utilisation "
                f"{scaler['target_utilisation']:.0%} (others as configured): met in "
                f"{scaler['futures_meeting_target']} futures, "
                f"{kpi_value(scaler['server_hours'])} server-hours, "
                f"{kpi_value(scaler['cost'])} INR (mean over futures)"
            )


def print_sensitivity(table: pd.DataFrame, chart: str) -> None:
    view = Table(
        title="Sensitivity to the request mix: each assumed input at the ends of its range "
        "(sim/data/request_mix_ranges.yaml), largest swing in cost first",
        title_justify="left",
    )
    for column in ("input", "configured", "low - high", "servers", "cost (INR)"):
        view.add_column(column, justify="left" if column == "input" else "right")
    for row in table.itertuples():
        view.add_row(
            row.input,
            row.configured,
            f"{row.low} - {row.high}",
            f"{row.servers_low} - {row.servers_high} ({row.servers_base})",
            f"{kpi_value(row.cost_low)} - {kpi_value(row.cost_high)} ({kpi_value(row.cost_base)})",
        )
    console.print(view)
    console.print(f"configured values in brackets; tornado chart: {chart}")


@app.command()
def forecast(
    config: Annotated[Path, typer.Argument(help="forecast YAML")] = Path("configs/forecast.yaml"),
    plot: Annotated[Path, typer.Option("--plot", help="where to save the chart (PNG)")] = Path(
        "results/forecast.png"
    ),
    out: OutOpt = Path("results"),
    json_output: JsonOpt = False,
) -> None:
    """Monthly peak platform load and servers needed as onboarding grows (multi-year)."""
    from sim.platform.forecast import forecast as run_forecast
    from sim.platform.forecast import load_forecast, plot_forecast

    with user_errors():
        settings, scenario = load_forecast(config)
        store = ResultsStore(out)
        store.prepare()
        run_id, _ = obtain(scenario, "fast", store, rerun=False, quiet=json_output)
        table = run_forecast(settings, scenario, store.table(run_id, "load"))
        image = plot_forecast(table, settings.description or settings.name, plot)
    if json_output:
        records = table.assign(month=table["month"].dt.strftime("%Y-%m")).to_dict("records")
        print(json.dumps({"run_id": run_id, "plot": str(image), "months": records}, indent=2))
        return
    view = Table(title=f"{settings.description} (from run {run_id})", title_justify="left")
    for column in ("month", "registered users", "peak learners", "peak requests/s", "servers"):
        view.add_column(column, justify="right")
    for row in table.itertuples():
        mark = " *" if row.campaign_month else ""
        view.add_row(
            row.month.strftime("%Y-%m") + mark,
            kpi_value(row.registered_users),
            kpi_value(row.peak_concurrent_learners),
            kpi_value(row.peak_requests_per_s),
            str(row.servers_needed),
        )
    console.print(view)
    console.print(f"* campaign-week month.  Chart: {image}")


@app.command()
def backtest(
    config: Annotated[Path, typer.Argument(help="fit settings YAML")] = Path(
        "configs/fits/history.yaml"
    ),
    cutoffs: Annotated[
        list[dt.datetime] | None,
        typer.Option(
            "--cutoff",
            formats=["%Y-%m-%d"],
            help="fit on figures up to this date "
            "(repeat; default: 2024-10-31, 2025-07-31, 2026-02-28)",
        ),
    ] = None,
    runs: Annotated[
        int | None, typer.Option("--runs", min=4, help="simulations per cut-off")
    ] = None,
    scale: ScaleOpt = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="processes")] = 2,
    out: OutOpt = Path("results"),
    json_output: JsonOpt = False,
) -> None:
    """Fit the whole-workforce model on the published figures up to each cut-off, forecast
    the later ones (error, inside the 10-90% band or not) and the scenario's last campaign
    week, with bands that include parameter uncertainty (results/backtest/)."""
    from sim.forecasting import backtest as bt
    from sim.forecasting.fit import fit_ensemble
    from sim.forecasting.priors import load_fit

    with user_errors():
        fit, scenario = load_fit(config)
        changes = {k: v for k, v in (("runs", runs), ("scale", scale)) if v is not None}
        fit = fit.model_copy(update=changes) if changes else fit
        dates = [c.date() for c in cutoffs] if cutoffs else list(bt.DEFAULT_CUTOFFS)
        for date in dates:
            if not scenario.calendar.start <= date <= scenario.calendar.end:
                raise UserError(
                    f"--cutoff {date}: outside the scenario's calendar "
                    f"{scenario.calendar.start}..{scenario.calendar.end}"
                )
        folder = writable_folder(out / "backtest")
        ensembles = []
        with progress_bar("runs", json_output) as bar:
            for date in dates:
                job = bar.add_task(f"cut-off {date}", total=fit.runs)
                ensemble = fit_ensemble(
                    fit, scenario, date, workers,
                    progress=lambda done, total, job=job: bar.update(job, completed=done),
                )  # fmt: skip
                scenario_path = (config.parent / fit.scenario).resolve()
                bt.save(ensemble, fit, folder / date.isoformat(), scenario_path)
                ensembles.append(ensemble)
        chart = folder / "backtests.png"
        bt.plot_backtests(ensembles, chart)
    tables = [bt.backtest_table(e) for e in ensembles]
    last = ensembles[-1]
    if json_output:
        print(json.dumps({
            "chart": str(chart),
            "cutoffs": [{"cutoff": e.cutoff.isoformat(), "effective_runs": e.ess,
                         "figures": t.assign(date=t["date"].astype(str)).to_dict("records")}
                        for e, t in zip(ensembles, tables, strict=True)],
            "posterior": bt.posterior_table(last, fit).to_dict("records"),
            "forecast": bt.forecast_table(last).to_dict("records"),
        }, indent=2, default=str))  # fmt: skip
        return
    for ensemble, table in zip(ensembles, tables, strict=True):
        view = Table(
            title=f"Cut-off {ensemble.cutoff}: forecasts of the later figures "
            f"({len(ensemble.weights)} runs, {ensemble.ess:.1f} effective)",
            title_justify="left",
        )
        for column in ("date", "figure", "published", "median", "10% - 90%", "error", "in band"):
            view.add_column(column, justify="left" if column == "figure" else "right")
        for row in table[table["role"] == "forecast"].itertuples():
            view.add_row(
                str(row.date), row.quantity, kpi_value(row.published), kpi_value(row.median),
                f"{kpi_value(row.p10)} - {kpi_value(row.p90)}", percent(row.error_pct),
                "yes" if row.in_band else "no",
            )  # fmt: skip
        inside, total = bt.in_band_counts(table)
        console.print(view)
        console.print(f"{inside} of {total} later figures inside the 10-90% band\n")
    posterior = Table(title=f"Posterior, cut-off {last.cutoff}", title_justify="left")
    for column in ("parameter", "prior", "median", "10% - 90%"):
        posterior.add_column(column, justify="left" if column != "median" else "right")
    for row in bt.posterior_table(last, fit).itertuples():
        posterior.add_row(row.parameter, row.prior, str(row.median), f"{row.p10} - {row.p90}")
    console.print(posterior)
    week = Table(title=f"Forecast of the last campaign, cut-off {last.cutoff}",
                 title_justify="left")  # fmt: skip
    for column in ("figure", "median", "10% - 90%"):
        week.add_column(column, justify="left" if column == "figure" else "right")
    for row in bt.forecast_table(last).itertuples():
        week.add_row(row.figure, kpi_value(row.p50), f"{kpi_value(row.p10)} - {kpi_value(row.p90)}")
    console.print(week)
    console.print(f"chart: {chart}; tables: {folder}/<cut-off>/")


@app.command()
def kpis(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="print the table of docs/kpis.md")
    ] = False,
    json_output: JsonOpt = False,
) -> None:
    """The KPI registry: every KPI, what it measures, its unit, how it scales."""
    from sim.results.kpis import KPIS, markdown_table

    if markdown:
        print(markdown_table(), end="")
        return
    if json_output:
        print(json.dumps([vars(k) for k in KPIS.values()], indent=2))
        return
    table = Table(title="KPIs (sim/results/kpis.py)", title_justify="left")
    for column in ("KPI", "unit", "scales", "meaning"):
        table.add_column(column)
    for k in KPIS.values():
        name = Text(k.name, style="bold" if k.headline else "")
        table.add_row(name, k.unit, "yes" if k.scales else "no", k.description)
    console.print(table)
    console.print("bold: headline KPIs (overview cards, bands, sweep summaries)")


@app.command()
def bench(
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="run only these cases: campaign, year (the default two), registered_week, "
            "national_week, national_year",
        ),
    ] = None,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="runs per case")] = 1,
    vs_reference: Annotated[
        bool,
        typer.Option(
            "--vs-reference",
            help="run the fast and the reference engine on the same sampled scenario instead",
        ),
    ] = False,
    agents: Annotated[
        int | None,
        typer.Option(
            "--agents",
            min=1_000,
            help="about this many agents (default: each case's own; 50,000 for --vs-reference)",
        ),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option("--days", min=1, help="only the last DAYS days of each case's calendar"),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="a git revision (main, HEAD~2, a commit) to run side by side with this "
            "tree, interleaved, with paired comparisons (an even --repeat, 6 or more)",
        ),
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    """Benchmarks: wall time, peak memory, sessions per second (each run in a fresh process;
    --vs-reference also runs each engine a second time in the same process)."""
    from sim.experiments.bench import (
        CASES,
        DEFAULT_CASES,
        BenchError,
        run_benchmarks,
        run_vs_reference,
        sized,
        vs_reference_scenario,
    )
    from sim.experiments.bench_against import exported, run_side_by_side

    comparisons = []
    with user_errors():
        unknown = sorted(set(only or []) - set(CASES))
        if unknown:
            raise UserError(f"unknown benchmark case {unknown}; cases: {', '.join(CASES)}")
        if vs_reference and (only or days or against):
            raise UserError(
                "--vs-reference runs its own case; do not combine it with --only, --days "
                "or --against"
            )
        if against is not None and repeat % 2:
            raise UserError(
                f"--against runs the two trees in ABBA order: give an even --repeat "
                f"(6 or more for the sign test to reach 5%), not {repeat}"
            )
        if not vs_reference:
            for case in only or DEFAULT_CASES:  # a config error here, not in a subprocess
                config, case_days, _ = CASES[case]
                calendar = sized(config, agents, case_days).calendar
                length = (calendar.end - calendar.start).days + 1
                if days and days > length:
                    raise UserError(f"--days {days} is longer than case {case} ({length} days)")
                if days:
                    try:
                        sized(config, agents, days)
                    except ConfigError as error:  # a campaign outside the shorter calendar
                        raise UserError(f"case {case} over its last {days} days: {error}") from None
        try:
            if vs_reference:
                check_engine("reference", vs_reference_scenario(agents))
                rows = run_vs_reference(repeat, err, agents)
            elif against is not None:
                with exported(against) as baseline:
                    rows, comparisons = run_side_by_side(
                        only or DEFAULT_CASES, repeat, baseline, err, agents, days
                    )
            else:
                rows = run_benchmarks(only or DEFAULT_CASES, repeat, err, agents, days)
        except BenchError as error:
            raise UserError(str(error)) from None
    if json_output:
        print(json.dumps({"runs": rows, "comparisons": [c.as_dict() for c in comparisons]}
                         if against is not None else rows, indent=2))  # fmt: skip
        return
    warm = ", but a warm process's second" if vs_reference else ""
    table = Table(title=f"karmasim bench (median over repeats; each run in its own process{warm})")
    for column in (
        "case",
        "agents",
        "days",
        "wall_s",
        "setup_s",
        "simulate_s",
        "summarise_s",
        "peak_mb",
        "bytes/officer",
        "sessions",
        "sessions_per_s",
        "target",
    ):
        table.add_column(column, justify="right" if column != "case" else "left")
    for row in rows:
        table.add_row(
            row["case"],
            f"{row['agents']:,.0f}",
            f"{row['days']:.0f}",
            f"{row['wall_s']:.2f}",
            f"{row['setup_s']:.2f}",
            f"{row['simulate_s']:.2f}",
            f"{row.get('step:summarise', 0.0):.2f}",
            f"{row['peak_mb']:.0f}",
            f"{row.get('population_bytes_per_officer', 0.0):.0f}",
            f"{row['sessions']:,.0f}",
            f"{row['sessions_per_s']:,.0f}",
            row["target"],
        )
    console.print(table)
    steps = sorted({k for row in rows for k in row if k.startswith("step:")})
    if steps:
        view = Table(title="Seconds per step (wall, median over repeats)")
        view.add_column("step")
        for row in rows:
            view.add_column(row["case"], justify="right")
        for step in steps:
            view.add_row(step.removeprefix("step:"), *(f"{row.get(step, 0):.2f}" for row in rows))
        console.print(view)
    if comparisons:
        paired = Table(
            title=f"this tree against {against}: paired runs, interleaved (ratio below 1: "
            "this tree is faster; sign test, two-sided)"
        )
        for column in ("case", "timing", "baseline median", "this tree", "ratio", "pairs",
                       "p", "verdict"):  # fmt: skip
            paired.add_column(column, justify="left" if column in ("case", "timing") else "right")
        for c in comparisons:
            paired.add_row(
                c.case, c.timing, f"{c.baseline_median:.2f}", f"{c.here_median:.2f}",
                f"{c.ratio:.3f}",
                f"{c.pairs_faster} faster, {c.pairs_slower} slower of {len(c.here)}",
                f"{c.p_value:.2f}", c.verdict,
            )  # fmt: skip
        console.print(paired)


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
