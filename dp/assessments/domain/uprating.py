"""The annual uprating of contributions: its states, the date it uprates to, and its totals.

Design
------
Each April the national charging figures change (the DHSC circular and the amending regulations,
RULES.md §2.3), so every current financial assessment is re-run under the new year's figures with
the same recorded facts, and each person is told their new contribution. The re-run is a batch:

    queued → running → ready (for approval) → approved → applied
                     ↘ failed                ↘ cancelled (replaced by a newer batch)

`queued`/`running`: a background task re-calculates every assessment (in bulk). `ready`: the
officer sees each person's old and new contribution and the totals; assessments that could not be
re-calculated (a national figure missing, or a council Minimum Income Guarantee below the new
national amount) are listed with the reason, and the batch cannot be approved until none are
left. `approved`: an officer approved it (who and when are recorded); a background task writes
the new assessments. `applied`: the new assessments are current and the letters can be produced.
A `failed` run or an unapproved `ready` batch is cancelled when a newer batch starts.

The transitions are data, tested like the case workflow (STYLE.md 4.4). Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class BatchStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    APPROVED = "approved"
    APPLIED = "applied"
    CANCELLED = "cancelled"


BATCH_TRANSITIONS: Mapping[str, frozenset[str]] = {
    BatchStatus.QUEUED: frozenset({BatchStatus.RUNNING, BatchStatus.FAILED}),
    # A retried task re-runs a batch that was part-way through (safe: its rows are rebuilt).
    BatchStatus.RUNNING: frozenset({BatchStatus.RUNNING, BatchStatus.READY, BatchStatus.FAILED}),
    BatchStatus.READY: frozenset({BatchStatus.APPROVED, BatchStatus.CANCELLED}),
    BatchStatus.FAILED: frozenset({BatchStatus.CANCELLED}),
    BatchStatus.APPROVED: frozenset({BatchStatus.APPLIED}),
    BatchStatus.APPLIED: frozenset(),
    BatchStatus.CANCELLED: frozenset(),
}
# While a batch is in one of these states no other batch may start: it is working, or its
# approved results are being written.
BUSY = frozenset({BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.APPROVED})


def can_move(current: str, target: str) -> bool:
    return target in BATCH_TRANSITIONS.get(current, frozenset())


def default_target_on(today: dt.date, year_starts: Iterable[dt.date]) -> dt.date:
    """The date to uprate to: the start of the first rates year that begins after today, when
    the tables hold one; otherwise the start of the rates year today falls in (an uprating run
    after the new figures have started, as happens when the circular is late)."""
    starts = sorted(year_starts)
    later = [s for s in starts if s > today]
    if later:
        return later[0]
    current = [s for s in starts if s <= today]
    if current:
        return current[-1]
    return dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


@dataclass(frozen=True)
class ChangeRow:
    old_weekly_pence: int
    new_weekly_pence: int | None  # None when the assessment could not be re-calculated


@dataclass(frozen=True)
class UpratingTotals:
    """What an officer checks before approving: how many, how much each week before and after."""

    assessments: int
    recalculated: int
    failed: int
    old_weekly_total_pence: int
    new_weekly_total_pence: int
    went_up: int
    went_down: int
    unchanged: int

    @property
    def change_weekly_pence(self) -> int:
        return self.new_weekly_total_pence - self.old_weekly_total_pence


def uprating_totals(rows: Sequence[ChangeRow]) -> UpratingTotals:
    """Totals over the re-calculated rows; rows that failed count only as failed (their old
    contribution stays in force until they are re-calculated)."""
    done = [r for r in rows if r.new_weekly_pence is not None]
    return UpratingTotals(
        assessments=len(rows),
        recalculated=len(done),
        failed=len(rows) - len(done),
        old_weekly_total_pence=sum(r.old_weekly_pence for r in done),
        new_weekly_total_pence=sum(r.new_weekly_pence or 0 for r in done),
        went_up=sum(1 for r in done if (r.new_weekly_pence or 0) > r.old_weekly_pence),
        went_down=sum(1 for r in done if (r.new_weekly_pence or 0) < r.old_weekly_pence),
        unchanged=sum(1 for r in done if r.new_weekly_pence == r.old_weekly_pence),
    )
