"""The demo council's findings, audits in every state and recoveries in every state, consistent with the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from dp.audits.constants import AuditStatus
from dp.audits.models import AuditCase, AuditRecovery, Finding
from dp.audits.selectors import OPEN_STATUSES
from dp.ledger.selectors import unbalanced_journals


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
