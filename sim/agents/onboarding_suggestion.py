"""The recruits' onboarding suggestion (`RecruitOnboarding.suggest`) in a form the
session kernel runs itself (`learning_kernel`), so that a session with it is one compiled
call instead of one call per course step with Python in between.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit


@dataclass(frozen=True)
class OnboardingSuggestion:
    """A recommender simple enough for the session kernel to run itself, so that a
    session with it is one call (`RecruitOnboarding.suggest`): each enrolling recruit
    (`officers.recruit`) short of `courses.size` completions draws a uniform, after the
    step's own draws, and below `compliance` takes the next of `courses`."""

    courses: np.ndarray  # in the order recruits take them
    compliance: float


@njit(cache=True, nogil=True)
def suggest_onboarding(who, enrolling: int, completions, onboarding, rng, suggested) -> None:
    """`OnboardingSuggestion` for a step's enrolling officers (`who`), into `suggested`."""
    recruit, courses, compliance = onboarding
    for column in range(enrolling):
        suggested[column] = -1
        if courses.size == 0:
            continue
        officer = who[column]
        done = completions[officer]
        if recruit[officer] and done < courses.size and rng.random() < compliance:
            suggested[column] = courses[done]
