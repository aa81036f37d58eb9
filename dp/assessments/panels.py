"""The case page's section for eligibility, the needs assessment, the offer of direct payments and
the contribution (registered in `AssessmentsConfig.ready`)."""

from __future__ import annotations

from typing import Any

from dp.cases.panels import CasePanel, register
from dp.staff.roles import Role


def _context(case: Any, user: Any) -> dict[str, Any]:
    from dp.assessments.selectors import case_assessments

    return {
        "assessments": case_assessments(case),
        "can_casework": case.is_open and user.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER),
        "can_finance": case.is_open and user.has_role(Role.FINANCIAL_ASSESSOR),
    }


ASSESSMENTS_PANEL = register(
    CasePanel(
        key="assessments",
        title="Assessments and direct payments decision",
        template="assessments/panels/assessments.html",
        order=10,
        context=_context,
    )
)
