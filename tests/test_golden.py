"""The golden back-test: sampled runs on both engines match their committed fingerprints.

A difference means results changed. If the change is deliberate, regenerate with
`make golden` and explain in the commit message which fingerprints moved and why.
"""

from __future__ import annotations

import pytest

from tests.golden import CASES, differences, load_golden, run_case


@pytest.fixture(scope="module")
def golden():
    return load_golden()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matches_golden(case, golden):
    assert case.name in golden, f"no golden fingerprint for {case.name}: run `make golden`"
    changed = differences(golden[case.name], run_case(case))
    assert not changed, f"{case.name} differs from its golden fingerprint:\n" + "\n".join(
        changed[:40]
    )
