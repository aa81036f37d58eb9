"""Effective-dated personal budgets: a new budget from a date ends the one before it.

Design
------
A case's personal budgets are half-open periods `[effective_from, effective_to)`, with
`effective_to` empty for the budget in force until further notice; they never overlap (the
database enforces this with an exclusion constraint). A reassessment or a new approved plan sets a
new budget from a date (Care Act 2014 s.26-27, PB-01; PB-03: a budget changes only after a
reassessment, never arbitrarily at a review). `periods_to_close` says which earlier budgets end
on the new budget's first day; a new budget may not start on or before the start of one already
recorded, so history is never rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from dp.core.domain.breakdown import format_date
from dp.core.errors import ValidationFailed


@dataclass(frozen=True)
class BudgetPeriod:
    effective_from: dt.date
    effective_to: dt.date | None = None

    def __post_init__(self) -> None:
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValidationFailed("A budget must end after it starts.", field="effective_to")


def periods_to_close(existing: Sequence[BudgetPeriod], new_from: dt.date) -> list[int]:
    """Indexes of `existing` periods to end on `new_from` so that `[new_from, ∞)` overlaps nothing.

    Refuses a start on or before the start of any recorded budget (PB-03: history is not rewritten).
    """
    for period in existing:
        if new_from <= period.effective_from:
            raise ValidationFailed(
                f"The new budget must start after {format_date(period.effective_from)}, when the budget before it "
                "started.",
                field="effective_from",
            )
    return [
        index for index, period in enumerate(existing) if period.effective_to is None or period.effective_to > new_from
    ]
