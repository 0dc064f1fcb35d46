"""How long each dashboard page takes to open on full-scale runs (target: under 3 s).

Uses the store in `--results` (default `results/`, as filled by `make demo`: four
full-scale runs). Each page is opened in a fresh Python process (a cold Streamlit cache,
as for the first visitor) through Streamlit's AppTest; the script run is timed, and the
median of `--repeat` cold opens is reported. A warm rerun in the same process is timed
too (the cache at work).

    .venv/bin/python benchmarks/dashboard_pages.py [--results results] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
PAGES = ["overview", "campaign", "platform_load", "competencies", "designer", "export"]


def open_page(page: str) -> dict[str, float]:
    import time

    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=120)
    started = time.perf_counter()
    app.run()  # the overview, with a cold cache
    cold = time.perf_counter() - started
    if page != "overview":
        app.switch_page(f"views/{page}.py")
        started = time.perf_counter()
        app.run()
        cold = time.perf_counter() - started
    started = time.perf_counter()
    app.run()
    warm = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(f"{page}: {app.exception[0].message}")
    return {"cold_s": cold, "warm_s": warm}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page")
    args = parser.parse_args()
    if args.page:  # one measurement, in this fresh process
        print(json.dumps(open_page(args.page)))
        return
    env = {**os.environ, "KARMASIM_RESULTS": str(args.results.resolve())}
    print(f"{'page':<14} {'cold (median)':>14} {'warm (median)':>14}")
    for page in PAGES:
        samples = [
            json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--page", page],
                    env=env, check=True, capture_output=True, text=True,
                ).stdout.strip().splitlines()[-1]
            )
            for _ in range(args.repeat)
        ]  # fmt: skip
        cold = statistics.median(s["cold_s"] for s in samples)
        warm = statistics.median(s["warm_s"] for s in samples)
        print(f"{page:<14} {cold:>12.2f} s {warm:>12.2f} s")


if __name__ == "__main__":
    main()
