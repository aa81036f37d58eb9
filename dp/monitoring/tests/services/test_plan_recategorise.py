"""Categorising a person's transactions again when their support plan changes (`plan_transactions_recategorise`,
queued by `dp.plans.services.plan_approve` on commit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dp.audit_log.models import Event
from dp.cases.constants import CaseStatus
from dp.monitoring import services
from dp.monitoring.constants import MatchedBy, MonitoringEventType, TransactionStatus
from dp.monitoring.models import Transaction
from dp.monitoring.tests.factories import TransactionFactory
from dp.payments.services import contribution_receipt_record
from dp.payments.tests.factories import PrepaidCardAccountFactory, SignedScheduleFactory
from dp.plans import services as plan_services
from dp.plans.constants import Funding, LineKind, PayeeRelationship
from dp.plans.models import PlanLine, SupportPlan
from dp.plans.tests.conftest import planning_case, scheme  # noqa: F401 (fixtures)
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
FIRST_START = TODAY - dt.timedelta(days=200)
SECOND_START = TODAY - dt.timedelta(days=60)


def _pa_line(staff, plan, *, payee=None) -> PlanLine:  # type: ignore[no-untyped-def]
    return plan_services.plan_line_add(
        actor=staff[Role.SOCIAL_WORKER],
        plan=plan,
        kind=LineKind.PERSONAL_ASSISTANT,
        description="PA mornings",
        funding=Funding.DIRECT_PAYMENT,
        quantity=Decimal(10),
        unit_cost_pence=1200,
        meets_outcomes=list(plan.outcomes.all()),
        payee=payee,
    )


def _approve(staff, plan, *, since, capture) -> None:  # type: ignore[no-untyped-def]
    plan_services.plan_submit(actor=staff[Role.SOCIAL_WORKER], plan=plan)
    with capture(execute=True):
        plan_services.plan_approve(actor=staff[Role.TEAM_MANAGER], plan=plan, budget_effective_from=since)


def _new_version(staff, case) -> SupportPlan:  # type: ignore[no-untyped-def]
    """A reassessment: a new draft copied from the approved plan."""
    case.status = CaseStatus.SUPPORT_PLANNING
    case.save(update_fields=["status"])
    return plan_services.support_plan_start(actor=staff[Role.SOCIAL_WORKER], case=case)


@pytest.fixture
def first_plan(staff, planning_case, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]  # noqa: F811
    """Plan 1, approved from 200 days ago: Personal Assistant hours with nobody named to be paid."""
    plan = plan_services.support_plan_start(actor=staff[Role.SOCIAL_WORKER], case=planning_case)
    plan_services.plan_outcome_add(
        actor=staff[Role.SOCIAL_WORKER], plan=plan, need_code="personal_hygiene", outcome="Washed and dressed by 9"
    )
    _pa_line(staff, plan)
    _approve(staff, plan, since=FIRST_START, capture=django_capture_on_commit_callbacks)
    return plan


@pytest.fixture
def account(first_plan):  # type: ignore[no-untyped-def]
    return PrepaidCardAccountFactory(person=first_plan.case.person)


def _paid_to_jo(account, posted_on: dt.date) -> Transaction:  # type: ignore[no-untyped-def]
    return TransactionFactory(
        account=account,
        posted_on=posted_on,
        merchant="JO BLOGGS",
        description="Faster payment",
        merchant_category_code="",
        reason="No known payee, council rule or merchant category code matched 'JO BLOGGS'",
    )


def _plan_with_jo(staff, case, capture, *, since: dt.date = SECOND_START) -> PlanLine:  # type: ignore[no-untyped-def]
    """Plan 2 names Jo Bloggs, a friend, as the Personal Assistant paid for the mornings, and is approved."""
    plan = _new_version(staff, case)
    plan_services.plan_line_remove(actor=staff[Role.SOCIAL_WORKER], line=plan.lines.get())
    jo = plan_services.plan_payee_add(
        actor=staff[Role.SOCIAL_WORKER],
        plan=plan,
        name="Jo Bloggs",
        relationship=PayeeRelationship.FRIEND,
        lives_in_same_household=False,
    )
    line = _pa_line(staff, plan, payee=jo)
    _approve(staff, plan, since=since, capture=capture)
    return line


class TestAPersonalAssistantAddedToThePlan:
    def test_an_unexplained_payment_to_them_becomes_matched(
        self, staff, first_plan, account, django_capture_on_commit_callbacks
    ):  # type: ignore[no-untyped-def]
        line = _paid_to_jo(account, SECOND_START + dt.timedelta(days=3))
        assert line.status == TransactionStatus.UNEXPLAINED

        pa_line = _plan_with_jo(staff, first_plan.case, django_capture_on_commit_callbacks)

        line.refresh_from_db()
        assert (line.status, line.plan_line_id, line.matched_by) == (
            TransactionStatus.PLAN_LINE,
            pa_line.pk,
            MatchedBy.PAYEE,
        )
        assert line.payee_ref == f"plan-payee:{pa_line.payee_id}"
        assert line.reason == "Paid to Jo Bloggs, a known Personal Assistant, for the plan line 'PA mornings'"

    def test_payments_before_the_new_plan_started_are_left_as_they_were(
        self, staff, first_plan, account, django_capture_on_commit_callbacks
    ):  # type: ignore[no-untyped-def]
        before = _paid_to_jo(account, SECOND_START - dt.timedelta(days=1))
        after = _paid_to_jo(account, SECOND_START)
        _plan_with_jo(staff, first_plan.case, django_capture_on_commit_callbacks)
        before.refresh_from_db()
        after.refresh_from_db()
        assert (before.status, after.status) == (TransactionStatus.UNEXPLAINED, TransactionStatus.PLAN_LINE)

    def test_other_peoples_transactions_are_left_alone(
        self, staff, first_plan, account, django_capture_on_commit_callbacks
    ):  # type: ignore[no-untyped-def]
        someone_else = _paid_to_jo(PrepaidCardAccountFactory(), SECOND_START + dt.timedelta(days=3))
        _plan_with_jo(staff, first_plan.case, django_capture_on_commit_callbacks)
        someone_else.refresh_from_db()
        assert someone_else.status == TransactionStatus.UNEXPLAINED

    def test_the_counts_are_recorded_on_the_persons_record(
        self, staff, first_plan, account, django_capture_on_commit_callbacks
    ):  # type: ignore[no-untyped-def]
        _paid_to_jo(account, SECOND_START + dt.timedelta(days=3))
        TransactionFactory(account=account, posted_on=SECOND_START, merchant="Mystery Shop", merchant_category_code="")
        _plan_with_jo(staff, first_plan.case, django_capture_on_commit_callbacks)
        events = Event.objects.filter(event_type=MonitoringEventType.TRANSACTIONS_RECATEGORISED).order_by("id")
        event = events.get()  # plan 2's (when plan 1 was approved the person had no account yet)
        assert event.person == first_plan.case.person
        assert event.acting_user == staff[Role.TEAM_MANAGER]
        assert (event.data["after"]["looked_at"], event.data["after"]["newly_explained"]) == (2, 1)
        assert event.data["after"]["since"] == SECOND_START.isoformat()
        assert "1 newly explained" in event.summary

    def test_running_it_again_changes_nothing(self, staff, first_plan, account, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
        _paid_to_jo(account, SECOND_START + dt.timedelta(days=3))
        line = _plan_with_jo(staff, first_plan.case, django_capture_on_commit_callbacks)
        again = services.plan_transactions_recategorise(
            actor=staff[Role.TEAM_MANAGER], plan_id=line.plan_id, since=SECOND_START
        )
        assert again is not None
        assert (again.looked_at, again.changed) == (1, 0)


class TestLinesThatNoLongerFit:
    def test_a_payment_to_a_payee_taken_off_the_plan_becomes_unexplained(
        self, staff, first_plan, account, django_capture_on_commit_callbacks
    ):  # type: ignore[no-untyped-def]
        line = _paid_to_jo(account, SECOND_START + dt.timedelta(days=3))
        _plan_with_jo(staff, first_plan.case, django_capture_on_commit_callbacks)
        line.refresh_from_db()
        assert line.matched_by == MatchedBy.PAYEE

        third = _new_version(staff, first_plan.case)
        copied = third.lines.get()
        plan_services.plan_line_remove(actor=staff[Role.SOCIAL_WORKER], line=copied)
        plan_services.plan_payee_remove(actor=staff[Role.SOCIAL_WORKER], payee=third.payees.get())
        _pa_line(staff, third)
        _approve(staff, third, since=SECOND_START + dt.timedelta(days=1), capture=django_capture_on_commit_callbacks)

        line.refresh_from_db()
        assert (line.status, line.plan_line_id, line.matched_by, line.payee_ref) == (
            TransactionStatus.UNEXPLAINED,
            None,
            MatchedBy.NOTHING,
            "",
        )

    def test_a_line_matched_by_its_words_moves_to_the_new_plans_line(
        self, staff, first_plan, account, django_capture_on_commit_callbacks
    ):  # type: ignore[no-untyped-def]
        services.merchant_rule_add(actor=staff[Role.DP_SUPPORT], pattern="Helping Hands", category="personal_assistant")
        line = TransactionFactory(
            account=account, posted_on=SECOND_START, merchant="HELPING HANDS", merchant_category_code=""
        )
        services.transactions_recategorise(actor=staff[Role.DP_SUPPORT])
        line.refresh_from_db()
        assert line.plan_line_id == first_plan.lines.get().pk

        second = _new_version(staff, first_plan.case)
        _approve(staff, second, since=SECOND_START, capture=django_capture_on_commit_callbacks)

        line.refresh_from_db()
        assert (line.status, line.plan_line_id, line.matched_by) == (
            TransactionStatus.PLAN_LINE,
            second.lines.get().pk,
            MatchedBy.COUNCIL_RULE,
        )


class TestWhatIsNeverChanged:
    def test_a_contribution_the_person_paid_in_is_left_alone(
        self, staff, first_plan, account, django_capture_on_commit_callbacks
    ):  # type: ignore[no-untyped-def]
        schedule = SignedScheduleFactory(case=first_plan.case, account=account)
        receipt = contribution_receipt_record(
            actor=staff[Role.PAYMENTS_OFFICER], schedule=schedule, received_on=SECOND_START, amount_pence=5000
        )
        line = _paid_to_jo(account, SECOND_START)
        Transaction.objects.filter(pk=line.pk).update(contribution_receipt=receipt)
        _plan_with_jo(staff, first_plan.case, django_capture_on_commit_callbacks)
        line.refresh_from_db()
        assert (line.status, line.matched_by) == (TransactionStatus.UNEXPLAINED, MatchedBy.NOTHING)

    def test_a_plan_replaced_before_its_task_ran_changes_nothing(
        self, staff, first_plan, account, django_capture_on_commit_callbacks
    ):  # type: ignore[no-untyped-def]
        line = _paid_to_jo(account, SECOND_START + dt.timedelta(days=3))
        _plan_with_jo(staff, first_plan.case, django_capture_on_commit_callbacks)
        Transaction.objects.filter(pk=line.pk).update(
            status=TransactionStatus.UNEXPLAINED, plan_line=None, matched_by=MatchedBy.NOTHING
        )
        result = services.plan_transactions_recategorise(
            actor=staff[Role.TEAM_MANAGER], plan_id=first_plan.pk, since=FIRST_START
        )
        line.refresh_from_db()
        assert result is None
        assert line.status == TransactionStatus.UNEXPLAINED
