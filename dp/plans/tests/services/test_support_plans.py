"""Support plans through the services: writing, checks, the funding panel, approval and budgets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from dp.audit_log.models import Event, EventType
from dp.cases.constants import CaseStatus
from dp.cases.tests.factories import ActiveCaseFactory
from dp.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from dp.people.constants import RelationshipKind
from dp.people.models import Relationship
from dp.people.tests.factories import PersonFactory
from dp.plans import selectors, services
from dp.plans.constants import BudgetSource, Funding, LineKind, PanelOutcome, PayeeRelationship, PlanStatus
from dp.plans.domain.checks import SubmissionRoute
from dp.plans.models import PersonalBudget
from dp.plans.tests.factories import (
    ApprovedSupportPlanFactory,
    AtPanelSupportPlanFactory,
    AwaitingApprovalSupportPlanFactory,
    PersonalBudgetFactory,
)
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _refresh(*objects):  # type: ignore[no-untyped-def]
    for obj in objects:
        obj.refresh_from_db()


def _write_plan(staff, case, *, hours: Decimal = Decimal(10), rate: int = 1200):  # type: ignore[no-untyped-def]
    """A plan with one outcome and one PA line by the case's social worker (£120 wages + on-costs + insurance)."""
    worker = staff[Role.SOCIAL_WORKER]
    plan = services.support_plan_start(actor=worker, case=case)
    outcome = services.plan_outcome_add(
        actor=worker, plan=plan, need_code="personal_hygiene", outcome="Washed and dressed by 9"
    )
    services.plan_line_add(
        actor=worker,
        plan=plan,
        kind=LineKind.PERSONAL_ASSISTANT,
        description="PA mornings",
        funding=Funding.DIRECT_PAYMENT,
        quantity=hours,
        unit_cost_pence=rate,
        meets_outcomes=[outcome],
    )
    return plan, outcome


class TestWritingAPlan:
    def test_pa_line_is_costed_with_the_schemes_on_costs(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case)
        line = plan.lines.get()
        # £120 + holiday 12.07% (£14.48) = £134.48; pension 3% = £4.03
        assert line.weekly_cost_pence == 12000 + 1448 + 403
        totals = selectors.plan_totals_for(plan, on=TODAY)
        assert totals.insurance_weekly_pence == 300
        assert totals.total_weekly_pence == 13851 + 300
        assert Event.objects.filter(event_type=EventType.PLAN_CHANGED, case=planning_case).count() == 2

    def test_only_one_open_plan(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        services.support_plan_start(actor=staff[Role.SOCIAL_WORKER], case=planning_case)
        with pytest.raises(ValidationFailed):
            services.support_plan_start(actor=staff[Role.SOCIAL_WORKER], case=planning_case)

    def test_no_plan_for_an_active_case(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        with pytest.raises(TransitionNotAllowed):
            services.support_plan_start(actor=staff[Role.SOCIAL_WORKER], case=case)

    def test_care_home_stays_may_not_overlap(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, outcome = _write_plan(staff, planning_case)
        stay = {
            "actor": staff[Role.SOCIAL_WORKER],
            "plan": plan,
            "kind": LineKind.CARE_HOME_SHORT_STAY,
            "description": "Respite",
            "funding": Funding.DIRECT_PAYMENT,
            "quantity": Decimal(1),
            "unit_cost_pence": 15000,
            "meets_outcomes": [outcome],
        }
        line = services.plan_line_add(**stay, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 3, 8))
        assert line.quantity == 7
        assert line.weekly_cost_pence == 2019  # 7 x £150 = £1,050 over 52 weeks
        with pytest.raises(ValidationFailed):
            services.plan_line_add(**stay, starts_on=dt.date(2026, 3, 5), ends_on=dt.date(2026, 3, 10))

    def test_a_named_payee_only_on_direct_payment_pa_lines(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, outcome = _write_plan(staff, planning_case)
        payee = services.plan_payee_add(
            actor=staff[Role.SOCIAL_WORKER],
            plan=plan,
            name="Pat Jones",
            relationship="not_related",
            lives_in_same_household=False,
        )
        with pytest.raises(ValidationFailed):
            services.plan_line_add(
                actor=staff[Role.SOCIAL_WORKER],
                plan=plan,
                kind=LineKind.CARE_AGENCY,
                description="Agency",
                funding=Funding.DIRECT_PAYMENT,
                quantity=Decimal(2),
                unit_cost_pence=2000,
                meets_outcomes=[outcome],
                payee=payee,
            )

    def test_payee_answer_must_fit_the_relationship_record(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case)
        partner = PersonFactory()
        record = Relationship.objects.create(
            from_person=partner,
            to_person=planning_case.person,
            kind=RelationshipKind.SPOUSE_OR_PARTNER_OF,
            same_household=True,
            started_on=dt.date(2000, 1, 1),
        )
        with pytest.raises(ValidationFailed) as exc:
            services.plan_payee_add(
                actor=staff[Role.SOCIAL_WORKER],
                plan=plan,
                relationship_record=record,
                relationship=PayeeRelationship.NOT_RELATED,
                lives_in_same_household=True,
            )
        assert exc.value.field == "relationship"
        payee = services.plan_payee_add(
            actor=staff[Role.SOCIAL_WORKER],
            plan=plan,
            relationship_record=record,
            relationship=PayeeRelationship.SPOUSE_OR_CIVIL_PARTNER,
            lives_in_same_household=True,
        )
        assert payee.person == partner
        assert payee.name == partner.full_name


class TestSubmitting:
    def test_within_budget_goes_for_approval(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case)
        route = services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        _refresh(plan, planning_case)
        assert route is SubmissionRoute.APPROVAL
        assert plan.status == PlanStatus.AWAITING_APPROVAL
        assert planning_case.status == CaseStatus.PLAN_APPROVAL
        assert all(check["passed"] for check in plan.checks)

    def test_over_the_indicative_budget_goes_to_the_panel(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case, hours=Decimal(20))
        route = services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        _refresh(plan, planning_case)
        assert route is SubmissionRoute.FUNDING_PANEL
        assert plan.status == PlanStatus.AT_PANEL
        assert planning_case.status == CaseStatus.FUNDING_PANEL

    def test_empty_plan_is_refused(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan = services.support_plan_start(actor=staff[Role.SOCIAL_WORKER], case=planning_case)
        with pytest.raises(ValidationFailed):
            services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)

    def test_excluded_purchase_blocks_the_plan(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, outcome = _write_plan(staff, planning_case)
        services.plan_line_add(
            actor=staff[Role.SOCIAL_WORKER],
            plan=plan,
            kind=LineKind.OTHER,
            category="gambling",
            description="Bingo",
            funding=Funding.DIRECT_PAYMENT,
            quantity=Decimal(1),
            unit_cost_pence=500,
            meets_outcomes=[outcome],
        )
        with pytest.raises(ValidationFailed) as exc:
            services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        assert "Bingo" in exc.value.message


class TestFamilyPayee:
    """Paying a partner in the household is blocked until a team manager records that it is necessary."""

    def test_blocked_until_necessary_decision(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case)
        payee = services.plan_payee_add(
            actor=staff[Role.SOCIAL_WORKER],
            plan=plan,
            name="Sam Partner",
            relationship=PayeeRelationship.SPOUSE_OR_CIVIL_PARTNER,
            lives_in_same_household=True,
        )
        line = plan.lines.get()
        line.payee = payee
        line.save()
        with pytest.raises(ValidationFailed) as exc:
            services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        assert "only if the council records that it is necessary" in exc.value.message
        with pytest.raises(PermissionDenied):
            services.plan_payee_record_necessary(
                actor=staff[Role.SOCIAL_WORKER], payee=payee, reason="intimate_support", purpose="care", note="x"
            )
        with pytest.raises(ValidationFailed):
            services.plan_payee_record_necessary(
                actor=staff[Role.TEAM_MANAGER], payee=payee, reason="intimate_support", purpose="care", note=" "
            )
        services.plan_payee_record_necessary(
            actor=staff[Role.TEAM_MANAGER],
            payee=payee,
            reason="intimate_support",
            purpose="care",
            note="Personal care that Sam will only accept from their partner",
        )
        assert services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan) is SubmissionRoute.APPROVAL
        assert Event.objects.filter(event_type=EventType.PLAN_PAYEE_NECESSARY, case=planning_case).exists()

    def test_no_decision_needed_for_a_friend(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case)
        payee = services.plan_payee_add(
            actor=staff[Role.SOCIAL_WORKER], plan=plan, name="Pat", relationship="friend", lives_in_same_household=False
        )
        with pytest.raises(ValidationFailed):
            services.plan_payee_record_necessary(
                actor=staff[Role.TEAM_MANAGER], payee=payee, reason="other", purpose="care", note="x"
            )


class TestApproval:
    def test_author_cannot_approve(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        manager = staff[Role.TEAM_MANAGER]
        plan = AwaitingApprovalSupportPlanFactory(case=planning_case, author=manager)
        planning_case.status = CaseStatus.PLAN_APPROVAL
        planning_case.save()
        with pytest.raises(PermissionDenied) as exc:
            services.plan_approve(actor=manager, plan=plan, budget_effective_from=TODAY)
        assert "cannot also approve" in exc.value.message
        _refresh(plan)
        assert plan.status == PlanStatus.AWAITING_APPROVAL
        assert not PersonalBudget.objects.exists()

    def test_social_worker_cannot_approve(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan = AwaitingApprovalSupportPlanFactory(case=planning_case, author=staff["other_social_worker"])
        with pytest.raises(PermissionDenied):
            services.plan_approve(actor=staff[Role.SOCIAL_WORKER], plan=plan, budget_effective_from=TODAY)

    def test_the_database_refuses_an_author_approval(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(IntegrityError), transaction.atomic():
            ApprovedSupportPlanFactory(case=planning_case, approved_by=planning_case.worker)

    def test_approval_sets_the_budget_and_moves_the_case(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case)
        services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        budget = services.plan_approve(actor=staff[Role.TEAM_MANAGER], plan=plan, budget_effective_from=TODAY)
        _refresh(plan, planning_case)
        assert plan.status == PlanStatus.APPROVED
        assert plan.approved_by == staff[Role.TEAM_MANAGER]
        assert planning_case.status == CaseStatus.AGREEMENT
        assert budget.weekly_budget_pence == 13851 + 300
        assert budget.direct_payment_regular_weekly_pence == 13851 + 300
        assert budget.effective_from == TODAY
        assert budget.source == BudgetSource.PLAN_APPROVED
        assert Event.objects.filter(event_type=EventType.BUDGET_SET, case=planning_case).count() == 1
        assert Event.objects.filter(event_type=EventType.PLAN_APPROVED, case=planning_case).count() == 1

    def test_return_for_changes(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case)
        services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        services.plan_return(actor=staff[Role.TEAM_MANAGER], plan=plan, reason="Add the evening calls")
        _refresh(plan, planning_case)
        assert plan.status == PlanStatus.DRAFT
        assert plan.returned_reason == "Add the evening calls"
        assert planning_case.status == CaseStatus.SUPPORT_PLANNING


class TestFundingPanel:
    @pytest.fixture
    def at_panel(self, staff, planning_case):  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case, hours=Decimal(20))  # about £280 a week, over £150
        services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        return plan

    def test_agreed(self, staff, at_panel) -> None:  # type: ignore[no-untyped-def]
        decision = services.plan_panel_decide(
            actor=staff[Role.TEAM_MANAGER], plan=at_panel, outcome=PanelOutcome.AGREED, reasons="Two carers needed"
        )
        _refresh(at_panel)
        cost = selectors.plan_totals_for(at_panel, on=TODAY).total_weekly_pence
        assert decision.agreed_weekly_pence == cost
        assert at_panel.status == PlanStatus.AWAITING_APPROVAL
        assert at_panel.budget_limit_weekly_pence == cost
        assert at_panel.case.status == CaseStatus.PLAN_APPROVAL
        assert selectors.plan_check_report(at_panel, on=TODAY).passed

    def test_agreed_a_lower_amount_sends_it_back(self, staff, at_panel) -> None:  # type: ignore[no-untyped-def]
        services.plan_panel_decide(
            actor=staff[Role.TEAM_MANAGER],
            plan=at_panel,
            outcome=PanelOutcome.AGREED_DIFFERENT_AMOUNT,
            agreed_weekly_pence=20000,
            reasons="Fewer hours at weekends",
        )
        _refresh(at_panel)
        assert at_panel.status == PlanStatus.DRAFT
        assert at_panel.budget_limit_weekly_pence == 20000
        assert at_panel.case.status == CaseStatus.SUPPORT_PLANNING
        assert "Fewer hours at weekends" in at_panel.returned_reason

    def test_refused(self, staff, at_panel) -> None:  # type: ignore[no-untyped-def]
        services.plan_panel_decide(
            actor=staff[Role.TEAM_MANAGER], plan=at_panel, outcome=PanelOutcome.REFUSED, reasons="Needs met for less"
        )
        _refresh(at_panel)
        assert at_panel.status == PlanStatus.DRAFT
        assert at_panel.budget_limit_weekly_pence is None
        assert at_panel.case.status == CaseStatus.SUPPORT_PLANNING
        assert Event.objects.filter(event_type=EventType.PLAN_PANEL_DECIDED, case=at_panel.case).exists()

    def test_reasons_required_and_author_cannot_decide(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan = AtPanelSupportPlanFactory(case=planning_case, author=staff[Role.TEAM_MANAGER])
        with pytest.raises(PermissionDenied):
            services.plan_panel_decide(actor=staff[Role.TEAM_MANAGER], plan=plan, outcome="agreed", reasons="ok")

    def test_empty_reasons(self, staff, at_panel) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as exc:
            services.plan_panel_decide(actor=staff[Role.TEAM_MANAGER], plan=at_panel, outcome="refused", reasons="")
        assert exc.value.field == "reasons"


class TestPersonalBudgets:
    def test_database_refuses_overlapping_budgets(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        PersonalBudgetFactory(case=planning_case, effective_from=dt.date(2026, 1, 1), effective_to=dt.date(2026, 7, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            PersonalBudgetFactory(case=planning_case, effective_from=dt.date(2026, 6, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            PersonalBudgetFactory(case=planning_case, effective_from=dt.date(2025, 6, 1), effective_to=None)
        # touching periods are fine ([from, to) is half-open), as are other cases' budgets
        PersonalBudgetFactory(case=planning_case, effective_from=dt.date(2026, 7, 1))
        PersonalBudgetFactory(
            case=ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER]), effective_from=dt.date(2026, 3, 1)
        )

    def test_new_budget_from_a_date_ends_the_one_before(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        first = PersonalBudgetFactory(case=planning_case, effective_from=dt.date(2026, 1, 1))
        second = services.personal_budget_set(
            actor=staff[Role.TEAM_MANAGER],
            case=planning_case,
            weekly_budget_pence=20000,
            direct_payment_weekly_pence=20000,
            direct_payment_regular_weekly_pence=20000,
            effective_from=dt.date(2026, 4, 6),
            source=BudgetSource.REASSESSMENT,
            reason="Reassessed",
        )
        first.refresh_from_db()
        assert first.effective_to == dt.date(2026, 4, 6)
        assert selectors.budget_in_force(planning_case, dt.date(2026, 4, 5)) == first
        assert selectors.budget_in_force(planning_case, dt.date(2026, 4, 6)) == second

    def test_cannot_start_before_the_current_budget(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        PersonalBudgetFactory(case=planning_case, effective_from=dt.date(2026, 1, 1))
        with pytest.raises(ValidationFailed):
            services.personal_budget_set(
                actor=staff[Role.TEAM_MANAGER],
                case=planning_case,
                weekly_budget_pence=1,
                direct_payment_weekly_pence=1,
                direct_payment_regular_weekly_pence=1,
                effective_from=dt.date(2025, 12, 1),
                source=BudgetSource.REASSESSMENT,
                reason="x",
            )

    def test_reassessment_plan_replaces_the_approved_plan_and_budget(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, _ = _write_plan(staff, planning_case)
        services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        first = services.plan_approve(
            actor=staff[Role.TEAM_MANAGER], plan=plan, budget_effective_from=TODAY - dt.timedelta(days=200)
        )
        planning_case.status = CaseStatus.SUPPORT_PLANNING  # reassessed since
        planning_case.save()
        new = services.support_plan_start(actor=staff[Role.SOCIAL_WORKER], case=planning_case)
        assert new.version == 2
        assert new.lines.count() == 1  # copied from plan 1
        assert new.outcomes.count() == 1
        services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=new)
        second = services.plan_approve(actor=staff[Role.TEAM_MANAGER], plan=new, budget_effective_from=TODAY)
        _refresh(plan, first)
        assert plan.status == PlanStatus.SUPERSEDED
        assert first.effective_to == TODAY
        assert second.source == BudgetSource.REASSESSMENT


class TestRemoving:
    def test_remove_outcome_line_and_payee(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        worker = staff[Role.SOCIAL_WORKER]
        plan, outcome = _write_plan(staff, planning_case)
        payee = services.plan_payee_add(
            actor=worker, plan=plan, name="Pat", relationship="friend", lives_in_same_household=False
        )
        line = plan.lines.get()
        line.payee = payee
        line.save()
        with pytest.raises(ValidationFailed):
            services.plan_payee_remove(actor=worker, payee=payee)
        services.plan_line_remove(actor=worker, line=line)
        services.plan_payee_remove(actor=worker, payee=payee)
        services.plan_outcome_remove(actor=worker, outcome=outcome)
        assert not plan.lines.exists()
        assert not plan.payees.exists()
        assert not plan.outcomes.exists()

    def test_a_plan_sent_for_a_decision_cannot_change(self, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan, outcome = _write_plan(staff, planning_case)
        services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        with pytest.raises(TransitionNotAllowed):
            services.plan_outcome_remove(actor=staff[Role.SOCIAL_WORKER], outcome=outcome)
        with pytest.raises(TransitionNotAllowed):
            services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
        with pytest.raises(TransitionNotAllowed):
            services.plan_panel_decide(actor=staff[Role.TEAM_MANAGER], plan=plan, outcome="agreed", reasons="x")
