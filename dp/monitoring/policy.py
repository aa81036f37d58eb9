"""Council monitoring policy parameters (RULES.md §4, all [LOCAL])."""

from dp.councils.domain.policy import REGISTRY, PolicyParameter

SURPLUS_ALLOWED_WEEKS = REGISTRY.register(
    PolicyParameter(
        key="surplus_allowed_weeks",
        label="Weeks of payments a person may keep before it is surplus",
        kind="int",
        unit="weeks",
        minimum=0,
        maximum=52,
        help="A balance above this many weeks of the council's payment, after commitments, can be recovered.",
        source="Local policy (RULES.md §4 surplus_threshold_weeks)",
    )
)
SURPLUS_MINIMUM_WEEKS = REGISTRY.register(
    PolicyParameter(
        key="surplus_minimum_weeks",
        label="Weeks of payments a person should hold as a contingency",
        kind="int",
        unit="weeks",
        minimum=0,
        maximum=52,
        help="A balance below this after commitments is flagged as under-funded.",
        source="Local policy (RULES.md §4 contingency_weeks)",
    )
)
