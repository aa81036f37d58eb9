"""The demo council's findings, audits in every state and recoveries in every state, consistent with the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from dp.audit_log.models import Event
from dp.audits.constants import AuditEventType, AuditStatus, Method
from dp.audits.models import AuditCase, AuditRecovery, Finding
from dp.audits.selectors import OPEN_STATUSES, audit_schedule
from dp.ledger.selectors import unbalanced_journals
from dp.payments.constants import RecoveryDeductionStatus, ScheduleStatus


@pytest.mark.django_db
def test_demo_audits() -> None:
    from dp.demo import seed

    seed.build(people=300, seed=3, today=dt.date(2026, 11, 2))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert unbalanced_journals() == []
    statuses = set(AuditCase.objects.values_list("status", flat=True))
    assert statuses == set(AuditStatus.values)
    assert AuditRecovery.objects.filter(approved_at__isnull=True).exists()
    assert AuditRecovery.objects.filter(received_journal__isnull=False).exists()
    assert AuditRecovery.objects.filter(deduction__isnull=False).exists()
    assert AuditRecovery.objects.filter(overturn_journal__isnull=False).exists()
    for recovery in AuditRecovery.objects.filter(approved_on__isnull=False):
        assert recovery.approved_on > recovery.response_ends_on
    for audit in AuditCase.objects.exclude(status__in=OPEN_STATUSES):
        assert audit.finished_on is not None or audit.status == AuditStatus.CLOSED
    assert Finding.objects.exists()
    # A deduction left outstanding when its direct payment ended, moved to an invoice by the service.
    (invoiced,) = AuditRecovery.objects.filter(invoiced_pence__isnull=False)
    assert invoiced.method == Method.INVOICE
    assert invoiced.invoiced_pence == invoiced.recoverable_pence
    assert invoiced.deduction is not None
    assert invoiced.deduction.status == RecoveryDeductionStatus.CANCELLED
    assert invoiced.deduction.schedule.status == ScheduleStatus.ENDED
    assert Event.objects.filter(subject_id=invoiced.pk, event_type=AuditEventType.RECOVERY_DECIDED).exists()
    # Overturned after a sent run took an instalment of its deduction: repaid through the services, once.
    (repaid,) = AuditRecovery.objects.filter(repaid_pence__isnull=False)
    assert repaid.review_outcome == "overturned"
    assert repaid.audit.status == AuditStatus.REVIEW_DECIDED
    assert repaid.deduction is not None
    assert repaid.deduction.status == RecoveryDeductionStatus.CANCELLED
    (taking,) = repaid.deduction.takings.select_related("payment__run")
    assert taking.payment.run.status == "completed"
    assert taking.payment.recovery_pence == taking.amount_pence
    assert repaid.approved_on < taking.payment.pay_on
    assert repaid.repaid_pence == repaid.deductions_taken_pence == taking.amount_pence
    assert repaid.repayment is not None
    assert repaid.repayment.amount_pence == taking.amount_pence
    assert Event.objects.filter(subject_id=repaid.pk, event_type=AuditEventType.DEDUCTIONS_REPAID).exists()
    # An ended direct payment's final audit is on the audits due list.
    due = audit_schedule(today=dt.date(2026, 11, 2))
    finals = [d for d in due if d.due.reasons and d.due.reasons[0].startswith("Final audit")]
    assert any(d.schedule.ended_on == dt.date(2026, 10, 23) and d.open_audit is None for d in finals)
