"""The "Direct payment agreement and reviews" section of the case page."""

from __future__ import annotations

from typing import Any

from dp.cases.panels import CasePanel, register
from dp.core import clock
from dp.staff.roles import Role

AGREEMENT_STATUSES = ("agreement", "payment_setup", "active", "review", "suspended", "closed")


def can_work_agreement(case: Any, user: Any) -> bool:
    """Team managers and direct payment support officers (council-wide), and social workers in the
    case's team, draw up agreements and record reviews."""
    if not case.is_open:
        return False
    if user.has_role(Role.TEAM_MANAGER, Role.DP_SUPPORT):
        return True
    return user.has_role(Role.SOCIAL_WORKER) and case.team_id == user.team_id


def _context(case: Any, user: Any) -> dict[str, Any]:
    from dp.agreements import selectors
    from dp.agreements.services import DP_IN_PLACE
    from dp.assessments.domain.reviews import classify_review

    today = clock.today()
    can_work = can_work_agreement(case, user)
    open_reviews = [(r, classify_review(r.due_by, today).value) for r in selectors.reviews_open(case)]
    return {
        "draft": selectors.agreement_draft(case),
        "signed": selectors.agreement_signed(case),
        "agreements": list(selectors.agreements_for_case(case)[:5]),
        "open_reviews": open_reviews,
        "past_reviews": list(selectors.reviews_for_case(case).exclude(status="open")[:5]),
        "can_draw_up": can_work and case.status == "agreement",
        "can_review": can_work and case.status in DP_IN_PLACE,
        "can_see_queue": user.has_role(Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.TEAM_MANAGER),
    }


register(
    CasePanel(
        key="agreements",
        title="Direct payment agreement and reviews",
        template="agreements/panel.html",
        order=50,
        context=_context,
        applies=lambda case: case.status in AGREEMENT_STATUSES,
    )
)
