"""The "Spending" panel on the case page: what the person's direct payment accounts' statements show."""

from __future__ import annotations

from typing import Any

from dp.cases.panels import CasePanel, register


def _context(case: Any, user: Any) -> dict[str, Any]:
    from dp.monitoring.selectors import account_transaction_summary
    from dp.payments.models import DirectPaymentAccount

    accounts = list(DirectPaymentAccount.objects.filter(person_id=case.person_id).order_by("-opened_on", "-id")[:5])
    return {"accounts": [(account, account_transaction_summary(account)) for account in accounts]}


def _applies(case: Any) -> bool:
    from dp.payments.models import DirectPaymentAccount

    return DirectPaymentAccount.objects.filter(person_id=case.person_id).exists()


register(
    CasePanel(
        key="monitoring",
        title="Spending",
        template="monitoring/case_panel.html",
        order=85,
        context=_context,
        applies=_applies,
    )
)
