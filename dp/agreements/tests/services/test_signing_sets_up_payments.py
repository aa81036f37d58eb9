"""Signing an agreement sets up its payments (`dp.payments.services.schedule_for_agreement`): a schedule on the
council's basis and cycle with the agreed budget and the assessed contribution, or, for a new agreement after a
reassessment, the running schedule's amounts changed from the new budget's date."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from dp.agreements import services
from dp.agreements.constants import AccountType
from dp.assessments.tests.factories import CurrentFinancialAssessmentFactory
from dp.audit_log.models import Event
from dp.cases.constants import CaseStatus
from dp.councils.models import PolicyValue
from dp.payments import services as payments
from dp.payments.constants import ScheduledPaymentKind
from dp.payments.domain.schedule import period, prorate
from dp.payments.models import Payment, PaymentRunException, PaymentSchedule, ScheduleAdjustment, ScheduledPayment
from dp.payments.selectors import schedule_terms
from dp.payments.tests.factories import BankAccountFactory, PrepaidCardAccountFactory
from dp.plans.tests.factories import ApprovedSupportPlanFactory, PersonalBudgetFactory
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 3, 18)  # a Wednesday
START = D(2026, 3, 23)  # a Monday on the test cycle (every 4 weeks from 1 January 2024)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(agreement_case):  # type: ignore[no-untyped-def]
    """The agreement case (£120 a week direct payment from 1 January 2026) with a £20 weekly contribution."""
    CurrentFinancialAssessmentFactory(
        case=agreement_case,
        weekly_contribution_pence=2000,
        effective_from=D(2026, 1, 1),
        calculated_by=agreement_case.worker,
    )
    return agreement_case


def sign(staff, case, first_payment_on=START, account_type=AccountType.PREPAID_CARD):  # type: ignore[no-untyped-def]
    agreement = services.agreement_draw_up(
        actor=staff[Role.DP_SUPPORT], case=case, account_type=account_type, first_payment_on=first_payment_on
    )
    return services.agreement_sign(
        actor=staff[Role.DP_SUPPORT], agreement=agreement, signed_by=case.person, signed_on=TODAY
    )


def run(staff, pay_on=START):  # type: ignore[no-untyped-def]
    made = payments.payment_run_create(actor=staff[Role.PAYMENTS_OFFICER], pay_on=pay_on, request_key=uuid.uuid4().hex)
    payments.payment_run_approve(actor=staff["second_payments_officer"], run=made)
    return payments.payment_run_execute(run_id=made.pk)


class TestFirstAgreement:
    def test_a_schedule_with_the_agreed_budget_and_contribution(self, staff, case):
        agreement = sign(staff, case)
        schedule = PaymentSchedule.objects.get(case=case)
        assert (schedule.start_on, schedule.period_weeks, schedule.basis) == (START, 4, "net")
        assert schedule.agreement_signed_on == TODAY
        (change,) = schedule.changes.all()
        assert (change.weekly_budget_pence, change.weekly_contribution_pence) == (12000, 2000)
        assert change.source == f"agreement:{agreement.pk}"
        assert f"Agreement {agreement.reference} signed" in change.reason
        assert Event.objects.filter(event_type="payments.schedule_created", case=case).exists()

    def test_the_gross_basis_when_that_is_the_councils_policy(self, staff, case):
        PolicyValue.objects.filter(key="payment_basis").update(value="gross")
        sign(staff, case)
        assert PaymentSchedule.objects.get(case=case).basis == "gross"

    def test_a_start_between_cycle_dates_is_paid_by_days_in_the_first_period(self, staff, case):
        sign(staff, case, first_payment_on=D(2026, 3, 25))
        schedule = PaymentSchedule.objects.get(case=case)
        assert schedule.start_on == START  # the cycle date before: the first period is 23 March to 19 April
        first = period(schedule_terms(schedule), 1)
        assert first.prorated
        assert first.budget_pence == prorate(12000, 26)
        assert period(schedule_terms(schedule), 2).budget_pence == 48000

    def test_paid_into_the_persons_open_account_of_the_agreed_kind(self, staff, case):
        BankAccountFactory(person=case.person)
        card = PrepaidCardAccountFactory(person=case.person)
        sign(staff, case)
        assert PaymentSchedule.objects.get(case=case).account == card

    def test_with_no_account_yet_the_run_holds_it_back_until_one_is_opened(self, staff, case):
        sign(staff, case)
        schedule = PaymentSchedule.objects.get(case=case)
        assert schedule.account is None
        held = run(staff)
        assert PaymentRunException.objects.get(run=held, schedule=schedule).reason == "no_open_account"
        account = payments.account_open_prepaid_card(
            actor=staff[Role.DP_SUPPORT],
            person=case.person,
            provider="Allpay",
            card_account_reference="CARD-0000042",
            card_last_four="4242",
        )
        schedule.refresh_from_db()
        assert schedule.account == account
        run(staff)  # a second run for the day pays what the first held back
        assert Payment.objects.get(schedule=schedule).amount_pence == (12000 - 2000) * 4

    def test_the_one_off_amount_is_a_one_off_payment_once(self, staff, case):
        case.personal_budgets.update(direct_payment_one_off_pence=50000)
        agreement = sign(staff, case)
        schedule = PaymentSchedule.objects.get(case=case)
        (item,) = ScheduledPayment.objects.filter(schedule=schedule)
        assert (item.kind, item.amount_pence, item.pay_on) == (ScheduledPaymentKind.ONE_OFF, 50000, START)
        assert item.source == f"agreement:{agreement.pk}:one-off"

    def test_the_hook_twice_changes_nothing(self, staff, case):
        case.personal_budgets.update(direct_payment_one_off_pence=50000)
        agreement = sign(staff, case)
        before = (Event.objects.count(), ScheduledPayment.objects.count())
        payments.schedule_for_agreement(
            actor=None,
            case=case,
            source=f"agreement:{agreement.pk}",
            title=agreement.reference,
            weekly_budget_pence=agreement.regular_weekly_pence,
            weekly_contribution_pence=agreement.weekly_contribution_pence,
            one_off_pence=agreement.one_off_pence,
            starts_on=agreement.first_payment_on,
            budget_from_on=agreement.budget.effective_from,
            signed_on=TODAY,
            account_type=agreement.account_type,
        )
        assert PaymentSchedule.objects.filter(case=case).count() == 1
        assert PaymentSchedule.objects.get(case=case).changes.count() == 1
        assert (Event.objects.count(), ScheduledPayment.objects.count()) == before


def _reassessed(staff, case, *, effective_from, weekly):  # type: ignore[no-untyped-def]
    """Back round to a new agreement: a new plan and budget from `effective_from` (as after a reassessment)."""
    case.status = CaseStatus.AGREEMENT
    case.save()
    plan = ApprovedSupportPlanFactory(case=case, approved_by=staff[Role.TEAM_MANAGER])
    old = case.personal_budgets.get()
    old.effective_to = effective_from
    old.save()
    PersonalBudgetFactory(
        case=case,
        plan=plan,
        effective_from=effective_from,
        direct_payment_regular_weekly_pence=weekly,
        direct_payment_weekly_pence=weekly,
    )
    case.support_plans.exclude(pk=plan.pk).update(status="superseded")


class TestNewAgreement:
    def test_changes_the_amounts_from_the_budgets_date_and_adjusts_what_was_paid(self, staff, case):
        PrepaidCardAccountFactory(person=case.person)
        sign(staff, case)
        run(staff)
        _reassessed(staff, case, effective_from=D(2026, 4, 6), weekly=14000)
        second = sign(staff, case, first_payment_on=D(2026, 4, 6))
        schedule = PaymentSchedule.objects.get(case=case)
        change = schedule.changes.get(effective_on=D(2026, 4, 6))
        assert (change.weekly_budget_pence, change.weekly_contribution_pence) == (14000, 2000)
        assert change.source == f"agreement:{second.pk}"
        # 6 to 19 April was paid at £120 a week: two weeks at £20 more, settled in the next run.
        (adjustment,) = ScheduleAdjustment.objects.filter(schedule=schedule)
        assert adjustment.amount_pence == 2 * 2000
        assert Event.objects.filter(event_type="payments.schedule_changed", case=case).exists()

    def test_a_new_agreement_from_the_same_day_replaces_the_amounts(self, staff, case):
        sign(staff, case)
        _reassessed(staff, case, effective_from=D(2026, 1, 1) + dt.timedelta(days=1), weekly=13000)
        sign(staff, case)
        schedule = PaymentSchedule.objects.get(case=case)
        (change,) = schedule.changes.all()  # from the start: nothing paid yet, so the amounts are replaced
        assert (change.effective_on, change.weekly_budget_pence) == (START, 13000)
        assert not ScheduleAdjustment.objects.exists()

    def test_the_same_amounts_change_nothing(self, staff, case):
        sign(staff, case)
        _reassessed(staff, case, effective_from=D(2026, 4, 6), weekly=12000)
        sign(staff, case, first_payment_on=D(2026, 4, 6))
        assert PaymentSchedule.objects.get(case=case).changes.count() == 1
