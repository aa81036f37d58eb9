"""Agreement amounts, who may hold the money, and review scheduling (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.agreements.domain.amounts import agreement_amounts
from dp.agreements.domain.holders import HolderCapacity, holder_problem
from dp.agreements.domain.review_schedule import ReviewKind, counts_as_review, next_review_after, reviews_at_start
from dp.agreements.domain.workflow import AGREEMENT_TRANSITIONS, REVIEW_TRANSITIONS
from dp.core.errors import ValidationFailed


class TestAmounts:
    def test_net_of_contribution_every_four_weeks(self) -> None:
        # Kent's example (DP-PAY-01): budget £60, contribution £40, the council pays £20 a week
        amounts = agreement_amounts(regular_weekly_pence=6000, weekly_contribution_pence=4000, cycle_weeks=4)
        assert amounts.cycle_gross_pence == 24000
        assert amounts.cycle_contribution_pence == 16000
        assert amounts.cycle_council_payment_pence == 8000
        assert amounts.contribution_billed_weekly_pence == 0

    def test_contribution_above_the_direct_payment_is_billed(self) -> None:
        amounts = agreement_amounts(regular_weekly_pence=3000, weekly_contribution_pence=5000, cycle_weeks=4)
        assert amounts.contribution_into_account_weekly_pence == 3000
        assert amounts.contribution_billed_weekly_pence == 2000
        assert amounts.cycle_council_payment_pence == 0
        assert any("billed" in line.label for line in amounts.breakdown)

    def test_one_off_is_separate(self) -> None:
        amounts = agreement_amounts(
            regular_weekly_pence=10000, weekly_contribution_pence=0, one_off_pence=52000, cycle_weeks=4
        )
        assert amounts.cycle_council_payment_pence == 40000
        assert amounts.one_off_pence == 52000

    def test_parts_add_up(self) -> None:
        for regular, contribution in [(0, 0), (12345, 678), (100, 99999)]:
            a = agreement_amounts(regular_weekly_pence=regular, weekly_contribution_pence=contribution, cycle_weeks=4)
            assert a.cycle_gross_pence == a.cycle_contribution_pence + a.cycle_council_payment_pence

    def test_refuses_negative(self) -> None:
        with pytest.raises(ValidationFailed):
            agreement_amounts(regular_weekly_pence=-1, weekly_contribution_pence=0, cycle_weeks=4)


class TestHolders:
    @pytest.mark.parametrize(
        ("capacity", "age", "has_capacity", "allowed"),
        [
            (HolderCapacity.RECIPIENT, 40, None, True),
            (HolderCapacity.NOMINATED_PERSON, 40, True, True),
            (HolderCapacity.AUTHORISED_PERSON, 40, None, False),
            (HolderCapacity.RECIPIENT, 40, False, False),
            (HolderCapacity.AUTHORISED_PERSON, 80, False, True),
            (HolderCapacity.PARENT, 9, None, True),
            (HolderCapacity.RECIPIENT, 9, None, False),
            (HolderCapacity.RECIPIENT, 17, None, True),
            (HolderCapacity.PARENT, 17, None, True),
            (HolderCapacity.NOMINATED_PERSON, 16, None, False),
            (HolderCapacity.PARENT, 30, True, False),
        ],
    )
    def test_rules(self, capacity: HolderCapacity, age: int, has_capacity: bool | None, allowed: bool) -> None:
        assert (holder_problem(capacity=capacity, recipient_age=age, has_capacity=has_capacity) is None) is allowed


class TestReviewSchedule:
    def test_first_review_within_six_months(self) -> None:
        assert reviews_at_start(dt.date(2026, 8, 31), None) == [(ReviewKind.FIRST_REVIEW, dt.date(2027, 2, 28))]

    def test_initial_check_when_policy_sets_one(self) -> None:
        assert reviews_at_start(dt.date(2026, 1, 5), 12) == [
            (ReviewKind.INITIAL_CHECK, dt.date(2026, 3, 30)),
            (ReviewKind.FIRST_REVIEW, dt.date(2026, 7, 5)),
        ]

    def test_next_within_twelve_months_of_the_last(self) -> None:
        assert next_review_after(dt.date(2026, 1, 5), dt.date(2026, 6, 20)) == dt.date(2027, 6, 20)

    def test_initial_check_does_not_count(self) -> None:
        assert not counts_as_review(ReviewKind.INITIAL_CHECK)
        assert counts_as_review(ReviewKind.TRIGGERED)


def test_workflow_tables_are_closed() -> None:
    for table in (AGREEMENT_TRANSITIONS, REVIEW_TRANSITIONS):
        for targets in table.values():
            assert targets <= set(table)
