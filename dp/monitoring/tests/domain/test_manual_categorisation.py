"""Staff categorising a transaction by hand (`manual_categorisation`): pure, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.core.errors import ValidationFailed
from dp.monitoring.domain.categorise import PlanLineRef, SpendCategory, manual_categorisation

ON = dt.date(2026, 11, 2)
PA_LINE = PlanLineRef(id="7", category="personal_assistant", label="PA mornings")


def _manual(amount_pence: int = -4500, **kwargs):  # type: ignore[no-untyped-def]
    values = {"plan_line": None, "category": None, "why": "Timesheet seen", "by": "Sam Officer", "on": ON}
    return manual_categorisation(amount_pence=amount_pence, **{**values, **kwargs})


class TestMoneyOut:
    def test_put_against_a_plan_line_is_explained(self):  # type: ignore[no-untyped-def]
        result = _manual(plan_line=PA_LINE, category=SpendCategory.PERSONAL_ASSISTANT)
        assert (result.status, result.plan_line_id, result.category, result.matched_by) == (
            "plan_line",
            "7",
            SpendCategory.PERSONAL_ASSISTANT,
            "manual",
        )
        assert result.reason == (
            "Put against the plan line 'PA mornings' (Personal Assistant) by Sam Officer on 2 November 2026: "
            "Timesheet seen"
        )

    def test_a_plan_line_without_a_category_is_explained(self):  # type: ignore[no-untyped-def]
        result = _manual(plan_line=PA_LINE)
        assert (result.status, result.category) == ("plan_line", None)
        assert result.explained

    def test_a_category_alone_says_what_it_was_but_does_not_explain_it(self):  # type: ignore[no-untyped-def]
        result = _manual(category=SpendCategory.GAMBLING)
        assert (result.status, result.category, result.plan_line_id) == ("unexplained", SpendCategory.GAMBLING, None)
        assert result.reason.startswith("Gambling, not against a plan line, categorised by Sam Officer")

    def test_a_cash_withdrawal_is_cash(self):  # type: ignore[no-untyped-def]
        assert _manual(category=SpendCategory.CASH_WITHDRAWAL).status == "cash"

    def test_money_out_cannot_be_money_in(self):  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as error:
            _manual(category=SpendCategory.MONEY_IN)
        assert error.value.field == "category"


class TestMoneyIn:
    def test_money_in_stays_money_in_with_its_category(self):  # type: ignore[no-untyped-def]
        result = _manual(amount_pence=5000, category=SpendCategory.GENERAL_RETAIL)
        assert (result.status, result.category) == ("money_in", SpendCategory.GENERAL_RETAIL)
        assert result.reason.startswith("Money in (General shopping), categorised by Sam Officer")

    def test_money_in_is_never_put_against_a_plan_line(self):  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as error:
            _manual(amount_pence=5000, plan_line=PA_LINE)
        assert error.value.field == "plan_line"


class TestWhatIsRequired:
    @pytest.mark.parametrize("why", ["", "   \n  "])
    def test_a_reason_is_required(self, why):  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as error:
            _manual(plan_line=PA_LINE, why=why)
        assert error.value.field == "reason"

    def test_a_plan_line_or_a_category_is_required(self):  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as error:
            _manual()
        assert error.value.field == "plan_line"

    def test_an_unknown_category_is_refused(self):  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as error:
            _manual(category="yachts")
        assert error.value.field == "category"

    def test_the_reason_is_kept_on_one_line(self):  # type: ignore[no-untyped-def]
        assert _manual(plan_line=PA_LINE, why="  Timesheet\n seen  ").reason.endswith(": Timesheet seen")
