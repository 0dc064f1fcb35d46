"""The dashboard in a real headless Chromium: `streamlit run` on a free localhost port,
every page visited, a lever changed and a quick scenario run; screenshots are saved under
`test-output/browser/`. Debian's chromium is installed by `make test` (Playwright cannot
download its own browsers here)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import CONFIGS, ROOT
from playwright.sync_api import Page, expect, sync_playwright

from sim.config import load_scenario
from sim.results.store import ResultsStore
from sim.simulate import simulate

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "test-output" / "browser"
PAGES = {
    "overview": "Scenario overview",
    "campaign": "Campaign week",
    "platform": "Platform load",
    "replay": "Campaign replay",
    "competencies": "Competencies",
    "forecast": "Forecast",
    "designer": "Scenario designer",
    "export": "Export",
}


@pytest.fixture(scope="module")
def store_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser-store")
    store = ResultsStore(root)
    for name in ("baseline", "saptah_2024"):
        store.write(simulate(load_scenario(CONFIGS / f"{name}.yaml").with_overrides(scale=2000)))
    return root


def _start_streamlit(store_root: Path) -> tuple[subprocess.Popen, str]:
    """Streamlit on a port the system picks: a port found free can be taken before
    Streamlit binds it, so a start that finds it in use is retried on another."""
    env = {**os.environ, "KARMASIM_RESULTS": str(store_root)}
    for _ in range(5):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read() == b"ok":
                        return process, url
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    process.kill()
                    if "already in use" in output:
                        break  # taken in the meantime: another port
                    pytest.fail(f"streamlit did not start:\n{output}")
                time.sleep(0.5)
    pytest.fail("no free port for streamlit after 5 tries")


@pytest.fixture(scope="module")
def server(store_root):
    process, url = _start_streamlit(store_root)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server):
    assert Path(CHROMIUM).exists(), "chromium is missing: `make test` installs it (apt-get)"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.set_default_timeout(60_000)
        yield tab
        browser.close()


def visit(page: Page, server: str, path: str) -> None:
    page.goto(f"{server}/{path}")
    # the first page a fresh server runs also imports the app (a few seconds on a busy
    # machine): wait as long as for anything else, do not time (expect's own default is 5 s)
    heading = page.get_by_role("heading", name=PAGES[path]).first
    expect(heading).to_be_visible(timeout=60_000)
    page.wait_for_load_state("networkidle")
    # not running (a page that draws its slide in two formats takes a few seconds on a
    # busy machine: wait, do not time)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=30_000)


def no_exceptions(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_every_page_renders_cards_and_charts(page, server):
    visit(page, server, "overview")
    # at least 10 cards (two runs' headline KPIs): wait for the tenth, which can render
    # after the first on a busy machine
    expect(page.locator('[data-testid="stMetric"]').nth(9)).to_be_visible()
    no_exceptions(page)
    page.screenshot(path=SCREENSHOTS / "overview.png", full_page=True)

    for path, charts in (("campaign", 4), ("platform", 5), ("competencies", 1), ("forecast", 2)):
        visit(page, server, path)
        chart = page.locator('[data-testid="stVegaLiteChart"]')
        expect(chart.first).to_be_visible()
        expect(chart).to_have_count(charts)
        expect(chart.first.locator("canvas, svg").first).to_be_visible()  # drawn, not empty
        no_exceptions(page)
        page.screenshot(path=SCREENSHOTS / f"{path}.png", full_page=True)
        if path == "platform":  # the request-mix tornado, at the foot of the page
            chart.last.scroll_into_view_if_needed()
            expect(chart.last.locator("canvas, svg").first).to_be_visible()
            page.screenshot(path=SCREENSHOTS / "platform-tornado.png")

    visit(page, server, "replay")  # the slider moves, the metrics and the marker follow
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(2)
    metrics = page.locator('[data-testid="stMetricValue"]')
    expect(metrics).to_have_count(6)
    before = metrics.all_inner_texts()
    page.screenshot(path=SCREENSHOTS / "replay.png", full_page=True)
    thumb = page.get_by_role("slider").first
    thumb.focus()
    for _ in range(6):
        thumb.press("ArrowLeft")
    page.wait_for_load_state("networkidle")
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=30_000)
    page.wait_for_function(
        "([n, old]) => { const v = [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".map(e => e.innerText); return v.length === n && v.join('|') !== old; }",
        arg=[6, "|".join(before)],
    )
    no_exceptions(page)
    page.screenshot(path=SCREENSHOTS / "replay-moved.png", full_page=True)

    for path in ("export",):
        visit(page, server, path)
        no_exceptions(page)
        page.screenshot(path=SCREENSHOTS / f"{path}.png", full_page=True)
    expect(page.locator('[data-testid="stImage"]').first).to_be_visible()
    expect(page.get_by_text("Download the summary (PNG)")).to_be_visible()


def test_designer_changes_a_lever_and_runs_a_quick_scenario(page, server, store_root):
    visit(page, server, "designer")
    name = page.get_by_label("Name of the new scenario")
    name.fill("browser-run")
    name.press("Enter")
    target = page.get_by_label("Target hours per officer")
    target.fill("-2")
    target.press("Enter")
    expect(page.get_by_text("target_hours").first).to_be_visible()
    expect(page.get_by_role("button", name="Quick run")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "designer-invalid.png", full_page=True)

    target.fill("6")
    target.press("Enter")
    quick = page.get_by_role("button", name="Quick run")
    expect(quick).to_be_visible()
    quick.click()
    expect(page.get_by_text("Stored browser-run-fast-")).to_be_visible(timeout=120_000)
    no_exceptions(page)
    page.screenshot(path=SCREENSHOTS / "designer-run.png", full_page=True)
    assert any(r.startswith("browser-run-fast-") for r in ResultsStore(store_root).run_ids())

    visit(page, server, "overview")
    expect(page.get_by_text("browser-run · fast · 1:").first).to_be_visible()  # its details
    page.screenshot(path=SCREENSHOTS / "overview-with-new-run.png", full_page=True)


LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)
)


def test_designer_uploads_are_checked_before_use(page, server, store_root, tmp_path):
    """A hostile upload gets one message on the page and no run; a variant of a built-in
    scenario (base:) is accepted and its change shows in the levers."""
    before = ResultsStore(store_root).run_ids()
    visit(page, server, "designer")
    page.get_by_text("an uploaded YAML file").click()
    uploads = {
        "laughs.yaml": (LAUGHS + "name: *a9\n", "aliases are expanded"),
        "feb30.yaml": ("name: u\ncalendar: {start: 2024-02-30, end: 2024-11-10}\n",
                       "is not a real date"),
        "nostart.yaml": ("name: u\ncalendar: {start: 2024-10-01, end: 2024-11-10}\n"
                         "campaigns: [{name: c, planned_end: 2024-10-27}]\n", "campaigns[0].start"),
    }  # fmt: skip
    for file_name, (text, message) in uploads.items():
        path = tmp_path / file_name
        path.write_text(text)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
        expect(page.get_by_text(message).first).to_be_visible(timeout=30_000)  # a wait
        no_exceptions(page)
    page.screenshot(path=SCREENSHOTS / "designer-bad-upload.png", full_page=True)
    variant = tmp_path / "variant.yaml"
    variant.write_text(
        "base: saptah_2024.yaml\nname: uploaded\ncampaigns: {0: {target_hours: 7}}\n"
    )
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(variant))
    expect(page.get_by_label("Target hours per officer")).to_have_value("7.00", timeout=30_000)
    no_exceptions(page)
    assert ResultsStore(store_root).run_ids() == before
