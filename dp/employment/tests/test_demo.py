"""The demo council's PAs' pay and money owed: there, consistent, and found by the monitoring sweep."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.audits.models import Finding
from dp.employment.constants import CommitmentStatus
from dp.employment.models import Commitment, PayRecord


@pytest.mark.django_db
def test_demo_pay_and_money_owed() -> None:
    from dp.demo import seed

    seed.build(people=300, seed=3, today=dt.date(2026, 11, 2))
    assert PayRecord.objects.count() > 20
    for record in PayRecord.objects.select_related("payee__plan__case", "account"):
        assert record.payee.plan.case.person_id == record.account.person_id
    underpaid = {int(ref.split(":")[1]) for ref in _refs("DP-PA-BELOW-MIN-WAGE")}
    assert len(underpaid) == 2
    assert all(r.gross_pay_pence < r.hours_worked * 1271 for r in PayRecord.objects.filter(pk__in=underpaid))
    assert set(Commitment.objects.values_list("status", flat=True)) == set(CommitmentStatus.values)


def _refs(code: str) -> list[str]:
    return [item["ref"] for f in Finding.objects.filter(code=code) for item in f.evidence]
