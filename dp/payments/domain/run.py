"""Payment runs: which periods are due on a date, what holds a payment back, and the run's workflow.

Design overview
---------------
A payment run pays, on one working day `pay_on`, every period that has fallen due and has not been
paid. Periods are paid in advance on their first day (DP-PAY-02), moved to the previous working day
when that day is a weekend or bank holiday (`working_days.previous_working_day`). So the run on
`pay_on` pays every unpaid period whose first day is on or before `horizon_on(pay_on)`: the day
before the next working day after `pay_on` (a Friday run also pays periods starting on the Saturday,
the Sunday and a bank-holiday Monday). All of a run's money arrives on `pay_on`; a period held back
and paid in a later run is paid on that run's date.

The periods of one schedule due in a run (`due_period_numbers`) start after the last period paid
(runs pay in order, and only one run is live at a time, so there are no gaps) and not before
`payable_from_on` (after a suspension, payments resume with the first period starting on or after
the day they resume: the suspended periods are not owed).

A payment that is due is held back, and listed, when (`hold_reason`, in this order): the direct
payment agreement is not signed; there is no open account; the prepaid card is not active; or the
bank details were changed recently and a second person has not confirmed the change (local fraud
control). Held-back periods stay unpaid, so they are due again in the next run. A period with
nothing to pay (for example, the contribution covers the whole budget on the net basis) is recorded
as paid with £0: nothing is sent, but its contribution still falls due.

Bacs needs the file two working days before the money arrives (`working_days_before(pay_on, 2)`):
when a run is sent later than that, the processing day is the next working day and the money
arrives late; the run page says so.

Workflow (`RUN_TRANSITIONS`): calculated -> approved -> executing -> completed, and calculated or
approved -> cancelled. Approval is by a second person, never the creator.

Pure: no Django, no database, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Set
from dataclasses import dataclass

from dp.payments.domain.working_days import (
    cycle_payment_dates,
    first_weekday_on_or_after,
    next_working_day,
    working_days_before,
)

_DAY = dt.timedelta(days=1)

#: Week 0 of the council's cycle is the week starting on this Monday (policy `payment_cycle_offset_weeks`).
CYCLE_EPOCH = dt.date(2024, 1, 1)

RUN_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "calculated": frozenset({"approved", "cancelled"}),
    "approved": frozenset({"executing", "cancelled"}),
    "executing": frozenset({"completed"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}

# Hold-back reasons, in the order they are checked (the first that applies is shown).
AGREEMENT_NOT_SIGNED = "agreement_not_signed"
NO_OPEN_ACCOUNT = "no_open_account"
CARD_NOT_ACTIVE = "card_not_active"
BANK_DETAILS_UNCONFIRMED = "bank_details_unconfirmed"


def can_move(current: str, target: str) -> bool:
    return target in RUN_TRANSITIONS.get(current, frozenset())


def cycle_anchor(*, weekday: int, offset_weeks: int) -> dt.date:
    """The payment day in week `offset_weeks` of the cycle (weeks counted from `CYCLE_EPOCH`)."""
    return first_weekday_on_or_after(CYCLE_EPOCH, weekday) + dt.timedelta(weeks=offset_weeks)


def next_cycle_dates(
    *, weekday: int, offset_weeks: int, cycle_weeks: int, after_on: dt.date, count: int, bank_holidays: Set[dt.date]
) -> list[tuple[dt.date, dt.date]]:
    """The next `count` (nominal date, working day paid) pairs of the council's cycle on or after `after_on`."""
    found = cycle_payment_dates(
        anchor_on=cycle_anchor(weekday=weekday, offset_weeks=offset_weeks),
        cycle_weeks=cycle_weeks,
        start_on=after_on,
        end_on=after_on + dt.timedelta(weeks=cycle_weeks * count),
        bank_holidays=bank_holidays,
    )
    return [(d.nominal_on, d.pay_on) for d in found[:count]]


def is_cycle_date(on: dt.date, *, weekday: int, offset_weeks: int, cycle_weeks: int) -> bool:
    """True when `on` is one of the cycle's nominal payment dates."""
    anchor = cycle_anchor(weekday=weekday, offset_weeks=offset_weeks)
    return (on - anchor).days % (7 * cycle_weeks) == 0


def cycle_date_on_or_before(on: dt.date, *, weekday: int, offset_weeks: int, cycle_weeks: int) -> dt.date:
    """The cycle's nominal payment date on or before `on`: where a schedule starting on `on` begins its
    first period (the days before `on` in that period cost nothing, so the first payment is worked out
    by days)."""
    anchor = cycle_anchor(weekday=weekday, offset_weeks=offset_weeks)
    return on - dt.timedelta(days=(on - anchor).days % (7 * cycle_weeks))


def horizon_on(pay_on: dt.date, bank_holidays: Set[dt.date]) -> dt.date:
    """The last first-day-of-a-period that is paid on `pay_on`: periods due up to the next working day
    are paid on the working day before it (previous-working-day rule)."""
    return next_working_day(pay_on + _DAY, bank_holidays) - _DAY


def bacs_processing_on(*, pay_on: dt.date, today: dt.date, bank_holidays: Set[dt.date]) -> dt.date:
    """The Bacs processing day for money arriving on `pay_on`: two working days before it, or the next
    working day from `today` when that has passed (the money then arrives late)."""
    wanted = working_days_before(pay_on, 2, bank_holidays)
    if wanted >= today:
        return wanted
    return next_working_day(today, bank_holidays)


def arrives_on(*, processing_on: dt.date, bank_holidays: Set[dt.date]) -> dt.date:
    """Money processed on `processing_on` arrives two working days later (the three-day cycle)."""
    day = processing_on
    for _ in range(2):
        day = next_working_day(day + _DAY, bank_holidays)
    return day


def due_period_numbers(
    *,
    start_on: dt.date,
    period_weeks: int,
    payable_from_on: dt.date,
    last_paid_start_on: dt.date | None,
    horizon: dt.date,
) -> range:
    """The numbers (1-based) of the schedule's periods due in a run whose horizon is `horizon`.

    From the first period starting on or after `payable_from_on` and after the last period paid, to
    the last period starting on or before `horizon`. The SQL engine computes the same (tested).
    """
    days = 7 * period_weeks
    first = max(1, -(-(payable_from_on - start_on).days // days) + 1)
    if last_paid_start_on is not None:
        first = max(first, (last_paid_start_on - start_on).days // days + 2)
    if horizon < start_on:
        return range(first, first)
    last = (horizon - start_on).days // days + 1
    return range(first, max(first, last + 1))


@dataclass(frozen=True)
class HoldFacts:
    """What decides whether a due payment may be sent."""

    agreement_signed: bool
    account_open: bool
    account_kind: str = ""  # "prepaid_card", "bank" or "managed"
    card_status: str = ""
    bank_change_waiting: bool = False  # an unconfirmed change asked for within the hold period


def hold_reason(facts: HoldFacts) -> str | None:
    """Why the payment is held back, or None when it may be sent (checked in the order listed)."""
    if not facts.agreement_signed:
        return AGREEMENT_NOT_SIGNED
    if not facts.account_open:
        return NO_OPEN_ACCOUNT
    if facts.account_kind == "prepaid_card" and facts.card_status != "active":
        return CARD_NOT_ACTIVE
    if facts.account_kind == "bank" and facts.bank_change_waiting:
        return BANK_DETAILS_UNCONFIRMED
    return None
