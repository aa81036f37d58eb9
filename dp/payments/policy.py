"""Council policy parameters for payments (RULES.md §1.6 DP-PAY-01/02 and §4; all local choices)."""

from dp.councils.domain.policy import REGISTRY, PolicyParameter

CYCLE_WEEKS = REGISTRY.register(
    PolicyParameter(
        key="payment_cycle_weeks",
        label="Weeks between direct payments",
        kind="int",
        unit="weeks",
        minimum=1,
        maximum=8,
        help="Direct payments are paid in advance for this many weeks at a time (4 for four-weekly).",
        source="DP-PAY-02 (local policy; RULES.md §4 payment_cycle_days)",
    )
)
PAYMENT_WEEKDAY = REGISTRY.register(
    PolicyParameter(
        key="payment_weekday",
        label="Day of the week payments are due",
        kind="choice",
        choices=(("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday"), ("4", "Friday")),
        help="Every payment period starts on this day. A payment due on a bank holiday is made the working day before.",
        source="DP-PAY-02 (local policy)",
    )
)
CYCLE_OFFSET_WEEKS = REGISTRY.register(
    PolicyParameter(
        key="payment_cycle_offset_weeks",
        label="Which week of the cycle payments fall in",
        kind="int",
        unit="weeks",
        minimum=0,
        maximum=7,
        help=(
            "Fixes the cycle: payments fall on the payment day in the week starting Monday 1 January 2024 plus this "
            "many weeks, and every cycle before and after it. Use 0 unless the council's cycle is in another week."
        ),
        source="DP-PAY-02 (local policy)",
    )
)
BASIS = REGISTRY.register(
    PolicyParameter(
        key="payment_basis",
        label="How direct payments are paid",
        kind="choice",
        choices=(
            ("net", "Net: the council pays the budget less the person's contribution"),
            ("gross", "Gross: the council pays the whole budget and invoices the contribution"),
        ),
        help="Net is usual: the person pays their contribution into the direct payment account.",
        source="DP-PAY-01 (RULES.md §1.6)",
    )
)
BANK_CHANGE_HOLD_DAYS = REGISTRY.register(
    PolicyParameter(
        key="payment_bank_change_hold_days",
        label="Days payments wait for a change of bank details to be confirmed",
        kind="int",
        unit="days",
        minimum=0,
        maximum=90,
        help=(
            "While a change of bank details asked for in this many days is not yet confirmed by a second person, "
            "payments to that account are held back. An unconfirmed request older than this lapses."
        ),
        source="Local policy (fraud control)",
    )
)
ONE_OFF_MAX = REGISTRY.register(
    PolicyParameter(
        key="payment_one_off_max_pence",
        label="Largest one-off payment",
        kind="pence",
        minimum=1,
        help="Leave unset for no limit.",
        source="RULES.md §4 one_off_max (local policy)",
    )
)
