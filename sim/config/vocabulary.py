"""The model's fixed vocabularies: sectors, service groups, cadres, course categories,
competency areas, and the named ministries and states. Configs name them; officer and
course arrays store their index in these tuples."""

from functools import cache
from importlib import resources

import yaml

SERVICE_GROUPS = ("A", "B", "C")
SECTORS = ("central", "state", "local")
# Cadres: the kind of work an officer does. All but administration are frontline cadres.
CADRES = ("administration", "teachers", "police", "health", "field_staff")
FRONTLINE_CADRES = ("teachers", "police", "health", "field_staff")
CATEGORIES = ("common_recommended", "role_based", "ministry_recommended", "self_selected")
COMPETENCY_AREAS = ("behavioural", "functional", "domain")
# How a campaign or mandate asks officers to learn, from the mildest to the strongest.
MEANS = ("appeal", "directive", "appraisal_mandate")


@cache
def reference_units() -> dict[str, dict[str, float]]:
    """The named ministries (`central`) and states (`states`) with their relative sizes,
    from `sim/data/organisations.yaml`."""
    text = resources.files("sim.data").joinpath("organisations.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def unit_names() -> tuple[str, ...]:
    """Every ministry and state a config may name (campaign scope, mandates)."""
    units = reference_units()
    return (*units["central"], *units["states"])
