"""Resource Allocation System: points, price per point and PA on-costs (PB-02, PB-03)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.assessments.domain.ras import (
    PaOnCosts,
    RasAnswerOption,
    RasQuestion,
    RasRequest,
    RasScheme,
    calculate_indicative_budget,
)
from dp.core.domain.breakdown import BreakdownLine
from dp.core.errors import ValidationFailed

QUESTIONS = (
    RasQuestion(
        "personal_care",
        "Personal care",
        (
            RasAnswerOption("none", "No help needed", 0),
            RasAnswerOption("some", "Help with some tasks", 6),
            RasAnswerOption("most", "Help with most tasks", 12),
        ),
    ),
    RasQuestion(
        "meals",
        "Eating and drinking",
        (RasAnswerOption("none", "No help needed", 0), RasAnswerOption("prompt", "Needs prompting", 1)),
    ),
    RasQuestion(
        "community",
        "Getting out and about",
        (RasAnswerOption("none", "No help needed", 0), RasAnswerOption("escort", "Needs someone with them", 8)),
    ),
)
ON_COSTS = PaOnCosts(
    holiday_pay_percent=Decimal("12.07"),
    employer_ni_percent=Decimal(15),
    pension_percent=Decimal(3),
    insurance_weekly_pence=250,
)
SCHEME = RasScheme(questions=QUESTIONS, price_per_point_pence=Decimal("912.5"), pa_on_costs=ON_COSTS)
ANSWERS = {"personal_care": "most", "meals": "prompt", "community": "escort"}


class TestPointsAndPrice:
    def test_budget_from_points_only(self) -> None:
        result = calculate_indicative_budget(RasRequest(answers=ANSWERS), SCHEME)
        # 12 + 1 + 8 = 21 points x £9.125 = £191.625 -> £191.63 (half up).
        assert result.total_points == 21
        assert result.core_weekly_pence == 19163
        assert result.pa_wages_weekly_pence == 0
        assert result.on_costs_weekly_pence == 0
        assert result.indicative_weekly_budget_pence == 19163
        assert result.breakdown == [
            BreakdownLine.text("Personal care: Help with most tasks", "12 points"),
            BreakdownLine.text("Eating and drinking: Needs prompting", "1 point"),
            BreakdownLine.text("Getting out and about: Needs someone with them", "8 points"),
            BreakdownLine.text("Total points", "21"),
            BreakdownLine.text("Price per point (council policy)", "£9.125"),
            BreakdownLine.money("Weekly amount for 21 points, to the nearest penny", 19163),
            BreakdownLine.money("Indicative weekly budget", 19163),
            BreakdownLine.text(
                "Note",
                "this is an amount to plan with; it may go up or down when the support plan is costed, and you can "
                "ask for it to be looked at again if it is not enough (Care and Support Statutory Guidance 11.24)",
            ),
        ]

    def test_whole_penny_price_is_shown_in_pounds_and_pence(self) -> None:
        scheme = RasScheme(questions=QUESTIONS, price_per_point_pence=Decimal(900))
        result = calculate_indicative_budget(RasRequest(answers=ANSWERS), scheme)
        assert BreakdownLine.text("Price per point (council policy)", "£9.00") in result.breakdown
        assert result.core_weekly_pence == 18900

    def test_no_points(self) -> None:
        answers = {"personal_care": "none", "meals": "none", "community": "none"}
        result = calculate_indicative_budget(RasRequest(answers=answers, pa_share_percent=Decimal(100)), SCHEME)
        assert result.indicative_weekly_budget_pence == 0
        assert result.on_costs_weekly_pence == 0  # no wages, so no insurance either


class TestPaOnCosts:
    def test_all_pa_support(self) -> None:
        result = calculate_indicative_budget(RasRequest(answers=ANSWERS, pa_share_percent=Decimal(100)), SCHEME)
        # Wages £191.63; holiday 12.07% = £23.1297 -> £23.13; pay with holiday £214.76;
        # NI 15% = £32.214 -> £32.21; pension 3% = £6.4428 -> £6.44; insurance £2.50.
        assert result.pa_wages_weekly_pence == 19163
        assert result.on_costs_weekly_pence == 2313 + 3221 + 644 + 250
        assert result.indicative_weekly_budget_pence == 19163 + 6428
        assert BreakdownLine.money("Holiday pay (12.07% of wages)", 2313) in result.breakdown
        assert (
            BreakdownLine.money("Employer's National Insurance (15% of pay with holiday pay)", 3221) in result.breakdown
        )
        assert BreakdownLine.money("Workplace pension (3% of pay with holiday pay)", 644) in result.breakdown
        assert BreakdownLine.money("Employer's liability insurance", 250) in result.breakdown
        assert BreakdownLine.money("Costs of employing Personal Assistants", 6428) in result.breakdown

    def test_part_pa_support(self) -> None:
        result = calculate_indicative_budget(RasRequest(answers=ANSWERS, pa_share_percent=Decimal(50)), SCHEME)
        assert result.pa_wages_weekly_pence == 9582  # 50% of £191.63 = £95.815 -> £95.82
        assert BreakdownLine.money("Part to be spent on Personal Assistants' wages (50%)", 9582) in result.breakdown

    def test_no_on_costs_configured(self) -> None:
        scheme = RasScheme(questions=QUESTIONS, price_per_point_pence=Decimal(1000))
        result = calculate_indicative_budget(RasRequest(answers=ANSWERS, pa_share_percent=Decimal(100)), scheme)
        assert result.on_costs_weekly_pence == 0
        assert result.indicative_weekly_budget_pence == 21000

    @given(
        st.decimals(min_value=0, max_value=100, places=2),
        st.decimals(min_value=0, max_value=5000, places=3),
        st.decimals(min_value=0, max_value=20, places=2),
        st.decimals(min_value=0, max_value=15, places=2),
        st.decimals(min_value=0, max_value=10, places=2),
        st.integers(0, 1000),
    )
    def test_breakdown_adds_up(
        self,
        share: Decimal,
        price: Decimal,
        holiday: Decimal,
        ni: Decimal,
        pension: Decimal,
        insurance: int,
    ) -> None:
        scheme = RasScheme(
            questions=QUESTIONS,
            price_per_point_pence=price,
            pa_on_costs=PaOnCosts(
                holiday_pay_percent=holiday,
                employer_ni_percent=ni,
                pension_percent=pension,
                insurance_weekly_pence=insurance,
            ),
        )
        result = calculate_indicative_budget(RasRequest(answers=ANSWERS, pa_share_percent=share), scheme)
        assert result.indicative_weekly_budget_pence == result.core_weekly_pence + result.on_costs_weekly_pence
        assert result.pa_wages_weekly_pence <= result.core_weekly_pence
        on_cost_lines = [
            line.amount_pence
            for line in result.breakdown
            if line.label.startswith(("Holiday pay", "Employer's", "Workplace pension"))
        ]
        assert sum(a for a in on_cost_lines if a is not None) == result.on_costs_weekly_pence
        assert result.on_costs_weekly_pence >= 0


class TestValidation:
    @pytest.mark.parametrize(
        ("answers", "field"),
        [
            ({"personal_care": "most", "meals": "prompt"}, "answers.community"),
            ({**ANSWERS, "housework": "lots"}, "answers.housework"),
            ({**ANSWERS, "meals": "feast"}, "answers.meals"),
        ],
    )
    def test_answers(self, answers: dict[str, str], field: str) -> None:
        with pytest.raises(ValidationFailed) as exc:
            calculate_indicative_budget(RasRequest(answers=answers), SCHEME)
        assert exc.value.field == field

    @pytest.mark.parametrize("share", [Decimal(-1), Decimal(101), 0.5])
    def test_pa_share(self, share: object) -> None:
        with pytest.raises(ValidationFailed) as exc:
            RasRequest(answers=ANSWERS, pa_share_percent=share)  # type: ignore[arg-type]
        assert exc.value.field == "pa_share_percent"

    def test_scheme_needs_questions(self) -> None:
        with pytest.raises(ValidationFailed):
            RasScheme(questions=(), price_per_point_pence=Decimal(1))

    def test_question_codes_are_unique(self) -> None:
        with pytest.raises(ValidationFailed):
            RasScheme(questions=(QUESTIONS[0], QUESTIONS[0]), price_per_point_pence=Decimal(1))

    @pytest.mark.parametrize("price", [Decimal(-1), 9.125, "9", Decimal("Infinity")])
    def test_price_per_point(self, price: object) -> None:
        with pytest.raises(ValidationFailed) as exc:
            RasScheme(questions=QUESTIONS, price_per_point_pence=price)  # type: ignore[arg-type]
        assert exc.value.field == "price_per_point_pence"

    def test_question_needs_answers(self) -> None:
        with pytest.raises(ValidationFailed):
            RasQuestion("q", "Q", ())

    def test_answer_codes_are_unique(self) -> None:
        with pytest.raises(ValidationFailed):
            RasQuestion("q", "Q", (RasAnswerOption("a", "A", 1), RasAnswerOption("a", "B", 2)))

    def test_points_are_whole_and_not_negative(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            RasQuestion("q", "Q", (RasAnswerOption("a", "A", -1),))
        assert exc.value.field == "questions.q.a.points"

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"holiday_pay_percent": Decimal(-1)}, "pa_on_costs.holiday_pay_percent"),
            ({"employer_ni_percent": 13.8}, "pa_on_costs.employer_ni_percent"),
            ({"pension_percent": Decimal(101)}, "pa_on_costs.pension_percent"),
            ({"insurance_weekly_pence": -1}, "pa_on_costs.insurance_weekly_pence"),
        ],
    )
    def test_on_costs(self, values: dict[str, object], field: str) -> None:
        with pytest.raises(ValidationFailed) as exc:
            PaOnCosts(**values)  # type: ignore[arg-type]
        assert exc.value.field == field

    def test_integers_are_accepted_for_rates(self) -> None:
        on_costs = PaOnCosts(holiday_pay_percent=12)  # type: ignore[arg-type]
        assert on_costs.holiday_pay_percent == Decimal(12)
