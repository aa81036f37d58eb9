"""The page staff categorise a transaction on by hand, from an account's transactions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dp.monitoring.constants import MatchedBy, TransactionStatus
from dp.monitoring.models import Transaction
from dp.monitoring.tests.factories import TransactionFactory
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db


def _jo(account) -> Transaction:  # type: ignore[no-untyped-def]
    return TransactionFactory(account=account, merchant="JO BLOGGS", merchant_category_code="", amount_pence=-4800)


class TestThePage:
    def test_an_officer_categorises_a_line_from_the_transactions_page(self, client, staff, account, pa_line):  # type: ignore[no-untyped-def]
        line = _jo(account)
        client.force_login(staff[Role.PAYMENTS_OFFICER])
        listing = client.get(reverse("monitoring:account_transactions", args=[account.pk])).content.decode()
        url = reverse("monitoring:transaction_categorise", args=[line.pk])
        assert url in listing
        form = client.get(url).content.decode()
        assert "Personal Assistant for morning routine (support plan 1)" in form

        refused = client.post(url, {"plan_line": pa_line.pk, "category": "", "reason": ""})
        assert refused.status_code == 200
        assert "Enter why you are categorising this transaction" in refused.content.decode()

        response = client.post(url, {"plan_line": pa_line.pk, "category": "", "reason": "Invoice seen"})
        assert response.url == reverse("monitoring:account_transactions", args=[account.pk])
        line.refresh_from_db()
        assert (line.status, line.plan_line_id, line.matched_by) == (
            TransactionStatus.PLAN_LINE,
            pa_line.pk,
            MatchedBy.MANUAL,
        )
        assert "By staff" in client.get(response.url).content.decode()

    def test_neither_a_line_nor_a_category_is_refused(self, client, staff, account, pa_line):  # type: ignore[no-untyped-def]
        line = _jo(account)
        client.force_login(staff[Role.AUDITOR])
        url = reverse("monitoring:transaction_categorise", args=[line.pk])
        refused = client.post(url, {"plan_line": "", "category": "", "reason": "Seen"})
        assert "Choose a plan line or a spending category" in refused.content.decode()

    def test_a_social_worker_sees_no_link_and_cannot_categorise(self, client, staff, account, pa_line):  # type: ignore[no-untyped-def]
        line = _jo(account)
        client.force_login(staff[Role.SOCIAL_WORKER])
        url = reverse("monitoring:transaction_categorise", args=[line.pk])
        listing = client.get(reverse("monitoring:account_transactions", args=[account.pk])).content.decode()
        assert url not in listing
        assert client.post(url, {"plan_line": pa_line.pk, "reason": "x"}).status_code == 403
