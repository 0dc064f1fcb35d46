"""Benchmarks side by side (`karmasim bench --against REV`): this tree against a git
revision of it, case by case, each run in a fresh process.

The machines this runs on are shared: the same code can run 10-15% slower from one run
to the next. A change is therefore judged only against a baseline measured in the same
sitting, interleaved: each repeat runs both trees, in alternating order (ABBA), so that a
drift in the machine's load favours neither. The comparison is of the pairs: the ratio of
the medians, and how many pairs agree on its direction, with a two-sided sign test's
p-value for that agreement arising by chance (with ties dropped). At least 6 repeats are
needed for the sign test to reach 5%.

The revision's files are exported with `git archive` into a temporary folder, deleted
afterwards. Each tree first runs a small untimed warm-up, so that numba compiles its
kernels there before any timed run (a fresh tree has no kernel cache).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import statistics
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console

from sim.experiments.bench import (
    CASES,
    HERE,
    REPOSITORY,
    BenchError,
    Tree,
    check_imports,
    measure_in,
    median_row,
    run_options,
)

COMPARED = ("wall_s", "setup_s", "simulate_s")  # the timings compared pair by pair
SIGNIFICANCE = 0.05
WARM_UP_AGENTS = 20_000


@dataclass(frozen=True)
class Comparison:
    """One timing of one case, this tree against the baseline, over paired runs."""

    case: str
    timing: str
    baseline: list[float]
    here: list[float]

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline)

    @property
    def here_median(self) -> float:
        return statistics.median(self.here)

    @property
    def ratio(self) -> float:
        """Median here over median at the baseline (below 1: this tree is faster)."""
        return self.here_median / self.baseline_median

    @property
    def pairs_faster(self) -> int:
        return sum(h < b for h, b in zip(self.here, self.baseline, strict=True))

    @property
    def pairs_slower(self) -> int:
        return sum(h > b for h, b in zip(self.here, self.baseline, strict=True))

    @property
    def p_value(self) -> float:
        """Two-sided sign test of the pairs (ties dropped): how likely this much agreement
        on one direction is when neither tree is faster."""
        from scipy.stats import binomtest

        decided = self.pairs_faster + self.pairs_slower
        if decided == 0:
            return 1.0
        return float(binomtest(self.pairs_faster, decided).pvalue)

    @property
    def verdict(self) -> str:
        if self.p_value > SIGNIFICANCE:
            return "within noise"
        return "faster" if self.pairs_faster > self.pairs_slower else "slower"

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "ratio": self.ratio,
            "pairs_faster": self.pairs_faster,
            "pairs_slower": self.pairs_slower,
            "p_value": self.p_value,
            "verdict": self.verdict,
        }


@contextlib.contextmanager
def exported(revision: str, repository: Path = REPOSITORY) -> Iterator[Tree]:
    """The files of `revision` in a temporary folder, removed on leaving."""
    if not revision.strip():
        raise BenchError("--against needs a revision (main, HEAD~2, a commit)")
    git = ["git", "-C", str(repository)]
    try:
        found = subprocess.run(
            [*git, "rev-parse", "--verify", "-q", "--end-of-options", f"{revision}^{{commit}}"],
            capture_output=True,
            text=True,
        )
        if found.returncode != 0:
            raise BenchError(f"--against: git finds no commit {revision!r} in {repository}")
        commit = found.stdout.strip()
        archive = subprocess.run([*git, "archive", "--format=tar", commit], capture_output=True)
    except FileNotFoundError:
        raise BenchError("--against needs git, and git is not on the PATH") from None
    if archive.returncode != 0:
        message = archive.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        raise BenchError(f"--against: git archive {commit[:8]} failed: {message[-1]}")
    root = Path(tempfile.mkdtemp(prefix=f"karmasim-bench-{commit[:8]}-"))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(root, filter="data")
        yield Tree(f"{revision} ({commit[:8]})", root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_side_by_side(
    cases: list[str],
    repeat: int,
    baseline: Tree,
    console: Console,
    agents: int | None = None,
    days: int | None = None,
) -> tuple[list[dict], list[Comparison]]:
    """Each case on both trees, interleaved; returns the median rows (baseline, then this
    tree, per case) and the paired comparisons of `COMPARED`."""
    here = HERE
    for tree in (baseline, here):
        check_imports(tree)
    rows: list[dict] = []
    comparisons: list[Comparison] = []
    for case in cases:
        config, case_days, target = CASES[case]
        options = run_options(agents, days or case_days)
        warm_up = run_options(min(agents or WARM_UP_AGENTS, WARM_UP_AGENTS), days or case_days)
        for tree in (baseline, here):
            console.print(f"bench {case}: warming up {tree.label} (untimed) ...")
            measure_in(tree, config, *warm_up)
        samples: dict[str, list[dict]] = {baseline.label: [], here.label: []}
        for i in range(repeat):
            order = (baseline, here) if i % 2 == 0 else (here, baseline)
            for tree in order:
                console.print(f"bench {case} run {i + 1}/{repeat}: {tree.label} ...")
                samples[tree.label].append(measure_in(tree, config, *options))
        for label, runs in samples.items():
            row = median_row(runs)
            row.update({"case": f"{case} @ {label}", "target": target, "repeats": repeat})
            rows.append(row)
        comparisons += [
            Comparison(
                case,
                timing,
                [run[timing] for run in samples[baseline.label]],
                [run[timing] for run in samples[here.label]],
            )
            for timing in COMPARED
        ]
    return rows, comparisons
