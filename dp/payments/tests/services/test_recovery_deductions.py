"""Recovering money by paying less (`recovery_deduction_create` / `recovery_deduction_cancel`): each run takes
min(instalment, outstanding, what the period would pay), shows it with its reason, posts the recovery offset
once when the money arrives, and never takes the same money twice."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine

from dp.audit_log.models import Event
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.councils.models import PolicyValue
from dp.ledger.models import Journal
from dp.ledger.selectors import account_balance_pence, unbalanced_journals
from dp.ledger.services import journal_post
from dp.payments import services
from dp.payments.constants import PaymentFileKind, RecoveryDeductionStatus
from dp.payments.domain.card_load import parse_card_load_file
from dp.payments.domain.ledger import build_recovery_raised
from dp.payments.models import Payment, PaymentFile, PaymentRun, RecoveryDeduction, RecoveryDeductionTaken
from dp.payments.selectors import (
    CappedRecovery,
    account_statement,
    run_capped_recoveries,
    run_ledger_totals,
    schedule_recovery_deductions,
)
from dp.payments.tests.factories import SignedScheduleFactory

pytestmark = pytest.mark.django_db

D = dt.date
START = D(2026, 3, 23)  # a Monday on the test cycle
SECOND = D(2026, 4, 20)
THIRD = D(2026, 5, 18)
REGULAR = (30000 - 5000) * 4  # £1,000 a period for the default amounts


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def setup(payment_policy, originator, officers, staff):  # type: ignore[no-untyped-def]
    return officers


def schedule(staff, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("start_on", START)
    return SignedScheduleFactory(worker=staff["social_worker"], **kwargs)


def deduct(staff, s, total=30000, instalment=20000, source="audit-recovery:1", reason="Unspent money at audit"):  # type: ignore[no-untyped-def]
    journal_post(
        draft=build_recovery_raised(person=s.person_id, amount_pence=total),
        posted_on=D(2026, 3, 18),
        source=source,
        idempotency_key=f"raised:{source}",
    )
    return services.recovery_deduction_create(
        staff["auditor"], schedule=s, total_pence=total, instalment_pence=instalment, reason=reason, source=source
    )


def run_on(officers, pay_on, *, settle=True, chunk_size=2) -> PaymentRun:  # type: ignore[no-untyped-def]
    run = services.payment_run_create(actor=officers[0], pay_on=pay_on, request_key=uuid.uuid4().hex)
    services.payment_run_approve(actor=officers[1], run=run)
    run = services.payment_run_execute(run_id=run.pk, chunk_size=chunk_size)
    if settle:
        with time_machine.travel(dt.datetime.combine(pay_on, dt.time(7), tzinfo=dt.UTC), tick=False):
            run = services.payment_run_settle(run_id=run.pk)
    return run


class TestCreate:
    def test_made_once_per_source_with_an_audit_event(self, setup, staff):
        s = schedule(staff)
        first = deduct(staff, s)
        again = services.recovery_deduction_create(
            staff["auditor"], schedule=s, total_pence=99, instalment_pence=99, reason="x", source="audit-recovery:1"
        )
        assert again.pk == first.pk
        assert again.total_pence == 30000
        assert RecoveryDeduction.objects.count() == 1
        assert Event.objects.filter(event_type="payments.recovery_deduction_created").count() == 1

    def test_the_same_source_for_another_schedule_is_refused(self, setup, staff):
        deduct(staff, schedule(staff))
        with pytest.raises(ValidationFailed, match="another direct payment"):
            services.recovery_deduction_create(
                staff["auditor"],
                schedule=schedule(staff),
                total_pence=100,
                instalment_pence=100,
                reason="x",
                source="audit-recovery:1",
            )

    @pytest.mark.parametrize(
        ("total", "instalment", "reason", "source", "field"),
        [
            (0, 100, "Why", "a:1", "total_pence"),
            (100, 0, "Why", "a:1", "instalment_pence"),
            (100, 100, " ", "a:1", "reason"),
            (100, 100, "Why", " ", "source"),
            (100, 100, "Why", "a" * 61, "source"),
        ],
    )
    def test_what_is_refused(self, setup, staff, total, instalment, reason, source, field):
        with pytest.raises(ValidationFailed) as caught:
            services.recovery_deduction_create(
                None,
                schedule=schedule(staff),
                total_pence=total,
                instalment_pence=instalment,
                reason=reason,
                source=source,
            )
        assert caught.value.field == field

    def test_an_ended_direct_payment_has_no_payments_to_take_it_from(self, setup, staff):
        s = schedule(staff)
        services.schedule_end(actor=None, schedule=s, last_day_on=D(2026, 3, 22), reason="Moved away")
        with pytest.raises(TransitionNotAllowed):
            deduct(staff, s)

    def test_an_instalment_larger_than_the_total_is_the_total(self, setup, staff):
        d = deduct(staff, schedule(staff), total=5000, instalment=20000)
        assert d.instalment_pence == 5000


class TestTakenFromPayments:
    def test_one_instalment_a_run_until_recovered(self, setup, staff):
        s = schedule(staff)
        other = schedule(staff)
        d = deduct(staff, s, total=30000, instalment=20000)
        amounts = []
        for pay_on in (START, SECOND, THIRD):
            run_on(setup, pay_on)
            amounts.append(Payment.objects.get(schedule=s, pay_on=pay_on).recovery_pence)
        assert amounts == [20000, 10000, 0]
        assert [p.amount_pence for p in Payment.objects.filter(schedule=s).order_by("pay_on")] == [
            REGULAR - 20000,
            REGULAR - 10000,
            REGULAR,
        ]
        assert set(Payment.objects.filter(schedule=other).values_list("recovery_pence", flat=True)) == {0}
        (row,) = schedule_recovery_deductions(s)
        assert (row.taken_pence, row.outstanding_pence) == (30000, 0)  # type: ignore[attr-defined]
        assert d.takings.count() == 2

    def test_never_more_than_the_period_would_pay(self, setup, staff):
        s = schedule(staff, amounts=(10000, 5000))  # £200 a period
        deduct(staff, s, total=100000, instalment=50000)
        run_on(setup, START)
        payment = Payment.objects.get(schedule=s)
        assert (payment.recovery_pence, payment.amount_pence) == (20000, 0)

    def test_a_shrunken_payment_is_capped_at_the_council_percentage_in_force_on_the_pay_date(
        self, setup, staff, council
    ):
        PolicyValue.objects.create(
            council=council,
            key="recovery_max_deduction_percent",
            value=25,
            effective_from=SECOND,
            set_at=dt.datetime(2026, 3, 18, tzinfo=dt.UTC),
            reason="Test policy",
        )
        s = schedule(staff)
        deduct(staff, s, total=100000, instalment=50000)
        run_on(setup, START)  # no cap in force yet: the whole instalment
        services.schedule_change_amounts(
            actor=None,
            schedule=s,
            effective_on=SECOND,
            weekly_budget_pence=10000,
            weekly_contribution_pence=5000,
            reason="Reassessed",
        )
        second = run_on(setup, SECOND)  # £200 a period now: at most 25% of it, £50
        run_on(setup, THIRD)
        payments = Payment.objects.filter(schedule=s).order_by("pay_on")
        first = payments[0]
        assert run_capped_recoveries(first.run, [first.pk]) == {}  # no cap in force on its pay date
        capped = payments[1]
        assert run_capped_recoveries(second, [capped.pk]) == {
            capped.pk: CappedRecovery(taken_pence=5000, wanted_pence=20000, percent=Decimal(25))
        }
        assert [(p.regular_pence, p.recovery_pence, p.amount_pence) for p in payments] == [
            (REGULAR, 50000, REGULAR - 50000),
            (20000, 5000, 15000),
            (20000, 5000, 15000),
        ]
        (row,) = schedule_recovery_deductions(s)
        assert (row.taken_pence, row.outstanding_pence) == (60000, 40000)  # type: ignore[attr-defined]

    def test_the_run_page_says_which_payments_the_cap_limited(self, setup, staff, council, client):
        from django.urls import reverse

        PolicyValue.objects.create(
            council=council,
            key="recovery_max_deduction_percent",
            value=10,
            effective_from=START,
            set_at=dt.datetime(2026, 3, 18, tzinfo=dt.UTC),
            reason="Test policy",
        )
        limited = schedule(staff)
        deduct(staff, limited, total=100000, instalment=50000)  # 10% of £1,000 is £100
        within = schedule(staff)
        deduct(staff, within, total=5000, instalment=5000, source="audit-recovery:2")  # £50: under the cap
        run = run_on(setup, START)
        capped = run_capped_recoveries(run, list(run.payments.values_list("pk", flat=True)))
        assert {Payment.objects.get(pk=pk).schedule_id for pk in capped} == {limited.pk}
        client.force_login(setup[0])
        page = client.get(reverse("payments:run_detail", args=[run.pk])).content.decode()
        assert page.count("capped: £100.00 of £500.00") == 1
        assert "the council's limit is 10% of a payment" in page

    def test_catching_up_two_periods_takes_one_instalment(self, setup, staff, frozen):
        s = schedule(staff)
        deduct(staff, s, total=100000, instalment=15000)
        frozen.move_to(dt.datetime(2026, 4, 20, 7, tzinfo=dt.UTC))
        run_on(setup, SECOND)
        taken = list(
            Payment.objects.filter(schedule=s).order_by("period_start_on").values_list("recovery_pence", flat=True)
        )
        assert taken == [15000, 0]

    def test_two_deductions_oldest_first(self, setup, staff):
        s = schedule(staff)
        deduct(staff, s, total=80000, instalment=80000, source="a:1")
        deduct(staff, s, total=50000, instalment=50000, source="a:2")
        run_on(setup, START)
        takings = RecoveryDeductionTaken.objects.order_by("deduction__source")
        assert [(t.deduction.source, t.amount_pence) for t in takings] == [("a:1", 80000), ("a:2", 20000)]
        assert Payment.objects.get(schedule=s).amount_pence == 0

    def test_a_held_back_payment_takes_nothing(self, setup, staff):
        s = schedule(staff, agreement_signed_on=None)
        deduct(staff, s)
        run_on(setup, START, settle=False)
        assert not Payment.objects.filter(schedule=s).exists()
        assert not RecoveryDeductionTaken.objects.exists()

    def test_one_off_payments_are_not_reduced(self, setup, staff):
        s = schedule(staff)
        services.one_off_payment_add(actor=None, schedule=s, pay_on=START, amount_pence=5000, description="Hoist")
        deduct(staff, s, total=200000, instalment=200000)
        run_on(setup, START)
        one_off = Payment.objects.get(schedule=s, kind="one_off")
        assert (one_off.amount_pence, one_off.recovery_pence) == (5000, 0)


class TestNeverTwice:
    def test_a_cancelled_run_gives_the_instalment_back_to_the_next_run(self, setup, staff):
        s = schedule(staff)
        deduct(staff, s, total=30000, instalment=20000)
        run = services.payment_run_create(actor=setup[0], pay_on=START, request_key=uuid.uuid4().hex)
        assert Payment.objects.get(run=run).recovery_pence == 20000
        services.payment_run_cancel(actor=setup[1], run=run, reason="Wrong date")
        run_on(setup, START)
        run_on(setup, SECOND)
        live = Payment.objects.filter(schedule=s, cancelled=False).order_by("pay_on")
        assert [p.recovery_pence for p in live] == [20000, 10000]
        (row,) = schedule_recovery_deductions(s)
        assert row.taken_pence == 30000  # type: ignore[attr-defined]

    def test_sending_and_settling_again_posts_each_offset_once(self, setup, staff):
        s = schedule(staff)
        deduct(staff, s, total=30000, instalment=20000)
        run = run_on(setup, START)
        services.payment_run_execute(run_id=run.pk)
        with time_machine.travel(dt.datetime(2026, 3, 23, 8, tzinfo=dt.UTC), tick=False):
            services.payment_run_settle(run_id=run.pk)
        assert Journal.objects.filter(idempotency_key__startswith="recovery-deduction-taken:").count() == 1
        assert account_balance_pence(f"person:{s.person_id}:recoveries_due") == 10000
        # raised £300 (set aside), paid £1,000 - £200, £200 of the set-aside money is the person's again
        assert account_balance_pence(f"person:{s.person_id}:dp_account") == -30000 + REGULAR - 20000 + 20000
        assert unbalanced_journals() == []

    def test_a_settle_stopped_before_the_offsets_carries_on(self, setup, staff):
        s = schedule(staff)
        deduct(staff, s, total=30000, instalment=20000)
        run = run_on(setup, START, settle=False)

        def stop(point: str) -> None:
            if point == "settle recoveries":
                raise RuntimeError("killed")

        with time_machine.travel(dt.datetime(2026, 3, 23, 8, tzinfo=dt.UTC), tick=False):
            with pytest.raises(RuntimeError):
                services.payment_run_settle(run_id=run.pk, fault=stop)
            assert not Journal.objects.filter(idempotency_key__startswith="recovery-deduction-taken:").exists()
            services.payment_run_settle(run_id=run.pk)
        assert Journal.objects.filter(idempotency_key__startswith="recovery-deduction-taken:").count() == 1
        assert account_balance_pence(f"person:{s.person_id}:recoveries_due") == 10000

    def test_the_files_still_equal_the_ledger(self, setup, staff):
        s = schedule(staff)
        schedule(staff)
        deduct(staff, s, total=30000, instalment=20000)
        run = run_on(setup, START)
        (card,) = PaymentFile.objects.filter(run=run, kind=PaymentFileKind.CARD_LOAD)
        loads = parse_card_load_file(card.content)
        assert sorted(load.amount_pence for load in loads.loads) == [REGULAR - 20000, REGULAR]
        assert run_ledger_totals(run) == {"transit:card_provider": loads.total_pence}


class TestShown:
    def test_on_the_remittance_advice_and_the_statement(self, setup, staff):
        s = schedule(staff)
        deduct(staff, s, total=30000, instalment=20000, reason="Money not spent on care, found at the audit")
        run = run_on(setup, START)
        remittance = PaymentFile.objects.get(run=run, kind=PaymentFileKind.REMITTANCE).content
        assert "£200.00 taken off to repay the council: Money not spent on care, found at the audit" in remittance
        statement = account_statement(account=s.account, year=2026, month=3)
        assert statement.repaid_by_deduction_pence == 20000
        assert any("repaid by taking it off" in line for line in statement.summary())

    def test_on_the_run_and_payments_pages(self, setup, staff, client):
        s = schedule(staff)
        deduct(staff, s, total=30000, instalment=20000, reason="Money not spent on care")
        run = run_on(setup, START, settle=False)
        client.force_login(setup[0])
        page = client.get(f"/payments/runs/{run.pk}/").content.decode()
        assert "£200.00 taken off to repay the council: Money not spent on care" in page
        assert "Taken off to repay the council" in page
        page = client.get(f"/payments/schedules/{s.pk}/").content.decode()
        assert "Recovering from the payments" in page
        assert "£200.00 taken off to repay the council: Money not spent on care" in page


class TestCancel:
    def test_nothing_more_is_taken_and_what_was_taken_stays(self, setup, staff):
        s = schedule(staff)
        d = deduct(staff, s, total=30000, instalment=20000)
        run_on(setup, START)
        cancelled = services.recovery_deduction_cancel(staff["auditor"], d, "Review overturned the finding")
        assert cancelled.status == RecoveryDeductionStatus.CANCELLED
        assert services.recovery_deduction_cancel(staff["auditor"], d, "again").cancelled_at == cancelled.cancelled_at
        run_on(setup, SECOND)
        assert Payment.objects.get(schedule=s, pay_on=SECOND).recovery_pence == 0
        (row,) = schedule_recovery_deductions(s)
        assert (row.taken_pence, row.outstanding_pence) == (20000, 0)  # type: ignore[attr-defined]
        event = Event.objects.get(event_type="payments.recovery_deduction_cancelled")
        assert "£200.00 of £300.00 had been taken" in event.summary

    def test_a_reason_is_needed(self, setup, staff):
        d = deduct(staff, schedule(staff))
        with pytest.raises(ValidationFailed):
            services.recovery_deduction_cancel(None, d, " ")
