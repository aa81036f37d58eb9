"""The funding panel's decision on a plan that costs more than its indicative budget.

Design
------
The indicative budget from the resource allocation system is an amount to plan with; it may go up
(or down) when the plan is costed, and the person can challenge whether it is enough (CSSG 11.24,
PB-02; Care Act 2014 s.26, PB-01). When a plan costs more, the council's funding panel (a team
manager) decides, always with reasons [LOCAL: how councils run the panel]:

* AGREED — the plan's cost is agreed; the plan goes on to approval.
* AGREED_DIFFERENT_AMOUNT — the panel agrees a different weekly amount. If the plan fits in it, it
  goes on to approval; otherwise it goes back to support planning to fit that amount.
* REFUSED — the indicative budget stands; the plan goes back to support planning.

`decide_panel` returns the weekly amount the plan is measured against from now on and where the
plan goes. Pure: no dates, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dp.core.errors import ValidationFailed
from dp.core.money import format_pence

SOURCE = "Care Act 2014 s.26 (PB-01); Care and Support Statutory Guidance 11.24 (PB-02); council panel procedure"


class PanelOutcome(StrEnum):
    AGREED = "agreed"
    AGREED_DIFFERENT_AMOUNT = "agreed_different"
    REFUSED = "refused"


class NextStep(StrEnum):
    PLAN_APPROVAL = "plan_approval"
    SUPPORT_PLANNING = "support_planning"


@dataclass(frozen=True)
class PanelResult:
    budget_limit_weekly_pence: int
    next_step: NextStep
    explanation: str


def decide_panel(
    *,
    outcome: PanelOutcome,
    plan_cost_weekly_pence: int,
    indicative_weekly_pence: int,
    agreed_weekly_pence: int | None,
    reasons: str,
) -> PanelResult:
    """What the panel's decision means for the plan (module docstring; PB-01, PB-02)."""
    if not reasons.strip():
        raise ValidationFailed("Enter the panel's reasons", field="reasons")
    cost = format_pence(plan_cost_weekly_pence)
    if outcome is PanelOutcome.AGREED:
        return PanelResult(
            plan_cost_weekly_pence,
            NextStep.PLAN_APPROVAL,
            f"The panel agreed the plan's cost of {cost} a week. The plan goes on for approval.",
        )
    if outcome is PanelOutcome.REFUSED:
        return PanelResult(
            indicative_weekly_pence,
            NextStep.SUPPORT_PLANNING,
            f"The panel did not agree {cost} a week. The indicative budget of {format_pence(indicative_weekly_pence)} "
            "stands: change the plan to fit it.",
        )
    if agreed_weekly_pence is None or agreed_weekly_pence <= 0:
        raise ValidationFailed("Enter the weekly amount the panel agreed", field="agreed_weekly_pence")
    agreed = format_pence(agreed_weekly_pence)
    if plan_cost_weekly_pence <= agreed_weekly_pence:
        return PanelResult(
            agreed_weekly_pence,
            NextStep.PLAN_APPROVAL,
            f"The panel agreed {agreed} a week; the plan ({cost}) fits and goes on for approval.",
        )
    return PanelResult(
        agreed_weekly_pence,
        NextStep.SUPPORT_PLANNING,
        f"The panel agreed {agreed} a week, less than the plan's {cost}: change the plan to fit {agreed}.",
    )
