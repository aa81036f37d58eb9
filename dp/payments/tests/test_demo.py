"""The demo council's money: accounts of all three kinds, a year of sent runs that add up, contributions with
some arrears, mid-period changes and adjustments, and a run waiting for approval."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from dp.ledger.selectors import trial_balance, unbalanced_journals
from dp.payments.constants import PaymentRunStatus
from dp.payments.domain.bacs import parse_bacs_file
from dp.payments.domain.card_load import parse_card_load_file
from dp.payments.models import (
    ContributionReceipt,
    DirectPaymentAccount,
    Payment,
    PaymentFile,
    PaymentReturn,
    PaymentRun,
    ScheduleAdjustment,
)
from dp.payments.selectors import run_ledger_totals


@pytest.mark.django_db
def test_demo_money() -> None:
    from dp.demo import seed

    seed.build(people=300, seed=3, today=dt.date(2026, 11, 2))
    with connection.cursor() as cursor:  # the ledger's deferred balance checks, now rather than at commit
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert set(DirectPaymentAccount.objects.values_list("kind", flat=True)) == {"prepaid_card", "bank", "managed"}
    sent = PaymentRun.objects.filter(status=PaymentRunStatus.COMPLETED)
    assert sent.count() >= 12
    assert PaymentRun.objects.filter(status=PaymentRunStatus.CALCULATED).count() == 1
    assert Payment.objects.filter(prorated=True).exists()
    assert ScheduleAdjustment.objects.exists()
    assert Payment.objects.exclude(adjustment_pence=0).exists()
    waiting = PaymentRun.objects.get(status=PaymentRunStatus.CALCULATED)
    reduced = Payment.objects.filter(run=waiting, recovery_pence__gt=0)
    assert sorted(reduced.values_list("recovery_pence", flat=True)) == [20000, 20000]
    assert ContributionReceipt.objects.exists()
    assert sorted(PaymentReturn.objects.values_list("status", flat=True)) == [
        "held",
        "reissued",
        "returned",
        "written_back",
    ]
    assert unbalanced_journals() == []
    debits, credits = trial_balance()
    assert debits == credits
    for run in sent:
        ledger = run_ledger_totals(run)
        files = {(f.kind, f.provider): f for f in PaymentFile.objects.filter(run=run)}
        bacs = [f for (kind, _), f in files.items() if kind == "bacs"]
        cards = [f for (kind, _), f in files.items() if kind == "card_load"]
        bacs_total = sum(parse_bacs_file(f.content).credit_total_pence for f in bacs)
        card_total = sum(parse_card_load_file(f.content).total_pence for f in cards)
        assert bacs_total == ledger.get("transit:bank", 0) == run.bank_total_pence
        assert card_total == ledger.get("transit:card_provider", 0) == run.card_total_pence
