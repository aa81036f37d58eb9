"""Council policy parameters used by direct payment reviews (RULES.md §4, [LOCAL])."""

from dp.councils.domain.policy import REGISTRY, PolicyParameter

REVIEW_INITIAL_CHECK_WEEKS = REGISTRY.register(
    PolicyParameter(
        key="review_initial_check_weeks",
        label="Weeks after the first payment for the initial check",
        kind="int",
        unit="weeks",
        minimum=1,
        maximum=52,
        help="A light-touch check on a new direct payment, before the first review within 6 months. Unset means none.",
        source="Local policy (RULES.md DP-REV-03 and §4 initial_review_weeks: Gateshead and Wigan use 12 weeks)",
    )
)
