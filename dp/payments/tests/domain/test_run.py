"""Payment runs, pure: which periods are due, what holds a payment back, dates, and the workflow table."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dp.payments.domain import run as r
from dp.payments.domain.run import HoldFacts, due_period_numbers, hold_reason, horizon_on

D = dt.date
HOLIDAYS = frozenset({D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 12, 25), D(2026, 12, 28)})


class TestWorkflow:
    @pytest.mark.parametrize(
        ("current", "target"),
        [
            ("calculated", "approved"),
            ("calculated", "cancelled"),
            ("approved", "executing"),
            ("approved", "cancelled"),
            ("executing", "completed"),
        ],
    )
    def test_allowed(self, current, target):
        assert r.can_move(current, target)

    @pytest.mark.parametrize("current", list(r.RUN_TRANSITIONS))
    def test_every_other_move_is_refused(self, current):
        allowed = r.RUN_TRANSITIONS[current]
        for target in r.RUN_TRANSITIONS:
            if target not in allowed:
                assert not r.can_move(current, target), (current, target)

    def test_a_run_being_sent_cannot_be_cancelled(self):
        assert not r.can_move("executing", "cancelled")


class TestHorizon:
    @pytest.mark.parametrize(
        ("pay_on", "expected"),
        [
            (D(2026, 4, 14), D(2026, 4, 14)),  # Tuesday: only that day
            (D(2026, 4, 17), D(2026, 4, 19)),  # Friday: also the weekend
            (D(2026, 4, 2), D(2026, 4, 6)),  # Maundy Thursday: Good Friday, the weekend and Easter Monday
            (D(2026, 5, 1), D(2026, 5, 4)),  # Friday before the May bank holiday
        ],
    )
    def test_pays_everything_up_to_the_next_working_day(self, pay_on, expected):
        assert horizon_on(pay_on, HOLIDAYS) == expected


class TestDuePeriods:
    START = D(2026, 1, 5)  # a Monday

    def test_first_run_pays_the_first_period_on_its_first_day(self):
        assert list(
            due_period_numbers(
                start_on=self.START,
                period_weeks=4,
                payable_from_on=self.START,
                last_paid_start_on=None,
                horizon=self.START,
            )
        ) == [1]

    def test_nothing_before_the_start(self):
        assert not due_period_numbers(
            start_on=self.START,
            period_weeks=4,
            payable_from_on=self.START,
            last_paid_start_on=None,
            horizon=self.START - dt.timedelta(days=1),
        )

    def test_catch_up_pays_every_unpaid_period(self):
        due = due_period_numbers(
            start_on=self.START,
            period_weeks=4,
            payable_from_on=self.START,
            last_paid_start_on=None,
            horizon=D(2026, 3, 2),
        )
        assert list(due) == [1, 2, 3]

    def test_after_the_last_period_paid(self):
        due = due_period_numbers(
            start_on=self.START,
            period_weeks=4,
            payable_from_on=self.START,
            last_paid_start_on=D(2026, 2, 2),
            horizon=D(2026, 3, 2),
        )
        assert list(due) == [3]

    def test_resumed_payments_skip_the_periods_while_suspended(self):
        due = due_period_numbers(
            start_on=self.START,
            period_weeks=4,
            payable_from_on=D(2026, 2, 10),
            last_paid_start_on=D(2026, 1, 5),
            horizon=D(2026, 3, 30),
        )
        assert list(due) == [3, 4]  # 2 March and 30 March; 2 February started before payments resumed

    @settings(max_examples=300, deadline=None)
    @given(
        weeks=st.integers(1, 8),
        offset=st.integers(0, 400),
        paid=st.one_of(st.none(), st.integers(0, 30)),
        resume=st.integers(0, 300),
    )
    def test_each_due_period_starts_in_the_window(self, weeks, offset, paid, resume):
        horizon = self.START + dt.timedelta(days=offset)
        last = None if paid is None else self.START + dt.timedelta(weeks=weeks * paid)
        payable = self.START + dt.timedelta(days=resume)
        for n in due_period_numbers(
            start_on=self.START, period_weeks=weeks, payable_from_on=payable, last_paid_start_on=last, horizon=horizon
        ):
            start = self.START + dt.timedelta(weeks=weeks * (n - 1))
            assert payable <= start <= horizon
            assert last is None or start > last


class TestHoldReason:
    def test_nothing_holds_a_good_payment(self):
        assert hold_reason(HoldFacts(agreement_signed=True, account_open=True, account_kind="bank")) is None

    @pytest.mark.parametrize(
        ("facts", "reason"),
        [
            (HoldFacts(agreement_signed=False, account_open=False), r.AGREEMENT_NOT_SIGNED),
            (HoldFacts(agreement_signed=True, account_open=False), r.NO_OPEN_ACCOUNT),
            (
                HoldFacts(agreement_signed=True, account_open=True, account_kind="prepaid_card", card_status="lost"),
                r.CARD_NOT_ACTIVE,
            ),
            (
                HoldFacts(agreement_signed=True, account_open=True, account_kind="bank", bank_change_waiting=True),
                r.BANK_DETAILS_UNCONFIRMED,
            ),
        ],
    )
    def test_reasons_in_order(self, facts, reason):
        assert hold_reason(facts) == reason

    def test_a_pending_change_matters_only_for_bank_accounts(self):
        facts = HoldFacts(
            agreement_signed=True,
            account_open=True,
            account_kind="prepaid_card",
            card_status="active",
            bank_change_waiting=True,
        )
        assert hold_reason(facts) is None


class TestCycle:
    def test_anchor_is_the_weekday_in_the_offset_week(self):
        assert r.cycle_anchor(weekday=0, offset_weeks=0) == D(2024, 1, 1)
        assert r.cycle_anchor(weekday=2, offset_weeks=1) == D(2024, 1, 10)

    def test_cycle_dates(self):
        assert r.is_cycle_date(D(2026, 1, 5), weekday=0, offset_weeks=0, cycle_weeks=4) is False
        assert r.is_cycle_date(D(2024, 1, 29), weekday=0, offset_weeks=0, cycle_weeks=4)
        dates = r.next_cycle_dates(
            weekday=0, offset_weeks=2, cycle_weeks=4, after_on=D(2026, 3, 20), count=2, bank_holidays=HOLIDAYS
        )
        assert dates[0][0] == D(2026, 4, 6)
        assert dates[0][1] == D(2026, 4, 2)  # Easter Monday: paid on Maundy Thursday
        assert dates[1] == (D(2026, 5, 4), D(2026, 5, 1))

    def test_the_cycle_date_on_or_before_a_day(self):
        assert r.cycle_date_on_or_before(D(2024, 1, 29), weekday=0, offset_weeks=0, cycle_weeks=4) == D(2024, 1, 29)
        assert r.cycle_date_on_or_before(D(2024, 2, 25), weekday=0, offset_weeks=0, cycle_weeks=4) == D(2024, 1, 29)
        assert r.cycle_date_on_or_before(D(2023, 12, 31), weekday=0, offset_weeks=0, cycle_weeks=4) == D(2023, 12, 4)

    @given(st.dates(D(2020, 1, 1), D(2035, 1, 1)), st.integers(0, 6), st.integers(0, 3), st.integers(1, 8))
    def test_the_cycle_date_on_or_before_is_a_cycle_date_less_than_a_cycle_before(self, on, weekday, offset, weeks):
        found = r.cycle_date_on_or_before(on, weekday=weekday, offset_weeks=offset, cycle_weeks=weeks)
        assert r.is_cycle_date(found, weekday=weekday, offset_weeks=offset, cycle_weeks=weeks)
        assert 0 <= (on - found).days < 7 * weeks

    def test_bacs_processing_is_two_working_days_before(self):
        assert r.bacs_processing_on(pay_on=D(2026, 4, 14), today=D(2026, 4, 1), bank_holidays=HOLIDAYS) == D(
            2026, 4, 10
        )

    def test_late_files_are_processed_on_the_next_working_day(self):
        processing = r.bacs_processing_on(pay_on=D(2026, 4, 14), today=D(2026, 4, 13), bank_holidays=HOLIDAYS)
        assert processing == D(2026, 4, 13)
        assert r.arrives_on(processing_on=processing, bank_holidays=HOLIDAYS) == D(2026, 4, 15)
