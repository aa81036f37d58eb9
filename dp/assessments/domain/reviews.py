"""When reviews of a direct payment fall due, and whether one is due or overdue on a date.

Design
------
The Care and Support (Direct Payments) Regulations 2014, SI 2014/2871, reg 7(1)(a) (DP-REV-01):
the council must review the making of direct payments "at least once within the first 6 months"
and "at intervals not exceeding 12 months thereafter". CALCULATE.md `review-dates` turns that into
dates:

* statutory first review due by = first payment date + 6 calendar months;
* next review due by = last review date + 12 calendar months, or, with no review yet, the
  statutory first review date + 12 calendar months (the contract's definition);
* optional initial check = first payment date + the council's number of weeks (DP-REV-03, the
  light-touch 6 to 8 week plan review; Gateshead and Wigan use 12 weeks, RULES.md §4) [LOCAL].

A calendar month added to a day the target month lacks gives that month's last day (31 August +
6 months = 28 or 29 February). Triggered reviews (reg 7(1)(b)-(d), DP-REV-02) are events, not
dates, and are recorded by the workflow. Nothing here reads the clock: `today` is an argument.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from dp.assessments.domain.validation import require_date, require_int
from dp.core.domain.breakdown import BreakdownLine, format_date
from dp.core.errors import ValidationFailed

STATUTORY_FIRST_REVIEW_MONTHS = 6
STATUTORY_REVIEW_INTERVAL_MONTHS = 12
DEFAULT_DUE_SOON_DAYS = 28


def add_months(on: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, or that month's last day when it is shorter."""
    index = on.month - 1 + months
    year, month = on.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(on.day, calendar.monthrange(year, month)[1]))


def statutory_first_review_due_by(first_payment_on: dt.date) -> dt.date:
    """First payment + 6 calendar months (DP Regs 2014 reg 7(1)(a); DP-REV-01; CALCULATE.md)."""
    return add_months(first_payment_on, STATUTORY_FIRST_REVIEW_MONTHS)


def review_due_by(first_payment_on: dt.date, last_review_on: dt.date | None) -> dt.date:
    """The date by which the council's next reg 7(1)(a) review must be held.

    DP Regs 2014 reg 7(1)(a) (DP-REV-01): with no review yet, the statutory first review (first
    payment + 6 months); after a review, that review + 12 months. This is the date to chase; the
    contract's `next_review_due_by` is the one after the first review when none has happened.
    """
    if last_review_on is None:
        return statutory_first_review_due_by(first_payment_on)
    return add_months(last_review_on, STATUTORY_REVIEW_INTERVAL_MONTHS)


@dataclass(frozen=True)
class ReviewDatesRequest:
    """CALCULATE.md `review-dates` request; `initial_check_weeks` is the policy's setting."""

    first_payment_on: dt.date
    last_review_on: dt.date | None = None
    initial_check_weeks: int | None = None

    def __post_init__(self) -> None:
        require_date(self.first_payment_on, "first_payment_on")
        if self.last_review_on is not None:
            require_date(self.last_review_on, "last_review_on")
            if self.last_review_on < self.first_payment_on:
                raise ValidationFailed(
                    "The last review of a direct payment cannot be before its first payment.", field="last_review_on"
                )
        if self.initial_check_weeks is not None:
            require_int(self.initial_check_weeks, "policy.initial_check_weeks", minimum=1, maximum=52)


@dataclass(frozen=True)
class ReviewDatesResult:
    statutory_first_review_due_by: dt.date
    next_review_due_by: dt.date
    initial_check_due_on: dt.date | None
    breakdown: list[BreakdownLine] = field(default_factory=list)


def calculate_review_dates(request: ReviewDatesRequest) -> ReviewDatesResult:
    """Review dates for a direct payment (CALCULATE.md `review-dates`).

    Sources: DP Regs 2014 reg 7(1)(a) (DP-REV-01) for the 6-month and 12-month reviews;
    DP-REV-03 and RULES.md §4 (`initial_review_weeks`) [LOCAL] for the initial check.
    """
    first_payment = request.first_payment_on
    statutory = statutory_first_review_due_by(first_payment)
    lines = [
        BreakdownLine.text("First payment", format_date(first_payment)),
    ]
    initial_check: dt.date | None = None
    if request.initial_check_weeks is not None:
        initial_check = first_payment + dt.timedelta(weeks=request.initial_check_weeks)
        lines.append(
            BreakdownLine.text(
                f"Initial check ({request.initial_check_weeks} weeks after the first payment, council policy)",
                format_date(initial_check),
            )
        )
    lines.append(
        BreakdownLine.text(
            "First review due by (within 6 months of the first payment, Direct Payments Regulations 2014 reg 7)",
            format_date(statutory),
        )
    )
    if request.last_review_on is None:
        next_review = add_months(statutory, STATUTORY_REVIEW_INTERVAL_MONTHS)
        lines.append(BreakdownLine.text("Last review", "none yet"))
        lines.append(
            BreakdownLine.text("Next review due by (12 months after the first review is due)", format_date(next_review))
        )
    else:
        next_review = add_months(request.last_review_on, STATUTORY_REVIEW_INTERVAL_MONTHS)
        lines.append(BreakdownLine.text("Last review", format_date(request.last_review_on)))
        if request.last_review_on > statutory:
            lines.append(
                BreakdownLine.text("Note", "the last review was later than the statutory first review was due")
            )
        lines.append(
            BreakdownLine.text("Next review due by (within 12 months of the last review)", format_date(next_review))
        )
    return ReviewDatesResult(
        statutory_first_review_due_by=statutory,
        next_review_due_by=next_review,
        initial_check_due_on=initial_check,
        breakdown=lines,
    )


class ReviewStatus(StrEnum):
    NOT_YET_DUE = "not_yet_due"
    DUE = "due"
    OVERDUE = "overdue"


def classify_review(due_by: dt.date, today: dt.date, *, due_soon_days: int = DEFAULT_DUE_SOON_DAYS) -> ReviewStatus:
    """Whether a review that must be held by `due_by` is not yet due, due, or overdue on `today`.

    DP Regs 2014 reg 7(1)(a) (DP-REV-01) sets the latest date; a review is "due" from
    `due_soon_days` before it up to and including that date [LOCAL: the reminder window], and
    "overdue" the day after.
    """
    require_int(due_soon_days, "due_soon_days", minimum=0)
    if today > due_by:
        return ReviewStatus.OVERDUE
    if today >= due_by - dt.timedelta(days=due_soon_days):
        return ReviewStatus.DUE
    return ReviewStatus.NOT_YET_DUE
