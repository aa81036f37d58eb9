"""Which reviews of a direct payment to schedule, and when.

Design
------
DP Regs 2014 reg 7(1)(a) (DP-REV-01): the council must review the making of direct payments at
least once within the first 6 months and at intervals of no more than 12 months after that.
`dp.assessments.domain.reviews` turns that into dates (CALCULATE.md `review-dates`); here:

* when a direct payment starts: an initial check if the council's policy sets one (the light-touch
  review some weeks in, DP-REV-03, RULES.md §4 `initial_review_weeks`) [LOCAL], and the first
  review, due by the first payment + 6 months;
* when a review is completed (any review but the initial check, including a triggered one, since
  reg 7 counts every review of the making of the payments): the next is due by that review + 12
  months.

Triggered reviews (reg 7(1)(b)-(d), DP-REV-02: a breach of a condition, a change in capacity,
concerns the payments are not used to meet the needs, conditions no longer met) are requested by a
worker with their own date. Pure: dates in, dates out.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from dp.assessments.domain.reviews import ReviewDatesRequest, calculate_review_dates, review_due_by


class ReviewKind(StrEnum):
    INITIAL_CHECK = "initial_check"
    FIRST_REVIEW = "first_review"
    ANNUAL_REVIEW = "annual_review"
    TRIGGERED = "triggered"


SCHEDULED_KINDS = frozenset({ReviewKind.FIRST_REVIEW, ReviewKind.ANNUAL_REVIEW})


def reviews_at_start(first_payment_on: dt.date, initial_check_weeks: int | None) -> list[tuple[ReviewKind, dt.date]]:
    """The reviews to schedule when a direct payment starts (DP-REV-01; DP-REV-03 [LOCAL])."""
    dates = calculate_review_dates(
        ReviewDatesRequest(first_payment_on=first_payment_on, initial_check_weeks=initial_check_weeks)
    )
    reviews: list[tuple[ReviewKind, dt.date]] = []
    if dates.initial_check_due_on is not None:
        reviews.append((ReviewKind.INITIAL_CHECK, dates.initial_check_due_on))
    reviews.append((ReviewKind.FIRST_REVIEW, dates.statutory_first_review_due_by))
    return reviews


def next_review_after(first_payment_on: dt.date, completed_on: dt.date) -> dt.date:
    """The next review is due within 12 months of the last one (DP Regs 2014 reg 7(1)(a))."""
    return review_due_by(first_payment_on, max(completed_on, first_payment_on))


def counts_as_review(kind: ReviewKind) -> bool:
    """Every review but the council's initial check restarts the 12-month clock (reg 7(1))."""
    return kind is not ReviewKind.INITIAL_CHECK
