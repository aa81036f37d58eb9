"""Proposing a surplus recovery offers the account's money owed (ticked), instead of only a free-text amount."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from dp.audits.models import AuditRecovery
from dp.audits.tests.factories import opened_audit, set_audit_policy
from dp.employment import services
from dp.employment.tests.factories import commitment
from dp.payments.tests.factories import SignedScheduleFactory, set_payment_policy

pytestmark = pytest.mark.django_db


def test_the_accounts_money_owed_is_offered_and_taken_off(client, council, staff) -> None:  # type: ignore[no-untyped-def]
    set_payment_policy(council)
    set_audit_policy(council)
    auditor = staff["auditor"]
    schedule = SignedScheduleFactory(worker=staff["social_worker"])
    audit = opened_audit(schedule, by=auditor)
    wages = commitment(schedule.account, amount_pence=40000, owed_to="Jo Bloggs")
    tax = commitment(schedule.account, amount_pence=25000, owed_to="HMRC", kind="tax_and_ni")
    paid = commitment(schedule.account, amount_pence=99900, owed_to="Old invoice", kind="invoice")
    services.commitment_settle(actor=auditor, commitment=paid, settled_on=timezone.localdate())
    client.force_login(auditor)
    url = reverse("audits:recovery_propose_surplus", args=[audit.pk])
    page = client.get(url).content.decode()
    assert "Unpaid wages: Jo Bloggs: £400.00" in page
    assert "Old invoice" not in page
    assert page.count("checked") >= 2
    response = client.post(
        url,
        {
            "balance_pence": "5000",
            "weekly_payment_pence": "250",
            "allowed_weeks": "8",
            "owed": [str(wages.pk)],  # the tax was paid since: untick it
            "commitments_label": "Agency invoice not yet recorded",
            "commitments_pence": "100",
            "reasons": "More than eight weeks of payments is in the account",
        },
    )
    assert response.status_code == 302
    recovery = AuditRecovery.objects.get(audit=audit)
    # £5,000 less £400 and £100 owed, less 8 weeks of £250: £2,500 over.
    assert recovery.recoverable_pence == 500000 - 40000 - 10000 - 8 * 25000
    assert recovery.inputs["commitments"] == [
        {"label": "Unpaid wages: Jo Bloggs", "amount_pence": 40000},
        {"label": "Agency invoice not yet recorded", "amount_pence": 10000},
    ]
    assert tax.status == "open"
