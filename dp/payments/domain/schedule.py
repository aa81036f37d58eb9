"""Payment schedules: what the council pays, and what the person pays in, period by period.

Design overview
---------------
A direct payment is agreed as *terms* (`ScheduleTerms`): the first day of the first period, the
period length in whole weeks (4 by default: DP-PAY-02, councils commonly pay 4-weekly in
advance), the basis (net or gross, DP-PAY-01) and an effective-dated list of weekly amounts
(`ScheduleChange`: weekly personal budget and weekly assessed contribution). The first change takes
effect on the first day; each later change replaces the one before from its date.

Periods follow one another without gaps: period *n* (1-based) runs from
`start_on + (n - 1) * period_weeks` weeks for `period_weeks` weeks, both ends inclusive as the
contract shows them (`end_on` is the period's last day).

Amounts for a period are built from *segments*: the runs of days inside the period that share
one weekly rate. A segment's amount is `weekly amount x days / 7`, rounded to the penny half up
(`dp.core.money.round_to_pence`), as CALCULATE.md `payment-schedule` says. A period with no change
inside it is a single segment of `7 x period_weeks` days, so its amount is exactly
`weekly x period_weeks` with no rounding; only a period in which a change takes effect is
pro-rated, and the change shows on that period (not the next).

The contribution due never exceeds the budget. The cap is applied to the weekly rates of each
segment (`min(weekly contribution, weekly budget)`), before pro-rating, so it holds for every
segment and hence for every period and every total: a person is never asked for more than the
cost of the care in any stretch of days (Care and Support (Charging and Assessment of Resources)
Regulations 2014: a charge may not exceed the cost of meeting the needs; CALCULATE.md).

Basis (DP-PAY-01, RULES.md §1.6):

* net: the council pays `budget - contribution` (never below zero) and the person pays their
  contribution into the direct payment account, so the account receives the whole budget;
* gross: the council pays the whole budget and invoices the contribution.

For the payment-run engine this module also provides, on the same arithmetic:

* `calculate_adjustment`: after a change to amounts for periods already paid, the top-up or
  reduction to settle in the next run, with a plain-English reason;
* `settle_in_next_payment` and `recovery_instalments`: applying an adjustment to the next payment
  (never paying a negative amount) and spreading a recovery over several payments with
  `dp.core.money.allocate`, so the instalments add up exactly (DP-REP-01: future payments may be
  reduced to recover);
* `take_recovery`: what recovery deductions take off one payment, never more than the council's
  `recovery_max_deduction_percent` of it (local policy) nor than the payment;
* `end_direct_payment`: ending mid-period; the days after the last day are not due, so the part
  of the advance paid for them is recovered (DP-PAY-02 "in advance"; DP-TERM-01..03);
* `scheduled_items`: regular period payments and one-off payments (RULES.md §4 "One-off
  payments", local policy) as one dated list, due on the first day of their period.

Pure: no Django, no database, no clock. Money is `int` pence; `Decimal` only inside pro-rating.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol

from dp.core.domain.calculation_io import (
    MAX_PENCE,
    BreakdownLine,
    JsonObject,
    breakdown_json,
    index_path,
    money_line,
    value_line,
)
from dp.core.errors import ValidationFailed
from dp.core.money import allocate, format_pence, round_to_pence

Basis = Literal["net", "gross"]
BASES: tuple[Basis, ...] = ("net", "gross")

#: Longest period a schedule may use (one year); a guard on input, not a rule of law.
MAX_PERIOD_WEEKS = 52
#: Most periods one calculation may list (1,000 periods of 4 weeks is over 76 years).
MAX_PERIODS = 1000

_DAY = dt.timedelta(days=1)

REQUEST_FIELDS = ("start_on", "period_weeks", "periods", "basis", "changes")
CHANGE_FIELDS = ("effective_on", "weekly_budget_pence", "weekly_contribution_pence")


# -- terms ---------------------------------------------------------------------------------------


def _check_amount(value: int, path: str) -> None:
    if value < 0:
        raise ValidationFailed(f"{path} must not be negative", field=path)
    if value > MAX_PENCE:
        raise ValidationFailed(f"{path} must be no more than {MAX_PENCE} pence", field=path)


@dataclass(frozen=True)
class ScheduleChange:
    """Weekly amounts in force from `effective_on` until the next change."""

    effective_on: dt.date
    weekly_budget_pence: int
    weekly_contribution_pence: int

    @property
    def capped_weekly_contribution_pence(self) -> int:
        """The contribution never exceeds the budget (CALCULATE.md `payment-schedule`)."""
        return min(self.weekly_contribution_pence, self.weekly_budget_pence)


@dataclass(frozen=True)
class ScheduleTerms:
    """An agreed schedule. Invariants are checked here, with the JSON paths of the contract."""

    start_on: dt.date
    changes: tuple[ScheduleChange, ...]
    period_weeks: int = 4
    basis: Basis = "net"

    def __post_init__(self) -> None:
        if not 1 <= self.period_weeks <= MAX_PERIOD_WEEKS:
            raise ValidationFailed(f"period_weeks must be between 1 and {MAX_PERIOD_WEEKS}", field="period_weeks")
        if self.basis not in BASES:
            raise ValidationFailed('basis must be "net" or "gross"', field="basis")
        if not self.changes:
            raise ValidationFailed("changes must have at least one change, taking effect on start_on", field="changes")
        previous: dt.date | None = None
        for i, change in enumerate(self.changes):
            path = index_path("changes", i)
            if i == 0 and change.effective_on != self.start_on:
                raise ValidationFailed(
                    f"The first change must take effect on start_on ({self.start_on.isoformat()}), "
                    f"not {change.effective_on.isoformat()}",
                    field=f"{path}.effective_on",
                )
            if previous is not None and change.effective_on <= previous:
                raise ValidationFailed(
                    f"Changes must be in date order, each after the one before: {change.effective_on.isoformat()} "
                    f"is not after {previous.isoformat()}",
                    field=f"{path}.effective_on",
                )
            _check_amount(change.weekly_budget_pence, f"{path}.weekly_budget_pence")
            _check_amount(change.weekly_contribution_pence, f"{path}.weekly_contribution_pence")
            previous = change.effective_on

    @property
    def period_days(self) -> int:
        return 7 * self.period_weeks

    def period_bounds(self, number: int) -> tuple[dt.date, dt.date]:
        """First and last day (inclusive) of period `number` (1-based)."""
        if number < 1:
            raise ValueError("Period numbers start at 1.")
        try:
            start = self.start_on + dt.timedelta(days=(number - 1) * self.period_days)
            return start, start + dt.timedelta(days=self.period_days - 1)
        except OverflowError:
            raise ValidationFailed("That period would end after the year 9999", field="periods") from None

    def period_number_on(self, on: dt.date) -> int:
        """The number of the period containing `on` (which must not be before `start_on`)."""
        if on < self.start_on:
            raise ValueError(f"{on.isoformat()} is before the schedule starts ({self.start_on.isoformat()}).")
        return (on - self.start_on).days // self.period_days + 1

    def change_in_force_on(self, on: dt.date) -> ScheduleChange:
        if on < self.start_on:
            raise ValueError(f"{on.isoformat()} is before the schedule starts ({self.start_on.isoformat()}).")
        dates = [c.effective_on for c in self.changes]
        return self.changes[bisect.bisect_right(dates, on) - 1]


@dataclass(frozen=True)
class ScheduleRequest:
    """The `payment-schedule` request: terms and how many periods to show."""

    terms: ScheduleTerms
    periods: int

    def __post_init__(self) -> None:
        if not 1 <= self.periods <= MAX_PERIODS:
            raise ValidationFailed(f"periods must be between 1 and {MAX_PERIODS}", field="periods")
        self.terms.period_bounds(self.periods)  # the last period must end before the calendar does


# -- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of days inside one period at one set of weekly rates, and what those days cost."""

    start_on: dt.date
    end_on: dt.date
    days: int
    change: ScheduleChange
    budget_pence: int
    contribution_pence: int


@dataclass(frozen=True)
class SchedulePeriod:
    """One period's amounts. `number` is 1-based; 0 for an arbitrary span (see `calculate_period`)."""

    number: int
    start_on: dt.date
    end_on: dt.date
    budget_pence: int
    contribution_due_pence: int
    council_payment_pence: int
    segments: tuple[Segment, ...]

    @property
    def days(self) -> int:
        return (self.end_on - self.start_on).days + 1

    @property
    def prorated(self) -> bool:
        """True when a change takes effect inside this period."""
        return len(self.segments) > 1


def prorate(weekly_pence: int, days: int) -> int:
    """`weekly x days / 7`, rounded to the penny half up (CALCULATE.md `payment-schedule`).

    Whole weeks are exact: `prorate(w, 7 * n) == w * n`.
    """
    if days % 7 == 0:
        return weekly_pence * (days // 7)
    return round_to_pence(Decimal(weekly_pence) * days / 7)


def council_payment(budget_pence: int, contribution_pence: int, basis: Basis) -> int:
    """Net: the budget less the contribution, never below zero. Gross: the whole budget (DP-PAY-01)."""
    if basis == "gross":
        return budget_pence
    return max(0, budget_pence - contribution_pence)


def _segments(terms: ScheduleTerms, start_on: dt.date, end_on: dt.date) -> tuple[Segment, ...]:
    dates = [c.effective_on for c in terms.changes]
    i = bisect.bisect_right(dates, start_on) - 1
    segments: list[Segment] = []
    cursor = start_on
    while True:
        change = terms.changes[i]
        following = terms.changes[i + 1].effective_on if i + 1 < len(terms.changes) else None
        seg_end = end_on if following is None or following > end_on else following - _DAY
        days = (seg_end - cursor).days + 1
        segments.append(
            Segment(
                start_on=cursor,
                end_on=seg_end,
                days=days,
                change=change,
                budget_pence=prorate(change.weekly_budget_pence, days),
                contribution_pence=prorate(change.capped_weekly_contribution_pence, days),
            )
        )
        if seg_end >= end_on:
            return tuple(segments)
        cursor = seg_end + _DAY
        i += 1


def calculate_period(terms: ScheduleTerms, start_on: dt.date, end_on: dt.date, *, number: int = 0) -> SchedulePeriod:
    """The amounts for the days `start_on`..`end_on` (inclusive), pro-rated at each change.

    Used for whole periods and for part periods (a direct payment ending mid-period).
    """
    if start_on < terms.start_on:
        raise ValueError(f"{start_on.isoformat()} is before the schedule starts ({terms.start_on.isoformat()}).")
    if end_on < start_on:
        raise ValueError("A period must end on or after the day it starts.")
    segments = _segments(terms, start_on, end_on)
    budget = sum(s.budget_pence for s in segments)
    contribution = sum(s.contribution_pence for s in segments)
    return SchedulePeriod(
        number=number,
        start_on=start_on,
        end_on=end_on,
        budget_pence=budget,
        contribution_due_pence=contribution,
        council_payment_pence=council_payment(budget, contribution, terms.basis),
        segments=segments,
    )


def period(terms: ScheduleTerms, number: int) -> SchedulePeriod:
    """Period `number` (1-based) of the schedule."""
    start, end = terms.period_bounds(number)
    return calculate_period(terms, start, end, number=number)


@dataclass(frozen=True)
class ScheduleResult:
    request: ScheduleRequest
    periods: tuple[SchedulePeriod, ...]

    @property
    def budget_pence(self) -> int:
        return sum(p.budget_pence for p in self.periods)

    @property
    def contribution_due_pence(self) -> int:
        return sum(p.contribution_due_pence for p in self.periods)

    @property
    def council_payment_pence(self) -> int:
        return sum(p.council_payment_pence for p in self.periods)


def calculate_schedule(request: ScheduleRequest) -> ScheduleResult:
    """CALCULATE.md `payment-schedule`: the first `request.periods` periods of the terms."""
    periods = tuple(period(request.terms, n) for n in range(1, request.periods + 1))
    return ScheduleResult(request=request, periods=periods)


# -- the contract's JSON -------------------------------------------------------------------------


def parse_request(payload: object) -> ScheduleRequest:
    """Check a `payment-schedule` request exactly as CALCULATE.md describes it."""
    body = JsonObject(payload, "", REQUEST_FIELDS)
    start_on = body.date("start_on")
    period_weeks = body.integer("period_weeks", minimum=1, maximum=MAX_PERIOD_WEEKS, default=4)
    periods = body.integer("periods", minimum=1, maximum=MAX_PERIODS)
    basis: Basis = "gross" if body.choice("basis", BASES, default="net") == "gross" else "net"
    items = body.objects("changes", CHANGE_FIELDS)
    changes = tuple(
        ScheduleChange(
            effective_on=item.date("effective_on"),
            weekly_budget_pence=item.pence("weekly_budget_pence"),
            weekly_contribution_pence=item.pence("weekly_contribution_pence"),
        )
        for item in items
    )
    terms = ScheduleTerms(start_on=start_on, changes=changes, period_weeks=period_weeks, basis=basis)
    return ScheduleRequest(terms=terms, periods=periods)


def _span(start_on: dt.date, end_on: dt.date) -> str:
    return f"{start_on.isoformat()} to {end_on.isoformat()}"


def breakdown(result: ScheduleResult) -> tuple[BreakdownLine, ...]:
    """The working, in the order a person checks it: basis, periods, rates, pro-rating, totals."""
    terms = result.request.terms
    first, last = result.periods[0], result.periods[-1]
    lines: list[BreakdownLine] = []
    if terms.basis == "net":
        lines.append(
            value_line(
                "Basis",
                "Net: the council pays the budget less the contribution; the person pays their "
                "contribution into the direct payment account",
            )
        )
    else:
        lines.append(value_line("Basis", "Gross: the council pays the whole budget; the contribution is invoiced"))
    weeks = "week" if terms.period_weeks == 1 else "weeks"
    count = "period" if len(result.periods) == 1 else "periods"
    lines.append(
        value_line(
            "Periods",
            f"{len(result.periods)} {count} of {terms.period_weeks} {weeks}, {_span(first.start_on, last.end_on)}",
        )
    )
    for change in terms.changes:
        on = change.effective_on.isoformat()
        if change.effective_on > last.end_on:
            lines.append(value_line(f"Change from {on}", "takes effect after the last period shown"))
            continue
        lines.append(money_line(f"Weekly budget from {on}", change.weekly_budget_pence))
        lines.append(money_line(f"Weekly contribution from {on}", change.weekly_contribution_pence))
        if change.weekly_contribution_pence > change.weekly_budget_pence:
            lines.append(
                money_line(
                    f"Weekly contribution from {on}, limited to the weekly budget",
                    change.capped_weekly_contribution_pence,
                )
            )
    for p in result.periods:
        if not p.prorated:
            continue
        for s in p.segments:
            days = "day" if s.days == 1 else "days"
            where = f"Period {p.number}, {_span(s.start_on, s.end_on)} ({s.days} {days} x weekly amount / 7)"
            lines.append(money_line(f"{where}: budget", s.budget_pence))
            lines.append(money_line(f"{where}: contribution", s.contribution_pence))
    lines.append(money_line("Total budget", result.budget_pence))
    if terms.basis == "net":
        lines.append(
            money_line("Total contribution due, paid into the account by the person", result.contribution_due_pence)
        )
        lines.append(money_line("Total paid by the council (budget less contribution)", result.council_payment_pence))
    else:
        lines.append(money_line("Total paid by the council (the whole budget)", result.council_payment_pence))
        lines.append(money_line("Total contribution invoiced to the person", result.contribution_due_pence))
    return tuple(lines)


def to_response(result: ScheduleResult) -> dict[str, Any]:
    """The contract's response: `periods` and `breakdown`, nothing else."""
    return {
        "periods": [
            {
                "start_on": p.start_on.isoformat(),
                "end_on": p.end_on.isoformat(),
                "council_payment_pence": p.council_payment_pence,
                "contribution_due_pence": p.contribution_due_pence,
                "budget_pence": p.budget_pence,
            }
            for p in result.periods
        ],
        "breakdown": breakdown_json(breakdown(result)),
    }


def calculate_json(payload: object) -> dict[str, Any]:
    """Request JSON (already decoded) in, response JSON out; raises ValidationFailed on bad input."""
    return to_response(calculate_schedule(parse_request(payload)))


# -- adjustments after a change (payment-run engine) ---------------------------------------------


class PeriodAmounts(Protocol):
    """Anything carrying a period's dates and money (a `SchedulePeriod` or a `PaidPeriod`)."""

    @property
    def start_on(self) -> dt.date: ...

    @property
    def end_on(self) -> dt.date: ...

    @property
    def council_payment_pence(self) -> int: ...

    @property
    def contribution_due_pence(self) -> int: ...


@dataclass(frozen=True)
class PaidPeriod:
    """What was actually paid (and the contribution asked for) for one period already settled."""

    start_on: dt.date
    end_on: dt.date
    council_payment_pence: int
    contribution_due_pence: int = 0

    def __post_init__(self) -> None:
        if self.end_on < self.start_on:
            raise ValidationFailed("A paid period must end on or after the day it starts", field="end_on")
        _check_amount(self.council_payment_pence, "council_payment_pence")
        _check_amount(self.contribution_due_pence, "contribution_due_pence")


@dataclass(frozen=True)
class AdjustmentLine:
    start_on: dt.date
    end_on: dt.date
    paid_pence: int
    due_pence: int
    contribution_asked_pence: int
    contribution_due_pence: int

    @property
    def difference_pence(self) -> int:
        """Positive: the council owes a top-up. Negative: the council paid too much."""
        return self.due_pence - self.paid_pence

    @property
    def contribution_difference_pence(self) -> int:
        """Positive: the person owes more. Negative: the person was asked for too much."""
        return self.contribution_due_pence - self.contribution_asked_pence


AdjustmentKind = Literal["top_up", "reduction", "none"]


@dataclass(frozen=True)
class ScheduleAdjustment:
    """The amount to settle in the next run: positive is a top-up, negative a reduction."""

    council_adjustment_pence: int
    contribution_adjustment_pence: int
    lines: tuple[AdjustmentLine, ...]
    reason: str

    @property
    def kind(self) -> AdjustmentKind:
        if self.council_adjustment_pence > 0:
            return "top_up"
        if self.council_adjustment_pence < 0:
            return "reduction"
        return "none"


def _by_dates(periods: Iterable[PeriodAmounts], name: str) -> dict[tuple[dt.date, dt.date], PeriodAmounts]:
    found: dict[tuple[dt.date, dt.date], PeriodAmounts] = {}
    for i, p in enumerate(periods):
        key = (p.start_on, p.end_on)
        if key in found:
            raise ValidationFailed(f"The period {_span(*key)} is listed twice", field=index_path(name, i))
        found[key] = p
    return found


def _money_change(difference: int) -> str:
    if difference > 0:
        return f"a top-up of {format_pence(difference)}"
    if difference < 0:
        return f"a reduction of {format_pence(-difference)}"
    return "no change"


def calculate_adjustment(*, paid: Sequence[PeriodAmounts], due: Sequence[PeriodAmounts]) -> ScheduleAdjustment:
    """Compare what was paid for each settled period with what is due now, after a change.

    `paid` is the history of periods already paid; `due` the same periods (and possibly more)
    recalculated under the changed terms (`calculate_schedule` / `period`). Periods in `due` that
    were not paid are left for their own runs. Each paid period must appear in `due` with the same
    dates. The sum of the differences is settled in the next run: added to it (a top-up) or taken
    from it (a reduction; see `settle_in_next_payment`). Source: DP-PAY-02 (payments in advance),
    DP-REP-01 (overpayments recovered by reducing future payments; local policy).
    """
    due_by_dates = _by_dates(due, "due")
    _by_dates(paid, "paid")
    lines: list[AdjustmentLine] = []
    for i, p in enumerate(paid):
        now = due_by_dates.get((p.start_on, p.end_on))
        if now is None:
            raise ValidationFailed(
                f"The paid period {_span(p.start_on, p.end_on)} is not one of the periods now due",
                field=index_path("paid", i),
            )
        lines.append(
            AdjustmentLine(
                start_on=p.start_on,
                end_on=p.end_on,
                paid_pence=p.council_payment_pence,
                due_pence=now.council_payment_pence,
                contribution_asked_pence=p.contribution_due_pence,
                contribution_due_pence=now.contribution_due_pence,
            )
        )
    lines.sort(key=lambda line: line.start_on)
    council = sum(line.difference_pence for line in lines)
    contribution = sum(line.contribution_difference_pence for line in lines)
    return ScheduleAdjustment(
        council_adjustment_pence=council,
        contribution_adjustment_pence=contribution,
        lines=tuple(lines),
        reason=_adjustment_reason(lines, council, contribution),
    )


def _adjustment_reason(lines: Sequence[AdjustmentLine], council: int, contribution: int) -> str:
    changed = [line for line in lines if line.difference_pence or line.contribution_difference_pence]
    if not changed:
        return "Nothing to adjust: the amounts now due for the periods already paid are what was paid."
    parts = ["The amounts changed for periods already paid."]
    for line in changed:
        text = (
            f"For {_span(line.start_on, line.end_on)} the council paid {format_pence(line.paid_pence)} "
            f"and {format_pence(line.due_pence)} is now due, {_money_change(line.difference_pence)}"
        )
        if line.contribution_difference_pence:
            text += (
                f"; the contribution for it was {format_pence(line.contribution_asked_pence)} "
                f"and is now {format_pence(line.contribution_due_pence)}"
            )
        parts.append(text + ".")
    if council > 0:
        parts.append(f"In all, {format_pence(council)} is added to the next payment.")
    elif council < 0:
        parts.append(f"In all, {format_pence(-council)} is taken off the next payment.")
    else:
        parts.append("The council's payments need no adjustment.")
    if contribution > 0:
        parts.append(f"The person's contribution goes up by {format_pence(contribution)} in all.")
    elif contribution < 0:
        parts.append(f"The person's contribution goes down by {format_pence(-contribution)} in all.")
    return " ".join(parts)


@dataclass(frozen=True)
class Settlement:
    """The next payment after an adjustment, and any reduction still to recover afterwards."""

    payment_pence: int
    carried_forward_pence: int


def settle_in_next_payment(*, next_payment_pence: int, adjustment_pence: int) -> Settlement:
    """Add a top-up to, or take a reduction from, the next payment; never pay less than nothing.

    A reduction larger than the next payment leaves `carried_forward_pence` still to recover
    (from later payments, or by asking for it back). Source: DP-REP-01 (local policy).
    """
    _check_amount(next_payment_pence, "next_payment_pence")
    total = next_payment_pence + adjustment_pence
    if total >= 0:
        return Settlement(payment_pence=total, carried_forward_pence=0)
    return Settlement(payment_pence=0, carried_forward_pence=-total)


def take_recovery(*, payable_pence: int, limits: Sequence[int], max_percent: Decimal | int | None = None) -> list[int]:
    """How much each recovery deduction takes off one payment: in order (oldest first), each takes up to its
    limit (`min(instalment, outstanding)`, less anything it already took in this run) and never more than
    is left of the payment, so the payment is never below nothing. DP-REP-01 (future payments may be
    reduced to recover; local policy).

    `max_percent` is the council's largest share of one payment that recovery may take (local policy
    `recovery_max_deduction_percent`, "a manageable way to repay", in force on the payment's pay date): all
    the deductions together take at most `recovery_deduction_cap(payable_pence, max_percent)`, so a payment
    that has shrunk since the recovery was decided still leaves the person money for their care. What is
    not taken stays outstanding for later runs. `None` (the council has not set it) keeps the cap at the
    whole payment, as the policy's help text says ("leave unset to allow up to the whole payment").
    """
    _check_amount(payable_pence, "payable_pence")
    left = recovery_deduction_cap(payable_pence, max_percent)
    taken = []
    for limit in limits:
        _check_amount(limit, "limit")
        amount = min(limit, left)
        taken.append(amount)
        left -= amount
    return taken


def recovery_deduction_cap(payable_pence: int, max_percent: Decimal | int | None) -> int:
    """The most recovery may take off a payment of `payable_pence`: `max_percent` of it rounded to the penny
    half up (`dp.core.money.round_to_pence`, the same figure dp.monitoring checks an instalment plan
    against when the recovery is decided), or the whole payment when the council has set no percentage.
    Local policy `recovery_max_deduction_percent` (DP-REP-01)."""
    _check_amount(payable_pence, "payable_pence")
    if max_percent is None:
        return payable_pence
    percent = Decimal(max_percent)
    if not 0 <= percent <= 100:
        raise ValidationFailed("max_percent must be between 0 and 100", field="max_percent")
    return round_to_pence(payable_pence * percent / 100)


def recovery_instalments(total_pence: int, instalments: int) -> list[int]:
    """Spread a recovery over `instalments` payments; the parts add up exactly to the total.

    Earlier instalments take any odd pennies (`dp.core.money.allocate`, largest remainder).
    Source: DP-REP-01 (future payments may be reduced to recover; local policy).
    """
    _check_amount(total_pence, "total_pence")
    if instalments < 1:
        raise ValidationFailed("Choose at least one instalment", field="instalments")
    return allocate(total_pence, [1] * instalments)


# -- ending a direct payment ---------------------------------------------------------------------


@dataclass(frozen=True)
class EndingLine:
    """One period touched by the ending: what is due for its days up to the last day, and what was paid."""

    start_on: dt.date
    end_on: dt.date
    due_until_on: dt.date | None  # the last day counted in this period; None when no day is due
    due_pence: int
    paid_pence: int
    contribution_due_pence: int
    contribution_asked_pence: int


@dataclass(frozen=True)
class DirectPaymentEnding:
    """The settlement when a direct payment ends.

    `final_payment_pence` is what the council still owes (periods up to the last day not yet
    paid, in full or in part); `advance_to_recover_pence` what was paid in advance for days after
    the last day (net of anything still owed). At most one of the two is non-zero.
    `contribution_adjustment_pence` is positive when the person still owes contribution for days
    up to the last day and negative when they were asked for contribution for days after it.
    """

    last_day_on: dt.date
    lines: tuple[EndingLine, ...]
    due_pence: int
    paid_pence: int
    final_payment_pence: int
    advance_to_recover_pence: int
    contribution_adjustment_pence: int
    reason: str


def end_direct_payment(
    terms: ScheduleTerms, *, last_day_on: dt.date, paid: Sequence[PaidPeriod]
) -> DirectPaymentEnding:
    """Settle a direct payment that ends on `last_day_on` (the last day it covers).

    `paid` is the whole history of periods paid under these terms (each must be a period of the
    schedule). Every period that starts on or before the last day is due up to the last day,
    pro-rated by days exactly as a change would be; nothing is due after it. Payments are made in
    advance (DP-PAY-02), so an ending mid-period usually leaves an advance to recover; a period
    not yet paid leaves a final payment. Sources: DP-TERM-01..03 (ending; surplus returned),
    DP-PAY-02, DP-REP-01 (recovery on termination; local policy).
    """
    paid_by_dates: dict[tuple[dt.date, dt.date], PaidPeriod] = {}
    for i, p in enumerate(paid):
        path = index_path("paid", i)
        if p.start_on < terms.start_on or (p.start_on - terms.start_on).days % terms.period_days:
            raise ValidationFailed(
                f"The paid period {_span(p.start_on, p.end_on)} is not a period of the schedule", field=path
            )
        _, expected_end = terms.period_bounds(terms.period_number_on(p.start_on))
        if p.end_on != expected_end:
            raise ValidationFailed(
                f"The paid period {_span(p.start_on, p.end_on)} is not a period of the schedule", field=path
            )
        if (p.start_on, p.end_on) in paid_by_dates:
            raise ValidationFailed(f"The period {_span(p.start_on, p.end_on)} is listed twice", field=path)
        paid_by_dates[(p.start_on, p.end_on)] = p

    keys = set(paid_by_dates)
    if last_day_on >= terms.start_on:
        for n in range(1, terms.period_number_on(last_day_on) + 1):
            keys.add(terms.period_bounds(n))

    lines: list[EndingLine] = []
    for start, end in sorted(keys):
        was_paid = paid_by_dates.get((start, end))
        if start <= last_day_on:
            until = min(end, last_day_on)
            now = calculate_period(terms, start, until)
            due, contribution_due = now.council_payment_pence, now.contribution_due_pence
        else:
            until, due, contribution_due = None, 0, 0
        lines.append(
            EndingLine(
                start_on=start,
                end_on=end,
                due_until_on=until,
                due_pence=due,
                paid_pence=was_paid.council_payment_pence if was_paid else 0,
                contribution_due_pence=contribution_due,
                contribution_asked_pence=was_paid.contribution_due_pence if was_paid else 0,
            )
        )
    due_total = sum(line.due_pence for line in lines)
    paid_total = sum(line.paid_pence for line in lines)
    net = due_total - paid_total
    contribution = sum(line.contribution_due_pence - line.contribution_asked_pence for line in lines)
    return DirectPaymentEnding(
        last_day_on=last_day_on,
        lines=tuple(lines),
        due_pence=due_total,
        paid_pence=paid_total,
        final_payment_pence=max(net, 0),
        advance_to_recover_pence=max(-net, 0),
        contribution_adjustment_pence=contribution,
        reason=_ending_reason(last_day_on, lines, net, contribution),
    )


def _ending_reason(last_day_on: dt.date, lines: Sequence[EndingLine], net: int, contribution: int) -> str:
    parts = [f"The direct payment ends after {last_day_on.isoformat()}."]
    for line in lines:
        if line.due_pence == line.paid_pence and line.contribution_due_pence == line.contribution_asked_pence:
            continue
        if line.due_until_on is None:
            cover = "none of its days is covered"
        elif line.due_until_on == line.end_on:
            cover = "all of its days are covered"
        else:
            days = (line.due_until_on - line.start_on).days + 1
            total = (line.end_on - line.start_on).days + 1
            cover = f"{days} of its {total} days are covered"
        parts.append(
            f"For {_span(line.start_on, line.end_on)} {cover}: {format_pence(line.due_pence)} is due and "
            f"{format_pence(line.paid_pence)} was paid."
        )
    if net > 0:
        parts.append(f"The final payment is {format_pence(net)}.")
    elif net < 0:
        parts.append(f"{format_pence(-net)} was paid in advance for days after the end and is to be recovered.")
    else:
        parts.append("Nothing more is to be paid or recovered.")
    if contribution > 0:
        parts.append(f"The person still owes {format_pence(contribution)} of contribution.")
    elif contribution < 0:
        parts.append(f"The person was asked for {format_pence(-contribution)} of contribution for days after the end.")
    return " ".join(parts)


# -- scheduled items: regular and one-off payments ------------------------------------------------

ItemKind = Literal["regular", "one_off"]


@dataclass(frozen=True)
class OneOffPayment:
    """A single payment outside the regular cycle (equipment, a short-term intervention).

    RULES.md §4 "One-off payments" (local policy: `one_off_allowed`, `one_off_max`).
    """

    pay_on: dt.date
    amount_pence: int
    description: str

    def __post_init__(self) -> None:
        if self.amount_pence <= 0:
            raise ValidationFailed("A one-off payment must be more than nothing", field="amount_pence")
        _check_amount(self.amount_pence, "amount_pence")
        if not self.description.strip():
            raise ValidationFailed("Enter what the one-off payment is for", field="description")


@dataclass(frozen=True)
class ScheduledItem:
    """One payment the council is to make, on `due_on` (before moving off weekends and holidays)."""

    due_on: dt.date
    amount_pence: int
    kind: ItemKind
    description: str
    period_start_on: dt.date | None = None
    period_end_on: dt.date | None = None


def scheduled_items(
    periods: Sequence[SchedulePeriod],
    one_offs: Sequence[OneOffPayment] = (),
    *,
    one_off_max_pence: int | None = None,
) -> tuple[ScheduledItem, ...]:
    """Regular period payments and one-off payments as one list in date order.

    A regular payment is due on the first day of its period: direct payments are paid in advance
    (DP-PAY-02). Periods with nothing for the council to pay produce no item. One-off payments
    above the council's `one_off_max_pence` (local policy) are refused. On the same day, regular
    payments come before one-offs; otherwise the order given is kept.
    """
    items: list[tuple[dt.date, int, int, ScheduledItem]] = []
    for i, p in enumerate(periods):
        if p.council_payment_pence:
            items.append(
                (
                    p.start_on,
                    0,
                    i,
                    ScheduledItem(
                        due_on=p.start_on,
                        amount_pence=p.council_payment_pence,
                        kind="regular",
                        description=f"Direct payment for {_span(p.start_on, p.end_on)}",
                        period_start_on=p.start_on,
                        period_end_on=p.end_on,
                    ),
                )
            )
    for i, one_off in enumerate(one_offs):
        if one_off_max_pence is not None and one_off.amount_pence > one_off_max_pence:
            raise ValidationFailed(
                f"A one-off payment may be at most {format_pence(one_off_max_pence)} under the council's policy",
                field=f"{index_path('one_offs', i)}.amount_pence",
            )
        items.append(
            (
                one_off.pay_on,
                1,
                i,
                ScheduledItem(
                    due_on=one_off.pay_on,
                    amount_pence=one_off.amount_pence,
                    kind="one_off",
                    description=one_off.description.strip(),
                ),
            )
        )
    return tuple(item for *_, item in sorted(items, key=lambda t: (t[0], t[1], t[2])))
