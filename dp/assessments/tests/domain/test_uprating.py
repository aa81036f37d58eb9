"""The annual uprating's states, target date and totals."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from dp.assessments.domain.uprating import (
    BATCH_TRANSITIONS,
    BatchStatus,
    ChangeRow,
    can_move,
    default_target_on,
    uprating_totals,
)

STARTS = [dt.date(2024, 4, 1), dt.date(2025, 4, 6), dt.date(2026, 4, 1)]


class TestStates:
    def test_every_state_has_a_row(self) -> None:
        assert set(BATCH_TRANSITIONS) == {s.value for s in BatchStatus}

    def test_terminal_states(self) -> None:
        assert BATCH_TRANSITIONS[BatchStatus.APPLIED] == frozenset()
        assert BATCH_TRANSITIONS[BatchStatus.CANCELLED] == frozenset()

    @pytest.mark.parametrize(("a", "b"), list(itertools.product(BatchStatus, BatchStatus)))
    def test_can_move_reads_the_table(self, a: BatchStatus, b: BatchStatus) -> None:
        assert can_move(a, b) == (b in BATCH_TRANSITIONS[a])

    def test_only_a_ready_batch_is_approved(self) -> None:
        assert [s for s in BatchStatus if can_move(s, BatchStatus.APPROVED)] == [BatchStatus.READY]


class TestTargetDate:
    def test_next_year_when_the_tables_hold_it(self) -> None:
        assert default_target_on(dt.date(2026, 2, 1), STARTS) == dt.date(2026, 4, 1)

    def test_current_year_when_the_next_is_not_held(self) -> None:
        assert default_target_on(dt.date(2026, 11, 22), STARTS) == dt.date(2026, 4, 1)

    def test_no_tables(self) -> None:
        assert default_target_on(dt.date(2026, 2, 1), []) == dt.date(2025, 4, 1)


class TestTotals:
    def test_totals_count_only_recalculated_rows(self) -> None:
        totals = uprating_totals(
            [ChangeRow(1_000, 1_200), ChangeRow(500, 400), ChangeRow(300, 300), ChangeRow(700, None)]
        )
        assert (totals.assessments, totals.recalculated, totals.failed) == (4, 3, 1)
        assert totals.old_weekly_total_pence == 1_800
        assert totals.new_weekly_total_pence == 1_900
        assert totals.change_weekly_pence == 100
        assert (totals.went_up, totals.went_down, totals.unchanged) == (1, 1, 1)

    def test_empty(self) -> None:
        assert uprating_totals([]).assessments == 0
