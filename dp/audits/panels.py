"""The "Findings and audits" panel on the case page (for the roles that work on audits)."""

from __future__ import annotations

from typing import Any

from dp.cases.panels import CasePanel, register
from dp.staff.roles import Role


def _context(case: Any, user: Any) -> dict[str, Any]:
    from dp.audits.constants import FindingStatus
    from dp.audits.models import AuditCase, Finding

    return {
        "open_findings": Finding.objects.filter(person_id=case.person_id, status=FindingStatus.OPEN).order_by(
            "-raised_on", "-id"
        )[:5],
        "audits": AuditCase.objects.filter(case_id=case.pk).order_by("-opened_at", "-id")[:5],
    }


def _applies(case: Any) -> bool:
    from dp.audits.models import AuditCase, Finding

    return Finding.objects.filter(person_id=case.person_id).exists() or AuditCase.objects.filter(case=case).exists()


register(
    CasePanel(
        key="audits",
        title="Findings and audits",
        template="audits/case_panel.html",
        order=90,
        roles=frozenset({Role.DP_SUPPORT, Role.AUDITOR, Role.TEAM_MANAGER}),
        context=_context,
        applies=_applies,
    )
)
