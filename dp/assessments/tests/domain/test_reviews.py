"""Review dates of a direct payment (DP Regs 2014 reg 7; CALCULATE.md `review-dates`)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.assessments.domain.reviews import (
    ReviewDatesRequest,
    ReviewStatus,
    add_months,
    calculate_review_dates,
    classify_review,
    review_due_by,
    statutory_first_review_due_by,
)
from dp.core.domain.breakdown import BreakdownLine
from dp.core.errors import ValidationFailed

D = dt.date


class TestAddMonths:
    @pytest.mark.parametrize(
        ("on", "months", "expected"),
        [
            (D(2025, 1, 15), 6, D(2025, 7, 15)),
            (D(2025, 8, 31), 6, D(2026, 2, 28)),  # shorter month: its last day
            (D(2023, 8, 31), 6, D(2024, 2, 29)),  # leap year
            (D(2025, 3, 31), 6, D(2025, 9, 30)),
            (D(2025, 7, 31), 6, D(2026, 1, 31)),
            (D(2025, 12, 1), 1, D(2026, 1, 1)),
            (D(2024, 2, 29), 12, D(2025, 2, 28)),
            (D(2025, 1, 31), 1, D(2025, 2, 28)),
            (D(2025, 5, 20), 0, D(2025, 5, 20)),
            (D(2025, 3, 31), -1, D(2025, 2, 28)),
            (D(2025, 1, 15), -1, D(2024, 12, 15)),
        ],
    )
    def test_add_months(self, on: dt.date, months: int, expected: dt.date) -> None:
        assert add_months(on, months) == expected

    @given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 1, 1)), st.integers(0, 240))
    def test_lands_in_the_right_month_never_later_in_it(self, on: dt.date, months: int) -> None:
        result = add_months(on, months)
        assert (result.year * 12 + result.month) - (on.year * 12 + on.month) == months
        assert result.day <= on.day
        if result.day < on.day:  # clamped: the target month's last day
            assert (result + dt.timedelta(days=1)).day == 1


class TestStatutoryReviews:
    @pytest.mark.parametrize(
        ("first_payment", "first_review"),
        [
            (D(2025, 6, 2), D(2025, 12, 2)),
            (D(2025, 8, 31), D(2026, 2, 28)),
            (D(2023, 8, 31), D(2024, 2, 29)),
            (D(2025, 12, 31), D(2026, 6, 30)),
        ],
    )
    def test_first_review_is_six_calendar_months_after_first_payment(
        self, first_payment: dt.date, first_review: dt.date
    ) -> None:
        assert statutory_first_review_due_by(first_payment) == first_review

    def test_review_due_by(self) -> None:
        assert review_due_by(D(2025, 6, 2), None) == D(2025, 12, 2)
        assert review_due_by(D(2025, 6, 2), D(2025, 10, 1)) == D(2026, 10, 1)

    @given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 1, 1)))
    def test_first_review_is_within_about_six_months(self, first_payment: dt.date) -> None:
        days = (statutory_first_review_due_by(first_payment) - first_payment).days
        assert 178 <= days <= 184


class TestCalculateReviewDates:
    def test_no_review_yet(self) -> None:
        result = calculate_review_dates(ReviewDatesRequest(first_payment_on=D(2025, 6, 2)))
        assert result.statutory_first_review_due_by == D(2025, 12, 2)
        assert result.next_review_due_by == D(2026, 12, 2)  # the contract: first review + 12 months
        assert result.initial_check_due_on is None
        assert result.breakdown == [
            BreakdownLine.text("First payment", "2 June 2025"),
            BreakdownLine.text(
                "First review due by (within 6 months of the first payment, Direct Payments Regulations 2014 reg 7)",
                "2 December 2025",
            ),
            BreakdownLine.text("Last review", "none yet"),
            BreakdownLine.text("Next review due by (12 months after the first review is due)", "2 December 2026"),
        ]

    def test_next_review_counts_from_the_clamped_first_review(self) -> None:
        # 31 August 2022 + 6 months = 28 February 2023; + 12 months = 28 February 2024 (not the 29th).
        result = calculate_review_dates(ReviewDatesRequest(first_payment_on=D(2022, 8, 31)))
        assert result.statutory_first_review_due_by == D(2023, 2, 28)
        assert result.next_review_due_by == D(2024, 2, 28)

    def test_after_a_review(self) -> None:
        result = calculate_review_dates(
            ReviewDatesRequest(first_payment_on=D(2025, 6, 2), last_review_on=D(2025, 11, 20))
        )
        assert result.statutory_first_review_due_by == D(2025, 12, 2)
        assert result.next_review_due_by == D(2026, 11, 20)
        assert BreakdownLine.text("Last review", "20 November 2025") in result.breakdown
        assert not any(line.label == "Note" for line in result.breakdown)

    def test_a_late_first_review_is_noted(self) -> None:
        result = calculate_review_dates(
            ReviewDatesRequest(first_payment_on=D(2025, 6, 2), last_review_on=D(2025, 12, 3))
        )
        assert result.next_review_due_by == D(2026, 12, 3)
        assert any(line.label == "Note" for line in result.breakdown)

    def test_review_on_the_first_payment_day_is_allowed(self) -> None:
        result = calculate_review_dates(
            ReviewDatesRequest(first_payment_on=D(2025, 6, 2), last_review_on=D(2025, 6, 2))
        )
        assert result.next_review_due_by == D(2026, 6, 2)

    @pytest.mark.parametrize(("weeks", "due"), [(1, D(2025, 6, 9)), (8, D(2025, 7, 28)), (12, D(2025, 8, 25))])
    def test_initial_check(self, weeks: int, due: dt.date) -> None:
        result = calculate_review_dates(ReviewDatesRequest(first_payment_on=D(2025, 6, 2), initial_check_weeks=weeks))
        assert result.initial_check_due_on == due
        assert result.breakdown[1].label.startswith(f"Initial check ({weeks} weeks")

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"first_payment_on": "2025-06-02"}, "first_payment_on"),
            ({"last_review_on": D(2025, 6, 1)}, "last_review_on"),
            ({"last_review_on": "2025-07-01"}, "last_review_on"),
            ({"initial_check_weeks": 0}, "policy.initial_check_weeks"),
            ({"initial_check_weeks": 53}, "policy.initial_check_weeks"),
            ({"initial_check_weeks": True}, "policy.initial_check_weeks"),
        ],
    )
    def test_validation(self, values: dict[str, object], field: str) -> None:
        arguments: dict[str, object] = {"first_payment_on": D(2025, 6, 2), **values}
        with pytest.raises(ValidationFailed) as exc:
            ReviewDatesRequest(**arguments)  # type: ignore[arg-type]
        assert exc.value.field == field


class TestClassifyReview:
    DUE_BY = D(2025, 12, 2)

    @pytest.mark.parametrize(
        ("today", "status"),
        [
            (D(2025, 11, 3), ReviewStatus.NOT_YET_DUE),  # 29 days before
            (D(2025, 11, 4), ReviewStatus.DUE),  # 28 days before
            (D(2025, 12, 2), ReviewStatus.DUE),  # the last day
            (D(2025, 12, 3), ReviewStatus.OVERDUE),
            (D(2026, 6, 1), ReviewStatus.OVERDUE),
        ],
    )
    def test_default_window(self, today: dt.date, status: ReviewStatus) -> None:
        assert classify_review(self.DUE_BY, today) is status

    def test_no_window(self) -> None:
        assert classify_review(self.DUE_BY, D(2025, 12, 1), due_soon_days=0) is ReviewStatus.NOT_YET_DUE
        assert classify_review(self.DUE_BY, D(2025, 12, 2), due_soon_days=0) is ReviewStatus.DUE

    def test_negative_window_is_refused(self) -> None:
        with pytest.raises(ValidationFailed):
            classify_review(self.DUE_BY, D(2025, 12, 1), due_soon_days=-1)

    def test_status_values_are_stable(self) -> None:
        assert [s.value for s in ReviewStatus] == ["not_yet_due", "due", "overdue"]
