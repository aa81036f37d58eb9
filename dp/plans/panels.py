"""The "Budget and support plan" section of the case page."""

from __future__ import annotations

from typing import Any

from dp.cases.panels import CasePanel, register
from dp.core import clock
from dp.staff.roles import Role


def can_plan(case: Any, user: Any) -> bool:
    """Team managers, and social workers in the case's team, write plans and work out budgets."""
    from dp.plans.services import PLANNING_STATUSES

    if case.status not in PLANNING_STATUSES:
        return False
    return user.has_role(Role.TEAM_MANAGER) or (user.has_role(Role.SOCIAL_WORKER) and case.team_id == user.team_id)


def _context(case: Any, user: Any) -> dict[str, Any]:
    from dp.plans import selectors

    today = clock.today()
    plan = selectors.plan_current(case)
    return {
        "indicative": selectors.indicative_budget_latest(case),
        "scheme_in_force": selectors.ras_scheme_in_force(today),
        "plan": plan,
        "totals": selectors.plan_totals_for(plan, on=today) if plan else None,
        "budgets": list(selectors.budgets_for_case(case)[:6]),
        "budget_now": selectors.budget_in_force(case, today),
        "can_plan": can_plan(case, user),
        "has_open_plan": selectors.plan_open(case) is not None,
    }


register(
    CasePanel(
        key="plans",
        title="Budget and support plan",
        template="plans/panel.html",
        order=40,
        context=_context,
        applies=lambda case: case.status != "allocated",
    )
)
