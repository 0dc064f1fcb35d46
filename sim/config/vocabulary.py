"""The model's fixed vocabularies: sectors, service groups, course categories, competency
areas. Configs name them; officer and course arrays store their index in these tuples."""

SERVICE_GROUPS = ("A", "B", "C")
SECTORS = ("central", "state", "local")
CATEGORIES = ("common_recommended", "role_based", "ministry_recommended", "self_selected")
COMPETENCY_AREAS = ("behavioural", "functional", "domain")
