"""The council's charging policy parameters (RULES.md §2; all [LOCAL] choices).

When a value is not set the national default applies (CALCULATE.md: 100% taper, no minimum
charge, national capital limits, national MIG, no standard disability-related expenditure)."""

from dp.councils.domain.policy import REGISTRY, PolicyParameter

LOCAL_MIG = REGISTRY.register(
    PolicyParameter(
        key="charging_minimum_income_guarantee_weekly_pence",
        label="Local Minimum Income Guarantee (weekly)",
        kind="pence",
        minimum=0,
        help=(
            "Leave unset to use the national MIG for each person. A council may only set more than the national amount."
        ),
        source="Charging Regulations 2014 reg 7; local discretion (RULES.md §2.3)",
    )
)
TAPER = REGISTRY.register(
    PolicyParameter(
        key="charging_taper_percent",
        label="Share of disposable income charged",
        kind="int",
        unit="%",
        minimum=0,
        maximum=100,
        help="100% unless the council charges less of a person's disposable income.",
        source="Local discretion (RULES.md §2.1)",
    )
)
MINIMUM_CHARGE = REGISTRY.register(
    PolicyParameter(
        key="charging_minimum_charge_weekly_pence",
        label="Minimum weekly charge",
        kind="pence",
        minimum=0,
        help="Charges below this are waived.",
        source="Local policy (RULES.md §2.8)",
    )
)
CAPITAL_LOWER = REGISTRY.register(
    PolicyParameter(
        key="charging_capital_lower_limit_pence",
        label="Lower capital limit (local)",
        kind="pence",
        minimum=0,
        help="Leave unset for the national limit. Councils may set higher limits for people who live at home.",
        source="CH-CAP-04 (LAC 2024/25)",
    )
)
CAPITAL_UPPER = REGISTRY.register(
    PolicyParameter(
        key="charging_capital_upper_limit_pence",
        label="Upper capital limit (local)",
        kind="pence",
        minimum=0,
        help="Leave unset for the national limit.",
        source="CH-CAP-04 (LAC 2024/25)",
    )
)
STANDARD_DRE = REGISTRY.register(
    PolicyParameter(
        key="charging_standard_dre_weekly_pence",
        label="Standard disability-related expenditure allowance (weekly)",
        kind="pence",
        minimum=0,
        help="Allowed when a person's costs are not itemised.",
        source="CH-ALW-03 (local policy)",
    )
)
UPRATING_SECOND_OFFICER = REGISTRY.register(
    PolicyParameter(
        key="charging_uprating_second_officer",
        label="Annual uprating approved by a second officer",
        kind="bool",
        help=(
            "Yes: the officer who started an annual uprating cannot approve it. Until a value is set, a second "
            "officer is needed."
        ),
        source="Local financial controls (separation of duties)",
    )
)
