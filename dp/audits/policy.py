"""Council policy for audits and recovery (RULES.md §4 "First check / audit frequency", DP-REP-01; all [LOCAL]).

Registered like `dp.monitoring.policy`: administrators set effective-dated values on the council
settings page; `dp.audits.selectors.audit_policy` and `recovery_policy` read the ones in force.
"""

from dp.councils.domain.policy import REGISTRY, PolicyParameter

INITIAL_CHECK_WEEKS = REGISTRY.register(
    PolicyParameter(
        key="audit_initial_check_weeks",
        label="Weeks after the first payment before the first check",
        kind="int",
        unit="weeks",
        minimum=1,
        maximum=52,
        help="A new direct payment is checked this many weeks after its first payment (often 12).",
        source="Local policy (RULES.md §4 initial_review_weeks)",
    )
)
INTERVAL_MONTHS = REGISTRY.register(
    PolicyParameter(
        key="audit_interval_months",
        label="Months between audits",
        kind="int",
        unit="months",
        minimum=1,
        maximum=12,
        help="At least yearly (DP Regs 2014 reg 7(1)(a)).",
        source="Local policy (RULES.md §4 audit_interval_months)",
    )
)
OPEN_FINDING_DAYS = REGISTRY.register(
    PolicyParameter(
        key="audit_open_finding_days",
        label="Days after a finding by which an audit is due",
        kind="int",
        unit="days",
        minimum=1,
        maximum=365,
        help="An open finding brings the next audit forward to this many days after it was raised.",
        source="Local policy (DP Regs 2014 reg 7(1)(b)-(d): triggered reviews)",
    )
)
FULL_AUDIT_OPEN_FINDINGS = REGISTRY.register(
    PolicyParameter(
        key="audit_full_open_findings",
        label="Open findings that make an audit a full audit",
        kind="int",
        minimum=1,
        maximum=50,
        help="With this many open findings (or any high-severity one) the person is asked for records.",
        source="Local policy (RULES.md DP-REV-04: proportionate monitoring)",
    )
)
INFORMATION_DAYS = REGISTRY.register(
    PolicyParameter(
        key="audit_information_days",
        label="Days a person has to send the records asked for",
        kind="int",
        unit="days",
        minimum=7,
        maximum=90,
        help="The due date on the letter asking for records.",
        source="Local policy",
    )
)
RESPONSE_DAYS = REGISTRY.register(
    PolicyParameter(
        key="recovery_response_days",
        label="Days a person has to respond to a proposed recovery",
        kind="int",
        unit="days",
        minimum=7,
        maximum=90,
        help="Nothing is recovered before this period ends (St Helens: 14 days).",
        source="Local policy (RULES.md DP-REP-01, §4 recovery_deadline_days)",
    )
)
INVOICE_DAYS = REGISTRY.register(
    PolicyParameter(
        key="recovery_invoice_days",
        label="Days to pay a recovery invoice",
        kind="int",
        unit="days",
        minimum=7,
        maximum=180,
        help="When the council recovers by invoice, the invoice is due this many days after the decision.",
        source="Local policy (RULES.md DP-REP-01)",
    )
)
REVIEW_DAYS = REGISTRY.register(
    PolicyParameter(
        key="recovery_review_days",
        label="Days a person has to ask for a review of a recovery decision",
        kind="int",
        unit="days",
        minimum=7,
        maximum=365,
        help="A review of the decision can be asked for up to this many days after it.",
        source="Local policy (fairness: a chance to challenge the decision)",
    )
)
MAX_DEDUCTION_PERCENT = REGISTRY.register(
    PolicyParameter(
        key="recovery_max_deduction_percent",
        label="Largest share of one payment a recovery instalment may take",
        kind="percent",
        unit="%",
        minimum=1,
        maximum=100,
        help="Leave unset to allow up to the whole payment.",
        source="Local policy (a manageable way to repay)",
    )
)
