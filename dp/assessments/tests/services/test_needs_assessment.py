from __future__ import annotations

import datetime as dt

import pytest

from dp.assessments import services
from dp.assessments.models import DirectPaymentOffer, NeedsAssessment
from dp.assessments.tests.factories import CompletedNeedsAssessmentFactory
from dp.audit_log.models import Event
from dp.cases.constants import CaseStatus, CaseType
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.staff.roles import Role

ON = dt.date(2026, 3, 2)
ELIGIBLE = {
    "arises_from_condition": True,
    "outcomes_not_achieved": ["nutrition", "personal_hygiene"],
    "significant_impact": True,
}


def save(staff, case, assessment=None, **changes):  # type: ignore[no-untyped-def]
    values = {"assessed_on": ON, "needs_description": "Needs help with meals and washing", **ELIGIBLE, **changes}
    return services.needs_assessment_save(actor=staff[Role.SOCIAL_WORKER], case=case, assessment=assessment, **values)


@pytest.mark.django_db
class TestSave:
    def test_starts_a_draft_with_the_decision(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        assessment = save(staff, case, personal_outcomes="To get to the allotment")
        assert assessment.status == "draft"
        assert assessment.kind == "adult"
        assert assessment.eligible is True
        assert [c["code"] for c in assessment.conditions] == ["IMPAIRMENT_OR_ILLNESS", "OUTCOMES", "SIGNIFICANT_IMPACT"]
        assert Event.objects.filter(event_type="assessment.needs_saved").count() == 1

    def test_updates_a_draft_and_records_before_and_after(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        assessment = save(staff, case)
        save(staff, case, assessment=assessment, outcomes_not_achieved=["nutrition"])
        assessment.refresh_from_db()
        assert assessment.eligible is False
        event = Event.objects.filter(event_type="assessment.needs_saved").order_by("-id").first()
        assert event.data["before"]["outcomes_not_achieved"] == ["nutrition", "personal_hygiene"]
        assert event.data["after"]["outcomes_not_achieved"] == ["nutrition"]

    def test_carer_case_uses_the_carer_criteria(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        carer_case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], case_type=CaseType.CARER)
        assessment = save(staff, carer_case, outcomes_not_achieved=["recreation"], carer_health_at_risk=False)
        assert assessment.kind == "carer"
        assert assessment.eligible is True

    def test_adult_outcome_on_a_carer_is_refused(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        carer_case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], case_type=CaseType.CARER)
        with pytest.raises(ValidationFailed):
            save(staff, carer_case, outcomes_not_achieved=["toilet_needs"])
        assert not NeedsAssessment.objects.exists()

    def test_description_is_needed(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as caught:
            save(staff, case, needs_description="  ")
        assert caught.value.field == "needs_description"

    def test_completed_cannot_be_changed(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        done = CompletedNeedsAssessmentFactory(case=case, created_by=staff[Role.SOCIAL_WORKER])
        with pytest.raises(TransitionNotAllowed):
            save(staff, case, assessment=done)


@pytest.mark.django_db
class TestComplete:
    def test_records_the_offer_and_moves_the_case(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        assessment = save(staff, case)
        services.needs_assessment_complete(
            actor=staff[Role.SOCIAL_WORKER],
            assessment=assessment,
            offer_answer="accepted",
            move_case_to=CaseStatus.FINANCIAL_ASSESSMENT,
        )
        assessment.refresh_from_db()
        case.refresh_from_db()
        assert assessment.status == "completed"
        assert assessment.completed_by == staff[Role.SOCIAL_WORKER]
        offer = DirectPaymentOffer.objects.get()
        assert (offer.occasion, offer.answer, offer.needs_assessment, offer.offered_on) == (
            "needs_assessment",
            "accepted",
            assessment,
            ON,
        )
        assert case.status == CaseStatus.FINANCIAL_ASSESSMENT
        assert Event.objects.filter(event_type="assessment.needs_completed").exists()
        assert Event.objects.filter(event_type="case.transitioned", case=case).exists()

    def test_leaving_the_case_where_it_is(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        assessment = save(staff, case)
        services.needs_assessment_complete(
            actor=staff[Role.SOCIAL_WORKER], assessment=assessment, offer_answer="thinking"
        )
        case.refresh_from_db()
        assert case.status == CaseStatus.NEEDS_ASSESSMENT

    def test_eligible_needs_require_the_offer(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        assessment = save(staff, case)
        with pytest.raises(ValidationFailed) as caught:
            services.needs_assessment_complete(
                actor=staff[Role.SOCIAL_WORKER], assessment=assessment, offer_answer="none"
            )
        assert caught.value.field == "offer_answer"

    def test_not_eligible_needs_need_no_offer(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        assessment = save(staff, case, outcomes_not_achieved=[])
        services.needs_assessment_complete(actor=staff[Role.SOCIAL_WORKER], assessment=assessment, offer_answer="none")
        assert not DirectPaymentOffer.objects.exists()

    def test_undecided_cannot_be_completed(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        assessment = save(staff, case, significant_impact=None)
        with pytest.raises(ValidationFailed):
            services.needs_assessment_complete(
                actor=staff[Role.SOCIAL_WORKER], assessment=assessment, offer_answer="accepted"
            )

    def test_twice_is_refused(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        assessment = save(staff, case)
        services.needs_assessment_complete(
            actor=staff[Role.SOCIAL_WORKER], assessment=assessment, offer_answer="accepted"
        )
        with pytest.raises(TransitionNotAllowed):
            services.needs_assessment_complete(
                actor=staff[Role.SOCIAL_WORKER], assessment=assessment, offer_answer="accepted"
            )

    def test_refused_case_move_rolls_everything_back(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        allocated = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER])  # allocated cannot jump to support planning
        assessment = save(staff, allocated)
        with pytest.raises(TransitionNotAllowed):
            services.needs_assessment_complete(
                actor=staff[Role.SOCIAL_WORKER],
                assessment=assessment,
                offer_answer="accepted",
                move_case_to=CaseStatus.SUPPORT_PLANNING,
            )
        assessment.refresh_from_db()
        assert assessment.status == "draft"
        assert not DirectPaymentOffer.objects.exists()
        assert not Event.objects.filter(event_type="assessment.needs_completed").exists()

    def test_only_assessment_next_steps(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        assessment = save(staff, case)
        with pytest.raises(ValidationFailed) as caught:
            services.needs_assessment_complete(
                actor=staff[Role.SOCIAL_WORKER], assessment=assessment, offer_answer="accepted", move_case_to="closed"
            )
        assert caught.value.field == "move_case_to"
