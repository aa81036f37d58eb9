"""Worked example: a misuse recovery by deduction, approved after the response period, is taken by the next
payment runs (the payments interface `recovery_deduction_create`), and the ledger agrees at every step."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from dp.audits import services
from dp.audits.constants import Method, ReviewOutcome
from dp.audits.tests.factories import proposed_recovery
from dp.ledger.selectors import unbalanced_journals
from dp.payments import services as payments
from dp.payments.constants import RecoveryDeductionStatus
from dp.payments.models import Payment, PaymentRun
from dp.payments.tests.factories import BacsOriginatorFactory, SignedScheduleFactory

pytestmark = pytest.mark.django_db

D = dt.date
START = D(2026, 2, 23)  # a Monday on the test payment cycle (every 4 weeks)
FIRST_RUN = D(2026, 3, 23)
SECOND_RUN = D(2026, 4, 20)


def at(day: dt.date, hour: int = 10) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC), tick=False)


def run_on(staff, pay_on: dt.date) -> PaymentRun:  # type: ignore[no-untyped-def]
    run = payments.payment_run_create(actor=staff["payments_officer"], pay_on=pay_on, request_key=uuid.uuid4().hex)
    payments.payment_run_approve(actor=staff["second_payments_officer"], run=run)
    run = payments.payment_run_execute(run_id=run.pk, chunk_size=2)
    with at(pay_on, 7):
        return payments.payment_run_settle(run_id=run.pk)


def balance(key: str) -> int:
    from dp.ledger.models import Entry

    return sum(e.debit_pence - e.credit_pence for e in Entry.objects.filter(account__key=key))


@pytest.fixture
def recovery(policies, staff):  # type: ignore[no-untyped-def]
    BacsOriginatorFactory()
    with at(D(2026, 3, 1)):
        schedule = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        return proposed_recovery(schedule, by=staff["auditor"])


def test_deducted_by_the_next_runs(recovery, staff) -> None:  # type: ignore[no-untyped-def]
    person = recovery.audit.person_id
    with at(recovery.response_ends_on + dt.timedelta(days=1)):
        recovery = services.recovery_decide(
            actor=staff["auditor"], recovery=recovery, method=Method.DEDUCTION, reasons="Two payments", instalments=2
        )
        recovery = services.recovery_approve(actor=staff["team_manager"], recovery=recovery)
    assert recovery.deduction is not None
    assert recovery.deduction.instalment_pence == 2250
    assert balance(f"person:{person}:recoveries_due") == 4500
    with at(D(2026, 3, 18)):
        run_on(staff, FIRST_RUN)
        assert balance(f"person:{person}:recoveries_due") == 2250
        run_on(staff, SECOND_RUN)
    schedule = recovery.audit.schedule
    taken = sorted(Payment.objects.filter(schedule=schedule).values_list("recovery_pence", flat=True))
    assert sum(taken) == 4500
    assert balance(f"person:{person}:recoveries_due") == 0
    assert list(unbalanced_journals()) == []


def test_an_overturned_review_stops_the_deduction(recovery, staff) -> None:  # type: ignore[no-untyped-def]
    with at(recovery.response_ends_on + dt.timedelta(days=1)):
        recovery = services.recovery_decide(
            actor=staff["auditor"], recovery=recovery, method=Method.DEDUCTION, reasons="Two payments", instalments=2
        )
        recovery = services.recovery_approve(actor=staff["team_manager"], recovery=recovery)
        recovery = services.recovery_review_request(
            actor=staff["auditor"], recovery=recovery, requested_on=recovery.decided_on, reason="Receipts found"
        )
        recovery = services.recovery_review_decide(
            actor=staff["team_manager"], recovery=recovery, outcome=ReviewOutcome.OVERTURNED, notes="Receipts"
        )
    recovery.deduction.refresh_from_db()
    assert recovery.deduction.status == RecoveryDeductionStatus.CANCELLED
    with at(D(2026, 3, 18)):
        run_on(staff, FIRST_RUN)
    assert set(Payment.objects.filter(schedule=recovery.audit.schedule).values_list("recovery_pence", flat=True)) == {0}


def test_an_overturn_after_a_run_took_an_instalment_says_what_must_be_repaid(recovery, staff) -> None:  # type: ignore[no-untyped-def]
    """The runs' takings stay taken: the overturn records how much, so the council repays it."""
    from dp.audits.models import AuditStep

    with at(recovery.response_ends_on + dt.timedelta(days=1)):
        recovery = services.recovery_decide(
            actor=staff["auditor"], recovery=recovery, method=Method.DEDUCTION, reasons="Two payments", instalments=2
        )
        recovery = services.recovery_approve(actor=staff["team_manager"], recovery=recovery)
    with at(D(2026, 3, 18)):
        run_on(staff, FIRST_RUN)
    with at(D(2026, 3, 25)):
        recovery = services.recovery_review_request(
            actor=staff["auditor"], recovery=recovery, requested_on=D(2026, 3, 25), reason="Receipts found"
        )
        recovery = services.recovery_review_decide(
            actor=staff["team_manager"], recovery=recovery, outcome=ReviewOutcome.OVERTURNED, notes="Receipts"
        )
    step = AuditStep.objects.filter(audit=recovery.audit).latest("id")
    assert step.evidence["taken_pence"] == 2250
    assert "£22.50 already taken from the payments must be repaid to the person" in step.note
    assert list(unbalanced_journals()) == []


def _overturned_after_first_run(recovery, staff):  # type: ignore[no-untyped-def]
    with at(recovery.response_ends_on + dt.timedelta(days=1)):
        recovery = services.recovery_decide(
            actor=staff["auditor"], recovery=recovery, method=Method.DEDUCTION, reasons="Two payments", instalments=2
        )
        recovery = services.recovery_approve(actor=staff["team_manager"], recovery=recovery)
    with at(D(2026, 3, 18)):
        run_on(staff, FIRST_RUN)
    with at(D(2026, 3, 25)):
        recovery = services.recovery_review_request(
            actor=staff["auditor"], recovery=recovery, requested_on=D(2026, 3, 25), reason="Receipts found"
        )
        return services.recovery_review_decide(
            actor=staff["team_manager"], recovery=recovery, outcome=ReviewOutcome.OVERTURNED, notes="Receipts"
        )


def test_what_was_taken_before_the_overturn_is_repaid_once_in_the_next_run(recovery, staff) -> None:  # type: ignore[no-untyped-def]
    from dp.audit_log.models import Event
    from dp.audits.constants import AuditEventType
    from dp.payments.models import ScheduledPayment

    person = recovery.audit.person_id
    recovery = _overturned_after_first_run(recovery, staff)
    assert recovery.deductions_taken_pence == 2250
    assert balance(f"person:{person}:recoveries_due") == -2250  # the council owes it back
    with at(D(2026, 3, 26)):
        assert services.deductions_to_repay(recovery) == (2250, "")
        recovery = services.recovery_repay_deductions(actor=staff["team_manager"], recovery=recovery)
        again = services.recovery_repay_deductions(actor=staff["auditor"], recovery=recovery)
    assert again.repayment_id == recovery.repayment_id
    assert recovery.repaid_pence == 2250
    repayment = ScheduledPayment.objects.get()
    assert (repayment.amount_pence, repayment.pay_on, repayment.source) == (
        2250,
        D(2026, 3, 26),
        f"audit-recovery:{recovery.pk}:repay",
    )
    assert balance(f"person:{person}:recoveries_due") == 0
    assert Event.objects.filter(event_type=AuditEventType.DEDUCTIONS_REPAID).count() == 1
    assert services.deductions_to_repay(recovery)[1].startswith("The deductions were repaid on 26 March 2026")
    with at(D(2026, 4, 15)):
        run_on(staff, SECOND_RUN)
    schedule = recovery.audit.schedule
    paid = Payment.objects.filter(schedule=schedule, cancelled=False)
    assert paid.get(scheduled_payment=repayment).amount_pence == 2250
    assert sum(p.recovery_pence for p in paid) == 2250  # the second run took nothing more
    regular = sum(p.regular_pence for p in paid if p.scheduled_payment_id is None)
    # Everything regular reached the person in the end, and the ledger says it is theirs to spend.
    assert sum(p.amount_pence for p in paid) == regular
    assert balance(f"person:{person}:dp_account") == regular
    assert list(unbalanced_journals()) == []


def test_repaying_waits_for_a_run_not_yet_sent_and_needs_an_overturn(recovery, staff) -> None:  # type: ignore[no-untyped-def]
    from dp.core.errors import TransitionNotAllowed

    with at(recovery.response_ends_on + dt.timedelta(days=1)):
        recovery = services.recovery_decide(
            actor=staff["auditor"], recovery=recovery, method=Method.DEDUCTION, reasons="Two payments", instalments=2
        )
        recovery = services.recovery_approve(actor=staff["team_manager"], recovery=recovery)
    with pytest.raises(TransitionNotAllowed, match="a recovery that a review overturned"):
        services.recovery_repay_deductions(actor=staff["team_manager"], recovery=recovery)
    with at(D(2026, 3, 18)):
        payments.payment_run_create(actor=staff["payments_officer"], pay_on=FIRST_RUN, request_key="waiting")
    with at(D(2026, 3, 19)):
        recovery = services.recovery_review_request(
            actor=staff["auditor"], recovery=recovery, requested_on=D(2026, 3, 19), reason="Receipts found"
        )
        recovery = services.recovery_review_decide(
            actor=staff["team_manager"], recovery=recovery, outcome=ReviewOutcome.OVERTURNED, notes="Receipts"
        )
        with pytest.raises(TransitionNotAllowed, match=r"A payment run not yet sent has taken £22\.50"):
            services.recovery_repay_deductions(actor=staff["team_manager"], recovery=recovery)


def test_the_repay_page(recovery, staff, client) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    recovery = _overturned_after_first_run(recovery, staff)
    audit_url = reverse("audits:audit_detail", args=[recovery.audit_id])
    url = reverse("audits:recovery_repay", args=[recovery.pk])
    client.force_login(staff["auditor"])
    with at(D(2026, 3, 26)):
        page = client.get(audit_url).content.decode()
        assert "£22.50 had been taken from the payments when the decision was overturned. Not repaid yet." in page
        assert url in page
        form = client.get(url).content.decode()
        assert "To repay now" in form
        assert "£22.50" in form
        response = client.post(url)
        assert response.url == audit_url
        page = client.get(audit_url).content.decode()
        again = client.get(url).content.decode()
    assert "£22.50 repaid: a one-off payment in the next payment run" in page
    assert url not in page
    assert "The deductions were repaid on 26 March 2026." in again


def test_a_direct_payment_ending_with_a_deduction_outstanding_moves_the_rest_to_an_invoice(
    recovery, staff, client
) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from dp.audit_log.models import Event
    from dp.audits.selectors import outstanding_after_end
    from dp.core.errors import TransitionNotAllowed

    person = recovery.audit.person_id
    with at(recovery.response_ends_on + dt.timedelta(days=1)):
        recovery = services.recovery_decide(
            actor=staff["auditor"], recovery=recovery, method=Method.DEDUCTION, reasons="Two payments", instalments=2
        )
        recovery = services.recovery_approve(actor=staff["team_manager"], recovery=recovery)
    with at(D(2026, 3, 18)):
        run_on(staff, FIRST_RUN)
    with at(D(2026, 3, 30)):
        assert services.rest_to_invoice(recovery)[1].startswith("The direct payment is still running")
        assert outstanding_after_end(staff["auditor"]) == []
        payments.schedule_end(
            actor=staff["social_worker"], schedule=recovery.audit.schedule, last_day_on=D(2026, 4, 19), reason="Moved"
        )
        ended = Event.objects.filter(event_type="payments.schedule_ended").latest("id")
        assert "£22.50 of recovery deductions is still outstanding" in ended.summary
        (item,) = outstanding_after_end(staff["auditor"])
        assert (item.outstanding_pence, item.recovery) == (2250, recovery)
        client.force_login(staff["auditor"])
        listed = client.get(reverse("audits:recoveries_outstanding")).content.decode()
        assert reverse("audits:recovery_rest_by_invoice", args=[recovery.pk]) in listed
        response = client.post(reverse("audits:recovery_rest_by_invoice", args=[recovery.pk]))
        assert response.url == reverse("audits:audit_detail", args=[recovery.audit_id])
        assert outstanding_after_end(staff["auditor"]) == []
        with pytest.raises(TransitionNotAllowed):
            services.recovery_rest_by_invoice(actor=staff["auditor"], recovery=recovery)
    recovery.refresh_from_db()
    recovery.deduction.refresh_from_db()
    assert recovery.deduction.status == RecoveryDeductionStatus.CANCELLED
    assert (recovery.method, recovery.invoiced_pence, recovery.invoice_due_on) == (
        Method.INVOICE,
        2250,
        D(2026, 4, 29),
    )
    assert balance(f"person:{person}:recoveries_due") == 2250
    with at(D(2026, 4, 10)):
        services.recovery_settle(actor=staff["team_manager"], recovery=recovery, received_on=D(2026, 4, 9))
    assert balance(f"person:{person}:recoveries_due") == 0
    assert list(unbalanced_journals()) == []
