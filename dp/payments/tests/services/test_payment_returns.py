"""Payments the bank returned: recorded once (ledger exactly once), the returns file (all or nothing, errors by
line and field, importing again changes nothing), reissuing once after the details changed, holding, writing
back, and the ledger after a return and a reissue."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction

from dp.audit_log.models import Event
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.ledger.models import Journal
from dp.ledger.selectors import account_balance_pence, trial_balance, unbalanced_journals
from dp.payments import services
from dp.payments import services_returns as returns
from dp.payments.constants import NoticeKind, PaymentEventType, ReturnReason, ReturnStatus
from dp.payments.models import HolderNotice, Payment, PaymentReturn, ScheduledPayment
from dp.payments.tests.factories import BankAccountFactory, SignedScheduleFactory

pytestmark = pytest.mark.django_db

D = dt.date
START = D(2026, 3, 23)  # a Monday on the test cycle
SECOND = D(2026, 4, 20)
RETURNED_ON = D(2026, 3, 26)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def _send_and_settle(officers, frozen, pay_on):  # type: ignore[no-untyped-def]
    creator, approver = officers
    run = services.payment_run_create(actor=creator, pay_on=pay_on, request_key=uuid.uuid4().hex)
    services.payment_run_approve(actor=approver, run=run)
    services.payment_run_execute(run_id=run.pk, chunk_size=5)
    frozen.move_to(dt.datetime.combine(pay_on, dt.time(8), tzinfo=dt.UTC))
    return services.payment_run_settle(run_id=run.pk)


@pytest.fixture
def paid(payment_policy, originator, officers, staff, frozen):  # type: ignore[no-untyped-def]
    """A bank payment sent and recorded as arrived; today is three days after its pay date."""
    schedule = SignedScheduleFactory(worker=staff["social_worker"], start_on=START, amounts=(30000, 5000))
    schedule.account = BankAccountFactory(person=schedule.person)
    schedule.save()
    run = _send_and_settle(officers, frozen, START)
    frozen.move_to(dt.datetime(2026, 3, 26, 10, tzinfo=dt.UTC))
    return Payment.objects.get(run=run, schedule=schedule)


def _record(payment, officer, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "amount_pence": payment.amount_pence,
        "returned_on": RETURNED_ON,
        "reason": ReturnReason.ACCOUNT_CLOSED,
        "bank_reference": "ARUCS1",
    }
    values.update(kwargs)
    return returns.payment_return_record(actor=officer, payment=payment, **values)


def _csv(*rows: str) -> str:
    return "\n".join(["payment_reference,amount,returned_on,reason_code,bank_reference,reason_text", *rows]) + "\n"


class TestRecording:
    def test_posted_once_audited_and_the_holder_told(self, paid, staff):
        person = paid.schedule.person_id
        before = account_balance_pence(f"person:{person}:dp_account")
        made = _record(paid, staff["payments_officer"])
        assert (made.status, made.amount_pence, made.reason) == (ReturnStatus.RETURNED, 25000 * 4, "account_closed")
        assert Journal.objects.filter(idempotency_key=f"payment-return:{paid.pk}").count() == 1
        assert Journal.objects.filter(idempotency_key=f"payment-return:{paid.pk}:not-arrived").count() == 1
        assert account_balance_pence(f"person:{person}:dp_account") == before - made.amount_pence
        assert account_balance_pence("transit:bank") == 0
        assert unbalanced_journals() == []
        with pytest.raises(ValidationFailed, match="already recorded"):
            _record(paid, staff["payments_officer"])
        assert Journal.objects.filter(source=f"payment-return:{paid.pk}").count() == 2
        notice = HolderNotice.objects.get(kind=NoticeKind.PAYMENT_RETURNED)
        assert paid.reference in notice.message
        assert "account closed" in notice.message
        assert Event.objects.filter(event_type=PaymentEventType.PAYMENT_RETURNED, subject_id=made.pk).count() == 1

    def test_the_holder_of_someone_who_died_is_not_asked_for_bank_details(self, paid, staff):
        _record(paid, staff["payments_officer"], reason=ReturnReason.BENEFICIARY_DECEASED)
        message = HolderNotice.objects.get(kind=NoticeKind.PAYMENT_RETURNED).message
        assert "what happens next" in message
        assert "bank details" not in message

    def test_the_database_refuses_a_second_return(self, paid, staff):
        made = _record(paid, staff["payments_officer"])
        copy = PaymentReturn.objects.get(pk=made.pk)
        copy.pk = None
        with pytest.raises(IntegrityError, match="one_return_per_payment"), transaction.atomic():
            copy.save()

    def test_the_database_refuses_an_amount_that_does_not_match(self, paid, staff):
        made = _record(paid, staff["payments_officer"])
        with pytest.raises(IntegrityError, match="does not match"), transaction.atomic():
            PaymentReturn.objects.filter(pk=made.pk).update(amount_pence=made.amount_pence - 1)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"amount_pence": 1}, "amount_pence"),
            ({"returned_on": D(2026, 3, 20)}, "returned_on"),
            ({"returned_on": D(2026, 3, 27)}, "returned_on"),
            ({"reason": "lost"}, "reason"),
            ({"reason": ReturnReason.OTHER, "reason_text": " "}, "reason_text"),
        ],
    )
    def test_refusals_write_nothing(self, paid, staff, change, field):
        with pytest.raises(ValidationFailed) as info:
            _record(paid, staff["payments_officer"], **change)
        assert info.value.field == field
        assert not PaymentReturn.objects.exists()
        assert not Journal.objects.filter(source__startswith="payment-return:").exists()

    def test_a_payment_not_yet_recorded_as_arrived_is_refused(self, payment_policy, originator, officers, staff):
        schedule = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        run = services.payment_run_create(actor=officers[0], pay_on=START, request_key="k")
        services.payment_run_approve(actor=officers[1], run=run)
        services.payment_run_execute(run_id=run.pk)
        payment = Payment.objects.get(run=run, schedule=schedule)
        with pytest.raises(ValidationFailed, match="not yet recorded as arrived"):
            _record(payment, officers[0], returned_on=D(2026, 3, 18))


class TestImport:
    def test_all_recorded_and_importing_again_changes_nothing(self, paid, staff):
        text = _csv(f"{paid.reference},{paid.amount_pence / 100:.2f},2026-03-26,B,ARUCS9,Closed")
        first = returns.payment_returns_import(actor=staff["payments_officer"], filename="r.csv", text=text)
        assert len(first.recorded) == 1
        assert first.already_recorded == []
        made = first.recorded[0]
        assert (made.reason, made.bank_reference, made.source_file) == ("account_closed", "ARUCS9", "r.csv")
        journals = Journal.objects.count()
        events = Event.objects.count()
        again = returns.payment_returns_import(actor=staff["payments_officer"], filename="r.csv", text=text)
        assert again.recorded == []
        assert [r.pk for r in again.already_recorded] == [made.pk]
        assert (Journal.objects.count(), Event.objects.count(), PaymentReturn.objects.count()) == (journals, events, 1)

    def test_any_error_writes_nothing_and_each_error_names_the_line_and_field(self, paid, staff):
        text = _csv(
            f"{paid.reference},{paid.amount_pence / 100:.2f},2026-03-26,B,,",
            "DP0000999999,10.00,2026-03-26,5,,",
            f"{paid.reference},1.00,2026-03-26,B,,",
            "XX1,1.001,26/03/2026,Q,,",
        )
        with pytest.raises(returns.ReturnsFileRefused) as info:
            returns.payment_returns_import(actor=staff["payments_officer"], filename="bad.csv", text=text)
        found = [(e.line, e.field) for e in info.value.errors]
        assert found == [
            (3, "payment_reference"),
            (4, "payment_reference"),
            (5, "payment_reference"),
            (5, "amount"),
            (5, "returned_on"),
            (5, "reason_code"),
        ]
        assert "bad.csv" in info.value.message
        assert not PaymentReturn.objects.exists()
        assert not Journal.objects.filter(source__startswith="payment-return:").exists()
        assert not HolderNotice.objects.exists()

    def test_a_wrong_amount_is_refused(self, paid, staff):
        with pytest.raises(returns.ReturnsFileRefused) as info:
            returns.payment_returns_import(
                actor=staff["payments_officer"], filename="r.csv", text=_csv(f"{paid.reference},1.00,2026-03-26,0,,")
            )
        assert [(e.line, e.field) for e in info.value.errors] == [(2, "amount")]

    def test_a_different_return_for_a_payment_already_returned_is_refused(self, paid, staff):
        _record(paid, staff["payments_officer"])
        text = _csv(f"{paid.reference},{paid.amount_pence / 100:.2f},2026-03-26,2,,")
        with pytest.raises(returns.ReturnsFileRefused, match="1 error"):
            returns.payment_returns_import(actor=staff["payments_officer"], filename="r.csv", text=text)

    def test_a_bad_header(self, paid, staff):
        with pytest.raises(returns.ReturnsFileRefused) as info:
            returns.payment_returns_import(actor=staff["payments_officer"], filename="r.csv", text="ref,amount\n")
        assert [(e.line, e.field) for e in info.value.errors] == [(1, "header")]


class TestDeciding:
    def test_reissue_is_refused_while_the_details_are_unchanged_unless_confirmed(self, paid, staff):
        made = _record(paid, staff["payments_officer"])
        with pytest.raises(ValidationFailed, match="have not changed") as info:
            returns.payment_return_reissue(actor=staff["payments_officer"], payment_return=made)
        assert info.value.field == "details_confirmed_right"
        with pytest.raises(ValidationFailed) as info:
            returns.payment_return_reissue(
                actor=staff["payments_officer"], payment_return=made, details_confirmed_right=True
            )
        assert info.value.field == "note"
        done = returns.payment_return_reissue(
            actor=staff["payments_officer"],
            payment_return=made,
            details_confirmed_right=True,
            note="The bank said it returned it in error",
        )
        assert done.status == ReturnStatus.REISSUED
        assert done.details_confirmed_right
        assert done.reissue.amount_pence == made.amount_pence
        with pytest.raises(TransitionNotAllowed):
            returns.payment_return_reissue(
                actor=staff["payments_officer"], payment_return=made, details_confirmed_right=True, note="x"
            )
        assert ScheduledPayment.objects.filter(source__startswith="payment-return:").count() == 1
        assert Event.objects.filter(event_type=PaymentEventType.RETURN_REISSUED).count() == 1

    def test_reissue_after_the_details_changed(self, paid, staff, frozen):
        made = _record(paid, staff["payments_officer"])
        frozen.shift(60)
        change = services.bank_details_change_request(
            actor=staff["payments_officer"],
            account=paid.account,
            account_name="New Name",
            sort_code="309634",
            account_number="55667788",
            reason="The holder phoned",
        )
        services.bank_details_change_confirm(actor=staff["second_payments_officer"], change=change)
        done = returns.payment_return_reissue(actor=staff["payments_officer"], payment_return=made)
        assert done.status == ReturnStatus.REISSUED
        assert not done.details_confirmed_right

    def test_hold_then_write_back_and_every_refused_move(self, paid, staff):
        made = _record(paid, staff["payments_officer"])
        with pytest.raises(ValidationFailed):
            returns.payment_return_hold(actor=staff["payments_officer"], payment_return=made, reason=" ")
        held = returns.payment_return_hold(
            actor=staff["payments_officer"], payment_return=made, reason="Waiting for new details"
        )
        assert held.status == ReturnStatus.HELD
        with pytest.raises(TransitionNotAllowed):
            returns.payment_return_hold(actor=staff["payments_officer"], payment_return=made, reason="again")
        gone = returns.payment_return_write_back(
            actor=staff["payments_officer"], payment_return=made, reason="The person died"
        )
        assert gone.status == ReturnStatus.WRITTEN_BACK
        for move in (returns.payment_return_hold, returns.payment_return_write_back):
            with pytest.raises(TransitionNotAllowed):
                move(actor=staff["payments_officer"], payment_return=made, reason="x")
        with pytest.raises(TransitionNotAllowed):
            returns.payment_return_reissue(
                actor=staff["payments_officer"], payment_return=made, details_confirmed_right=True, note="x"
            )
        assert HolderNotice.objects.filter(kind=NoticeKind.PAYMENT_RETURNED).count() == 3


def test_after_a_return_and_a_reissue_the_person_has_received_the_money_once(paid, staff, officers, frozen):
    person = paid.schedule.person_id
    first_period = account_balance_pence(f"person:{person}:dp_account")
    funding = account_balance_pence("council:dp_funding")
    made = _record(paid, staff["payments_officer"])
    assert account_balance_pence(f"person:{person}:dp_account") == first_period - paid.amount_pence
    assert account_balance_pence("council:dp_funding") == funding - paid.amount_pence
    returns.payment_return_reissue(
        actor=staff["payments_officer"], payment_return=made, details_confirmed_right=True, note="Checked with bank"
    )
    run = _send_and_settle(officers, frozen, SECOND)
    reissued = Payment.objects.get(run=run, scheduled_payment__source=f"payment-return:{made.pk}:reissue")
    assert reissued.amount_pence == paid.amount_pence
    regular = sum(p.amount_pence for p in run.payments.filter(schedule=paid.schedule, kind="regular"))
    assert account_balance_pence(f"person:{person}:dp_account") == first_period + regular
    assert account_balance_pence("council:dp_funding") == funding + regular
    assert account_balance_pence("transit:bank") == 0
    assert unbalanced_journals() == []
    debits, credits = trial_balance()
    assert debits == credits
    call_command("ledger_check")
