"""Drawing up and signing agreements through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.agreements import services
from dp.agreements.constants import AccountType, AgreementStatus, HolderCapacity, ReviewKind, ReviewStatus
from dp.agreements.models import Agreement, Review
from dp.assessments.domain.reviews import add_months
from dp.audit_log.models import Event, EventType
from dp.cases.constants import CaseStatus
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.councils.models import PolicyValue
from dp.people.constants import AuthorityBasis, RelationshipKind
from dp.people.models import CapacityAssessment, Relationship
from dp.people.tests.factories import PersonFactory
from dp.plans.tests.factories import ApprovedSupportPlanFactory, PersonalBudgetFactory
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _draw_up(staff, case, **kwargs):  # type: ignore[no-untyped-def]
    values = {"account_type": AccountType.PREPAID_CARD, "first_payment_on": TODAY}
    values.update(kwargs)
    return services.agreement_draw_up(actor=staff[Role.DP_SUPPORT], case=case, **values)


class TestDrawingUp:
    def test_amounts_every_four_weeks_from_the_budget(self, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        agreement = _draw_up(staff, agreement_case)
        assert agreement.status == AgreementStatus.DRAFT
        assert agreement.holder_person == agreement_case.person
        assert agreement.holder_capacity == HolderCapacity.RECIPIENT
        assert agreement.regular_weekly_pence == 12000
        assert agreement.cycle_gross_pence == 48000
        assert agreement.cycle_council_payment_pence == 48000  # no financial assessment yet: contribution 0
        assert agreement.budget == agreement_case.personal_budgets.get()
        assert Event.objects.filter(event_type=EventType.AGREEMENT_CREATED, case=agreement_case).exists()

    def test_surplus_policy_is_recorded(self, staff, agreement_case, council) -> None:  # type: ignore[no-untyped-def]
        PolicyValue.objects.create(
            council=council,
            key="surplus_allowed_weeks",
            value=8,
            effective_from=dt.date(2020, 1, 1),
            set_at="2020-01-01T00:00:00Z",
            reason="test",
        )
        assert _draw_up(staff, agreement_case).surplus_allowed_weeks == 8

    def test_a_new_draft_replaces_the_old(self, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        first = _draw_up(staff, agreement_case)
        second = _draw_up(staff, agreement_case, account_type=AccountType.BANK_ACCOUNT)
        first.refresh_from_db()
        assert first.status == AgreementStatus.ENDED
        assert second.status == AgreementStatus.DRAFT

    def test_nominated_person_from_relationships(self, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        nominee = PersonFactory()
        rel = Relationship.objects.create(
            from_person=nominee,
            to_person=agreement_case.person,
            kind=RelationshipKind.NOMINATED_PERSON_FOR,
            started_on=dt.date(2020, 1, 1),
        )
        agreement = _draw_up(staff, agreement_case, holder_relationship=rel)
        assert agreement.holder_person == nominee
        assert agreement.holder_capacity == HolderCapacity.NOMINATED_PERSON

    def test_person_lacking_capacity_needs_an_authorised_person(self, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        CapacityAssessment.objects.create(
            person=agreement_case.person,
            assessed_on=dt.date(2025, 1, 1),
            assessed_by=staff[Role.SOCIAL_WORKER],
            has_capacity=False,
        )
        with pytest.raises(ValidationFailed) as exc:
            _draw_up(staff, agreement_case)
        assert exc.value.field == "holder"
        attorney = PersonFactory()
        rel = Relationship.objects.create(
            from_person=attorney,
            to_person=agreement_case.person,
            kind=RelationshipKind.AUTHORISED_PERSON_FOR,
            authority_basis=AuthorityBasis.LASTING_POWER_OF_ATTORNEY,
            started_on=dt.date(2020, 1, 1),
        )
        assert _draw_up(staff, agreement_case, holder_relationship=rel).holder_person == attorney

    def test_a_stranger_cannot_hold_it(self, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        rel = Relationship.objects.create(
            from_person=PersonFactory(),
            to_person=PersonFactory(),
            kind=RelationshipKind.NOMINATED_PERSON_FOR,
            started_on=dt.date(2020, 1, 1),
        )
        with pytest.raises(ValidationFailed):
            _draw_up(staff, agreement_case, holder_relationship=rel)

    def test_only_at_agreement_stage(self, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        agreement_case.status = CaseStatus.PLAN_APPROVAL
        agreement_case.save()
        with pytest.raises(TransitionNotAllowed):
            _draw_up(staff, agreement_case)

    def test_first_payment_not_before_the_budget(self, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed):
            _draw_up(staff, agreement_case, first_payment_on=dt.date(2025, 12, 1))


class TestSigning:
    def test_signing_moves_the_case_and_schedules_reviews(self, staff, agreement_case, council) -> None:  # type: ignore[no-untyped-def]
        PolicyValue.objects.create(
            council=council,
            key="review_initial_check_weeks",
            value=12,
            effective_from=dt.date(2020, 1, 1),
            set_at="2020-01-01T00:00:00Z",
            reason="test",
        )
        agreement = _draw_up(staff, agreement_case)
        services.agreement_sign(
            actor=staff[Role.DP_SUPPORT], agreement=agreement, signed_by=agreement_case.person, signed_on=TODAY
        )
        agreement.refresh_from_db()
        agreement_case.refresh_from_db()
        assert agreement.status == AgreementStatus.SIGNED
        assert agreement.signed_by_person == agreement_case.person
        assert agreement_case.status == CaseStatus.PAYMENT_SETUP
        reviews = {r.kind: r.due_by for r in Review.objects.filter(case=agreement_case)}
        assert reviews == {
            ReviewKind.INITIAL_CHECK: TODAY + dt.timedelta(weeks=12),
            ReviewKind.FIRST_REVIEW: add_months(TODAY, 6),
        }
        assert Event.objects.filter(event_type=EventType.AGREEMENT_SIGNED, case=agreement_case).exists()

    def test_must_be_signed_by_the_holder(self, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        agreement = _draw_up(staff, agreement_case)
        with pytest.raises(ValidationFailed) as exc:
            services.agreement_sign(
                actor=staff[Role.DP_SUPPORT], agreement=agreement, signed_by=PersonFactory(), signed_on=TODAY
            )
        assert exc.value.field == "signed_by"
        agreement_case.refresh_from_db()
        assert agreement_case.status == CaseStatus.AGREEMENT

    def test_not_in_the_future(self, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        agreement = _draw_up(staff, agreement_case)
        with pytest.raises(ValidationFailed):
            services.agreement_sign(
                actor=staff[Role.DP_SUPPORT],
                agreement=agreement,
                signed_by=agreement_case.person,
                signed_on=TODAY + dt.timedelta(days=1),
            )

    def test_new_agreement_after_reassessment_ends_the_old_and_keeps_the_review_cycle(
        self, staff, agreement_case
    ) -> None:  # type: ignore[no-untyped-def]
        first = _draw_up(staff, agreement_case)
        services.agreement_sign(
            actor=staff[Role.DP_SUPPORT], agreement=first, signed_by=agreement_case.person, signed_on=TODAY
        )
        agreement_case.status = CaseStatus.AGREEMENT  # back round after a reassessment and a new plan
        agreement_case.save()
        plan = ApprovedSupportPlanFactory(case=agreement_case, approved_by=staff[Role.TEAM_MANAGER])
        old_budget = agreement_case.personal_budgets.get()
        old_budget.effective_to = TODAY
        old_budget.save()
        PersonalBudgetFactory(
            case=agreement_case,
            plan=plan,
            effective_from=TODAY,
            direct_payment_regular_weekly_pence=14000,
            direct_payment_weekly_pence=14000,
        )
        agreement_case.support_plans.exclude(pk=plan.pk).update(status="superseded")
        second = _draw_up(staff, agreement_case)
        services.agreement_sign(
            actor=staff[Role.DP_SUPPORT], agreement=second, signed_by=agreement_case.person, signed_on=TODAY
        )
        first.refresh_from_db()
        assert first.status == AgreementStatus.ENDED
        assert second.regular_weekly_pence == 14000
        open_reviews = Review.objects.filter(case=agreement_case, status=ReviewStatus.OPEN)
        assert open_reviews.count() == 1
        assert open_reviews.get().agreement == second


def test_only_one_signed_agreement_per_case(staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
    from django.db import IntegrityError, transaction

    from dp.agreements.tests.factories import SignedAgreementFactory

    plan = agreement_case.support_plans.get()
    budget = agreement_case.personal_budgets.get()
    SignedAgreementFactory(case=agreement_case, plan=plan, budget=budget)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignedAgreementFactory(case=agreement_case, plan=plan, budget=budget)
    assert Agreement.objects.count() == 1
