"""Working days and the council's payment cycle.

Design overview
---------------
Money can only land on a working day: Bacs does not process on Saturdays, Sundays or bank
holidays, and card providers load on the same calendar. A payment due on a non-working day is
moved to the **previous** working day, so the person is never paid late (DP-PAY-02: councils pay
in advance; moving earlier keeps it so). This is local policy, written down here once.

Bank holidays are reference data held in the database (loaded from `govuk_bank_holidays` with
`use_cached_holidays=True`, and extendable by an admin beyond the package's data). Domain code
receives them as a set of dates, so every rule here is pure and nothing reads the clock.

The council's payment cycle (DP-PAY-02: e.g. every 4 weeks, or every 2 weeks) is fixed by an
*anchor date*, any one day on which the cycle pays (its weekday is the council's payment
weekday), and a length in whole weeks. The cycle's nominal dates are the anchor plus and minus
whole cycles; each is then moved to the previous working day. A weekday alone cannot fix a
4-weekly cycle (there are four Mondays it could start on), hence the anchor date;
`first_weekday_on_or_after` turns "the first Monday from 7 April" into one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from dataclasses import dataclass

from dp.core.errors import ValidationFailed

_DAY = dt.timedelta(days=1)
SATURDAY = 5


def is_working_day(on: dt.date, bank_holidays: Set[dt.date]) -> bool:
    """Monday to Friday and not a bank holiday (Bacs processing calendar; local policy)."""
    return on.weekday() < SATURDAY and on not in bank_holidays


def previous_working_day(on: dt.date, bank_holidays: Set[dt.date]) -> dt.date:
    """`on` itself when it is a working day, else the working day before it.

    Local policy: a payment date on a weekend or bank holiday moves earlier, never later, so a
    payment made in advance (DP-PAY-02) is never late.
    """
    day = on
    while not is_working_day(day, bank_holidays):
        day -= _DAY
    return day


def next_working_day(on: dt.date, bank_holidays: Set[dt.date]) -> dt.date:
    """`on` itself when it is a working day, else the working day after it."""
    day = on
    while not is_working_day(day, bank_holidays):
        day += _DAY
    return day


def working_days_before(on: dt.date, days: int, bank_holidays: Set[dt.date]) -> dt.date:
    """The working day `days` working days before `on`.

    For Bacs the file is processed two working days before the money arrives (the three-day
    cycle: input day, processing day, arrival day), so the processing day for a payment landing
    on `pay_on` is `working_days_before(pay_on, 2, holidays)`.
    """
    if days < 0:
        raise ValueError("days must not be negative.")
    day = on
    for _ in range(days):
        day = previous_working_day(day - _DAY, bank_holidays)
    return day


def first_weekday_on_or_after(on: dt.date, weekday: int) -> dt.date:
    """The first date on or after `on` falling on `weekday` (Monday 0 .. Sunday 6)."""
    if not 0 <= weekday <= 6:
        raise ValidationFailed("The weekday must be 0 (Monday) to 6 (Sunday)", field="weekday")
    return on + dt.timedelta(days=(weekday - on.weekday()) % 7)


@dataclass(frozen=True)
class CycleDate:
    """One payment in the cycle: the date it is due, and the working day it is paid on."""

    nominal_on: dt.date
    pay_on: dt.date

    @property
    def moved(self) -> bool:
        return self.pay_on != self.nominal_on


def cycle_payment_dates(
    *,
    anchor_on: dt.date,
    cycle_weeks: int,
    start_on: dt.date,
    end_on: dt.date,
    bank_holidays: Set[dt.date],
) -> list[CycleDate]:
    """The cycle's payment dates whose nominal date falls in `start_on`..`end_on` (inclusive).

    Nominal dates are `anchor_on` plus or minus whole cycles of `cycle_weeks` weeks (so they all
    fall on the anchor's weekday); each is paid on `previous_working_day`. The range selects on the
    nominal date, so a payment belongs to the cycle it was due in even when a holiday moves it
    before `start_on`. Source: DP-PAY-02 (payment frequency, local policy).
    """
    if not 1 <= cycle_weeks <= 52:
        raise ValidationFailed("The cycle must be between 1 and 52 weeks", field="cycle_weeks")
    if end_on < start_on:
        raise ValidationFailed("The range must end on or after the day it starts", field="end_on")
    cycle_days = 7 * cycle_weeks
    step = dt.timedelta(days=cycle_days)
    to_first = dt.timedelta(days=-(start_on - anchor_on).days % cycle_days)
    if dt.date.max - start_on < to_first:
        return []
    dates: list[CycleDate] = []
    nominal = start_on + to_first
    while nominal <= end_on:
        dates.append(CycleDate(nominal_on=nominal, pay_on=previous_working_day(nominal, bank_holidays)))
        if dt.date.max - nominal < step:
            break
        nominal += step
    return dates
