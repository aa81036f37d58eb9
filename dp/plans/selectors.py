"""Reading schemes, indicative budgets, plans, their checks and totals, and personal budgets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet

from dp.assessments.domain import plan_checks
from dp.assessments.domain.plan_checks import PlanCheckReport, PlanFacts, PlanItem, PlanPolicy
from dp.assessments.domain.ras import PaOnCosts, RasAnswerOption, RasQuestion, RasScheme
from dp.core.errors import PolicyMissing
from dp.councils.selectors import policy_value_get
from dp.people.models import Person, Relationship
from dp.plans import models as m
from dp.plans.constants import OPEN_PLAN_STATUSES, EligibleOutcome, LineKind, PlanStatus, RasSchemeStatus
from dp.plans.domain.checks import check_support_plan
from dp.plans.domain.costing import CostedLine, PlanTotals, plan_totals
from dp.plans.domain.costing import LineKind as DomainLineKind
from dp.plans.integration import assessed_needs_for_case
from dp.plans.policy import ALLOW_COUNCIL_SERVICES, ALLOW_LONG_TERM_RESIDENTIAL, CHILDREN_SHORT_BREAK_NIGHTS


def ras_scheme_list() -> QuerySet[m.RasScheme]:
    return m.RasScheme.objects.select_related("created_by", "published_by").order_by("-effective_from", "-id")


def ras_scheme_in_force(on: dt.date) -> m.RasScheme | None:
    """The published scheme with the latest start on or before `on`."""
    return (
        m.RasScheme.objects.filter(status=RasSchemeStatus.PUBLISHED, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def ras_questions(scheme: m.RasScheme) -> list[m.RasQuestion]:
    return list(
        scheme.questions.prefetch_related(Prefetch("answers", queryset=m.RasAnswer.objects.order_by("order", "id")))
    )


def ras_scheme_as_domain(scheme: m.RasScheme) -> RasScheme:
    """The stored scheme as the pure rules take it (raises ValidationFailed when it is incomplete)."""
    questions = [
        RasQuestion(
            code=q.code,
            text=q.text,
            options=[RasAnswerOption(code=a.code, label=a.label, points=a.points) for a in q.answers.all()],
        )
        for q in ras_questions(scheme)
    ]
    return RasScheme(questions=questions, price_per_point_pence=scheme.pence_per_point, pa_on_costs=on_costs(scheme))


def on_costs(scheme: m.RasScheme | None) -> PaOnCosts:
    if scheme is None:
        return PaOnCosts()
    return PaOnCosts(
        holiday_pay_percent=Decimal(scheme.holiday_pay_percent),
        employer_ni_percent=Decimal(scheme.employer_ni_percent),
        pension_percent=Decimal(scheme.pension_percent),
        insurance_weekly_pence=scheme.insurance_weekly_pence,
    )


def indicative_budget_latest(case: Any) -> m.IndicativeBudget | None:
    return case.indicative_budgets.select_related("scheme", "calculated_by").first()


def plans_for_case(case: Any) -> QuerySet[m.SupportPlan]:
    return case.support_plans.select_related("author", "approved_by").order_by("-version")


def plan_open(case: Any) -> m.SupportPlan | None:
    return case.support_plans.filter(status__in=OPEN_PLAN_STATUSES).first()


def plan_approved_latest(case: Any) -> m.SupportPlan | None:
    return case.support_plans.filter(status=PlanStatus.APPROVED).order_by("-version").first()


def plan_current(case: Any) -> m.SupportPlan | None:
    """The plan being worked on, or else the approved plan in force."""
    return plan_open(case) or plan_approved_latest(case)


def next_plan_version(case: Any) -> int:
    return (case.support_plans.aggregate(v=Max("version"))["v"] or 0) + 1


def plan_lines(plan: m.SupportPlan) -> list[m.PlanLine]:
    return list(plan.lines.select_related("payee").prefetch_related("meets_outcomes").order_by("id"))


def plan_budget_limit(plan: m.SupportPlan) -> tuple[int | None, str]:
    """The weekly amount the plan is measured against, and where it comes from: the amount the
    funding panel agreed, or else the latest indicative budget (None when there is neither)."""
    if plan.budget_limit_weekly_pence is not None:
        return plan.budget_limit_weekly_pence, "agreed by the funding panel"
    indicative = indicative_budget_latest(plan.case)
    if indicative is None:
        return None, ""
    return indicative.weekly_pence, "indicative budget"


def plan_totals_for(plan: m.SupportPlan, *, on: dt.date, lines: list[m.PlanLine] | None = None) -> PlanTotals:
    lines = plan_lines(plan) if lines is None else lines
    insurance = on_costs(ras_scheme_in_force(on)).insurance_weekly_pence
    costed = [
        CostedLine(
            kind=DomainLineKind(line.kind),
            funding=plan_checks.Funding(line.funding),
            weekly_pence=line.weekly_cost_pence,
            one_off_pence=line.one_off_cost_pence,
        )
        for line in lines
    ]
    return plan_totals(costed, insurance_weekly_pence=insurance)


def _bool_policy(key: str, on: dt.date) -> bool:
    try:
        return bool(policy_value_get(key, on=on))
    except PolicyMissing:
        return False


def children_short_break_cap(on: dt.date) -> int | None:
    try:
        return int(policy_value_get(CHILDREN_SHORT_BREAK_NIGHTS.key, on=on))
    except PolicyMissing:
        return None


def _previous_stays(plan: m.SupportPlan, planned: list[plan_checks.CareHomeStay]) -> list[plan_checks.CareHomeStay]:
    """Care-home stays paid by direct payment under the case's earlier plans in the 12 months
    before the first planned stay (DP-RES-01 counts any 12 months)."""
    if not planned:
        return []
    first = min(stay.start_on for stay in planned)
    earlier = m.PlanLine.objects.filter(
        plan__case_id=plan.case_id,
        plan__status__in=[PlanStatus.APPROVED, PlanStatus.SUPERSEDED],
        kind=LineKind.CARE_HOME_SHORT_STAY,
        funding=plan_checks.Funding.DIRECT_PAYMENT,
        ends_on__lte=first,
        ends_on__gt=first - dt.timedelta(days=366),
    ).exclude(plan=plan)
    seen = {(s.start_on, s.end_on) for s in planned}
    stays = []
    for line in earlier.order_by("starts_on"):
        if line.starts_on is None or line.ends_on is None or (line.starts_on, line.ends_on) in seen:
            continue
        seen.add((line.starts_on, line.ends_on))
        stays.append(plan_checks.CareHomeStay(start_on=line.starts_on, end_on=line.ends_on))
    return stays


def plan_check_report(
    plan: m.SupportPlan, *, on: dt.date, approver_id: int | None = None, lines: list[m.PlanLine] | None = None
) -> PlanCheckReport:
    """Every check on the plan as it stands (plans.domain.checks), with the council's policy on `on`."""
    lines = plan_lines(plan) if lines is None else lines
    outcomes = list(plan.outcomes.all())
    assessed = assessed_needs_for_case(plan.case)
    needs = frozenset(n.code for n in assessed) if assessed is not None else frozenset(o.need_code for o in outcomes)
    items = [
        PlanItem(
            description=line.description,
            category=plan_checks.ItemCategory(line.category),
            weekly_cost_pence=line.weekly_cost_pence,
            funding=plan_checks.Funding(line.funding),
            meets_needs=frozenset(o.need_code for o in line.meets_outcomes.all()),
        )
        for line in lines
    ]
    totals = plan_totals_for(plan, on=on, lines=lines)
    if totals.insurance_weekly_pence:
        pa_needs = frozenset().union(
            *(item.meets_needs for item in items if item.category is plan_checks.ItemCategory.PERSONAL_ASSISTANT)
        )
        items.append(
            PlanItem(
                description="Employer's liability insurance",
                category=plan_checks.ItemCategory.PERSONAL_ASSISTANT,
                weekly_cost_pence=totals.insurance_weekly_pence,
                funding=plan_checks.Funding.DIRECT_PAYMENT,
                meets_needs=pa_needs,
            )
        )
    payees = [
        plan_checks.Payee(
            name=payee.name,
            relationship=plan_checks.Relationship(payee.relationship),
            lives_in_same_household=payee.lives_in_same_household,
            necessary_decision=plan_checks.NecessaryDecision(
                reason=plan_checks.NecessaryReason(payee.necessary_reason),
                purpose=plan_checks.NecessaryPurpose(payee.necessary_purpose),
                note=payee.necessary_note,
            )
            if payee.has_necessary_decision
            else None,
        )
        for payee in plan.payees.all()
    ]
    planned = [
        plan_checks.CareHomeStay(start_on=line.starts_on, end_on=line.ends_on)
        for line in lines
        if line.kind == LineKind.CARE_HOME_SHORT_STAY
        and line.funding == plan_checks.Funding.DIRECT_PAYMENT
        and line.starts_on
        and line.ends_on
    ]
    limit, _ = plan_budget_limit(plan)
    facts = PlanFacts(
        assessed_needs=needs,
        items=items,
        personal_budget_weekly_pence=limit or 0,
        author_id=str(plan.author_id),
        payees=payees,
        care_home_stays=[*planned, *_previous_stays(plan, planned)],
        approver_id=None if approver_id is None else str(approver_id),
    )
    policy = PlanPolicy(
        allow_longterm_residential_dp=_bool_policy(ALLOW_LONG_TERM_RESIDENTIAL.key, on),
        allow_inhouse_purchase=_bool_policy(ALLOW_COUNCIL_SERVICES.key, on),
    )
    nights = sum(
        int(line.quantity)
        for line in lines
        if line.kind == LineKind.CHILDREN_OVERNIGHT_SHORT_BREAK and line.funding == plan_checks.Funding.DIRECT_PAYMENT
    )
    return check_support_plan(
        facts,
        policy,
        budget_known=limit is not None,
        needs_from_assessment=assessed is not None,
        children_overnight_nights=nights,
        children_cap_nights=children_short_break_cap(on),
    )


def need_choices(case: Any) -> list[tuple[str, str]]:
    """The needs a plan outcome can address: the assessed needs, or the eligibility outcomes."""
    assessed = assessed_needs_for_case(case)
    if assessed is not None:
        return [(n.code, n.label) for n in assessed]
    return list(EligibleOutcome.choices)


def payee_candidates(person: Person) -> list[tuple[Relationship, Person, bool]]:
    """People with a current relationship to `person`: (relationship, the other person, whether
    the other person is the relationship's `from_person`)."""
    rows: list[tuple[Relationship, Person, bool]] = []
    for rel in Relationship.objects.filter(to_person=person, ended_on__isnull=True).select_related("from_person"):
        rows.append((rel, rel.from_person, True))
    for rel in Relationship.objects.filter(from_person=person, ended_on__isnull=True).select_related("to_person"):
        rows.append((rel, rel.to_person, False))
    return sorted(rows, key=lambda r: (r[1].family_name, r[1].given_name, r[0].pk))


def budgets_for_case(case: Any) -> QuerySet[m.PersonalBudget]:
    return case.personal_budgets.select_related("plan", "set_by").order_by("-effective_from")


def budget_in_force(case: Any, on: dt.date) -> m.PersonalBudget | None:
    return (
        case.personal_budgets.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        .first()
    )


def budget_latest(case: Any) -> m.PersonalBudget | None:
    return case.personal_budgets.order_by("-effective_from").first()


def panel_decisions(plan: m.SupportPlan) -> QuerySet[m.PanelDecision]:
    return plan.panel_decisions.select_related("decided_by")
