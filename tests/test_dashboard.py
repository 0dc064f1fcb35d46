"""Every dashboard page under Streamlit's AppTest: no exception, and widgets change what
is shown. The store holds two small runs (1 agent per 2,000 officers)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from conftest import CONFIGS, ROOT
from streamlit.testing.v1 import AppTest

from sim.config import load_scenario
from sim.results.store import ResultsStore
from sim.simulate import simulate

APP = str(ROOT / "dashboard" / "app.py")
TIMEOUT = 120


@pytest.fixture(scope="module")
def store_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("dashboard-store")
    store = ResultsStore(root)
    for name in ("baseline", "saptah_2024"):
        store.write(simulate(load_scenario(CONFIGS / f"{name}.yaml").with_overrides(scale=2000)))
    return root


def app_on(root, monkeypatch) -> AppTest:
    """The dashboard, run once, reading the store at `root`."""
    monkeypatch.setenv("KARMASIM_RESULTS", str(root))
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.run()
    assert not test.exception
    return test


@pytest.fixture
def app(store_root, monkeypatch) -> AppTest:
    return app_on(store_root, monkeypatch)


def open_page(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"views/{page}.py")
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def chart_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def chart_data(app: AppTest, index: int = 0) -> pd.DataFrame:
    """The data a chart was given (Streamlit sends it beside the spec, as Arrow)."""
    dataset = app.get("vega_lite_chart")[index].proto.datasets[0]
    return pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()


def test_overview_cards_follow_the_chosen_runs(app):
    assert len(app.metric) >= 10  # cards for both runs
    saptah = next(m for m in app.metric if m.label == "campaign participants meeting target")
    assert saptah.value != "0"
    runs = app.multiselect[0]
    runs.set_value(runs.value[:1]).run()
    assert len(app.metric) < 10
    assert all(m.proto.delta == "" for m in app.metric)  # the only run is its own baseline


def test_overview_deltas_are_against_the_chosen_baseline(app):
    baseline = app.selectbox[0]
    first = {m.label: m.proto.delta for m in app.metric}
    baseline.set_value(baseline.options[1]).run()
    second = {m.label: m.proto.delta for m in app.metric}
    assert first != second


def test_campaign_page_overlays_published_rates_and_ranks_organisations(app):
    open_page(app, "campaign")
    specs = chart_specs(app)
    assert len(specs) == 4
    assert "layer" in specs[0]  # completions with the published segments
    app.checkbox[0].uncheck().run()
    assert "layer" not in chart_specs(app)[0]
    board = app.dataframe[-1].value
    app.selectbox[-1].set_value("completions").run()
    assert list(app.dataframe[-1].value["completions"]) == sorted(
        app.dataframe[-1].value["completions"], reverse=True
    )
    assert not board.equals(app.dataframe[-1].value)


def test_platform_page_switches_the_heatmap_measure(app):
    open_page(app, "platform_load")
    assert any(m.label == "servers needed" for m in app.metric)
    before = chart_specs(app)[0]
    app.radio[0].set_value("requests_per_s").run()
    after = chart_specs(app)[0]
    assert "requests per s" in json.dumps(after) and before != after
    assert len(app.dataframe) == 2  # the hourly servers table and the sensitivity table


def test_platform_page_shows_the_request_mix_tornado(app):
    open_page(app, "platform_load")
    spec = json.dumps(chart_specs(app)[-1])
    assert "progress_write_seconds (30 - 120)" in spec and '"x2"' in spec
    table = app.dataframe[-1].value
    assert list(table["input"])[0] == "progress_write_seconds"  # the largest swing first
    picker = next(s for s in app.selectbox if s.label == "Run for the sensitivity")
    costs = "cost, INR (low - high end)"
    first_cost = table[costs].iloc[0]
    picker.set_value(picker.options[1]).run()
    assert app.dataframe[-1].value[costs].iloc[0] != first_cost


def test_competencies_page_shows_coverage_gaps_and_organisations(app):
    open_page(app, "competencies")
    labels = [m.label for m in app.metric]
    assert "coverage" in labels and "role readiness" in labels
    assert any("at the start" in c.value for c in app.caption)
    by_sector = chart_specs(app)[0]
    app.radio[0].set_value("cadre").run()
    by_cadre = chart_specs(app)[0]
    assert by_cadre != by_sector
    assert set(chart_data(app)["value"]) == {
        "administration",
        "teachers",
        "police",
        "health",
        "field_staff",
    }
    app.selectbox(key="competencies.measure").set_value("with a domain course").run()
    assert chart_specs(app)[0] != by_cadre
    gaps = app.dataframe[0].value
    assert gaps["unmet_end"].tolist() == sorted(gaps["unmet_end"], reverse=True)
    lowest = app.dataframe[1].value["competency_coverage"].tolist()
    assert lowest == sorted(lowest)
    app.radio[1].set_value("highest coverage").run()
    highest = app.dataframe[1].value["competency_coverage"].tolist()
    assert highest == sorted(highest, reverse=True) and highest[0] >= lowest[-1]


@pytest.fixture(scope="module")
def replicated_root(tmp_path_factory):
    """A store with the 2024 week at three seeds (one replication key)."""
    root = tmp_path_factory.mktemp("replicated-store")
    store = ResultsStore(root)
    scenario = load_scenario(CONFIGS / "saptah_2024.yaml").with_overrides(scale=2000)
    for seed in (1, 2, 3):
        store.write(simulate(scenario.with_overrides(seed=seed)))
    return root


@pytest.fixture
def replicated_app(replicated_root, monkeypatch) -> AppTest:
    return app_on(replicated_root, monkeypatch)


def test_competencies_page_shows_bands_over_replications(replicated_app):
    app = replicated_app
    open_page(app, "competencies")
    assert any("10-90%" in c.value and "over 3 runs" in c.value for c in app.caption)
    rows = chart_data(app)
    assert ((rows["p10"] <= rows["median"]) & (rows["median"] <= rows["p90"])).all()
    assert (rows["p10"] < rows["p90"]).any() and set(rows["runs"]) == {3}


def test_forecast_page_shows_the_fit_the_backtest_and_the_week_with_bands(app):
    open_page(app, "forecast")
    specs = chart_specs(app)
    assert len(specs) == 2  # registered users, completions since launch
    assert all("layer" in spec for spec in specs)  # band, median, published points, cut-off
    # the latest cut-off has every published figure fitted: nothing left to backtest
    assert any("nothing to backtest" in i.value for i in app.info)
    week, posterior = (frame.value for frame in app.dataframe)
    assert len(week) == 10 and week["10% - 90%"].str.contains(" - ").all()
    assert "median" in posterior.columns and len(posterior) >= 10
    app.selectbox[0].set_value(app.selectbox[0].options[0]).run()  # the earliest cut-off
    assert not app.exception
    backtest = app.dataframe[0].value
    assert len(backtest) >= 8 and set(backtest["in band"]) <= {"yes", "no"}
    assert chart_specs(app) != specs


def test_designer_shows_the_problem_next_to_the_field_and_runs_nothing(app, store_root):
    open_page(app, "designer")
    before = ResultsStore(store_root).run_ids()
    target = next(n for n in app.number_input if n.label == "Target hours per officer")
    target.set_value(-1.0).run()
    assert any("target_hours" in e.value for e in app.error)
    assert not app.button  # no run buttons while invalid
    assert ResultsStore(store_root).run_ids() == before


def test_designer_policy_levers_are_checked_next_to_their_field(app):
    open_page(app, "designer")
    waves = next(n for n in app.number_input if n.label.startswith("Ministries in waves"))
    waves.set_value(3).run()  # the 2024 week is extended: a staggered one cannot be
    assert any("cannot also be extended" in e.value for e in app.error)
    assert not app.button
    extend = next(c for c in app.checkbox if c.label == "Extend the campaign")
    extend.uncheck().run()
    assert not app.error and app.button  # valid again: the run buttons are back
    gap = next(t for t in app.toggle if t.label.startswith("Gap-targeted"))
    gap.set_value(True).run()
    assert "gap_targeted" in app.code[0].value  # the scenario as YAML


@pytest.fixture
def private_store(store_root, tmp_path, monkeypatch) -> Path:
    """A copy of the shared store for a test that writes to it, so that no other test
    depends on running before or after it."""
    root = tmp_path / "store"
    shutil.copytree(store_root, root)
    monkeypatch.setenv("KARMASIM_RESULTS", str(root))
    return root


def test_designer_quick_run_lands_in_the_store_and_the_comparison(private_store):
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    store_root = private_store
    open_page(app, "designer")
    app.text_input[0].set_value("designer-test").run()
    seats = next(n for n in app.number_input if n.label == "Webinar seats")
    seats.set_value(10_000).run()
    quick = next(b for b in app.button if b.label.startswith("Quick run"))
    quick.click().run(timeout=TIMEOUT)
    assert not app.exception
    assert any(r.startswith("designer-test-fast-") for r in ResultsStore(store_root).run_ids())
    assert any("Stored" in s.value for s in app.success)
    open_page(app, "overview")
    assert any(label.startswith("designer-test") for label in app.multiselect[0].value)


def test_replay_steps_through_the_campaign_hour_by_hour(app):
    """Two runs side by side; moving the hour (slider or step button) changes the metrics
    and the marker on the charts."""
    open_page(app, "replay")
    assert [s.value for s in app.selectbox][:2] == ["baseline", "saptah_2024"]
    assert len(app.metric) == 6 and len(app.get("vega_lite_chart")) == 2
    slider = app.select_slider(key="replay.hour")
    start = slider.value
    assert "IST" in start
    before = ([m.value for m in app.metric], chart_data(app))
    options = slider.options
    slider.set_value(options[options.index(start) - 10]).run()
    after = ([m.value for m in app.metric], chart_data(app))
    assert after[0] != before[0]
    app.button(key="replay.forward").click().run()
    assert app.select_slider(key="replay.hour").value == options[options.index(start) - 9]
    marker = json.dumps(chart_specs(app)[0])
    assert '"rule"' in marker


def test_export_offers_images_and_tables(app):
    open_page(app, "export")
    downloads = app.get("download_button")
    assert len(downloads) >= 2 + 1 + 3 * 2 + 1  # summary PNG and PDF, a chart, CSVs
    assert len(app.get("image")) == 2  # the summary page and a chart


def test_the_slide_summary_carries_bands_and_the_assumptions_line(replicated_app):
    """PDF and PNG from the export page; drawn again as SVG (text kept as text) to read
    what the slide says: each value's 10-90% band and the assumptions line."""
    import sys

    sys.path.insert(0, str(ROOT / "dashboard"))
    from images import summary_png

    app = open_page(replicated_app, "export")
    assumptions = app.text_input[1].value
    assert "saptah_2024 · fast · 1:2000 · seed 1" in assumptions and "docs/model.md" in assumptions
    labels = [d.proto.label for d in app.get("download_button")]
    assert "Download the summary (PDF)" in labels and "Download the summary (PNG)" in labels
    kpis = pd.DataFrame({"a": [100.0, 2.0]}, index=["completions", "servers_needed"])
    daily = pd.DataFrame(
        {"date": pd.date_range("2024-10-19", periods=3), "new_completions": [1, 3, 2]}
    )
    band = {"completions": {"p10": 90.0, "median": 100.0, "p90": 111.0, "n": 3}}
    shade = daily[["date"]].assign(low=[0.5, 2.0, 1.0], high=[2.0, 4.0, 3.0])
    svg = summary_png("T", kpis, {"a": daily}, {"a": "#123456"}, {"a": band}, {"a": shade},
                      "assumed: everything", "svg").decode()  # fmt: skip
    assert "[90 - 111]" in svg and "assumed: everything" in svg and "10-90% bands" in svg
    pdf = summary_png("T", kpis, {"a": daily}, {"a": "#123456"}, image_format="pdf")
    assert pdf.startswith(b"%PDF")


def test_empty_store_explains_how_to_make_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("KARMASIM_RESULTS", str(tmp_path / "empty"))
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    assert not app.exception
    assert "No runs in the results store" in app.info[0].value
    assert not (tmp_path / "empty").exists()  # reading an empty store creates nothing


def test_run_labels_are_short_and_tell_runs_apart(app, replicated_app):
    """A scenario's name alone when it has one run; with only what differs (the seed
    here) when it has several; the full description beside it on the overview."""
    assert app.multiselect[0].options == ["baseline", "saptah_2024"]
    assert replicated_app.multiselect[0].options == [
        "saptah_2024 · seed 1", "saptah_2024 · seed 2", "saptah_2024 · seed 3",
    ]  # fmt: skip
    details = " ".join(m.value for m in app.markdown)
    assert "saptah_2024 · fast · 1:2000 · seed" in details


def test_replications_show_as_bands(replicated_app):
    app = replicated_app
    assert any("over 3 seeds" in c.value for c in app.caption)
    open_page(app, "campaign")
    for spec in chart_specs(app):  # every daily chart: the 10-90% band under each line
        assert '"area"' in json.dumps(spec)
    open_page(app, "platform_load")
    assert any("10-90%" in c.value and "over 3 runs" in c.value for c in app.caption)
    minute_charts = [json.dumps(s) for s in chart_specs(app)[1:4]]  # after the heatmap
    assert len(minute_charts) == 3 and all('"area"' in spec for spec in minute_charts)


def test_posterior_draws_show_as_bands_with_parameter_uncertainty(tmp_path, monkeypatch):
    from sim.forecasting.posterior import load_posterior, posterior_draws

    store = ResultsStore(tmp_path)
    scenario = load_scenario(CONFIGS / "sadhana_2026_national.yaml").with_overrides(scale=100_000)
    fit = load_posterior(ROOT / "sim" / "data" / "history_fit" / "2026-02-28")
    for draw in posterior_draws(scenario, fit, 3):
        store.write(simulate(draw))
    monkeypatch.setenv("KARMASIM_RESULTS", str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    assert any("over 3 posterior draws" in c.value for c in app.caption)
    open_page(app, "campaign")
    assert '"area"' in json.dumps(chart_specs(app)[0])
