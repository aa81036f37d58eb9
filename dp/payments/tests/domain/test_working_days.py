"""Working days: moving payment dates off weekends and bank holidays; the council's payment cycle."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dp.core.errors import ValidationFailed
from dp.payments.domain.working_days import (
    CycleDate,
    cycle_payment_dates,
    first_weekday_on_or_after,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_days_before,
)

D = dt.date
# England and Wales, Christmas 2025 to Easter 2026 (as govuk_bank_holidays lists them).
HOLIDAYS = frozenset({D(2025, 12, 25), D(2025, 12, 26), D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6)})


class TestWorkingDay:
    @pytest.mark.parametrize(
        ("on", "expected"),
        [
            (D(2025, 12, 22), True),  # Monday
            (D(2025, 12, 19), True),  # Friday
            (D(2025, 12, 20), False),  # Saturday
            (D(2025, 12, 21), False),  # Sunday
            (D(2025, 12, 25), False),  # Christmas Day, Thursday
        ],
    )
    def test_is_working_day(self, on, expected):
        assert is_working_day(on, HOLIDAYS) is expected


class TestPreviousWorkingDay:
    @pytest.mark.parametrize(
        ("on", "expected"),
        [
            (D(2025, 12, 22), D(2025, 12, 22)),  # a working day stays put
            (D(2025, 12, 20), D(2025, 12, 19)),  # Saturday -> Friday
            (D(2025, 12, 21), D(2025, 12, 19)),  # Sunday -> Friday
            (D(2025, 12, 26), D(2025, 12, 24)),  # Boxing Day -> Christmas Eve, past Christmas Day
            (D(2025, 12, 28), D(2025, 12, 24)),  # Sunday after both holidays
            (D(2026, 4, 6), D(2026, 4, 2)),  # Easter Monday -> Maundy Thursday, past Good Friday and the weekend
            (D(2026, 1, 1), D(2025, 12, 31)),  # New Year's Day -> the year before
        ],
    )
    def test_moves_to_the_previous_working_day(self, on, expected):
        assert previous_working_day(on, HOLIDAYS) == expected

    def test_without_holidays_only_weekends_move(self):
        assert previous_working_day(D(2025, 12, 25), frozenset()) == D(2025, 12, 25)

    @given(st.dates(min_value=D(2000, 1, 10), max_value=D(2099, 12, 31)))
    def test_result_is_a_working_day_on_or_before_and_nothing_in_between_is(self, on):
        moved = previous_working_day(on, HOLIDAYS)
        assert is_working_day(moved, HOLIDAYS)
        assert moved <= on
        assert all(not is_working_day(moved + dt.timedelta(days=i), HOLIDAYS) for i in range(1, (on - moved).days + 1))


class TestNextWorkingDay:
    def test_moves_forward(self):
        assert next_working_day(D(2025, 12, 25), HOLIDAYS) == D(2025, 12, 29)
        assert next_working_day(D(2025, 12, 24), HOLIDAYS) == D(2025, 12, 24)


class TestWorkingDaysBefore:
    def test_bacs_processing_day_is_two_working_days_before_arrival(self):
        assert working_days_before(D(2025, 12, 29), 2, HOLIDAYS) == D(2025, 12, 23)
        assert working_days_before(D(2025, 12, 17), 2, HOLIDAYS) == D(2025, 12, 15)

    def test_zero_days_is_the_day_itself(self):
        assert working_days_before(D(2025, 12, 17), 0, HOLIDAYS) == D(2025, 12, 17)

    def test_negative_days_are_refused(self):
        with pytest.raises(ValueError, match="negative"):
            working_days_before(D(2025, 12, 17), -1, HOLIDAYS)


class TestFirstWeekday:
    def test_first_monday_on_or_after(self):
        assert first_weekday_on_or_after(D(2025, 4, 7), 0) == D(2025, 4, 7)
        assert first_weekday_on_or_after(D(2025, 4, 8), 0) == D(2025, 4, 14)
        assert first_weekday_on_or_after(D(2025, 4, 8), 4) == D(2025, 4, 11)

    @pytest.mark.parametrize("weekday", [-1, 7])
    def test_weekday_range(self, weekday):
        with pytest.raises(ValidationFailed) as info:
            first_weekday_on_or_after(D(2025, 4, 7), weekday)
        assert info.value.field == "weekday"


class TestCycle:
    """4-weekly on Mondays from Monday 7 April 2025 (DP-PAY-02)."""

    def test_four_weekly_dates_in_a_range(self):
        dates = cycle_payment_dates(
            anchor_on=D(2025, 4, 7),
            cycle_weeks=4,
            start_on=D(2025, 11, 1),
            end_on=D(2026, 2, 1),
            bank_holidays=HOLIDAYS,
        )
        assert [c.nominal_on for c in dates] == [D(2025, 11, 17), D(2025, 12, 15), D(2026, 1, 12)]
        assert not any(c.moved for c in dates)

    def test_range_ends_are_inclusive(self):
        dates = cycle_payment_dates(
            anchor_on=D(2025, 4, 7),
            cycle_weeks=4,
            start_on=D(2025, 11, 17),
            end_on=D(2025, 12, 15),
            bank_holidays=HOLIDAYS,
        )
        assert [c.nominal_on for c in dates] == [D(2025, 11, 17), D(2025, 12, 15)]

    def test_anchor_after_the_range_works_backwards(self):
        dates = cycle_payment_dates(
            anchor_on=D(2026, 1, 12),
            cycle_weeks=4,
            start_on=D(2025, 4, 1),
            end_on=D(2025, 5, 31),
            bank_holidays=HOLIDAYS,
        )
        assert [c.nominal_on for c in dates] == [D(2025, 4, 7), D(2025, 5, 5)]

    def test_holiday_dates_move_earlier_but_stay_in_their_cycle(self):
        dates = cycle_payment_dates(
            anchor_on=D(2025, 12, 26),
            cycle_weeks=4,
            start_on=D(2025, 12, 26),
            end_on=D(2026, 1, 31),
            bank_holidays=HOLIDAYS,
        )
        assert dates == [
            CycleDate(nominal_on=D(2025, 12, 26), pay_on=D(2025, 12, 24)),
            CycleDate(nominal_on=D(2026, 1, 23), pay_on=D(2026, 1, 23)),
        ]
        assert dates[0].moved

    def test_fortnightly(self):
        dates = cycle_payment_dates(
            anchor_on=D(2025, 4, 9),
            cycle_weeks=2,
            start_on=D(2025, 4, 1),
            end_on=D(2025, 5, 10),
            bank_holidays=HOLIDAYS,
        )
        assert [c.nominal_on for c in dates] == [D(2025, 4, 9), D(2025, 4, 23), D(2025, 5, 7)]

    def test_empty_when_no_date_falls_in_the_range(self):
        assert (
            cycle_payment_dates(
                anchor_on=D(2025, 4, 7),
                cycle_weeks=4,
                start_on=D(2025, 4, 8),
                end_on=D(2025, 4, 20),
                bank_holidays=HOLIDAYS,
            )
            == []
        )

    def test_stops_at_the_end_of_the_calendar(self):
        dates = cycle_payment_dates(
            anchor_on=D(9999, 12, 6),
            cycle_weeks=1,
            start_on=D(9999, 12, 1),
            end_on=D(9999, 12, 31),
            bank_holidays=set(),
        )
        assert [c.nominal_on.day for c in dates] == [6, 13, 20, 27]
        assert (
            cycle_payment_dates(
                anchor_on=D(9999, 12, 6),
                cycle_weeks=1,
                start_on=D(9999, 12, 28),
                end_on=D(9999, 12, 31),
                bank_holidays=set(),
            )
            == []
        )

    @pytest.mark.parametrize("weeks", [0, 53])
    def test_cycle_length_range(self, weeks):
        with pytest.raises(ValidationFailed) as info:
            cycle_payment_dates(
                anchor_on=D(2025, 4, 7),
                cycle_weeks=weeks,
                start_on=D(2025, 4, 7),
                end_on=D(2025, 5, 7),
                bank_holidays=set(),
            )
        assert info.value.field == "cycle_weeks"

    def test_range_must_not_run_backwards(self):
        with pytest.raises(ValidationFailed) as info:
            cycle_payment_dates(
                anchor_on=D(2025, 4, 7),
                cycle_weeks=4,
                start_on=D(2025, 5, 7),
                end_on=D(2025, 4, 7),
                bank_holidays=set(),
            )
        assert info.value.field == "end_on"

    @settings(max_examples=200, deadline=None)
    @given(
        anchor=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
        weeks=st.integers(1, 8),
        start=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
        length=st.integers(0, 400),
    )
    def test_dates_are_the_anchors_weekday_whole_cycles_apart_and_paid_on_working_days(
        self, anchor, weeks, start, length
    ):
        end = start + dt.timedelta(days=length)
        dates = cycle_payment_dates(
            anchor_on=anchor, cycle_weeks=weeks, start_on=start, end_on=end, bank_holidays=HOLIDAYS
        )
        for c in dates:
            assert start <= c.nominal_on <= end
            assert (c.nominal_on - anchor).days % (7 * weeks) == 0
            assert is_working_day(c.pay_on, HOLIDAYS)
            assert c.pay_on <= c.nominal_on
        # none missed: the cycle date just before the first and just after the last fall outside
        step = dt.timedelta(weeks=weeks)
        if dates:
            assert dates[0].nominal_on - step < start
            assert dates[-1].nominal_on + step > end
        assert len(dates) in (length // (7 * weeks), length // (7 * weeks) + 1)
