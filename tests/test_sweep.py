"""Sweeps: expansion and seeds, resuming after an interruption, and a real Dask cluster
(a `dask scheduler` and two `dask worker` processes on loopback) that loses a worker
mid-sweep without losing or duplicating a run."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CONFIGS, ROOT

from sim.config import ConfigError
from sim.experiments.executors import ProcessExecutor, SerialExecutor
from sim.experiments.sweep import load_sweep, run_sweep
from sim.results.store import ResultsStore

BIN = Path(sys.executable).parent


def default_sigint() -> None:
    """The child reacts to Ctrl-C even when the suite runs in the background (where the
    shell hands its children SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def write_sweep(tmp_path: Path, seeds: int, scale: int = 2000, grid: str = "", name="t") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"name: {name}\n"
        f"scenarios: [{CONFIGS / 'baseline.yaml'}, {CONFIGS / 'saptah_2024.yaml'}]\n"
        f"scale: {scale}\nseeds: {{count: {seeds}, entropy: 7}}\n" + grid
    )
    return path


def test_expansion_gives_every_point_the_same_seeds(tmp_path):
    grid = (
        "grid:\n  behaviour.max_courses_per_session: [2, 4]\n"
        "  behaviour.drop_hazard_per_hour: [0.1, 0.2]\n"
    )
    _, tasks = load_sweep(write_sweep(tmp_path, seeds=3, grid=grid))
    assert len(tasks) == 2 * 4 * 3
    seeds = {}
    for task in tasks:
        seeds.setdefault((task.scenario_name, task.point), []).append(task.scenario.seed)
    assert len({tuple(s) for s in seeds.values()}) == 1  # common seeds everywhere
    assert len(set(next(iter(seeds.values())))) == 3
    assert len({t.run_id for t in tasks}) == len(tasks)
    first = tasks[0].scenario
    assert first.behaviour.max_courses_per_session == 2
    assert first.behaviour.drop_hazard_per_hour == 0.1


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        ("grid:\n  behaviour.nonsense: [1]\n", "unknown key"),
        ("grid:\n  campaigns.3.target_hours: [1]\n", "no item '3'"),
        ("grid:\n  seed: [1, 2]\n", "seeds and scale are set by the sweep"),
        ("grid:\n  behaviour.drop_hazard_per_hour: [-1]\n", "drop_hazard_per_hour"),
    ],
)
def test_bad_sweeps_are_named_before_anything_runs(tmp_path, grid, message):
    with pytest.raises(ConfigError, match=message):
        load_sweep(write_sweep(tmp_path, seeds=2, grid=grid))


def test_serial_and_process_executors_store_each_run_once(tmp_path):
    _, tasks = load_sweep(write_sweep(tmp_path, seeds=2))
    with SerialExecutor() as executor:
        serial = run_sweep(tasks, tmp_path / "a", executor)
    with ProcessExecutor(2) as executor:
        parallel = run_sweep(tasks, tmp_path / "b", executor)
    again = run_sweep(tasks, tmp_path / "b", SerialExecutor())
    assert serial.ran == parallel.ran == len(tasks) and not serial.failed
    assert again.ran == 0 and again.skipped == len(tasks)
    a, b = ResultsStore(tmp_path / "a"), ResultsStore(tmp_path / "b")
    assert a.run_ids() == b.run_ids() == sorted(t.run_id for t in tasks)
    for run_id in a.run_ids():  # the same runs, byte for byte, whichever executor made them
        assert (a.runs_dir / run_id / "kpis.json").read_bytes() == (
            b.runs_dir / run_id / "kpis.json"
        ).read_bytes()


def sweep_command(sweep: Path, store: Path, *options: str) -> list[str]:
    return [str(BIN / "karmasim"), "sweep", str(sweep), "--out", str(store), "--json", *options]


def wait_for_runs(store: Path, count: int, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while len(ResultsStore(store).run_ids()) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.1)


def test_an_interrupted_sweep_resumes_with_what_is_missing(tmp_path):
    sweep, store = write_sweep(tmp_path, seeds=6, scale=1000), tmp_path / "store"
    process = subprocess.Popen(
        sweep_command(sweep, store, "--executor", "serial"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        preexec_fn=default_sigint,
    )  # fmt: skip
    wait_for_runs(store, 3, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr.decode()
    stored = len(ResultsStore(store).run_ids())
    assert 3 <= stored < 12

    resumed = subprocess.run(
        sweep_command(sweep, store, "--executor", "serial"), capture_output=True, cwd=ROOT
    )
    assert resumed.returncode == 0, resumed.stderr.decode()
    summary = json.loads(resumed.stdout)
    assert summary["already_stored"] == stored and summary["ran"] == 12 - stored
    assert len(ResultsStore(store).run_ids()) == 12


@pytest.fixture
def dask_cluster(tmp_path):
    """A real scheduler on a port it picks itself (no race for a free port: its address is
    read from the scheduler file) and two single-threaded workers (no nanny: a killed
    worker stays dead)."""
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    scheduler_file = tmp_path / "scheduler.json"
    with contextlib.ExitStack() as stack:
        processes = {}

        def start(name: str, arguments: list[str]) -> None:
            log = stack.enter_context(open(logs / f"{name}.log", "w"))
            processes[name] = subprocess.Popen(
                [str(BIN / "dask"), *arguments], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
            )

        try:
            arguments = ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
            start("scheduler", [*arguments, "--scheduler-file", str(scheduler_file)])
            address = _scheduler_address(scheduler_file, processes["scheduler"], logs)
            for name in ("worker-a", "worker-b"):
                start(name, ["worker", address, "--nthreads", "1", "--no-nanny",
                             "--no-dashboard", "--name", name])  # fmt: skip
            from dask.distributed import Client

            with Client(address, timeout="60s") as client:
                client.wait_for_workers(2, timeout=60)
            yield address, [processes["worker-a"], processes["worker-b"]]
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    process.kill()


def _scheduler_address(scheduler_file: Path, scheduler, logs: Path) -> str:
    """The address the scheduler wrote once it listens (waiting up to a minute)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert scheduler.poll() is None, (logs / "scheduler.log").read_text()
        try:
            return json.loads(scheduler_file.read_text())["address"]
        except (FileNotFoundError, ValueError, KeyError):
            time.sleep(0.1)
    raise AssertionError((logs / "scheduler.log").read_text())


def test_dask_cluster_survives_a_dead_worker(tmp_path, dask_cluster):
    address, workers = dask_cluster
    sweep, store = write_sweep(tmp_path, seeds=8, scale=1000), tmp_path / "store"
    env = {**os.environ, "KARMASIM_DASK_SCHEDULER": address}  # the environment variable path
    process = subprocess.Popen(
        sweep_command(sweep, store), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=ROOT, env=env,
    )  # fmt: skip
    wait_for_runs(store, 3, process)
    workers[0].send_signal(signal.SIGKILL)  # mid-sweep: the other worker picks up its tasks
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()
    summary = json.loads(stdout)
    assert summary["ran"] + summary["already_stored"] == 16 and not summary["failed"]
    assert "executor dask on " + address in stderr.decode()
    _, tasks = load_sweep(sweep)
    assert ResultsStore(store).run_ids() == sorted(t.run_id for t in tasks)  # none lost
    manifest = json.loads(Path(summary["manifest"]).read_text())
    reported = [(r["scenario"], r["point"], r["replication"]) for r in manifest["tasks"]]
    assert len(reported) == len(set(reported)) == 16  # every task reported exactly once
    assert workers[0].poll() is not None and workers[1].poll() is None
