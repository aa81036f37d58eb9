"""The "Employing and money owed" panel on the case page: PAs' pay records and money each account owes."""

from __future__ import annotations

from typing import Any

from dp.cases.panels import CasePanel, register


def _context(case: Any, user: Any) -> dict[str, Any]:
    from django.db.models import Count, Sum

    from dp.employment.constants import CommitmentStatus
    from dp.employment.models import Commitment, PayRecord
    from dp.payments.models import DirectPaymentAccount

    accounts = list(DirectPaymentAccount.objects.filter(person_id=case.person_id).order_by("-opened_on", "-id")[:5])
    ids = [a.pk for a in accounts]
    owed = dict(
        Commitment.objects.filter(account_id__in=ids, status=CommitmentStatus.OPEN)
        .values_list("account_id")
        .annotate(total=Sum("amount_pence"))
        .values_list("account_id", "total")
    )
    records = dict(
        PayRecord.objects.filter(account_id__in=ids, withdrawn_at__isnull=True)
        .values_list("account_id")
        .annotate(n=Count("id"))
        .values_list("account_id", "n")
    )
    return {"accounts": [(a, owed.get(a.pk, 0), records.get(a.pk, 0)) for a in accounts]}


def _applies(case: Any) -> bool:
    from dp.payments.models import DirectPaymentAccount

    return DirectPaymentAccount.objects.filter(person_id=case.person_id).exists()


register(
    CasePanel(
        key="employment",
        title="Employing and money owed",
        template="employment/case_panel.html",
        order=86,
        context=_context,
        applies=_applies,
    )
)
