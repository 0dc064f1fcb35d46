"""The bad-input catalogue: every input a hostile but fair user tried, each answered with
exit status 2 and one message naming the problem, no traceback, and nothing stored.

Each case is a command line (files it needs are written first) and a fragment of the
expected message. Uploads to the dashboard's designer go through `upload_settings` and
`scenario_problems`, the two calls the page makes before it reads any field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import CONFIGS, ROOT
from typer.testing import CliRunner

from sim.cli import app
from sim.config import ConfigError, scenario_problems, upload_settings

SAPTAH = str(CONFIGS / "saptah_2024.yaml")
FIT = str(ROOT / "sim" / "data" / "history_fit" / "2026-02-28")
LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)
)


def variant(body: str) -> str:
    """A scenario file that changes the 2024 week by `body`."""
    return f"base: {SAPTAH}\nname: bad_input\n{body}"


@dataclass
class Case:
    id: str
    args: list[str]  # "{x}" is replaced by the path of file x, "{out}" by the store
    message: str
    files: dict[str, str] = field(default_factory=dict)

    def param(self):
        return pytest.param(self, id=self.id)


def _run(*args) -> list[str]:
    return ["run", *args, "--scale", "4000", "--out", "{out}"]


CLI_CASES = [
    # the YAML reader
    Case("impossible-date", _run("{s}"), "'2024-02-30' is not a real date",
         {"s": variant("calendar: {start: 2024-02-30}\n")}),
    Case("month-13", _run("{s}"), "'2024-13-01' is not a real date",
         {"s": variant("calendar: {start: 2024-13-01}\n")}),
    Case("deep-nesting", _run("{s}"), "nested too deeply", {"s": "[" * 50_000 + "]" * 50_000}),
    Case("nesting-over-the-limit", _run("{s}"), "nested more than 64 levels",
         {"s": "a: " + "[" * 70 + "]" * 70 + "\n"}),
    Case("billion-laughs-as-base", _run("{s}"), "aliases are expanded",
         {"s": LAUGHS + "base: *a9\n"}),
    Case("billion-laughs-as-name", _run("{s}"), "aliases are expanded",
         {"s": LAUGHS + f"base: {SAPTAH}\nname: *a9\n"}),
    Case("base-is-dev-zero", _run("{s}"), "larger than 256 KiB", {"s": "base: /dev/zero\n"}),
    Case("file-is-dev-zero", _run("/dev/zero"), "larger than 256 KiB"),
    Case("duplicate-key", _run("{s}"), "key 'target_hours' is given twice (first at line 5)",
         {"s": variant("campaigns:\n  0:\n    target_hours: 4\n    target_hours: 9\n")}),
    Case("infinite-max-rate", _run("{s}"), "'.inf' is not a usable number",
         {"s": variant("population: {propensity: {max_logins_per_working_day: .inf}}\n")}),
    Case("nan-target", _run("{s}"), "'.nan' is not a usable number",
         {"s": variant("campaigns: {0: {target_hours: .nan}}\n")}),
    Case("huge-median-rate", _run("{s}"), "less than or equal to 50",
         {"s": variant("population: {propensity: {median_logins_per_working_day: 1e300}}\n")}),
    Case("infinite-target-hours", _run("{s}"), "not a usable number",
         {"s": variant("campaigns: {0: {target_hours: .inf}}\n")}),
    Case("infinite-latency-target", _run("{s}"), "not a usable number",
         {"s": variant("platform: {latency_target_ms: .inf}\n")}),
    Case("not-yaml", _run("{s}"), "not valid YAML at line 2", {"s": "name: [unclosed\n"}),
    Case("not-utf8", _run("{s}"), "not UTF-8 text", {"s": "\udcff"}),
    Case("empty-file", _run("{s}"), "expected a mapping", {"s": ""}),
    Case("a-list", _run("{s}"), "expected a mapping", {"s": "- a\n- b\n"}),
    Case("missing-file", _run("{out}/none.yaml"), "no such file"),
    Case("a-folder", _run(str(CONFIGS)), "is a directory"),
    Case("markup-in-a-path", _run("{out}/[/x].yaml"), "[/x].yaml: no such file"),
    Case("markup-in-a-key", _run("{s}"), "[/x]: unknown key", {"s": variant('"[/x]": 1\n')}),
    Case("base-cycle", _run("{s}"), "base files refer to each other",
         {"s": "base: self.yaml\n"}),
    # values accepted before, wrongly
    Case("officers-true", _run("{s}"), "expected a number, got true or false",
         {"s": variant("population: {officers: true}\n")}),
    Case("seed-false", _run("{s}"), "expected a number, got true or false",
         {"s": variant("seed: false\n")}),
    Case("servers-true", _run("{s}"), "platform.servers: expected a number",
         {"s": variant("platform: {servers: true}\n")}),
    Case("multiplier-true", _run("{s}"), "expected a number",
         {"s": variant("population: {sector_propensity_multiplier: {state: true}}\n")}),
    Case("huge-integer", _run("{s}"), "is not a usable number (too long",
         {"s": variant("seed: " + "9" * 5000 + "\n")}),
    Case("huge-hex-base", _run("{s}"), "is not a usable number", {"s": "base: 0x" + "f" * 5000}),
    Case("base-60-number", _run("{s}"), "quote it",
         {"s": variant("campaigns: {0: {webinars: {times_ist: [12:00]}}}\n")}),
    Case("merge-key", _run("{s}"), "merge keys (<<) are not accepted",
         {"s": variant("a: &a {b: 1}\nc: {<<: *a}\n")}),
    Case("hidden-name", _run("{s}"), "'..' is not a usable name",
         {"s": f"base: {SAPTAH}\nname: ..\n"}),
    Case("name-with-slash", _run("{s}"), "is not a usable name",
         {"s": f"base: {SAPTAH}\nname: a/b\n"}),
    Case("negative-seed", _run("{s}"), "seed: Input should be greater than or equal to 0",
         {"s": variant("seed: -1\n")}),
    Case("unknown-key", _run("{s}"), "colour: unknown key", {"s": variant("colour: red\n")}),
    Case("unknown-sector", _run("{s}"), "unknown sector",
         {"s": variant("population: {sectors: {moon: 1.0}}\n")}),
    Case("shares-not-one", _run("{s}"), "add up to 1",
         {"s": variant("population: {service_groups: {A: 0.5, B: 0.1, C: 0.1}}\n")}),
    Case("campaign-outside-calendar", _run("{s}"), "outside the calendar",
         {"s": variant("campaigns: {0: {start: 2030-01-01, planned_end: 2030-01-05, "
                       "extended_end: null, extension_announced: null}}\n")}),
    Case("unknown-state", _run("{s}"), "unknown",
         {"s": variant("campaigns: {0: {target_units: [Atlantis]}}\n")}),
    Case("target-on-top", _run("{s}"), "a target belongs to its campaign",
         {"s": variant("target_hours: 4\n")}),
    # command-line options
    Case("unknown-engine", [*_run(SAPTAH), "--engine", "warp"], "unknown engine"),
    Case("scale-zero", ["run", SAPTAH, "--scale", "0", "--out", "{out}"], "Invalid value"),
    Case("seed-text", ["run", SAPTAH, "--seed", "abc", "--out", "{out}"], "Invalid value"),
    Case("out-is-a-file", ["run", SAPTAH, "--scale", "4000", "--out", "{f}"],
         "cannot write results to", {"f": "a file\n"}),
    Case("out-under-a-file", ["run", SAPTAH, "--scale", "4000", "--out", "{f}/results"],
         "cannot write results to", {"f": "a file\n"}),
    Case("out-in-proc", ["run", SAPTAH, "--scale", "4000", "--out", "/proc"],
         "cannot write results to /proc"),
    Case("capacity-infinite-target", ["capacity", SAPTAH, "--scale", "4000", "--target-ms", "inf",
                                      "--out", "{out}"], "finite number"),
    Case("compare-posterior-not-a-fit", ["compare", SAPTAH, "--posterior", "{out}", "--out",
                                         "{out}"], "is not a fitted ensemble"),
    Case("compare-posterior-wrong-model", ["compare", SAPTAH, "--posterior", FIT, "--out",
                                           "{out}"], "must be built on it"),
    Case("backtest-cutoff-outside", ["backtest", "--cutoff", "2030-01-01", "--out", "{out}"],
         "outside the scenario's calendar"),
    # sweeps
    Case("sweep-not-an-address", ["sweep", "{w}", "--cluster", "not a url", "--out", "{out}"],
         "is not a Dask scheduler address", {"w": f"name: w\nscenarios: [{SAPTAH}]\n"}),
    Case("sweep-nobody-listening", ["sweep", "{w}", "--cluster", "tcp://127.0.0.1:1", "--out",
                                    "{out}"], "cannot reach a Dask scheduler",
         {"w": f"name: w\nscenarios: [{SAPTAH}]\n"}),
    Case("sweep-unknown-executor", ["sweep", "{w}", "--executor", "gpu", "--out", "{out}"],
         "unknown executor", {"w": f"name: w\nscenarios: [{SAPTAH}]\n"}),
    Case("sweep-laughs-in-grid", ["sweep", "{w}", "--out", "{out}"], "aliases are expanded",
         {"w": LAUGHS + f"name: w\nscenarios: [{SAPTAH}]\ngrid: {{seed_x: *a9}}\n"}),
    Case("sweep-reserved-path", ["sweep", "{w}", "--out", "{out}"], "set by the sweep",
         {"w": f"name: w\nscenarios: [{SAPTAH}]\ngrid: {{seed: [1, 2]}}\n"}),
    Case("sweep-unknown-path", ["sweep", "{w}", "--out", "{out}"], "nope: unknown key",
         {"w": f"name: w\nscenarios: [{SAPTAH}]\ngrid: {{behaviour.nope: [1, 2]}}\n"}),
    Case("sweep-seeds-and-posterior", ["sweep", "{w}", "--out", "{out}"], "not both",
         {"w": f"name: w\nscenarios: [{SAPTAH}]\nseeds: {{count: 2}}\n"
               f"posterior: {{fit: {FIT}}}\n"}),
    Case("sweep-hidden-name", ["sweep", "{w}", "--out", "{out}"], "is not a usable name",
         {"w": f"name: .hidden\nscenarios: [{SAPTAH}]\n"}),
    # more scenario fields
    Case("scale-too-large", ["run", SAPTAH, "--scale", "2000000", "--out", "{out}"],
         "less than or equal to 1000000"),
    Case("scale-leaves-nobody", _run("{s}"), "leaves no simulated officer",
         {"s": variant("population: {officers: 10}\n")}),
    Case("unknown-cadre", _run("{s}"), "unknown",
         {"s": variant("population: {cadre_propensity_multiplier: {pilots: 2}}\n")}),
    Case("unknown-means", _run("{s}"), "means",
         {"s": variant("campaigns: {0: {means: threat}}\n")}),
    Case("bad-webinar-time", _run("{s}"), "25:00",
         {"s": variant("campaigns: {0: {webinars: {times_ist: ['25:00']}}}\n")}),
    Case("negative-target", _run("{s}"), "target_hours",
         {"s": variant("campaigns: {0: {target_hours: -4}}\n")}),
    Case("share-above-one", _run("{s}"), "less than or equal to 1",
         {"s": variant("campaigns: {0: {engagement: {probability: 1.5}}}\n")}),
    Case("calendar-backwards", _run("{s}"), "calendar",
         {"s": variant("calendar: {start: 2024-12-01, end: 2024-11-01}\n")}),
    Case("base-missing", _run("{s}"), "no such file", {"s": "base: nowhere.yaml\nname: x\n"}),
    Case("base-not-a-mapping", _run("{s}"), "expected a mapping",
         {"s": "base: list.yaml\nname: x\n", "list": "- 1\n"}),
    Case("unit-midpoint-unknown-state", _run("{s}"), "unit_midpoints unit",
         {"s": f"base: {CONFIGS / 'sadhana_2026.yaml'}\nname: x\npopulation: {{adoption: "
               "{state: {unit_midpoints: {Atlantis: 2025-01-01}}}}\n"}),
    Case("reference-at-full-scale", ["run", SAPTAH, "--engine", "reference", "--out", "{out}"],
         "at most 200,000 agents"),
    # other commands
    Case("compare-second-file-missing", ["compare", SAPTAH, "{out}/none.yaml", "--out", "{out}"],
         "no such file"),
    Case("compare-one-draw", ["compare", SAPTAH, "--posterior", FIT, "--draws", "1", "--out",
                              "{out}"], "Invalid value"),
    Case("backtest-too-few-runs", ["backtest", "--runs", "2", "--out", "{out}"], "Invalid value"),
    Case("backtest-date-format", ["backtest", "--cutoff", "31-12-2025", "--out", "{out}"],
         "Invalid value"),
    Case("backtest-not-a-fit-file", ["backtest", SAPTAH, "--out", "{out}"], "unknown key"),
    Case("calibrate-without-a-campaign", ["calibrate", str(CONFIGS / "baseline.yaml"), "--out",
                                          "{out}"], "needs the 2024 campaign week"),
    Case("capacity-zero-target", ["capacity", SAPTAH, "--target-ms", "0", "--out", "{out}"],
         "Invalid value"),
    Case("scenarios-not-a-folder", ["scenarios", "{out}/nowhere"], "not a folder"),
    Case("bench-unknown-case", ["bench", "--only", "galaxy"], "unknown benchmark case"),
    Case("bench-against-unknown-revision", ["bench", "--only", "campaign", "--against",
                                            "no-such-revision", "--repeat", "2"],
         "no commit 'no-such-revision'"),
    Case("bench-days-outside-the-campaign", ["bench", "--only", "campaign", "--days", "5"],
         "outside the calendar"),
    Case("bench-days-longer-than-the-case", ["bench", "--only", "campaign", "--days", "400"],
         "longer than case campaign"),
    Case("bench-against-odd-repeat", ["bench", "--only", "campaign", "--against", "HEAD",
                                      "--repeat", "3"], "even --repeat"),
    Case("bench-against-no-revision", ["bench", "--only", "campaign", "--against", "",
                                       "--repeat", "2"], "needs a revision"),
    Case("bench-against-with-vs-reference", ["bench", "--vs-reference", "--against", "HEAD"],
         "do not combine it with"),
    Case("sweep-missing-file", ["sweep", "{out}/none.yaml", "--out", "{out}"], "no such file"),
    Case("sweep-no-scenarios", ["sweep", "{w}", "--out", "{out}"], "scenarios",
         {"w": "name: w\nscenarios: []\n"}),
    Case("sweep-zero-seeds", ["sweep", "{w}", "--out", "{out}"], "seeds.count",
         {"w": f"name: w\nscenarios: [{SAPTAH}]\nseeds: {{count: 0}}\n"}),
    Case("sweep-posterior-not-a-fit", ["sweep", "{w}", "--out", "{out}"],
         "is not a fitted ensemble", {"w": f"name: w\nscenarios: [{SAPTAH}]\n"
                                           "posterior: {fit: nowhere}\n"}),
]  # fmt: skip


def _materialise(case: Case, tmp_path: Path) -> tuple[list[str], Path]:
    out = tmp_path / "results"
    paths = {}
    for key, text in case.files.items():
        path = tmp_path / ("self.yaml" if "self.yaml" in text else f"{key}.yaml")
        if "\udcff" in text:
            path.write_bytes(b"name: \xff\xfe\n")
        else:
            path.write_text(text, "utf-8")
        paths[key] = str(path)
    args = [a.replace("{out}", str(out)).format(**paths) if "{" in a else a for a in case.args]
    return args, out


@pytest.mark.parametrize("case", [c.param() for c in CLI_CASES])
def test_bad_input_on_the_command_line(case: Case, tmp_path):
    args, out = _materialise(case, tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert case.message in result.output, result.output
    assert "Traceback" not in result.output
    runs = out / "runs"
    assert not runs.exists() or not any(runs.iterdir())  # nothing stored


def test_user_text_with_markup_prints_as_it_is(tmp_path):
    """A description with "[/]" is the user's text, not markup: the run prints it."""
    path = tmp_path / "markup.yaml"
    path.write_text(variant('description: "oops [/] closing"\n'))
    result = CliRunner().invoke(app, ["run", str(path), "--scale", "8000", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "oops [/] closing" in result.output


UPLOAD_CASES = [
    ("campaign-without-start", "name: u\ncalendar: {start: 2024-10-01, end: 2024-11-10}\n"
     "campaigns: [{name: c, planned_end: 2024-10-27}]\n", "campaigns[0].start"),
    ("seed-text", "name: u\nseed: abc\ncalendar: {start: 2024-10-01, end: 2024-11-10}\n",
     "seed"),
    ("seed-negative", "name: u\nseed: -1\ncalendar: {start: 2024-10-01, end: 2024-11-10}\n",
     "seed"),
    ("campaigns-as-mapping", "name: u\ncalendar: {start: 2024-10-01, end: 2024-11-10}\n"
     "campaigns: {a: 1}\n", "campaigns"),
    ("february-30", "name: u\ncalendar: {start: 2024-02-30, end: 2024-11-10}\n",
     "'2024-02-30' is not a real date"),
    ("deep-nesting", "[" * 50_000 + "]" * 50_000, "nested too deeply"),
    ("billion-laughs-name", LAUGHS + "name: *a9\n", "aliases are expanded"),
    ("base-outside-the-built-ins", "base: /dev/zero\n", "is not a built-in scenario"),
    ("base-climbing-out", "base: ../../etc/passwd\n", "is not a built-in scenario"),
    ("not-a-mapping", "- 1\n- 2\n", "expected a mapping"),
    ("duplicate-key", "name: a\nname: b\n", "given twice"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"), [pytest.param(t, m, id=i) for i, t, m in UPLOAD_CASES]
)
def test_bad_uploads_are_named_before_any_field_is_read(text, message):
    try:
        data = upload_settings(text, "upload.yaml", CONFIGS)
    except ConfigError as error:
        assert message in str(error)
        return
    found = scenario_problems(data)
    assert found, "the upload was accepted"
    assert any(message in f"{where}: {why}" for where, why in found), found


def test_an_upload_may_start_from_a_built_in_scenario():
    data = upload_settings(
        "base: saptah_2024.yaml\nname: mine\ncampaigns: {0: {target_hours: 6}}\n",
        "upload.yaml",
        CONFIGS,
    )
    assert scenario_problems(data) == []
    assert data["campaigns"][0]["target_hours"] == 6 and data["name"] == "mine"
