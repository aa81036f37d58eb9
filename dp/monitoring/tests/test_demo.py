"""The demo council's statements: a year of categorised transactions for every paid account, matching the money
paid in, with contributions linked, some unexplained and prohibited spending, surplus, and a failed import."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db.models import Sum

from dp.audit_log.models import Event
from dp.monitoring.constants import ImportStatus, MatchedBy, MonitoringEventType, TransactionStatus
from dp.monitoring.models import MerchantRule, StatementImport, StatementReconciliation, Transaction
from dp.payments.constants import PaymentRunStatus
from dp.payments.models import ContributionReceipt, DirectPaymentAccount, Payment


@pytest.mark.django_db
def test_demo_statements() -> None:
    from dp.demo import seed

    started = time.monotonic()
    seed.build(people=300, seed=3, today=dt.date(2026, 11, 2))
    print(f"seed with 300 people: {time.monotonic() - started:.1f}s")  # figures only, never asserted
    paid = set(
        Payment.objects.filter(
            cancelled=False, amount_pence__gt=0, run__status=PaymentRunStatus.COMPLETED, pay_on__lte="2026-11-02"
        ).values_list("account_id", flat=True)
    )
    assert paid
    assert set(Transaction.objects.values_list("account_id", flat=True).distinct()) == paid
    assert set(Transaction.objects.values_list("status", flat=True)) == set(TransactionStatus.values)
    assert (
        Transaction.objects.filter(category="gambling").exists()
        or Transaction.objects.filter(category="alcohol").exists()
    )
    assert Transaction.objects.filter(matched_by="payee").exists()
    assert Transaction.objects.filter(matched_by="council_rule").exists()
    linked = Transaction.objects.filter(contribution_receipt__isnull=False).count()
    assert linked == ContributionReceipt.objects.filter(schedule__basis="net", received_on__lte="2026-11-02").count()
    # The money in on the statements is exactly what the payments steps sent.
    account = DirectPaymentAccount.objects.filter(pk__in=paid).order_by("pk").first()
    sent = Payment.objects.filter(
        account=account, cancelled=False, amount_pence__gt=0, pay_on__lte="2026-11-02", run__status="completed"
    )
    received = Transaction.objects.filter(account=account, amount_pence__gt=0, contribution_receipt__isnull=True)
    assert received.aggregate(s=Sum("amount_pence"))["s"] == sent.aggregate(s=Sum("amount_pence"))["s"]
    assert StatementImport.objects.filter(status=ImportStatus.FAILED).count() == 1
    assert StatementImport.objects.filter(status=ImportStatus.DONE, account__isnull=False).exists()
    assert StatementReconciliation.objects.exists()
    differing = StatementReconciliation.objects.exclude(difference_pence=0).count()
    assert 0 < differing < StatementReconciliation.objects.filter(difference_pence=0).count()
    assert MerchantRule.objects.count() >= 5
    # Staff categorised two lines by hand, through the service (audited).
    by_hand = list(Transaction.objects.filter(matched_by=MatchedBy.MANUAL).order_by("pk"))
    assert len(by_hand) == 2
    assert {line.plan_line_id is not None for line in by_hand} == {True, False}
    assert any(line.category == "equipment" and line.plan_line_id is None for line in by_hand)
    assert (
        Event.objects.filter(
            event_type=MonitoringEventType.TRANSACTION_CATEGORISED, subject_id__in=[line.pk for line in by_hand]
        ).count()
        == 2
    )
