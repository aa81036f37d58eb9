"""Payment schedules: setting up from an agreed direct payment, changes with adjustments settled in the next
run, suspending and resuming, ending (final payment or advance to recover), one-off payments, contributions."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from dp.audit_log.models import Event
from dp.cases.tests.factories import ActiveCaseFactory
from dp.core.errors import PolicyMissing, TransitionNotAllowed, ValidationFailed
from dp.ledger.selectors import account_balance_pence
from dp.payments import services
from dp.payments.constants import ScheduledPaymentKind, ScheduleStatus
from dp.payments.domain.schedule import PaidPeriod, calculate_adjustment, end_direct_payment, period
from dp.payments.models import AdjustmentSettlement, Payment, Recovery, ScheduleAdjustment, ScheduledPayment
from dp.payments.selectors import account_statement, contribution_position, schedule_terms
from dp.payments.tests.factories import PrepaidCardAccountFactory, SignedScheduleFactory

pytestmark = pytest.mark.django_db

D = dt.date
START = D(2026, 3, 23)
SECOND = D(2026, 4, 20)
THIRD = D(2026, 5, 18)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def send(officers, pay_on):  # type: ignore[no-untyped-def]
    run = services.payment_run_create(actor=officers[0], pay_on=pay_on, request_key=uuid.uuid4().hex)
    services.payment_run_approve(actor=officers[1], run=run)
    return services.payment_run_execute(run_id=run.pk)


class TestSetUp:
    def test_from_the_agreed_amounts(self, payment_policy, staff):
        case = ActiveCaseFactory(worker=staff["social_worker"])
        account = PrepaidCardAccountFactory(person=case.person)
        s = services.schedule_create_for_case(
            actor=staff["dp_support"],
            case=case,
            weekly_budget_pence=30000,
            weekly_contribution_pence=5000,
            first_payment_on=START,
            account=account,
        )
        assert (s.period_weeks, s.basis, s.status, s.payable_from_on) == (4, "net", ScheduleStatus.ACTIVE, START)
        assert s.agreement_signed_on is None
        change = s.changes.get()
        assert (change.effective_on, change.weekly_budget_pence, change.weekly_contribution_pence) == (
            START,
            30000,
            5000,
        )
        assert Event.objects.filter(event_type="payments.schedule_created", case=case).count() == 1

    def test_the_first_payment_must_be_a_cycle_date(self, payment_policy, staff):
        case = ActiveCaseFactory(worker=staff["social_worker"])
        with pytest.raises(ValidationFailed, match="The next are 23 March 2026") as caught:
            services.schedule_create_for_case(
                actor=staff["dp_support"],
                case=case,
                weekly_budget_pence=1,
                weekly_contribution_pence=0,
                first_payment_on=D(2026, 3, 30),
            )
        assert caught.value.field == "first_payment_on"

    def test_without_a_cycle_the_council_must_set_one(self, council, staff):
        with pytest.raises(PolicyMissing):
            services.schedule_create_for_case(
                actor=staff["dp_support"],
                case=ActiveCaseFactory(worker=staff["social_worker"]),
                weekly_budget_pence=1,
                weekly_contribution_pence=0,
                first_payment_on=START,
            )

    def test_one_running_schedule_per_case(self, payment_policy, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        with pytest.raises(ValidationFailed, match="already has"):
            services.schedule_create_for_case(
                actor=staff["dp_support"],
                case=s.case,
                weekly_budget_pence=1,
                weekly_contribution_pence=0,
                first_payment_on=START,
            )

    def test_amounts_are_checked_by_the_pure_terms(self, payment_policy, staff):
        with pytest.raises(ValidationFailed):
            services.schedule_create_for_case(
                actor=staff["dp_support"],
                case=ActiveCaseFactory(worker=staff["social_worker"]),
                weekly_budget_pence=-1,
                weekly_contribution_pence=0,
                first_payment_on=START,
            )

    def test_someone_elses_account_is_refused(self, payment_policy, staff):
        with pytest.raises(ValidationFailed) as caught:
            services.schedule_create_for_case(
                actor=staff["dp_support"],
                case=ActiveCaseFactory(worker=staff["social_worker"]),
                weekly_budget_pence=1,
                weekly_contribution_pence=0,
                first_payment_on=START,
                account=PrepaidCardAccountFactory(),
            )
        assert caught.value.field == "account"

    def test_signing_the_agreement_is_a_hook_and_idempotent(self, payment_policy, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, agreement_signed_on=None)
        services.schedule_agreement_signed(actor=None, schedule=s, signed_on=D(2026, 3, 18))
        services.schedule_agreement_signed(actor=None, schedule=s, signed_on=D(2026, 3, 19))
        s.refresh_from_db()
        assert s.agreement_signed_on == D(2026, 3, 18)


class TestChanges:
    """A change for a period already paid is an adjustment settled in the next run, shown with its reason."""

    def test_top_up_for_a_paid_period(self, payment_policy, originator, officers, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, amounts=(30000, 5000))
        send(officers, START)
        before = schedule_terms(s)
        services.schedule_change_amounts(
            actor=staff["dp_support"],
            schedule=s,
            effective_on=D(2026, 4, 6),
            weekly_budget_pence=37000,
            weekly_contribution_pence=5000,
            reason="More support after a fall",
        )
        adjustment = ScheduleAdjustment.objects.get(schedule=s)
        expected = calculate_adjustment(paid=[period(before, 1)], due=[period(schedule_terms(s), 1)])
        assert adjustment.amount_pence == expected.council_adjustment_pence == 14000  # 2 weeks of £70
        assert adjustment.reason == expected.reason

        second = send(officers, SECOND).payments.get(schedule=s)
        assert second.regular_pence == (37000 - 5000) * 4
        assert second.adjustment_pence == 14000
        assert second.amount_pence == second.regular_pence + 14000
        assert AdjustmentSettlement.objects.get(payment=second).amount_pence == 14000
        third = send(officers, THIRD).payments.get(schedule=s)
        assert third.adjustment_pence == 0

    def test_a_reduction_larger_than_the_next_payment_is_carried_forward(
        self, payment_policy, originator, officers, staff
    ):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, amounts=(30000, 0))
        send(officers, START)
        services.schedule_change_amounts(
            actor=staff["dp_support"],
            schedule=s,
            effective_on=D(2026, 3, 30),
            weekly_budget_pence=2000,
            weekly_contribution_pence=0,
            reason="Care moved to a service the council arranges",
        )
        reduction = ScheduleAdjustment.objects.get(schedule=s).amount_pence
        assert reduction == -28000 * 3
        second = send(officers, SECOND).payments.get(schedule=s)
        assert (second.regular_pence, second.amount_pence) == (8000, 0)
        assert second.adjustment_pence == -8000
        third = send(officers, THIRD).payments.get(schedule=s)
        assert third.adjustment_pence == -8000
        left = reduction + 16000
        assert ScheduleAdjustment.objects.get(schedule=s).settlements.count() == 2
        assert left < 0  # still to recover from later payments

    def test_a_contribution_change_for_a_paid_period(self, payment_policy, originator, officers, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, amounts=(30000, 5000))
        send(officers, START)
        services.schedule_change_amounts(
            actor=staff["dp_support"],
            schedule=s,
            effective_on=START + dt.timedelta(days=14),
            weekly_budget_pence=30000,
            weekly_contribution_pence=6000,
            reason="Financial reassessment",
        )
        adjustment = ScheduleAdjustment.objects.get(schedule=s)
        assert (adjustment.amount_pence, adjustment.contribution_pence) == (-2000, 2000)
        second = send(officers, SECOND).payments.get(schedule=s)
        assert second.contribution_due_pence == 6000 * 4 + 2000
        assert second.contribution_adjustment_pence == 2000

    def test_refused_changes(self, payment_policy, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        with pytest.raises(ValidationFailed):
            services.schedule_change_amounts(
                actor=staff["dp_support"],
                schedule=s,
                effective_on=START,
                weekly_budget_pence=1,
                weekly_contribution_pence=0,
                reason="x",
            )
        with pytest.raises(ValidationFailed):
            services.schedule_change_amounts(
                actor=staff["dp_support"],
                schedule=s,
                effective_on=SECOND,
                weekly_budget_pence=1,
                weekly_contribution_pence=0,
                reason=" ",
            )


class TestSuspension:
    def test_suspend_and_resume(self, payment_policy, originator, officers, staff, frozen):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        send(officers, START)
        services.schedule_suspend(actor=staff["dp_support"], schedule=s, reason="Contribution not paid in")
        frozen.move_to(dt.datetime(2026, 4, 15, 10, tzinfo=dt.UTC))
        assert not send(officers, SECOND).payments.filter(schedule=s).exists()
        services.schedule_resume(actor=staff["dp_support"], schedule=s, resume_on=D(2026, 4, 25), reason="Paid")
        assert list(send(officers, THIRD).payments.filter(schedule=s).values_list("period_start_on", flat=True)) == [
            THIRD
        ]  # the period from 20 April was suspended and is not paid

    def test_refused_moves(self, payment_policy, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        resumed = services.schedule_resume(actor=staff["dp_support"], schedule=s, resume_on=SECOND, reason="x")
        assert resumed.payable_from_on == START  # resuming active payments changes nothing (a double submit)
        services.schedule_end(actor=staff["dp_support"], schedule=s, last_day_on=START, reason="Died")
        with pytest.raises(TransitionNotAllowed):
            services.schedule_suspend(actor=staff["dp_support"], schedule=s, reason="x")


class TestEnding:
    def test_ending_mid_period_recovers_the_advance(self, payment_policy, originator, officers, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, amounts=(30000, 5000))
        send(officers, START)
        paid = [
            PaidPeriod(
                start_on=START, end_on=D(2026, 4, 19), council_payment_pence=100000, contribution_due_pence=20000
            )
        ]
        expected = end_direct_payment(schedule_terms(s), last_day_on=D(2026, 4, 5), paid=paid)
        services.schedule_end(actor=staff["dp_support"], schedule=s, last_day_on=D(2026, 4, 5), reason="Moved away")
        s.refresh_from_db()
        assert (s.status, s.ended_on) == (ScheduleStatus.ENDED, D(2026, 4, 5))
        recovery = Recovery.objects.get(schedule=s)
        assert recovery.amount_pence == expected.advance_to_recover_pence == 50000
        assert account_balance_pence(f"person:{s.person_id}:recoveries_due") == 50000
        assert not send(officers, SECOND).payments.filter(schedule=s).exists()

    def test_ending_with_an_unpaid_period_makes_a_final_payment(self, payment_policy, originator, officers, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, amounts=(14000, 0))
        services.schedule_end(actor=staff["dp_support"], schedule=s, last_day_on=D(2026, 3, 29), reason="Ended")
        final = ScheduledPayment.objects.get(schedule=s, kind=ScheduledPaymentKind.FINAL)
        assert final.amount_pence == 14000  # one week
        payment = send(officers, START).payments.get(schedule=s)
        assert (payment.kind, payment.amount_pence) == ("final", 14000)


class TestOneOff:
    def test_limit_from_policy(self, payment_policy, staff):
        from dp.councils.models import PolicyValue

        PolicyValue.objects.create(
            council=payment_policy,
            key="payment_one_off_max_pence",
            value=50000,
            effective_from=D(2020, 1, 1),
            set_at="2020-01-01T00:00Z",
            reason="t",
        )
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        with pytest.raises(ValidationFailed, match=r"at most £500\.00"):
            services.one_off_payment_add(
                actor=staff["dp_support"], schedule=s, pay_on=START, amount_pence=50001, description="Hoist"
            )
        with pytest.raises(ValidationFailed):
            services.one_off_payment_add(
                actor=staff["dp_support"], schedule=s, pay_on=START, amount_pence=100, description=" "
            )


class TestContributionsAndStatements:
    def test_arrears_and_the_monthly_statement(self, payment_policy, originator, officers, staff, frozen):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, amounts=(30000, 5000))
        run = send(officers, START)
        frozen.move_to(dt.datetime(2026, 3, 30, 10, tzinfo=dt.UTC))
        services.payment_run_settle(run_id=run.pk)
        services.contribution_receipt_record(
            actor=staff["payments_officer"], schedule=s, received_on=D(2026, 3, 27), amount_pence=15000, reference="SO"
        )
        position = contribution_position(s.person, today=D(2026, 3, 30))
        assert (position.due_pence, position.received_pence, position.arrears_pence) == (20000, 15000, 5000)
        statement = account_statement(account=s.account, year=2026, month=3)
        assert statement.opening_pence == 0
        assert statement.council_in_pence == 100000
        assert statement.contribution_in_pence == 15000
        assert statement.closing_pence == 115000
        assert account_balance_pence(f"person:{s.person_id}:dp_account") == 115000

    def test_gross_contributions_go_to_the_council(self, payment_policy, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, basis="gross")
        services.contribution_receipt_record(
            actor=staff["payments_officer"], schedule=s, received_on=D(2026, 3, 17), amount_pence=5000
        )
        assert account_balance_pence(f"person:{s.person_id}:dp_account") == 0
        assert account_balance_pence(f"person:{s.person_id}:contributions_due") == -5000

    def test_a_receipt_in_the_future_is_refused(self, payment_policy, staff):
        s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        with pytest.raises(ValidationFailed):
            services.contribution_receipt_record(
                actor=staff["payments_officer"], schedule=s, received_on=D(2026, 3, 19), amount_pence=5000
            )


def test_payments_are_never_negative_after_adjustments(payment_policy, originator, officers, staff):
    s = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, amounts=(30000, 0))
    send(officers, START)
    services.schedule_change_amounts(
        actor=staff["dp_support"],
        schedule=s,
        effective_on=D(2026, 3, 24),
        weekly_budget_pence=0,
        weekly_contribution_pence=0,
        reason="Stopped",
    )
    assert Payment.objects.filter(amount_pence__lt=0).count() == 0
    assert send(officers, SECOND).payments.get(schedule=s).amount_pence == 0
