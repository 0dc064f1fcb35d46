"""`sim.process_settings`: the defaults `sim` gives numba and numpy where the user gave
none, and the user's environment a run of another tree starts from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim import process_settings
from sim.process_settings import DEFAULTS, MARKER, give_defaults

BOTH = "NUMBA_THREADING_LAYER,NUMPY_MADVISE_HUGEPAGE"


@pytest.mark.parametrize(
    ("environ", "given", "numpys"),
    [
        ({}, BOTH, "0"),  # nothing set: both given
        ({"NUMPY_MADVISE_HUGEPAGE": "1"}, "NUMBA_THREADING_LAYER", "1"),  # the user's stands
        ({"NUMPY_MADVISE_HUGEPAGE": "0"}, "NUMBA_THREADING_LAYER", "0"),  # even as sim's
        # inherited from a process whose `sim` gave both: given again
        ({**DEFAULTS, MARKER: BOTH}, BOTH, "0"),
        # inherited, then changed by the user: theirs
        ({**DEFAULTS, "NUMPY_MADVISE_HUGEPAGE": "1", MARKER: BOTH}, "NUMBA_THREADING_LAYER", "1"),
    ],
)
def test_a_default_is_given_only_where_the_user_gave_none(environ, given, numpys):
    assert give_defaults(environ) == frozenset(given.split(","))
    assert environ[MARKER] == given
    assert environ["NUMPY_MADVISE_HUGEPAGE"] == numpys


def test_importing_sim_gives_the_defaults_before_numpy_loads():
    environment = {k: v for k, v in os.environ.items() if k not in {*DEFAULTS, MARKER}}
    script = (
        "import sys, os, sim; "
        "print('numpy' in sys.modules, os.environ['NUMPY_MADVISE_HUGEPAGE'], "
        f"os.environ['{MARKER}'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True,
        cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "0", BOTH]


def test_the_users_environment_is_without_what_sim_gave(monkeypatch):
    monkeypatch.setattr(process_settings, "GIVEN", frozenset({"NUMPY_MADVISE_HUGEPAGE"}))
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "0")  # as `sim` gave it
    monkeypatch.setenv("NUMBA_THREADING_LAYER", "omp")  # as a user might
    users = process_settings.users_environment()
    assert "NUMPY_MADVISE_HUGEPAGE" not in users and MARKER not in users
    assert users["NUMBA_THREADING_LAYER"] == "omp"
