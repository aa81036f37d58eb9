"""Fair recovery: notice, response period, refund first, second-person approval, the ledger exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from dp.audit_log.models import Event
from dp.audits import services
from dp.audits.constants import AuditEventType, AuditStatus, Method, ReviewOutcome
from dp.audits.models import AuditRecovery
from dp.audits.tests.factories import proposed_recovery
from dp.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from dp.ledger.models import Entry, Journal

pytestmark = pytest.mark.django_db


def _after_response_period(recovery: AuditRecovery) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime.combine(recovery.response_ends_on + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC), tick=False
    )


def _balance(key: str) -> int:
    entries = Entry.objects.filter(account__key=key)
    return sum(e.debit_pence - e.credit_pence for e in entries)


class TestProposal:
    def test_figures_reasons_and_response_period(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor, overpaid_contribution_pence=1000)
        assert recovery.amount_pence == 4500
        assert recovery.refund_to_person_pence == 1000
        assert recovery.recoverable_pence == 3500
        assert recovery.response_ends_on == timezone.localdate() + dt.timedelta(days=14)
        assert recovery.audit.status == AuditStatus.RECOVERY_PROPOSED
        labels = [line["label"] for line in recovery.breakdown]
        assert "Overpaid contribution refunded to the person first" in labels
        assert Event.objects.filter(event_type=AuditEventType.RECOVERY_PROPOSED, subject_id=recovery.pk).exists()

    def test_nothing_posted_on_proposal(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        before = Journal.objects.count()
        proposed_recovery(schedule, by=auditor)
        assert Journal.objects.count() == before


class TestDecision:
    def test_cannot_decide_inside_the_response_period_without_a_response(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        with pytest.raises(TransitionNotAllowed, match="to respond"):
            services.recovery_decide(actor=auditor, recovery=recovery, method=Method.INVOICE, reasons="No reply")

    def test_a_response_allows_the_decision_but_not_the_posting(self, schedule, auditor, manager) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        services.recovery_discussion_record(
            actor=auditor,
            recovery=recovery,
            held_on=timezone.localdate(),
            with_whom="The person, by phone",
            summary="Agrees the bet was a mistake and will repay",
            person_responded=True,
        )
        recovery = services.recovery_decide(
            actor=auditor, recovery=recovery, method=Method.INVOICE, reasons="The person agreed"
        )
        assert recovery.audit.status == AuditStatus.RECOVERY_DECIDED
        with pytest.raises(TransitionNotAllowed, match="response period"):
            services.recovery_approve(actor=manager, recovery=recovery)
        assert not Journal.objects.filter(source=f"audit-recovery:{recovery.pk}").exists()

    def test_the_database_refuses_an_approval_in_the_response_period(self, schedule, auditor, manager) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        with pytest.raises(IntegrityError), transaction.atomic():
            AuditRecovery.objects.filter(pk=recovery.pk).update(
                approved_by=manager, approved_at=timezone.now(), approved_on=recovery.response_ends_on
            )


class TestApprovalPostsExactlyOnce:
    def test_invoice(self, schedule, auditor, manager) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor, overpaid_contribution_pence=1000)
        person = schedule.person_id
        with _after_response_period(recovery):
            recovery = services.recovery_decide(
                actor=auditor, recovery=recovery, method=Method.INVOICE, reasons="No reply in 14 days"
            )
            assert recovery.invoice_due_on == timezone.localdate() + dt.timedelta(days=30)
            with pytest.raises(PermissionDenied):
                services.recovery_approve(actor=auditor, recovery=recovery)
            recovery = services.recovery_approve(actor=manager, recovery=recovery)
            again = services.recovery_approve(actor=manager, recovery=recovery)
            assert again.raised_journal_id == recovery.raised_journal_id
            assert recovery.refund_journal is not None
            assert recovery.raised_journal is not None
            assert recovery.refund_journal_id < recovery.raised_journal_id  # refund first
            assert _balance(f"person:{person}:recoveries_due") == 3500
            services.recovery_settle(actor=manager, recovery=recovery, received_on=timezone.localdate())
            services.recovery_settle(actor=manager, recovery=recovery, received_on=timezone.localdate())
        assert Journal.objects.filter(source=f"audit-recovery:{recovery.pk}").count() == 3
        assert _balance(f"person:{person}:recoveries_due") == 0

    def test_money_cannot_be_received_before_the_recovery_was_approved(self, schedule, auditor, manager) -> None:  # type: ignore[no-untyped-def]
        """The received journal would be dated before the recovery it settles was raised."""
        recovery = proposed_recovery(schedule, by=auditor)
        with _after_response_period(recovery):
            recovery = services.recovery_decide(actor=auditor, recovery=recovery, method=Method.INVOICE, reasons="x")
            recovery = services.recovery_approve(actor=manager, recovery=recovery)
            with pytest.raises(ValidationFailed, match="before the recovery was approved"):
                services.recovery_settle(
                    actor=manager, recovery=recovery, received_on=recovery.approved_on - dt.timedelta(days=1)
                )
        assert not Journal.objects.filter(idempotency_key=f"audit-recovery:{recovery.pk}:received").exists()

    def test_card_recoup(self, schedule, auditor, manager) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        with _after_response_period(recovery):
            recovery = services.recovery_decide(
                actor=auditor, recovery=recovery, method=Method.CARD_RECOUP, reasons="No reply"
            )
            assert recovery.card_account_reference == schedule.account.card_account_reference
            assert recovery.recoup_reference == f"RECOUP-{recovery.reference}"
            services.recovery_approve(actor=manager, recovery=recovery)
        assert Journal.objects.filter(source=f"audit-recovery:{recovery.pk}").count() == 1

    def test_deduction_needs_enough_payments_and_is_split_exactly(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        with _after_response_period(recovery):
            recovery = services.recovery_decide(
                actor=auditor, recovery=recovery, method=Method.DEDUCTION, reasons="Over 3 payments", instalments=3
            )
        assert [i["amount_pence"] for i in recovery.instalments] == [1500, 1500, 1500]
        assert len({i["due_on"] for i in recovery.instalments}) == 3


class TestReview:
    def test_overturned_review_reverses_the_recovery(self, schedule, auditor, manager) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        person = schedule.person_id
        with _after_response_period(recovery):
            recovery = services.recovery_decide(actor=auditor, recovery=recovery, method=Method.INVOICE, reasons="x")
            recovery = services.recovery_approve(actor=manager, recovery=recovery)
            recovery = services.recovery_review_request(
                actor=auditor, recovery=recovery, requested_on=timezone.localdate(), reason="It was a gift card"
            )
            with pytest.raises(PermissionDenied):
                services.recovery_review_decide(
                    actor=auditor, recovery=recovery, outcome=ReviewOutcome.OVERTURNED, notes="Agreed"
                )
            recovery = services.recovery_review_decide(
                actor=manager, recovery=recovery, outcome=ReviewOutcome.OVERTURNED, notes="Receipt shows a gift card"
            )
        assert recovery.audit.status == AuditStatus.REVIEW_DECIDED
        assert recovery.overturn_journal is not None
        assert _balance(f"person:{person}:recoveries_due") == 0
        with pytest.raises(TransitionNotAllowed):
            services.recovery_settle(actor=manager, recovery=recovery, received_on=timezone.localdate())

    def test_review_must_be_asked_within_the_review_period(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        with _after_response_period(recovery):
            recovery = services.recovery_decide(actor=auditor, recovery=recovery, method=Method.INVOICE, reasons="x")
        late = recovery.decided_on + dt.timedelta(days=29)
        with (
            time_machine.travel(dt.datetime.combine(late, dt.time(12), tzinfo=dt.UTC), tick=False),
            pytest.raises(TransitionNotAllowed, match="had to be asked for"),
        ):
            services.recovery_review_request(actor=auditor, recovery=recovery, requested_on=late, reason="Late")

    def test_the_audit_cannot_be_closed_while_the_person_can_still_ask_for_a_review(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        """Closing straight after the decision would take away the person's right to ask for a review."""
        recovery = proposed_recovery(schedule, by=auditor)
        with _after_response_period(recovery):
            recovery = services.recovery_decide(actor=auditor, recovery=recovery, method=Method.INVOICE, reasons="x")
            with pytest.raises(TransitionNotAllowed, match="can ask for a review until"):
                services.audit_record_outcome(
                    actor=auditor, audit=recovery.audit, outcome=AuditStatus.CLOSED, notes="Done"
                )
        last_day = recovery.decided_on + dt.timedelta(days=28)
        with (
            time_machine.travel(dt.datetime.combine(last_day, dt.time(12), tzinfo=dt.UTC), tick=False),
            pytest.raises(TransitionNotAllowed),
        ):
            services.audit_record_outcome(actor=auditor, audit=recovery.audit, outcome=AuditStatus.CLOSED, notes="Done")
        after = last_day + dt.timedelta(days=1)
        with time_machine.travel(dt.datetime.combine(after, dt.time(12), tzinfo=dt.UTC), tick=False):
            audit = services.audit_record_outcome(
                actor=auditor, audit=recovery.audit, outcome=AuditStatus.CLOSED, notes="No review asked for"
            )
        assert audit.status == AuditStatus.CLOSED

    def test_a_review_cannot_be_asked_for_before_the_decision(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        with _after_response_period(recovery):
            recovery = services.recovery_decide(actor=auditor, recovery=recovery, method=Method.INVOICE, reasons="x")
            with pytest.raises(ValidationFailed, match="before the recovery was decided"):
                services.recovery_review_request(
                    actor=auditor,
                    recovery=recovery,
                    requested_on=recovery.decided_on - dt.timedelta(days=1),
                    reason="Backdated",
                )

    def test_a_second_proposal_on_the_same_audit_is_refused(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        with pytest.raises((ValidationFailed, TransitionNotAllowed)):
            services.recovery_propose_surplus(
                actor=auditor,
                audit=recovery.audit,
                balance_pence=500000,
                weekly_payment_pence=25000,
                allowed_weeks=8,
                reasons=["Surplus"],
            )


class TestSurplusProposal:
    def test_figures_refund_first(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        from dp.audits.tests.factories import received_audit

        audit = received_audit(schedule, by=auditor)
        recovery = services.recovery_propose_surplus(
            actor=auditor,
            audit=audit,
            balance_pence=500000,
            weekly_payment_pence=25000,
            allowed_weeks=8,
            commitments=[("March wages not yet paid", 50000)],
            overpaid_contribution_pence=10000,
            reasons=["£5,000.00 in the account is more than the 8 weeks of payments the council allows."],
        )
        assert (recovery.amount_pence, recovery.refund_to_person_pence, recovery.recoverable_pence) == (
            250000,
            10000,
            240000,
        )
        assert recovery.ground == "surplus"
        assert recovery.inputs["commitments"] == [{"label": "March wages not yet paid", "amount_pence": 50000}]

    def test_no_surplus_is_refused(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        from dp.audits.tests.factories import received_audit

        audit = received_audit(schedule, by=auditor)
        with pytest.raises(ValidationFailed, match="no surplus"):
            services.recovery_propose_surplus(
                actor=auditor,
                audit=audit,
                balance_pence=100000,
                weekly_payment_pence=25000,
                allowed_weeks=8,
                reasons=["Surplus"],
            )
        audit.refresh_from_db()
        assert audit.status == AuditStatus.INFORMATION_RECEIVED  # nothing written
