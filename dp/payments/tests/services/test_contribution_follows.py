"""A new assessed contribution reaches the running direct payment: from a financial reassessment and from
the annual uprating (`schedule_contribution_from`)."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.assessments import services as assessments
from dp.assessments import uprating
from dp.assessments.tests.factories import SAMPLE_INPUTS
from dp.assessments.tests.uprating_helpers import TARGET, current_assessment, enter_2026_figures
from dp.cases.tests.factories import ActiveCaseFactory
from dp.payments.models import ScheduleChange
from dp.payments.services import schedule_contribution_from
from dp.payments.tests.factories import SignedScheduleFactory, cycle_date_on_or_after, set_payment_policy
from dp.staff.roles import Role
from dp.staff.tests.factories import UserFactory


@pytest.fixture
def policy(council):  # type: ignore[no-untyped-def]
    set_payment_policy(council)
    return council


@pytest.mark.django_db
class TestScheduleContributionFrom:
    def test_the_budget_stays_and_the_contribution_changes_once_per_source(self, staff, policy) -> None:  # type: ignore[no-untyped-def]
        schedule = SignedScheduleFactory(worker=staff[Role.SOCIAL_WORKER], amounts=(30_000, 5_000))
        on = schedule.start_on + dt.timedelta(days=30)
        kwargs = {"case_id": schedule.case_id, "effective_on": on, "source": "financial-assessment:7", "reason": "R"}
        assert schedule_contribution_from(
            actor=staff[Role.FINANCIAL_ASSESSOR], weekly_contribution_pence=6_500, **kwargs
        )
        change = ScheduleChange.objects.get(schedule=schedule, source="financial-assessment:7")
        assert (change.effective_on, change.weekly_budget_pence, change.weekly_contribution_pence) == (
            on,
            30_000,
            6_500,
        )
        # The same source again changes nothing, whatever it says.
        assert not schedule_contribution_from(actor=None, weekly_contribution_pence=9_999, **kwargs)
        assert schedule.changes.count() == 2

    def test_nothing_to_do_without_a_running_schedule_or_a_new_amount(self, staff, policy) -> None:  # type: ignore[no-untyped-def]
        case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        assert not schedule_contribution_from(
            actor=None,
            case_id=case.pk,
            effective_on=dt.date(2026, 4, 1),
            weekly_contribution_pence=1,
            source="x",
            reason="R",
        )
        schedule = SignedScheduleFactory(worker=staff[Role.SOCIAL_WORKER], amounts=(30_000, 5_000))
        assert not schedule_contribution_from(
            actor=None,
            case_id=schedule.case_id,
            effective_on=schedule.start_on + dt.timedelta(days=3),
            weekly_contribution_pence=5_000,
            source="y",
            reason="R",
        )
        assert schedule.changes.count() == 1


@pytest.mark.django_db
def test_a_financial_reassessment_changes_the_running_payments(staff, policy) -> None:  # type: ignore[no-untyped-def]
    first = current_assessment(staff)
    schedule = SignedScheduleFactory(
        case=first.case,
        start_on=cycle_date_on_or_after(dt.date(2025, 9, 1)),
        amounts=(30_000, first.weekly_contribution_pence),
    )
    on = dt.date(2026, 1, 15)  # within 2025/26: the same national figures
    redo = assessments.financial_assessment_calculate(
        actor=staff[Role.FINANCIAL_ASSESSOR],
        case=first.case,
        assessed_on=on,
        inputs=SAMPLE_INPUTS.__class__(**{**SAMPLE_INPUTS.__dict__, "housing_costs_weekly_pence": 4_000}),
    )
    redo = assessments.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=redo)
    assert redo.weekly_contribution_pence != first.weekly_contribution_pence
    change = ScheduleChange.objects.get(schedule=schedule, source=f"financial-assessment:{redo.pk}")
    assert change.effective_on == redo.effective_from
    assert (change.weekly_budget_pence, change.weekly_contribution_pence) == (30_000, redo.weekly_contribution_pence)


@pytest.mark.django_db
def test_the_annual_uprating_changes_the_running_payments_from_its_date(
    staff, policy, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    assessment = current_assessment(staff)  # £122.75 a week in 2025/26; £119.20 from 1 April 2026
    schedule = SignedScheduleFactory(
        case=assessment.case,
        start_on=cycle_date_on_or_after(dt.date(2026, 1, 5)),
        amounts=(30_000, assessment.weekly_contribution_pence),
    )
    enter_2026_figures(staff)
    with django_capture_on_commit_callbacks(execute=True):
        batch = uprating.uprating_batch_start(actor=staff[Role.FINANCIAL_ASSESSOR], target_on=TARGET)
    second = UserFactory(username="finance2", roles=[Role.FINANCIAL_ASSESSOR])
    with django_capture_on_commit_callbacks(execute=True):
        uprating.uprating_batch_approve(actor=second, batch=batch)
    change = ScheduleChange.objects.get(schedule=schedule, source=f"uprating:{batch.pk}")
    assert (change.effective_on, change.weekly_budget_pence, change.weekly_contribution_pence) == (
        TARGET,
        30_000,
        11_920,
    )
    assert "Annual uprating" in change.reason
    # Applying again (a retried task) changes nothing more.
    uprating._payments_follow(batch)
    assert schedule.changes.count() == 2
