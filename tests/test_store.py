from __future__ import annotations

import pytest

from sim.results.store import ResultsStore, StoreError


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


def test_rewriting_a_run_replaces_it(tmp_path, baseline_run):
    store = ResultsStore(tmp_path)
    store.write(baseline_run)
    store.write(baseline_run)
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
