"""A worked example through the services: indicative budget, plan over budget, funding panel, approval with a
family Personal Assistant, agreement drawn up and signed, reviews scheduled, a review leading to reassessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dp.agreements import services as agreements
from dp.agreements.constants import ReviewKind
from dp.assessments.domain.reviews import add_months
from dp.cases.constants import CaseStatus
from dp.cases.services import case_transition
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.payments.tests.factories import set_payment_policy
from dp.people.constants import RelationshipKind
from dp.people.models import Relationship
from dp.people.tests.factories import PersonFactory
from dp.plans import services as plans
from dp.plans.constants import Funding, LineKind, PanelOutcome, PayeeRelationship, PlanStatus
from dp.plans.domain.checks import SubmissionRoute
from dp.plans.tests.factories import PublishedRasSchemeFactory
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db


def test_from_support_planning_to_a_signed_agreement_and_a_reassessment(staff, council) -> None:  # type: ignore[no-untyped-def]
    today = dt.date.today()
    worker, manager = staff[Role.SOCIAL_WORKER], staff[Role.TEAM_MANAGER]
    PublishedRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN])
    set_payment_policy(council)
    case = AllocatedCaseFactory(worker=worker, status=CaseStatus.SUPPORT_PLANNING)
    partner = PersonFactory(given_name="Sam")
    record = Relationship.objects.create(
        from_person=partner,
        to_person=case.person,
        kind=RelationshipKind.SPOUSE_OR_PARTNER_OF,
        same_household=True,
        started_on=dt.date(1990, 1, 1),
    )
    indicative = plans.indicative_budget_calculate(
        actor=worker, case=case, answers={"q1": "a2", "q2": "a1"}, pa_share_percent=Decimal(100)
    )
    assert indicative.weekly_pence == 10000 + 1207 + 336 + 300  # £100 core; PA on-costs; insurance

    plan = plans.support_plan_start(actor=worker, case=case)
    outcome = plans.plan_outcome_add(actor=worker, plan=plan, need_code="personal_hygiene", outcome="Up and dressed")
    payee = plans.plan_payee_add(
        actor=worker,
        plan=plan,
        relationship_record=record,
        relationship=PayeeRelationship.SPOUSE_OR_CIVIL_PARTNER,
        lives_in_same_household=True,
    )
    plans.plan_line_add(
        actor=worker,
        plan=plan,
        kind=LineKind.PERSONAL_ASSISTANT,
        description="Sam as PA, mornings",
        funding=Funding.DIRECT_PAYMENT,
        quantity=Decimal(10),
        unit_cost_pence=1271,
        meets_outcomes=[outcome],
        payee=payee,
    )
    plans.plan_line_add(
        actor=worker,
        plan=plan,
        kind=LineKind.CARE_AGENCY,
        description="Evening calls (council contract)",
        funding=Funding.COUNCIL_ARRANGED,
        quantity=Decimal(3),
        unit_cost_pence=2500,
        meets_outcomes=[outcome],
    )
    plans.plan_payee_record_necessary(
        actor=manager, payee=payee, reason="intimate_support", purpose="care", note="Will only accept Sam's help"
    )
    assert plans.plan_submit(actor=worker, plan=plan) is SubmissionRoute.FUNDING_PANEL
    plans.plan_panel_decide(actor=manager, plan=plan, outcome=PanelOutcome.AGREED, reasons="Evening calls needed")
    budget = plans.plan_approve(actor=manager, plan=plan, budget_effective_from=today)
    # PA: £127.10 + holiday £15.34 = £142.44, pension £4.27 -> £146.71; insurance £3; agency £75 arranged
    assert budget.direct_payment_regular_weekly_pence == 14671 + 300
    assert budget.weekly_budget_pence == 14671 + 300 + 7500
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREEMENT

    agreement = agreements.agreement_draw_up(
        actor=staff[Role.DP_SUPPORT], case=case, account_type="prepaid_card", first_payment_on=today
    )
    assert agreement.cycle_council_payment_pence == (14671 + 300) * 4
    agreements.agreement_sign(actor=staff[Role.DP_SUPPORT], agreement=agreement, signed_by=case.person, signed_on=today)
    case.refresh_from_db()
    assert case.status == CaseStatus.PAYMENT_SETUP
    first_review = case.dp_reviews.get(kind=ReviewKind.FIRST_REVIEW)
    assert first_review.due_by == add_months(today, 6)

    case_transition(actor=staff[Role.PAYMENTS_OFFICER], case=case, to_status=CaseStatus.ACTIVE)
    agreements.review_complete(
        actor=worker,
        review=first_review,
        completed_on=today,
        outcome="reassess",
        dp_offered=True,
        dp_answer="keep",
        notes="Needs have grown since the fall",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.NEEDS_ASSESSMENT
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED  # until a new plan replaces it from a date
