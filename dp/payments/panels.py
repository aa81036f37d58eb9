"""The "Direct payment money" panel on the case page."""

from __future__ import annotations

from typing import Any

from dp.cases.constants import CaseStatus
from dp.cases.panels import CasePanel, register

SHOWN_FROM = {
    CaseStatus.AGREEMENT,
    CaseStatus.PAYMENT_SETUP,
    CaseStatus.ACTIVE,
    CaseStatus.REVIEW,
    CaseStatus.SUSPENDED,
}


def _context(case: Any, user: Any) -> dict[str, Any]:
    from dp.payments.selectors import case_schedules

    return {"schedule": case_schedules(case.pk).first()}


def _applies(case: Any) -> bool:
    from dp.payments.models import PaymentSchedule

    return case.status in SHOWN_FROM or PaymentSchedule.objects.filter(case_id=case.pk).exists()


register(
    CasePanel(
        key="payments",
        title="Direct payment money",
        template="payments/case_panel.html",
        order=80,
        context=_context,
        applies=_applies,
    )
)
