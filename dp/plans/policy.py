"""Council policy parameters used by support plans (RULES.md §1.3-1.4, §3; all [LOCAL])."""

from dp.councils.domain.policy import REGISTRY, PolicyParameter

CHILDREN_SHORT_BREAK_NIGHTS = REGISTRY.register(
    PolicyParameter(
        key="children_short_break_nights_per_year",
        label="Overnight short breaks a child's direct payment may pay for",
        kind="int",
        unit="nights a year",
        minimum=0,
        maximum=366,
        help="Plans for children paying for more overnight short breaks than this by direct payment are refused.",
        source="Local policy (RULES.md DP-RES-04, CHD-03: Oxfordshire allows up to 120 a year)",
    )
)
ALLOW_LONG_TERM_RESIDENTIAL = REGISTRY.register(
    PolicyParameter(
        key="dp_allow_long_term_residential",
        label="Direct payments may pay for long-term residential care",
        kind="bool",
        help="Only councils in the residential direct payments trailblazer (SI 2013/2270). Unset means no.",
        source="RULES.md DP-RES-01, DP-RES-03",
    )
)
ALLOW_COUNCIL_SERVICES = REGISTRY.register(
    PolicyParameter(
        key="dp_allow_council_services",
        label="Direct payments may buy the council's own services",
        kind="bool",
        help="For example a council-run day centre, on a one-off or short-term basis. Unset means no.",
        source="RULES.md DP-USE-04 (Think Local Act Personal)",
    )
)
