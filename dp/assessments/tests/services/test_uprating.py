"""The annual uprating end to end with the immediate task backend: start, bulk re-calculation,
approval by a second officer, the new assessments, timeline events and letters."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.assessments import services, uprating
from dp.assessments.constants import UpratingStatus
from dp.assessments.models import FinancialAssessment, UpratingBatch, UpratingItem
from dp.assessments.tests.factories import SAMPLE_INPUTS, QueuedUpratingBatchFactory
from dp.assessments.tests.uprating_helpers import ASSESSED, TARGET, current_assessment, enter_2026_figures
from dp.audit_log.models import Event
from dp.cases.constants import CaseStatus
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.core.errors import PermissionDenied, PolicyMissing, TransitionNotAllowed, ValidationFailed
from dp.councils.models import PolicyValue
from dp.staff.roles import Role
from dp.staff.tests.factories import UserFactory


@pytest.fixture
def second_officer(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="finance2", roles=[Role.FINANCIAL_ASSESSOR])


def start(staff, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        batch = uprating.uprating_batch_start(actor=staff[Role.FINANCIAL_ASSESSOR], target_on=TARGET)
    batch.refresh_from_db()
    return batch


@pytest.mark.django_db
class TestEndToEnd:
    def test_recalculate_approve_apply(
        self, staff, council, second_officer, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        first = current_assessment(staff)
        second = current_assessment(staff)
        closed = current_assessment(staff)
        closed.case.status, closed.case.closed_on = CaseStatus.CLOSED, dt.date(2026, 1, 1)
        closed.case.save()
        enter_2026_figures(staff)

        batch = start(staff, django_capture_on_commit_callbacks)

        assert batch.status == UpratingStatus.READY
        assert batch.rates_year == "2026/27"
        assert batch.total == 2
        assert batch.failed_count == 0
        # 2025/26: £122.75. 2026/27: PIP daily living (standard) moves from the 2025/26 national rate £73.90
        # to the 2026/27 rate £76.70 (RULES.md §7), so assessable income is 296.90 + 2.80 = 299.70; the
        # mobility component moves too (£29.20 → £30.30) but is disregarded. Entered figures: MIG 117.00 +
        # premium 51.50 = 168.50, housing 12.00, so disposable = 299.70 - 180.50 = 119.20. Age on 1 April
        # 2026: 65. ESA (£130.00) and other income (£90.00) are not national rates the tables know: unchanged.
        items = list(UpratingItem.objects.filter(batch=batch).order_by("id"))
        assert [i.assessment_id for i in items] == [first.pk, second.pk]
        assert {(i.old_weekly_contribution_pence, i.new_weekly_contribution_pence, i.age) for i in items} == {
            (12_275, 11_920, 65)
        }
        assert items[0].income_changes == [
            {"type": "pip_daily_living", "old_pence": 7_390, "new_pence": 7_670},
            {"type": "pip_mobility", "old_pence": 2_920, "new_pence": 3_030},
        ]
        assert items[0].income_change_lines == [
            "Personal Independence Payment daily living component £73.90 → £76.70",
            "Personal Independence Payment mobility component £29.20 → £30.30",
        ]
        assert (batch.income_uprated, batch.income_left) == (2, 0)
        assert batch.benefit_rates["2026/27"]["attendance_allowance"] == [11_460, 7_670]
        assert batch.old_weekly_total_pence == 24_550
        assert batch.new_weekly_total_pence == 23_840
        assert (batch.went_up, batch.went_down, batch.unchanged) == (0, 2, 0)
        assert batch.figures["mig_single_25_to_pension_credit_age_pence"] == 11_700
        assert Event.objects.filter(event_type="assessment.uprating_calculated").exists()

        with pytest.raises(PermissionDenied):
            uprating.uprating_batch_approve(actor=staff[Role.FINANCIAL_ASSESSOR], batch=batch)

        with django_capture_on_commit_callbacks(execute=True):
            uprating.uprating_batch_approve(actor=second_officer, batch=batch)
        batch.refresh_from_db()
        assert batch.status == UpratingStatus.APPLIED
        assert batch.approved_by == second_officer
        assert batch.applied == 2

        first.refresh_from_db()
        assert not first.is_current
        new = FinancialAssessment.objects.get(previous=first)
        assert new.is_current
        assert (new.source, new.status, new.assessed_on, new.effective_from) == (
            "uprating",
            "completed",
            TARGET,
            TARGET,
        )
        assert new.weekly_contribution_pence == 11_920
        assert new.rates_year == "2026/27"
        assert new.income == [
            {"type": "esa", "weekly_pence": 13_000},
            {"type": "pip_daily_living", "weekly_pence": 7_670},
            {"type": "pip_mobility", "weekly_pence": 3_030},
            {"type": "other", "weekly_pence": 9_000},
        ]
        assert new.breakdown[-1] == {"label": "Your weekly contribution", "amount_pence": 11_920}
        assert new.uprating_item.batch == batch
        timeline = Event.objects.get(person=new.person, subject_id=new.pk, event_type="assessment.financial_completed")
        assert "£122.75 → £119.20" in timeline.summary
        assert timeline.acting_user == second_officer
        assert not FinancialAssessment.objects.filter(previous=closed).exists()

        # Re-running or re-applying a finished batch changes nothing.
        uprating.uprating_batch_run(batch_id=batch.pk)
        uprating.uprating_batch_apply(batch_id=batch.pk)
        assert FinancialAssessment.objects.filter(source="uprating").count() == 2

    def test_missing_figures_are_listed_and_block_approval(
        self, staff, council, second_officer, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        current_assessment(staff)
        batch = start(staff, django_capture_on_commit_callbacks)
        assert batch.status == UpratingStatus.READY
        assert batch.failed_count == 1
        item = UpratingItem.objects.get(batch=batch)
        assert item.new_weekly_contribution_pence is None
        assert "has not been entered" in item.error
        from dp.assessments.selectors import uprating_error_groups

        assert uprating_error_groups(batch)[0].count == 1
        with pytest.raises(ValidationFailed):
            uprating.uprating_batch_approve(actor=second_officer, batch=batch)

    def test_council_mig_alone_is_enough_without_capital(
        self, staff, council, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        PolicyValue.objects.create(
            council=council,
            key="charging_minimum_income_guarantee_weekly_pence",
            value=25_000,
            effective_from=dt.date(2025, 4, 6),
            set_at="2025-03-01T00:00:00Z",
            reason="Local MIG",
        )
        case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], status=CaseStatus.ACTIVE)
        from dp.assessments.domain.financial import FinancialInputs

        draft = services.financial_assessment_calculate(
            actor=staff[Role.FINANCIAL_ASSESSOR],
            case=case,
            assessed_on=ASSESSED,
            inputs=FinancialInputs(
                cost_of_care_weekly_pence=40_000, income=[("state_pension", 23_025), ("other", 5_000)]
            ),
        )
        services.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=draft)
        batch = start(staff, django_capture_on_commit_callbacks)
        assert batch.failed_count == 0
        # The full new State Pension moves to the 2026/27 rate (£230.25 → £241.30, RULES.md §7).
        assert UpratingItem.objects.get(batch=batch).new_weekly_contribution_pence == 24_130 + 5_000 - 25_000

    def test_changed_assessments_make_the_batch_stale(
        self, staff, council, second_officer, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        assessment = current_assessment(staff)
        enter_2026_figures(staff)
        batch = start(staff, django_capture_on_commit_callbacks)
        redo = services.financial_assessment_calculate(
            actor=staff[Role.FINANCIAL_ASSESSOR],
            case=assessment.case,
            assessed_on=dt.date(2025, 9, 1),
            inputs=SAMPLE_INPUTS,
        )
        services.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=redo)
        with pytest.raises(ValidationFailed, match="changed since"):
            uprating.uprating_batch_approve(actor=second_officer, batch=batch)

    def test_a_reassessment_after_approval_is_kept_and_that_row_skipped(  # type: ignore[no-untyped-def]
        self, staff, council, second_officer, django_capture_on_commit_callbacks
    ) -> None:
        first = current_assessment(staff)
        second = current_assessment(staff)
        enter_2026_figures(staff)
        batch = start(staff, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=False):  # the apply task has not run yet
            uprating.uprating_batch_approve(actor=second_officer, batch=batch)
        redo = services.financial_assessment_calculate(
            actor=staff[Role.FINANCIAL_ASSESSOR], case=first.case, assessed_on=dt.date(2025, 9, 1), inputs=SAMPLE_INPUTS
        )
        services.financial_assessment_complete(actor=staff[Role.FINANCIAL_ASSESSOR], assessment=redo)
        batch = uprating.uprating_batch_apply(batch_id=batch.pk)
        assert batch.status == UpratingStatus.APPLIED
        assert batch.applied == 1
        redo.refresh_from_db()
        assert redo.is_current
        assert FinancialAssessment.objects.get(previous=second).is_current
        assert not FinancialAssessment.objects.filter(previous=first, source="uprating").exists()

    def test_one_officer_may_approve_when_the_council_allows(
        self, staff, council, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        PolicyValue.objects.create(
            council=council,
            key="charging_uprating_second_officer",
            value=False,
            effective_from=dt.date(2020, 1, 1),
            set_at="2020-01-01T00:00:00Z",
            reason="Small team",
        )
        current_assessment(staff)
        enter_2026_figures(staff)
        batch = start(staff, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            uprating.uprating_batch_approve(actor=staff[Role.FINANCIAL_ASSESSOR], batch=batch)
        batch.refresh_from_db()
        assert batch.status == UpratingStatus.APPLIED
        assert batch.approved_by == staff[Role.FINANCIAL_ASSESSOR]


@pytest.mark.django_db
class TestStart:
    def test_no_second_batch_while_one_works(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        QueuedUpratingBatchFactory(created_by=staff[Role.FINANCIAL_ASSESSOR])
        with pytest.raises(ValidationFailed):
            uprating.uprating_batch_start(actor=staff[Role.FINANCIAL_ASSESSOR], target_on=TARGET)

    def test_a_date_without_figures(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PolicyMissing):
            uprating.uprating_batch_start(actor=staff[Role.FINANCIAL_ASSESSOR], target_on=dt.date(2031, 4, 1))
        assert not UpratingBatch.objects.exists()

    def test_a_new_batch_cancels_an_unapproved_one(self, staff, council, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
        old = start(staff, django_capture_on_commit_callbacks)
        new = start(staff, django_capture_on_commit_callbacks)
        old.refresh_from_db()
        assert old.status == UpratingStatus.CANCELLED
        assert new.status == UpratingStatus.READY
        with pytest.raises(TransitionNotAllowed):
            uprating.uprating_batch_approve(actor=staff[Role.TEAM_MANAGER], batch=old)

    def test_the_task_is_enqueued_only_on_commit(self, staff, council, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            batch = uprating.uprating_batch_start(actor=staff[Role.FINANCIAL_ASSESSOR], target_on=TARGET)
        batch.refresh_from_db()
        assert batch.status == UpratingStatus.QUEUED
        assert len(callbacks) == 1


@pytest.mark.django_db
class TestRun:
    def test_a_retried_run_rebuilds_its_rows(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        current_assessment(staff)
        enter_2026_figures(staff)
        batch = QueuedUpratingBatchFactory(
            created_by=staff[Role.FINANCIAL_ASSESSOR], target_on=TARGET, rates_year="2026/27"
        )
        uprating.uprating_batch_run(batch_id=batch.pk)
        UpratingBatch.objects.filter(pk=batch.pk).update(status=UpratingStatus.RUNNING)  # as if the worker died
        uprating.uprating_batch_run(batch_id=batch.pk)
        assert UpratingItem.objects.filter(batch=batch).count() == 1

    def test_small_chunks_give_the_same_totals(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        for _ in range(5):
            current_assessment(staff)
        enter_2026_figures(staff)
        batch = QueuedUpratingBatchFactory(
            created_by=staff[Role.FINANCIAL_ASSESSOR], target_on=TARGET, rates_year="2026/27"
        )
        from dp.assessments.selectors import council_charging_policy, national_figures_on

        totals, _ = uprating.recalculate_in_bulk(
            batch, national_figures_on(TARGET), council_charging_policy(TARGET), chunk=2
        )
        assert totals.assessments == 5
        assert totals.new_weekly_total_pence == 5 * 11_920
        batch.refresh_from_db()
        assert batch.processed == 5

    def test_an_unexpected_error_marks_the_batch_failed(self, staff, council, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        current_assessment(staff)
        batch = QueuedUpratingBatchFactory(
            created_by=staff[Role.FINANCIAL_ASSESSOR], target_on=TARGET, rates_year="2026/27"
        )

        def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("disk full")

        monkeypatch.setattr(uprating, "recalculate_in_bulk", broken)
        with pytest.raises(RuntimeError):
            uprating.uprating_batch_run(batch_id=batch.pk)
        batch.refresh_from_db()
        assert batch.status == UpratingStatus.FAILED
        assert "RuntimeError" in batch.error
        assert Event.objects.filter(event_type="assessment.uprating_failed").exists()
