"""The CLI end to end at a small scale, and what it does with bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.results.formatting import kpi_value, percent
from sim.results.store import ResultsStore
from tests.conftest import CONFIGS

runner = CliRunner()
SMALL = ["--scale", "400"]


def default_sigint() -> None:
    """The child reacts to Ctrl-C even when the suite runs in the background (where the
    shell hands its children SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_run_json_reports_kpis_and_the_run_folder(tmp_path):
    result = invoke("run", CONFIGS / "saptah_2024.yaml", *SMALL, "--out", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    required = {
        "officers", "participants", "enrolments", "completions", "learning_hours",
        "peak_concurrent_learners", "mean_hours_per_participant",
        "campaign_enrolments", "campaign_completions", "campaign_learning_hours",
        "campaign_participants", "campaign_participants_meeting_target",
    }  # fmt: skip
    assert required <= set(payload["kpis"])
    folder = tmp_path / "runs" / payload["run_id"]
    assert payload["run_dir"] == str(folder)
    for name in (
        "config.yaml",
        "kpis.json",
        "run.json",
        "daily.parquet",
        "load.parquet",
        "orgs.parquet",
    ):
        assert (folder / name).exists(), name
    meta = json.loads((folder / "run.json").read_text())
    assert {"config_hash", "seed", "package_version", "timings"} <= set(meta)
    assert meta["scale"] == 400


def test_run_prints_a_table(tmp_path):
    result = invoke("run", CONFIGS / "baseline.yaml", *SMALL, "--seed", "7", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "completions" in result.stdout and "stored in" in result.stdout


def test_compare_reports_deltas_against_the_first(tmp_path):
    result = invoke(
        "compare", CONFIGS / "baseline.yaml", CONFIGS / "saptah_2024.yaml", *SMALL,
        "--out", tmp_path, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    base, other = payload["runs"]
    assert payload["base"] == "baseline"
    assert base["delta"]["completions"] == 0
    expected = other["kpis"]["completions"] - base["kpis"]["completions"]
    assert other["delta"]["completions"] == pytest.approx(expected)
    assert other["pct_delta"]["completions"] == pytest.approx(
        100 * expected / base["kpis"]["completions"]
    )
    # A second compare reuses the stored runs (content-addressed) instead of re-running.
    again = invoke("compare", CONFIGS / "baseline.yaml", *SMALL, "--out", tmp_path, "--json")
    assert json.loads(again.stdout)["runs"][0]["kpis"] == base["kpis"]
    table = invoke(
        "compare",
        CONFIGS / "baseline.yaml",
        CONFIGS / "saptah_2024.yaml",
        *SMALL,
        "--out",
        tmp_path,
    )
    assert "in brackets the change against baseline" in table.stdout


@pytest.mark.parametrize("width", [80, 120, 160])
def test_compare_reads_at_any_width(tmp_path, width):
    """Every KPI name and every value whole, nothing wider than the terminal: one column
    per scenario with the change inline when it fits, one row per KPI and scenario when
    not."""
    scenarios = [CONFIGS / f"{n}.yaml" for n in
                 ("baseline", "saptah_2024", "saptah_2024_gap_targeted")]  # fmt: skip
    ran = invoke("compare", *scenarios, *SMALL, "--out", tmp_path, "--json")
    payload = json.loads(ran.stdout)
    result = invoke("compare", *scenarios, *SMALL, "--out", tmp_path, "--width", str(width))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "…" not in result.stdout
    text = " ".join(result.stdout.split())
    for name, value in payload["runs"][2]["kpis"].items():
        assert name in result.stdout, name
        assert kpi_value(value) in text, (name, kpi_value(value))
    pct = payload["runs"][2]["pct_delta"]["completions"]
    assert f"({percent(pct)})" in text
    wide = any(line.startswith("┃ KPI") and line.count("┃") == 5 for line in lines)
    assert wide == (width >= 120)  # about 100 columns needed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "name: x\ncalendar: {start: 2024-10-01, end: 2024-10-05}\nbogus: 1\n",
            "bogus: unknown key",
        ),
        ("name: x\ncalendar: {start: 2024-10-01, end: 2024-09-05}\n", "before start"),
        (
            "name: x\ncalendar: {start: 2024-10-01, end: 2024-10-05}\npopulation: {officers: -5}\n",
            "population.officers",
        ),
        ("name: [x\n", "not valid YAML"),
    ],
)
def test_bad_config_gives_one_message_exit_2_and_no_store(tmp_path, content, message):
    config = tmp_path / "bad.yaml"
    config.write_text(content)
    store = tmp_path / "store"
    result = invoke("run", config, "--out", store)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not store.exists()


def test_bad_arguments_exit_2(tmp_path):
    assert invoke("run", CONFIGS / "baseline.yaml", "--scale", "0").exit_code == 2
    assert invoke("run", tmp_path / "missing.yaml", "--out", tmp_path / "s").exit_code == 2
    unknown = invoke("run", CONFIGS / "baseline.yaml", "--engine", "warp", "--out", tmp_path / "s")
    assert unknown.exit_code == 2 and "unknown engine 'warp'" in unknown.stderr
    assert not (tmp_path / "s").exists()


def test_reference_engine_runs_through_the_same_store(tmp_path):
    args = ("run", CONFIGS / "saptah_2024.yaml", "--scale", "2000", "--out", tmp_path, "--json")
    result = invoke(*args, "--engine", "reference")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["meta"]["engine"] == "reference" and "-reference-" in payload["run_id"]
    store = ResultsStore(tmp_path)
    assert store.has(payload["run_id"])
    engines = store.query("select distinct engine from runs")["engine"].tolist()
    assert engines == ["reference"]


def test_reference_engine_refuses_a_full_population(tmp_path):
    result = invoke("run", CONFIGS / "baseline.yaml", "--engine", "reference", "--out", tmp_path)
    assert result.exit_code == 2
    assert "at most 200,000 agents" in result.stderr and "--scale 23" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not tmp_path.joinpath("runs").exists()


def test_interrupted_run_leaves_nothing_behind(tmp_path):
    """SIGINT in the middle of a run: exit 130, no run in the store, no staging left."""
    store = tmp_path / "store"
    process = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "run", str(CONFIGS / "year_2024.yaml"),
         "--scale", "20", "--out", str(store)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "120"},
        preexec_fn=default_sigint,
    )  # fmt: skip
    assert process.stderr.readline().decode().startswith("simulating year_2024")  # under way
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    assert ResultsStore(store).run_ids() == []
    staging = store / ".staging"
    assert not staging.exists() or not any(staging.iterdir())


def test_capacity_plan_reports_servers_options_and_reuses_the_run(tmp_path):
    args = ("capacity", CONFIGS / "saptah_2024.yaml", *SMALL, "--out", tmp_path)
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["servers_needed"] >= 1 and plan["peak_requests_per_s"] > 0
    assert {o["option"] for o in plan["options"]} >= {"peak all the time", "autoscaler"}
    assert [d["date"] for d in plan["per_day"]][0] == "2024-10-19"  # the campaign days
    staggering = plan["staggering"]
    assert staggering["waves"] == 3 and staggering["peak_requests_per_s_staggered"] > 0
    assert len(ResultsStore(tmp_path).run_ids()) == 2  # the scenario and its staggered variant
    stricter = invoke(*args, "--target-ms", "324", "--json")
    assert stricter.exit_code == 0, stricter.output
    assert json.loads(stricter.stdout)["servers_needed"] >= plan["servers_needed"]
    targets = [row["servers_needed"] for row in plan["by_target"]]
    assert targets == sorted(targets, reverse=True)  # tighter targets first, never fewer
    inputs = [row["input"] for row in plan["sensitivity"]]
    assert "progress_write_seconds" in inputs and Path(plan["tornado_chart"]).is_file()
    table = invoke(*args)
    assert table.exit_code == 0 and "Provisioning options" in table.stdout
    assert "Sensitivity to the request mix" in table.stdout
    bad = invoke(*args, "--target-ms", "0")
    assert bad.exit_code == 2
    unmeetable = invoke(*args, "--target-ms", "300")
    assert unmeetable.exit_code == 2 and "content_state_update" in unmeetable.stderr


def test_capacity_over_futures_gives_bands_and_a_budget(tmp_path):
    args = ("capacity", CONFIGS / "saptah_2024.yaml", "--scale", "2000", "--out", tmp_path)
    result = invoke(*args, "--seeds", "3", "--budget", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert len(plan["run_ids"]) == 3 and plan["campaign"] == "Karmayogi Saptah 2024"
    days = [d["date"] for d in plan["daily"]]
    assert days[0] == "2024-10-19" and days[-1] == "2024-10-27"
    assert len(plan["hourly"]) == 24 * len(days)
    for row in plan["hourly"]:
        assert row["servers_needed_p10"] <= row["servers_needed_p50"] <= row["servers_needed_p90"]
    figures = {row["figure"]: row for row in plan["summary"]}
    assert figures["peak_requests_per_s"]["p50"] > 0
    assert "autoscaler_minutes_over_latency_target" in figures
    budget = plan["budget"]
    assert budget["futures_required"] == 3 and budget["fixed_servers"] >= 1
    assert budget["autoscaler"]["futures_meeting_target"] >= 3
    assert Path(plan["chart"]).is_file()
    no_fit = invoke(*args, "--posterior", tmp_path / "nowhere")
    assert no_fit.exit_code == 2 and "nowhere" in no_fit.stderr
    for wrong, message in ((["--draws", "5"], "--draws needs --posterior"),
                           (["--budget"], "--budget plans for 9 in 10 futures")):  # fmt: skip
        refused = invoke(*args, *wrong)
        assert refused.exit_code == 2 and message in refused.stderr


def test_forecast_writes_a_table_and_a_chart(tmp_path):
    config = (CONFIGS / "forecast.yaml").read_text().replace("scale: 50", "scale: 2000")
    forecast_file = tmp_path / "forecast.yaml"
    forecast_file.write_text(config.replace("year_2024.yaml", str(CONFIGS / "year_2024.yaml")))
    plot = tmp_path / "forecast.png"
    result = invoke("forecast", forecast_file, "--plot", plot, "--out", tmp_path, "--json")
    assert result.exit_code == 0, result.output
    months = json.loads(result.stdout)["months"]
    assert months[0]["month"] == "2023-01" and months[-1]["month"] == "2027-12"
    users = [m["registered_users"] for m in months]
    assert users == sorted(users) and users[-1] <= 20_000_000
    october = [m for m in months if m["month"].endswith("-10")]
    assert all(m["campaign_month"] for m in october)
    assert plot.stat().st_size > 10_000
    broken = tmp_path / "broken.yaml"
    broken.write_text(config.replace("universe: 20000000", "universe: 5"))
    failed = invoke("forecast", broken, "--out", tmp_path)
    assert failed.exit_code == 2 and "universe" in failed.stderr


def test_compare_shows_bands_when_replications_exist(tmp_path):
    completions = []
    for seed in ("1", "2", "3"):
        ran = invoke("run", CONFIGS / "baseline.yaml", *SMALL, "--seed", seed, "--out", tmp_path,
                     "--json")  # fmt: skip
        assert ran.exit_code == 0
        completions.append(json.loads(ran.stdout)["kpis"]["completions"])
    result = invoke("compare", CONFIGS / "baseline.yaml", *SMALL, "--seed", "2", "--out",
                    tmp_path, "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    band = json.loads(result.stdout)["runs"][0]["bands"]["completions"]
    assert band["n"] == 3 and len(set(completions)) == 3  # three different runs
    assert [band["p10"], band["median"], band["p90"]] == pytest.approx(
        np.quantile(completions, [0.1, 0.5, 0.9])
    )
    table = invoke("compare", CONFIGS / "baseline.yaml", *SMALL, "--seed", "2", "--out", tmp_path)
    assert "Spread over runs" in table.stdout


def test_scenarios_lists_every_built_in_with_its_description(tmp_path):
    result = invoke("scenarios", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    names = {row["name"] for row in rows}
    assert {"saptah_2024", "saptah_2024_staggered", "saptah_2024_gap_targeted",
            "saptah_2024_no_extension", "saptah_2024_two_weeks",
            "saptah_2024_tight_platform"} <= names  # fmt: skip
    assert all(row["description"] for row in rows)
    missing = invoke("scenarios", tmp_path / "nowhere")
    assert missing.exit_code == 2 and "not a folder" in missing.stderr


def test_calibrate_and_its_report_write_their_outputs(tmp_path):
    fitted = invoke("calibrate", CONFIGS / "saptah_2024.yaml", "--scale", "4000",
                    "--evaluations", "6", "--seeds", "1", "--out", tmp_path, "--json")  # fmt: skip
    assert fitted.exit_code == 0, fitted.output
    payload = json.loads(fitted.stdout)
    assert 0 < payload["evaluations"] <= 6
    assert json.loads((tmp_path / "calibration" / "fit.json").read_text()) == payload
    report = invoke("calibration-report", CONFIGS / "saptah_2024.yaml", "--scale", "4000",
                    "--seeds", "2", "--out", tmp_path, "--json")  # fmt: skip
    assert report.exit_code == 0, report.output
    rows = json.loads(report.stdout)["rows"]
    assert {r["target"] for r in rows} >= {"participants", "participants meeting 4 h"}
    for r in rows:  # two seeds: two different values, the quantiles linear between them
        assert r["simulated_p10"] < r["simulated_p90"], r["target"]
        assert r["simulated_median"] == pytest.approx((r["simulated_p10"] + r["simulated_p90"]) / 2)
        assert r["error_pct"] == pytest.approx(100 * (r["simulated_median"] / r["published"] - 1))
    assert (tmp_path / "calibration" / "daily_completions.png").stat().st_size > 10_000
    no_campaign = invoke("calibrate", CONFIGS / "baseline.yaml", "--out", tmp_path)
    assert no_campaign.exit_code == 2 and "needs the 2024 campaign week" in no_campaign.stderr


def test_every_benchmark_case_names_a_config_that_runs(tmp_path):
    """`karmasim bench` found no config after sim/ was regrouped (its path pointed into
    sim/); every case's config must exist, and one benchmark run must work end to end."""
    from sim.experiments.bench import CASES, HERE, VS_REFERENCE, measure_in, sized

    for config, days, _ in CASES.values():
        assert sized(config, None, days).agents > 0  # the config exists and validates
    assert VS_REFERENCE["config"].is_file()
    row = measure_in(HERE, CASES["campaign"][0], "--agents", "2000", "--days", "30")
    assert row["agents"] > 0 and row["population_bytes_per_officer"] > 0
    # the engine comparison's second run in the same process: the next seed
    first, warm = measure_in(HERE, CASES["campaign"][0], "--agents", "2000", "--days", "30",
                             "--runs", "2")  # fmt: skip
    assert first["seed"] == row["seed"] and warm["seed"] == row["seed"] + 1
    assert first["sessions"] == row["sessions"] and warm["sessions"] != first["sessions"]


def test_the_engine_comparison_sets_each_fast_row_against_its_own_reference(monkeypatch):
    """`--vs-reference` medians: each engine's first runs against the other's first runs,
    and the warm process's against the warm process's."""
    from rich.console import Console

    from sim.experiments import bench

    seconds = {("fast", 0): 0.5, ("fast", 1): 0.2, ("reference", 0): 12.0, ("reference", 1): 11.0}

    def measured(tree, config, *options):
        engine = options[options.index("--engine") + 1]
        return [{"wall_s": seconds[engine, k], "simulate_s": seconds[engine, k] / 2}
                for k in (0, 1)]  # fmt: skip

    monkeypatch.setattr(bench, "measure_in", measured)
    rows = {row["case"]: row for row in bench.run_vs_reference(3, Console(quiet=True))}
    assert rows["fast engine"]["target"].startswith("24x wall, 24x simulate")
    assert rows["fast engine, warm process"]["target"].startswith("55x wall, 55x simulate")
    assert rows["reference engine"]["wall_s"] == 12.0 and rows["reference engine"]["target"] == "1x"


def _engine_raising(error: BaseException):
    class Failing:
        def __init__(self, scenario, progress=None):
            pass

        def run(self):
            raise error

    return Failing


def _kernel_error(root: BaseException) -> SystemError:
    """What a numba kernel raises when its call back into Python (`_numba_unpickle`) meets
    `root`: SystemErrors chained to it (as seen when Ctrl-C landed in `log_in_due`)."""
    error: BaseException = root
    for where in ("_numba_unpickle", "CPUDispatcher(log_in_due)"):
        try:
            raise SystemError(f"{where} returned a result with an exception set") from error
        except SystemError as chained:
            error = chained
    assert isinstance(error, SystemError)
    return error


def test_ctrl_c_inside_a_compiled_kernel_reads_as_an_interruption(monkeypatch):
    import sim.simulate as simulate_module
    from sim.config import load_scenario

    scenario = load_scenario(CONFIGS / "baseline.yaml").with_overrides(scale=1000)
    monkeypatch.setitem(
        simulate_module.ENGINES, "fast", _engine_raising(_kernel_error(KeyboardInterrupt()))
    )
    with pytest.raises(KeyboardInterrupt):
        simulate_module.simulate(scenario)
    other = _kernel_error(ValueError("a real failure"))
    monkeypatch.setitem(simulate_module.ENGINES, "fast", _engine_raising(other))
    with pytest.raises(SystemError):  # not an interruption: reported as it is
        simulate_module.simulate(scenario)


def test_ctrl_c_is_found_by_either_link_and_a_looping_chain_ends():
    from sim.simulate import interrupted

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise SystemError("with a cause of its own") from ValueError("other")
    except SystemError as error:
        assert interrupted(error)  # Ctrl-C in the context, another error as the cause
    first, second = SystemError("a"), SystemError("b")
    first.__cause__, second.__cause__ = second, first
    assert not interrupted(first)  # ends, and finds nothing
    second.__context__ = KeyboardInterrupt()
    assert interrupted(first)
