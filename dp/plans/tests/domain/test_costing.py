"""Costing plan lines and plan totals (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dp.assessments.domain.plan_checks import Funding
from dp.assessments.domain.ras import PaOnCosts
from dp.core.errors import ValidationFailed
from dp.plans.domain.costing import CostedLine, LineInput, LineKind, cost_line, plan_totals

ON_COSTS = PaOnCosts(
    holiday_pay_percent=Decimal("12.07"),
    employer_ni_percent=Decimal(0),
    pension_percent=Decimal(3),
    insurance_weekly_pence=300,
)


class TestPersonalAssistantHours:
    def test_wages_plus_on_costs_worked_like_the_ras(self) -> None:
        # 10 h x £12.60 = £126.00; holiday 12.07% = £15.21; pay £141.21; pension 3% = £4.24 -> £145.45
        cost = cost_line(LineInput(LineKind.PERSONAL_ASSISTANT, Decimal(10), 1260), ON_COSTS)
        assert cost.weekly_pence == 12600 + 1521 + 424
        assert cost.one_off_pence == 0
        amounts = [line.amount_pence for line in cost.breakdown]
        assert amounts == [12600, 1521, 0, 424, 14545]

    def test_half_hours(self) -> None:
        cost = cost_line(LineInput(LineKind.PERSONAL_ASSISTANT, Decimal("7.5"), 1200), PaOnCosts())
        assert cost.weekly_pence == 9000


class TestOtherKinds:
    def test_agency_hours_are_hours_times_rate(self) -> None:
        assert cost_line(LineInput(LineKind.CARE_AGENCY, Decimal(7), 2450), ON_COSTS).weekly_pence == 17150

    def test_day_opportunities(self) -> None:
        assert cost_line(LineInput(LineKind.DAY_OPPORTUNITY, Decimal(2), 4500), ON_COSTS).weekly_pence == 9000

    @pytest.mark.parametrize(
        "kind", [LineKind.SHORT_BREAK, LineKind.CHILDREN_OVERNIGHT_SHORT_BREAK, LineKind.CARE_HOME_SHORT_STAY]
    )
    def test_yearly_costs_are_spread_over_52_weeks(self, kind: LineKind) -> None:
        cost = cost_line(LineInput(kind, Decimal(14), 15000), ON_COSTS)  # £2,100 a year
        assert cost.weekly_pence == 4038  # 210000 / 52 = 4038.46 -> 4038
        assert cost.breakdown[0].amount_pence == 210000

    def test_equipment_is_one_off_and_spread_for_comparison(self) -> None:
        cost = cost_line(LineInput(LineKind.EQUIPMENT, Decimal(1), 52000), ON_COSTS)
        assert cost.one_off_pence == 52000
        assert cost.weekly_pence == 1000

    def test_other_is_a_weekly_cost(self) -> None:
        assert cost_line(LineInput(LineKind.OTHER, Decimal(1), 2500), ON_COSTS).weekly_pence == 2500

    @pytest.mark.parametrize(("quantity", "unit"), [(Decimal(0), 100), (Decimal(1), 0), (Decimal(-1), 100)])
    def test_refuses_nothing_or_negative(self, quantity: Decimal, unit: int) -> None:
        with pytest.raises(ValidationFailed):
            LineInput(LineKind.CARE_AGENCY, quantity, unit)

    def test_refuses_floats(self) -> None:
        with pytest.raises(ValidationFailed):
            LineInput(LineKind.CARE_AGENCY, 1.5, 100)  # type: ignore[arg-type]


class TestPlanTotals:
    def test_insurance_once_when_employing_pas_and_equipment_paid_once(self) -> None:
        lines = [
            CostedLine(LineKind.PERSONAL_ASSISTANT, Funding.DIRECT_PAYMENT, 14545),
            CostedLine(LineKind.PERSONAL_ASSISTANT, Funding.DIRECT_PAYMENT, 10000),
            CostedLine(LineKind.EQUIPMENT, Funding.DIRECT_PAYMENT, 1000, 52000),
            CostedLine(LineKind.CARE_AGENCY, Funding.COUNCIL_ARRANGED, 17150),
        ]
        totals = plan_totals(lines, insurance_weekly_pence=300)
        assert totals.insurance_weekly_pence == 300
        assert totals.direct_payment_weekly_pence == 14545 + 10000 + 1000 + 300
        assert totals.direct_payment_regular_weekly_pence == 14545 + 10000 + 300
        assert totals.direct_payment_one_off_pence == 52000
        assert totals.council_arranged_weekly_pence == 17150
        assert totals.total_weekly_pence == totals.direct_payment_weekly_pence + 17150

    def test_no_insurance_without_direct_payment_pas(self) -> None:
        lines = [CostedLine(LineKind.PERSONAL_ASSISTANT, Funding.COUNCIL_ARRANGED, 10000)]
        assert plan_totals(lines, insurance_weekly_pence=300).insurance_weekly_pence == 0

    def test_empty_plan(self) -> None:
        assert plan_totals([], insurance_weekly_pence=300).total_weekly_pence == 0
