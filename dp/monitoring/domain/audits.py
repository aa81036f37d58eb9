"""Proportionate audits of direct payment accounts: when the next one is due, how deep, and the case workflow.

Design overview
---------------
Monitoring must be proportionate (RULES.md DP-REV-04). Councils check a new direct payment
after an initial period (Gateshead 12 weeks after set-up, Wigan about 12 weeks, Worcestershire
6 to 8 weeks; Cheshire West within 6 months) and then at least once a year (Wigan, Cheshire
West, Worcestershire; DP Regs 2014 reg 7(1)(a): reviews at intervals not exceeding 12 months),
sooner when something looks wrong (reg 7(1)(b)-(d), triggered reviews). All of those figures are
local policy (RULES.md §4 `initial_review_weeks`, `audit_interval_months`) and are passed in as
an `AuditPolicy`.

`schedule_audit(facts, policy, today=...)` works out the next audit:

* no payment yet: nothing is due;
* no audit yet: the first check is due `initial_check_weeks` after the first payment;
* otherwise the next is due `interval_months` calendar months after the last (a shorter month
  gives its last day: 31 January + 1 month = 28 or 29 February);
* an open finding brings it forward to `open_finding_days` after the earliest open finding was
  raised, if that is sooner;
* a direct payment that has **ended** gets a final audit within `final_audit_days` of its last day
  (DP-TERM-03, DP-REP-01: money not spent on the person's needs is due back), unless an audit finished
  on or after that day; an open finding can still bring it forward.

Light touch needs the automatic evidence to exist: `statements_up_to_date(...)` is true only when the
account's statements (transactions, or an import's period) reach within `statement_max_age_days` of
today, or of the last day for a direct payment that has ended (local policy
`audit_statement_max_age_days`).

And the tier: **light touch** (the automatic evidence only: statements, their categorisation and
the rules' findings; nothing asked of the person) for a low-risk account, or **full** (the
person is asked for records: receipts, timesheets, payslips, invoices, insurance) when any of:
an open high-severity finding; at least `full_audit_open_findings` open findings; the last audit
ended in anything but no action or advice and support; or no up-to-date statements, so there is
no automatic evidence to look at. Every factor is given as a reason in plain English.

The audit case workflow is a transition table (`AUDIT_CASE_TRANSITIONS`, data as in
`dp.cases.domain.workflow`), with two time guards that depend on dates and so are checked by
`check_audit_transition`: a recovery cannot be decided until the person's response period has
ended (or they have responded), and a review of a recovery decision must be asked for within the
review period.

Pure: `today` is an argument; nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from dp.assessments.domain.reviews import add_months
from dp.cases.domain.workflow import can_transition, next_statuses
from dp.core.domain.breakdown import format_date
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.monitoring.domain.rules import Severity

Tier = Literal["light_touch", "full"]

#: Outcomes of an audit that do not make the next one a full audit.
BENIGN_OUTCOMES = frozenset({"no_action", "advice_and_support"})


@dataclass(frozen=True)
class AuditPolicy:
    """The council's audit timings (RULES.md §4 "First check / audit frequency", [LOCAL])."""

    initial_check_weeks: int
    interval_months: int
    open_finding_days: int
    full_audit_open_findings: int
    #: A final audit is due this many days after a direct payment's last day.
    final_audit_days: int = 56
    #: Statements older than this many days are not up to date (no automatic evidence for light touch).
    statement_max_age_days: int = 45

    def __post_init__(self) -> None:
        for name in (
            "initial_check_weeks",
            "interval_months",
            "open_finding_days",
            "full_audit_open_findings",
            "final_audit_days",
            "statement_max_age_days",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValidationFailed(f"{name} must be a whole number, 1 or more", field=name)
        if self.interval_months > 12:
            raise ValidationFailed(
                "Audits must be at least yearly (DP Regs 2014 reg 7(1)(a): intervals not exceeding 12 months)",
                field="interval_months",
            )


@dataclass(frozen=True)
class OpenFinding:
    code: str
    severity: Severity
    raised_on: dt.date


@dataclass(frozen=True)
class AuditFacts:
    """What scheduling looks at for one account (built by a selector)."""

    first_payment_on: dt.date | None
    last_audit_on: dt.date | None = None
    last_audit_outcome: str | None = None
    open_findings: tuple[OpenFinding, ...] = ()
    statements_up_to_date: bool = True
    #: The last day of a direct payment that has ended (None while it runs).
    ended_on: dt.date | None = None


def statements_up_to_date(
    last_statement_on: dt.date | None, *, today: dt.date, policy: AuditPolicy, ended_on: dt.date | None = None
) -> bool:
    """Whether the account's statements reach recent enough for a light-touch audit from the automatic evidence:
    the latest statement date (a transaction's, or an import's last day) is within `statement_max_age_days` of
    today, or of the last day of a direct payment that has ended (RULES.md DP-REV-04: proportionate monitoring
    relies on evidence the council already has; local policy `audit_statement_max_age_days`)."""
    if last_statement_on is None:
        return False
    reference = min(today, ended_on) if ended_on is not None else today
    return last_statement_on >= reference - dt.timedelta(days=policy.statement_max_age_days)


@dataclass(frozen=True)
class AuditSchedule:
    """When the next audit is due (None: nothing to audit yet), its tier, and why."""

    due_on: dt.date | None
    tier: Tier | None
    overdue: bool
    reasons: tuple[str, ...]


def _plural(n: int, one: str) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {one}s"


def schedule_audit(facts: AuditFacts, policy: AuditPolicy, *, today: dt.date) -> AuditSchedule:
    """The next audit's date and tier, with reasons (see the module docstring)."""
    if facts.first_payment_on is None:
        return AuditSchedule(None, None, False, ("No direct payment has been made yet, so there is nothing to audit.",))
    reasons: list[str] = []
    due: dt.date | None
    if facts.ended_on is not None:
        if facts.last_audit_on is not None and facts.last_audit_on >= facts.ended_on:
            due = None
            reasons.append(
                f"The direct payment ended on {format_date(facts.ended_on)} and its final audit finished on "
                f"{format_date(facts.last_audit_on)}."
            )
        else:
            due = facts.ended_on + dt.timedelta(days=policy.final_audit_days)
            reasons.append(
                f"Final audit: the direct payment ended on {format_date(facts.ended_on)}; money not spent on the "
                f"person's needs is checked and recovered within {_plural(policy.final_audit_days, 'day')} of the end."
            )
    elif facts.last_audit_on is None:
        due = facts.first_payment_on + dt.timedelta(weeks=policy.initial_check_weeks)
        reasons.append(
            f"First check: {_plural(policy.initial_check_weeks, 'week')} after the first payment on "
            f"{format_date(facts.first_payment_on)}."
        )
    else:
        due = add_months(facts.last_audit_on, policy.interval_months)
        reasons.append(
            f"Regular audit: {_plural(policy.interval_months, 'month')} after the last audit on "
            f"{format_date(facts.last_audit_on)}."
        )
    if facts.open_findings:
        earliest = min(f.raised_on for f in facts.open_findings)
        sooner = earliest + dt.timedelta(days=policy.open_finding_days)
        if due is None or sooner < due:
            due = sooner
            reasons.append(
                f"Brought forward: {_plural(len(facts.open_findings), 'finding')} open, the earliest raised on "
                f"{format_date(earliest)}; audits are due within "
                f"{_plural(policy.open_finding_days, 'day')} of a finding."
            )

    if due is None:
        return AuditSchedule(None, None, False, tuple(reasons))
    full_because: list[str] = []
    high = sorted({f.code for f in facts.open_findings if f.severity == "high"})
    if high:
        full_because.append(f"open high-severity findings ({', '.join(high)})")
    if len(facts.open_findings) >= policy.full_audit_open_findings:
        full_because.append(f"{_plural(len(facts.open_findings), 'open finding')}")
    if facts.last_audit_outcome is not None and facts.last_audit_outcome not in BENIGN_OUTCOMES:
        full_because.append(f"the last audit's outcome was {facts.last_audit_outcome.replace('_', ' ')}")
    if not facts.statements_up_to_date:
        full_because.append("there are no up-to-date statements to check automatically")
    tier: Tier
    if full_because:
        tier = "full"
        reasons.append("Full audit (records requested) because of " + "; ".join(full_because) + ".")
    else:
        tier = "light_touch"
        reasons.append("Light touch (automatic evidence only): no open findings and nothing else raising the risk.")
    overdue = due < today
    if overdue:
        reasons.append(f"Overdue since {format_date(due)}.")
    return AuditSchedule(due_on=due, tier=tier, overdue=overdue, reasons=tuple(reasons))


# -- the audit case workflow -------------------------------------------------------------------------

OUTCOMES = frozenset(
    {"no_action", "advice_and_support", "recovery_proposed", "suspension", "ending", "safeguarding_referral"}
)

#: Audit case statuses and the moves allowed from each (the table is the single source of truth).
AUDIT_CASE_TRANSITIONS: Mapping[str, frozenset[str]] = {
    # Opened from a schedule or a finding. A light-touch audit can reach an outcome from the
    # automatic evidence alone; ending a direct payment always follows information or a suspension.
    "opened": frozenset(
        {
            "information_requested",
            "no_action",
            "advice_and_support",
            "recovery_proposed",
            "suspension",
            "safeguarding_referral",
        }
    ),
    # Records asked of the person. No answer can lead to a suspension (DP-TERM-04).
    "information_requested": frozenset({"information_received", "suspension", "safeguarding_referral"}),
    "information_received": frozenset(
        {
            "information_requested",
            "no_action",
            "advice_and_support",
            "recovery_proposed",
            "suspension",
            "ending",
            "safeguarding_referral",
        }
    ),
    # A recovery is proposed with reasons and figures; the person has a response period.
    # The response may show the money was properly spent (no action).
    "recovery_proposed": frozenset({"recovery_decided", "no_action", "safeguarding_referral"}),
    # Decided after the response period; the person may ask for a review within the review period.
    "recovery_decided": frozenset({"review_requested", "closed", "safeguarding_referral"}),
    "review_requested": frozenset({"review_decided", "safeguarding_referral"}),
    # The review upheld, varied or overturned the decision (recorded on the case).
    "review_decided": frozenset({"closed"}),
    # Payments suspended pending information or a decision (DP-TERM-04).
    "suspension": frozenset(
        {"information_received", "no_action", "recovery_proposed", "ending", "safeguarding_referral"}
    ),
    # Referred under the council's safeguarding procedures; the audit may then suspend or end.
    "safeguarding_referral": frozenset({"suspension", "ending", "closed"}),
    "ending": frozenset({"closed"}),
    "no_action": frozenset(),
    "advice_and_support": frozenset(),
    "closed": frozenset(),
}

AUDIT_CASE_STATUSES = tuple(AUDIT_CASE_TRANSITIONS)
TERMINAL_STATUSES = frozenset(s for s, targets in AUDIT_CASE_TRANSITIONS.items() if not targets)


def allowed_audit_transitions(current: str) -> list[str]:
    return next_statuses(AUDIT_CASE_TRANSITIONS, current)


def check_audit_transition(
    current: str,
    target: str,
    *,
    today: dt.date,
    response_ends_on: dt.date | None = None,
    response_received: bool = False,
    decided_on: dt.date | None = None,
    review_request_days: int | None = None,
) -> None:
    """Raise `TransitionNotAllowed` unless the table allows `current` -> `target` and its time guard holds.

    * to ``recovery_decided``: only once the response period has ended (the day after
      `response_ends_on`) or the person has responded; `response_ends_on` is required;
    * to ``review_requested``: only within `review_request_days` of `decided_on`, when given.
    """
    if current not in AUDIT_CASE_TRANSITIONS:
        raise TransitionNotAllowed(f"{current!r} is not an audit case status", field="status")
    if not can_transition(AUDIT_CASE_TRANSITIONS, current, target):
        allowed = ", ".join(allowed_audit_transitions(current)) or "nothing (the case is finished)"
        raise TransitionNotAllowed(
            f"An audit case that is {current.replace('_', ' ')} cannot move to {target.replace('_', ' ')}; "
            f"it can move to: {allowed}",
            field="status",
        )
    if target == "recovery_decided":
        if response_ends_on is None:
            raise TransitionNotAllowed("A recovery cannot be decided without its response period", field="status")
        if not response_received and today <= response_ends_on:
            raise TransitionNotAllowed(
                f"The person has until {format_date(response_ends_on)} to respond to the proposed recovery; "
                "it can be decided after that, or once they have responded",
                field="status",
            )
    if target == "review_requested" and decided_on is not None and review_request_days is not None:
        last_day = decided_on + dt.timedelta(days=review_request_days)
        if today > last_day:
            raise TransitionNotAllowed(
                f"A review had to be asked for by {format_date(last_day)}, "
                f"{_plural(review_request_days, 'day')} after the decision",
                field="status",
            )
