"""`karmasim bench --against REV`: the paired comparison's statistics against the sign
test's binomial distribution, and a real side-by-side run of a git revision (tiny, so it
times nothing that matters: speed is never asserted in tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from sim import process_settings
from sim.experiments.bench import Tree, _environment, check_imports
from sim.experiments.bench_against import BenchError, Comparison, exported, run_side_by_side

REPOSITORY = Path(__file__).resolve().parents[1]


def pairs(faster: int, slower: int, ties: int = 0) -> Comparison:
    baseline = [2.0] * (faster + slower + ties)
    here = [1.5] * faster + [2.5] * slower + [2.0] * ties
    return Comparison("campaign", "wall_s", baseline, here)


@pytest.mark.parametrize(
    ("faster", "slower", "ties", "p", "verdict"),
    [
        (6, 0, 0, 2 / 2**6, "faster"),  # all 6 agree: 2 * (1/2)^6
        (0, 6, 0, 2 / 2**6, "slower"),
        (5, 1, 0, 2 * (1 + 6) / 2**6, "within noise"),  # 2 * P(X <= 1), X ~ B(6, 1/2)
        (4, 0, 2, 2 / 2**4, "within noise"),  # ties dropped: 4 of 4
        (3, 3, 0, 1.0, "within noise"),
        (0, 0, 3, 1.0, "within noise"),  # all tied: nothing decided
        (9, 1, 0, 2 * (1 + 10) / 2**10, "faster"),
    ],
)
def test_the_sign_test_is_the_binomial_distributions(faster, slower, ties, p, verdict):
    comparison = pairs(faster, slower, ties)
    assert comparison.pairs_faster == faster and comparison.pairs_slower == slower
    assert comparison.p_value == pytest.approx(p)
    assert comparison.verdict == verdict


def test_the_ratio_is_of_the_medians_not_of_the_pairs():
    comparison = Comparison("campaign", "wall_s", [10.0, 1.0, 4.0], [2.0, 3.0, 3.0])
    assert comparison.ratio == pytest.approx(3.0 / 4.0)
    assert comparison.as_dict()["ratio"] == pytest.approx(0.75)


def test_a_revision_git_cannot_find_is_named():
    with (
        pytest.raises(BenchError, match="no commit 'no-such-revision'"),
        exported("no-such-revision", REPOSITORY),
    ):
        pass


def test_a_run_starts_from_the_users_environment_with_its_tree_first(monkeypatch):
    """A baseline tree's run must not inherit this tree's defaults (its own `sim` gives
    its own, `sim.process_settings`)."""
    monkeypatch.setattr(process_settings, "GIVEN", frozenset({"NUMPY_MADVISE_HUGEPAGE"}))
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "0")  # as `sim` gives it
    environment = _environment(Tree("baseline", REPOSITORY))
    assert "NUMPY_MADVISE_HUGEPAGE" not in environment
    assert environment["PYTHONPATH"].split(os.pathsep)[0] == str(REPOSITORY)


def test_a_tree_whose_runs_would_import_another_trees_code_is_refused(tmp_path):
    """A folder without the project's code: `python -m` there would import the installed
    copy, and the figures would be this tree's, not the folder's."""
    with pytest.raises(BenchError, match="would import"):
        check_imports(Tree("an empty folder", tmp_path))


@pytest.mark.skipif(
    shutil.which("git") is None or not (REPOSITORY / ".git").exists(),
    reason="needs the project as a git repository",
)
def test_a_revision_runs_side_by_side_and_its_folder_is_removed():
    head = subprocess.run(
        ["git", "-C", str(REPOSITORY), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    quiet = Console(quiet=True)
    with exported("HEAD", REPOSITORY) as baseline:
        root = baseline.root
        assert head[:8] in baseline.label and (root / "sim" / "experiments" / "bench.py").is_file()
        rows, comparisons = run_side_by_side(["campaign"], 2, baseline, quiet, 2_000, 30)
    assert not root.exists()
    assert [row["case"] for row in rows] == [f"campaign @ {baseline.label}", "campaign @ this tree"]
    assert all(row["sessions"] > 0 and row["repeats"] == 2 for row in rows)
    assert [c.timing for c in comparisons] == ["wall_s", "setup_s", "simulate_s"]
    assert all(len(c.baseline) == len(c.here) == 2 for c in comparisons)
    assert all(value > 0 for c in comparisons for value in c.baseline + c.here)
