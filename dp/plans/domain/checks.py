"""Checks on a support plan, and where a checked plan goes next.

Design
------
`check_support_plan` runs every rule of `dp.assessments.domain.plan_checks.check_plan` (assessed
needs met, direct payments only for planned needs, within budget, family members, care-home stays,
what direct payments may not buy, author not approver) and adds two this part of the system owns:

* PLAN-INDICATIVE-BUDGET — a plan can only be measured against a budget once the council has
  worked out the indicative budget (Care Act 2014 s.26, PB-01; CSSG 11.24, PB-02). Without one,
  this check replaces PLAN-WITHIN-BUDGET and fails.
* PLAN-CHILDREN-SHORT-BREAKS — overnight short breaks for a disabled child paid by direct payment
  are capped at the council's number of nights a year (Oxfordshire: "up to 120 days per year";
  DP-RES-04, CHD-03) [LOCAL].

Each check keeps its stable code, a plain-English explanation and its source, and evaluation
never writes. `submission_route` says where a plan goes when it is sent for a decision: to a
second person for approval when every check passes, to the funding panel when the only failure is
that it costs more than the budget, and nowhere while anything else fails.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from dp.assessments.domain.plan_checks import PlanCheck, PlanCheckReport, PlanFacts, PlanPolicy, check_plan

INDICATIVE_BUDGET = "PLAN-INDICATIVE-BUDGET"
WITHIN_BUDGET = "PLAN-WITHIN-BUDGET"
MEETS_NEEDS = "PLAN-MEETS-ASSESSED-NEEDS"
CHILDREN_SHORT_BREAKS = "PLAN-CHILDREN-SHORT-BREAKS"
CHILDREN_SOURCE = (
    "Council policy [LOCAL]: overnight short breaks by direct payment for disabled children, Children Act 1989 "
    "s.17A (RULES.md DP-RES-04, CHD-03)"
)


def check_children_short_breaks(nights_per_year: int, cap_nights: int | None) -> PlanCheck:
    """Children's overnight short breaks by direct payment within the council's yearly cap
    (DP-RES-04, CHD-03) [LOCAL]."""
    if nights_per_year <= 0:
        return PlanCheck(
            CHILDREN_SHORT_BREAKS,
            True,
            "No overnight short breaks for a child are paid by direct payment.",
            CHILDREN_SOURCE,
        )
    if cap_nights is None:
        return PlanCheck(
            CHILDREN_SHORT_BREAKS,
            True,
            f"Overnight short breaks add up to {nights_per_year} nights a year. The council has not set a limit, so "
            "none is applied (a system administrator can set one in Council settings).",
            CHILDREN_SOURCE,
        )
    if nights_per_year > cap_nights:
        return PlanCheck(
            CHILDREN_SHORT_BREAKS,
            False,
            f"Overnight short breaks paid by direct payment add up to {nights_per_year} nights a year; the council's "
            f"limit is {cap_nights} nights a year.",
            CHILDREN_SOURCE,
        )
    return PlanCheck(
        CHILDREN_SHORT_BREAKS,
        True,
        f"Overnight short breaks add up to {nights_per_year} nights a year, within the council's limit of "
        f"{cap_nights}.",
        CHILDREN_SOURCE,
    )


def check_support_plan(
    facts: PlanFacts,
    policy: PlanPolicy,
    *,
    budget_known: bool,
    needs_from_assessment: bool,
    children_overnight_nights: int = 0,
    children_cap_nights: int | None = None,
) -> PlanCheckReport:
    """Every support plan check, in a fixed order (see the module docstring for each rule)."""
    checks: list[PlanCheck] = []
    for check in check_plan(facts, policy).checks:
        if check.code == WITHIN_BUDGET and not budget_known:
            check = PlanCheck(
                INDICATIVE_BUDGET,
                False,
                "No indicative budget has been worked out for this case yet. Work it out from the resource "
                "allocation questions before the plan is sent for a decision.",
                "Care Act 2014 s.26 (PB-01); Care and Support Statutory Guidance 11.24 (PB-02)",
            )
        elif check.code == MEETS_NEEDS and not needs_from_assessment:
            check = replace(
                check,
                explanation=check.explanation
                + " (No needs assessment is recorded for this case, so the needs named in the plan's outcomes "
                "were used.)",
            )
        checks.append(check)
    checks.append(check_children_short_breaks(children_overnight_nights, children_cap_nights))
    return PlanCheckReport(checks=tuple(checks))


class SubmissionRoute(StrEnum):
    APPROVAL = "approval"
    FUNDING_PANEL = "funding_panel"
    BLOCKED = "blocked"


def submission_route(report: PlanCheckReport) -> SubmissionRoute:
    """Where a checked plan goes: approval when it all passes, the funding panel when it only costs
    more than the budget (PB-02: the indicative amount may go up during planning), else nowhere."""
    failed = {check.code for check in report.failed}
    if not failed:
        return SubmissionRoute.APPROVAL
    if failed == {WITHIN_BUDGET}:
        return SubmissionRoute.FUNDING_PANEL
    return SubmissionRoute.BLOCKED
