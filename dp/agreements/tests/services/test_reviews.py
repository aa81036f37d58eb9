"""Reviews of direct payments through the services, and the queue of reviews due."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.agreements import selectors, services
from dp.agreements.constants import AgreementStatus, ReviewKind, ReviewStatus
from dp.agreements.models import Review
from dp.agreements.tests.factories import OpenReviewFactory, OverdueReviewFactory, SignedAgreementFactory
from dp.assessments.domain.reviews import add_months
from dp.audit_log.models import Event, EventType
from dp.cases.constants import CaseStatus
from dp.cases.tests.factories import ActiveCaseFactory, AllocatedCaseFactory
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.plans.tests.factories import ApprovedSupportPlanFactory, PersonalBudgetFactory
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def active(staff, council):  # type: ignore[no-untyped-def]
    """An active direct payment that started 3 months ago, with its first review open."""
    case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
    plan = ApprovedSupportPlanFactory(case=case, approved_by=staff[Role.TEAM_MANAGER])
    budget = PersonalBudgetFactory(case=case, plan=plan)
    started = TODAY - dt.timedelta(days=90)
    agreement = SignedAgreementFactory(case=case, plan=plan, budget=budget, first_payment_on=started)
    OpenReviewFactory(case=case, agreement=agreement, due_by=add_months(started, 6))
    return case


def _complete(staff, review, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "completed_on": TODAY,
        "outcome": "continue",
        "dp_offered": True,
        "dp_answer": "keep",
        "notes": "Going well; PA in place.",
    }
    values.update(kwargs)
    return services.review_complete(actor=staff[Role.SOCIAL_WORKER], review=review, **values)


class TestCompleting:
    def test_records_the_offer_and_schedules_the_next_within_12_months(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        review = active.dp_reviews.get()
        _complete(staff, review)
        review.refresh_from_db()
        assert review.status == ReviewStatus.COMPLETED
        assert review.dp_offered is True
        assert review.dp_answer == "keep"
        following = active.dp_reviews.get(status=ReviewStatus.OPEN)
        assert following.kind == ReviewKind.ANNUAL_REVIEW
        assert following.due_by == add_months(TODAY, 12)
        assert Event.objects.filter(event_type=EventType.REVIEW_COMPLETED, case=active).exists()

    def test_offer_and_answer_must_agree(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        review = active.dp_reviews.get()
        with pytest.raises(ValidationFailed):
            _complete(staff, review, dp_offered=True, dp_answer="not_asked")
        with pytest.raises(ValidationFailed):
            _complete(staff, review, dp_offered=False, dp_answer="keep")
        _complete(staff, review, dp_offered=False, dp_answer="not_asked")

    def test_reassessment_sends_the_case_to_a_needs_assessment(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        _complete(staff, active.dp_reviews.get(), outcome="reassess", notes="Needs have increased")
        active.refresh_from_db()
        assert active.status == CaseStatus.NEEDS_ASSESSMENT

    def test_ending_closes_the_case_and_the_agreement(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        _complete(
            staff, active.dp_reviews.get(), outcome="end", dp_answer="council_arranged", notes="Wants a homecare agency"
        )
        active.refresh_from_db()
        assert active.status == CaseStatus.CLOSED
        assert active.agreements.get().status == AgreementStatus.ENDED
        assert not active.dp_reviews.filter(status=ReviewStatus.OPEN).exists()

    def test_initial_check_does_not_restart_the_cycle(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        check = OpenReviewFactory(case=active, kind=ReviewKind.INITIAL_CHECK, due_by=TODAY)
        _complete(staff, check)
        assert active.dp_reviews.filter(status=ReviewStatus.OPEN).count() == 1
        assert active.dp_reviews.get(status=ReviewStatus.OPEN).kind == ReviewKind.FIRST_REVIEW

    def test_not_in_the_future(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed):
            _complete(staff, active.dp_reviews.get(), completed_on=TODAY + dt.timedelta(days=1))


class TestTriggered:
    def test_request_puts_the_case_under_review_and_completing_restores_it(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        review = services.review_request(
            actor=staff[Role.DP_SUPPORT],
            case=active,
            trigger="concern_about_use",
            details="Cash withdrawals",
            due_by=TODAY + dt.timedelta(days=14),
        )
        active.refresh_from_db()
        assert active.status == CaseStatus.REVIEW
        assert review.kind == ReviewKind.TRIGGERED
        _complete(staff, review, outcome="continue_with_changes", notes="Agreed to use the card, not cash")
        active.refresh_from_db()
        assert active.status == CaseStatus.ACTIVE
        # the triggered review counts: the first review is replaced by one within 12 months of it
        open_reviews = list(active.dp_reviews.filter(status=ReviewStatus.OPEN))
        assert [(r.kind, r.due_by) for r in open_reviews] == [(ReviewKind.ANNUAL_REVIEW, add_months(TODAY, 12))]
        assert active.dp_reviews.filter(status=ReviewStatus.CANCELLED).count() == 1

    def test_needs_a_direct_payment_in_place(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], status=CaseStatus.SUPPORT_PLANNING)
        with pytest.raises(TransitionNotAllowed):
            services.review_request(
                actor=staff[Role.DP_SUPPORT], case=case, trigger="breach", details="x", due_by=TODAY
            )

    def test_needs_details(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed):
            services.review_request(
                actor=staff[Role.DP_SUPPORT], case=active, trigger="breach", details="", due_by=TODAY
            )


class TestQueue:
    def test_due_and_overdue_for_the_users_cases(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        due_soon = OpenReviewFactory(
            case=active, kind=ReviewKind.TRIGGERED, trigger="breach", due_by=TODAY + dt.timedelta(days=3)
        )
        overdue = OverdueReviewFactory(case=active)
        other_team = ActiveCaseFactory(worker=staff["other_social_worker"])
        hidden = OverdueReviewFactory(case=other_team)
        rows = selectors.review_queue(user=staff[Role.SOCIAL_WORKER], today=TODAY)
        assert [(r.review, r.due.value) for r in rows] == [(overdue, "overdue"), (due_soon, "due")]
        manager_rows = selectors.review_queue(user=staff[Role.TEAM_MANAGER], today=TODAY)
        assert hidden in [r.review for r in manager_rows]
        assert selectors.reviews_coming_up(user=staff[Role.SOCIAL_WORKER], today=TODAY) == 1  # the first review

    def test_closed_cases_are_left_out(self, staff, active) -> None:  # type: ignore[no-untyped-def]
        OverdueReviewFactory(case=active)
        active.status = CaseStatus.CLOSED
        active.closed_on = TODAY
        active.save()
        assert selectors.review_queue(user=staff[Role.TEAM_MANAGER], today=TODAY) == []
        assert Review.objects.count() == 2
