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
FINAL_AUDIT_DAYS = REGISTRY.register(
    PolicyParameter(
        key="audit_final_days",
        label="Days after a direct payment ends by which its final audit is due",
        kind="int",
        unit="days",
        minimum=1,
        maximum=365,
        help="An ended direct payment is audited for money not spent on the person's needs (unset: 56 days).",
        source="Local policy (RULES.md DP-TERM-03, DP-REP-01: unspent money is due back)",
    )
)
STATEMENT_MAX_AGE_DAYS = REGISTRY.register(
    PolicyParameter(
        key="audit_statement_max_age_days",
        label="Days old the latest statement may be for a light-touch audit",
        kind="int",
        unit="days",
        minimum=1,
        maximum=365,
        help="Older statements are not enough automatic evidence, so the audit is a full one (unset: 45 days).",
        source="Local policy (RULES.md DP-REV-04: proportionate monitoring)",
    )
)
#: What the selectors use when the council has not set these two (they only make audits stricter or sooner).
DEFAULTS = {FINAL_AUDIT_DAYS.key: 56, STATEMENT_MAX_AGE_DAYS.key: 45}
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


# -- monitoring thresholds (dp.monitoring.domain.rules.Thresholds; RULES.md §4, all [LOCAL]) ----------------

#: Spending categories a council commonly excludes (DP-USE-05); each is a yes/no choice of the council.
PROHIBITABLE = ("gambling", "alcohol", "tobacco", "adult_services", "cash_equivalent")
PROHIBITED = {
    category: REGISTRY.register(
        PolicyParameter(
            key=f"monitoring_prohibited_{category}",
            label=f"Direct payments may not be spent on: {category.replace('_', ' ')}",
            kind="bool",
            help="Yes: spending in this category raises a finding (DP-PROHIBITED-SPEND).",
            source="Local policy (RULES.md DP-USE-05, §4 card_blocked_categories)",
        )
    )
    for category in PROHIBITABLE
}
CASH_POLICY = REGISTRY.register(
    PolicyParameter(
        key="monitoring_cash_policy",
        label="Cash withdrawals",
        kind="choice",
        choices=(("allowed", "Allowed"), ("limited", "Allowed up to a limit"), ("not_allowed", "Not allowed")),
        help="With a limit, also set the limit and its period.",
        source="Local policy (RULES.md §4 cash_withdrawal_policy)",
    )
)
CASH_LIMIT = REGISTRY.register(
    PolicyParameter(
        key="monitoring_cash_limit_pence",
        label="Cash limit for the period",
        kind="pence",
        minimum=0,
        help="Only used when cash is allowed up to a limit.",
        source="Local policy (RULES.md §4 cash_limit)",
    )
)
CASH_PERIOD_DAYS = REGISTRY.register(
    PolicyParameter(
        key="monitoring_cash_period_days",
        label="Days the cash limit covers",
        kind="int",
        unit="days",
        minimum=1,
        maximum=366,
        help="Only used when cash is allowed up to a limit.",
        source="Local policy",
    )
)
CASH_RECEIPT_DAYS = REGISTRY.register(
    PolicyParameter(
        key="monitoring_cash_receipt_days",
        label="Days after a cash withdrawal by which a receipt is due",
        kind="int",
        unit="days",
        minimum=0,
        maximum=365,
        help="Cash with no receipt after this many days raises a finding (DP-CASH-NO-RECEIPT).",
        source="Local policy (RULES.md §4 record keeping)",
    )
)
ARREARS_WEEKS = REGISTRY.register(
    PolicyParameter(
        key="monitoring_contribution_arrears_weeks",
        label="Weeks of unpaid contribution before a finding",
        kind="int",
        unit="weeks",
        minimum=0,
        maximum=52,
        help="Unpaid contribution above this many weeks of the weekly contribution raises a finding.",
        source="Local policy (RULES.md DP-TERM-04, §4 missed contributions)",
    )
)
NO_SPEND_WEEKS = REGISTRY.register(
    PolicyParameter(
        key="monitoring_no_spend_weeks",
        label="Weeks without spending before a finding",
        kind="int",
        unit="weeks",
        minimum=1,
        maximum=52,
        help="No spending for this long suggests needs may not be being met (DP-NO-SPEND).",
        source="Local policy (DP Regs 2014 reg 7(1)(d))",
    )
)
OVERSPEND_PERCENT = REGISTRY.register(
    PolicyParameter(
        key="monitoring_line_overspend_percent",
        label="How far over its planned amount a plan line may go",
        kind="percent",
        unit="%",
        minimum=0,
        maximum=500,
        help="Spending on a line above its planned amount plus this percentage raises a finding.",
        source="Local policy",
    )
)
DUPLICATE_DAYS = REGISTRY.register(
    PolicyParameter(
        key="monitoring_duplicate_payment_days",
        label="Days within which the same payment twice is flagged",
        kind="int",
        unit="days",
        minimum=0,
        maximum=31,
        help="The same payee and amount within this many days raises a finding (DP-DUPLICATE-PAYMENT).",
        source="Local policy (financial control)",
    )
)
