"""Financial assessments through the services, with a worked example checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.assessments import services
from dp.assessments.domain.financial import FinancialInputs
from dp.assessments.models import FinancialAssessment
from dp.assessments.tests.factories import SAMPLE_INPUTS
from dp.audit_log.models import Event
from dp.cases.constants import CaseStatus
from dp.cases.tests.factories import AllocatedCaseFactory, ClosedCaseFactory
from dp.core.errors import PolicyMissing, TransitionNotAllowed, ValidationFailed
from dp.councils.models import PolicyValue
from dp.people.tests.factories import ChildFactory
from dp.staff.roles import Role

ON = dt.date(2025, 6, 2)  # 2025/26: the single 25-to-pension-credit-age MIG and disability premium are verified


def calculate(staff, case, inputs=SAMPLE_INPUTS, **kwargs):  # type: ignore[no-untyped-def]
    return services.financial_assessment_calculate(
        actor=staff[Role.FINANCIAL_ASSESSOR],
        case=case,
        assessed_on=kwargs.pop("assessed_on", ON),
        inputs=inputs,
        **kwargs,
    )


@pytest.mark.django_db
class TestCalculate:
    def test_worked_example(self, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        """Age 65 on 2 June 2025, single, disability premium.
        Income counted: ESA 130.00 + PIP daily living 73.90 + other 90.00 = 293.90 (PIP mobility 29.20 not counted).
        Capital 15,000: tariff £1 for each £250 or part above 14,250 = £3.00. Assessable 296.90.
        Allowances: MIG 112.50 + disability premium 49.65 = 162.15; housing 12.00; DRE 0 (no standard set) = 174.15.
        Disposable 122.75; 100% taper; below the £300 cost of care: £122.75 a week."""
        assessment = calculate(staff, finance_case)
        assert assessment.status == "draft"
        assert assessment.age == 65
        assert assessment.weekly_contribution_pence == 12_275
        assert assessment.tariff_income_weekly_pence == 300
        assert assessment.minimum_income_guarantee_weekly_pence == 16_215
        assert assessment.assessable_income_weekly_pence == 29_690
        assert assessment.disposable_income_weekly_pence == 12_275
        assert assessment.rates_year == "2025/26"
        assert assessment.breakdown[0] == {"label": "National figures used", "value": "2025/26 rates year"}
        assert assessment.breakdown[-1] == {"label": "Your weekly contribution", "amount_pence": 12_275}
        assert assessment.policy["taper_percent"] == "100"
        assert not assessment.is_current
        event = Event.objects.get(event_type="assessment.financial_calculated")
        assert event.data["after"]["weekly_contribution_pence"] == 12_275

    def test_council_policy_applies(self, staff, finance_case, council) -> None:  # type: ignore[no-untyped-def]
        PolicyValue.objects.create(
            council=council,
            key="charging_standard_dre_weekly_pence",
            value=1_700,
            effective_from=dt.date(2025, 4, 1),
            set_at="2025-03-01T00:00:00Z",
            reason="Test",
        )
        assessment = calculate(staff, finance_case)
        assert assessment.weekly_contribution_pence == 12_275 - 1_700
        assert assessment.policy["standard_disability_related_expenditure_weekly_pence"] == 1_700

    def test_joint_capital_and_itemised_costs(self, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        inputs = FinancialInputs(
            cost_of_care_weekly_pence=30_000,
            income=[("esa", 30_000)],
            capital_joint_total_pence=3_000_000,
            dre_itemised=True,
            dre_items=[("heating", 1_000)],
        )
        assessment = calculate(staff, finance_case, inputs=inputs)
        assert assessment.capital_pence == 1_500_000
        assert assessment.disability_related_expenditure_weekly_pence == 1_000
        assert assessment.dre_items == [{"item": "heating", "weekly_pence": 1_000}]

    def test_missing_national_figure_names_it_and_saves_nothing(self, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PolicyMissing) as caught:
            calculate(staff, finance_case, assessed_on=dt.date(2026, 6, 1))
        assert "2026/27" in caught.value.message
        assert not FinancialAssessment.objects.exists()
        assert not Event.objects.exists()

    def test_children_are_not_assessed(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        child_case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], person=ChildFactory())
        with pytest.raises(ValidationFailed):
            calculate(staff, child_case, assessed_on=dt.date(2026, 1, 5))

    def test_recalculating_a_draft_keeps_one_row(self, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        draft = calculate(staff, finance_case)
        changed = FinancialInputs(cost_of_care_weekly_pence=5_000, income=SAMPLE_INPUTS.income)
        calculate(staff, finance_case, inputs=changed, assessment=draft)
        draft.refresh_from_db()
        assert FinancialAssessment.objects.count() == 1
        assert draft.weekly_contribution_pence == 5_000  # capped at the cost of care

    def test_closed_case(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(TransitionNotAllowed):
            calculate(staff, ClosedCaseFactory(worker=staff[Role.SOCIAL_WORKER]))


@pytest.mark.django_db
class TestComplete:
    def test_becomes_current_replacing_the_last_and_moves_the_case(self, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        first = calculate(staff, finance_case)
        services.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=first)
        second = calculate(staff, finance_case, assessed_on=dt.date(2025, 9, 1))
        services.financial_assessment_complete(
            actor=staff[Role.FINANCIAL_ASSESSOR], assessment=second, move_case_to=CaseStatus.SUPPORT_PLANNING
        )
        first.refresh_from_db()
        second.refresh_from_db()
        finance_case.refresh_from_db()
        assert not first.is_current
        assert second.is_current
        assert second.previous == first
        assert second.status == "completed"
        assert finance_case.status == CaseStatus.SUPPORT_PLANNING
        assert Event.objects.filter(event_type="assessment.financial_completed").count() == 2

    def test_completed_cannot_be_completed_or_changed(self, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        assessment = calculate(staff, finance_case)
        services.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=assessment)
        with pytest.raises(TransitionNotAllowed):
            services.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=assessment)
        with pytest.raises(TransitionNotAllowed):
            calculate(staff, finance_case, assessment=assessment)

    def test_refused_case_move_rolls_back(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        # The case is at needs assessment, from where "support planning" is allowed; use an allocated case instead.
        allocated = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        assessment = calculate(staff, allocated)
        with pytest.raises(TransitionNotAllowed):
            services.financial_assessment_complete(
                actor=staff[Role.FINANCIAL_ASSESSOR], assessment=assessment, move_case_to=CaseStatus.SUPPORT_PLANNING
            )
        assessment.refresh_from_db()
        assert assessment.status == "draft"
        assert not assessment.is_current


@pytest.mark.django_db
class TestContributionOn:
    def test_the_assessment_in_force_on_a_date(self, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        from dp.assessments.selectors import contribution_on

        first = calculate(staff, finance_case)
        services.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=first)
        later = calculate(staff, finance_case, assessed_on=dt.date(2025, 9, 1), effective_from=dt.date(2025, 10, 6))
        services.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=later)
        assert contribution_on(finance_case, dt.date(2025, 10, 5)) == first
        assert contribution_on(finance_case, dt.date(2025, 10, 6)) == later
        assert contribution_on(finance_case, dt.date(2025, 6, 1)) is None
