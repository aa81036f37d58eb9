"""Demo steps for the plans part: the council's resource allocation scheme, and for every case past
assessment an indicative budget, a costed support plan in the state the case is in, funding panel
decisions, and effective-dated personal budgets of £100 to £1,500 a week.

Plans use Personal Assistant and agency hours (with day opportunities, short breaks and equipment
now and then); some pay a partner or a close relative in the household as a Personal Assistant,
with a team manager's "necessary" decision recorded; some active cases were reassessed, so they
have an earlier plan and budget ending the day the new one starts. Amounts are worked out with the
same domain rules the services use. Deterministic for a seed and date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dp.assessments.domain.ras import (
    PaOnCosts,
    RasAnswerOption,
    RasQuestion,
    RasRequest,
    RasScheme,
    calculate_indicative_budget,
)
from dp.audit_log.models import EventType
from dp.cases.constants import CaseStatus, CaseType
from dp.cases.models import Case
from dp.core.domain.breakdown import format_date
from dp.core.money import format_pence
from dp.councils.models import PolicyValue
from dp.people.constants import RelationshipKind
from dp.people.models import Relationship
from dp.plans import models as m
from dp.plans.constants import (
    CATEGORY_FOR_KIND,
    BudgetSource,
    EligibleOutcome,
    Funding,
    LineKind,
    NecessaryPurpose,
    NecessaryReason,
    PanelOutcome,
    PayeeRelationship,
    PlanStatus,
    RasSchemeStatus,
)
from dp.plans.domain import costing

QUESTIONS = [
    ("q1", "Help with washing, dressing and using the toilet"),
    ("q2", "Help with eating, drinking and preparing meals"),
    ("q3", "Help to move around the home and stay safe"),
    ("q4", "Help to get out, see people and take part in activities"),
    ("q5", "Support at night"),
    ("q6", "Help from family or friends that is at risk"),
]
ANSWERS = [
    ("a1", "No help needed", 0),
    ("a2", "Some help", 10),
    ("a3", "A lot of help", 25),
    ("a4", "Help with everything", 50),
]
ANSWER_CHOICES = {
    "q1": ANSWERS[1:],
    "q2": ANSWERS,
    "q3": ANSWERS,
    "q4": ANSWERS[1:],
    "q5": ANSWERS[:3],
    "q6": ANSWERS[:3],
}
PENCE_PER_POINT = Decimal(500)  # £5 a point: 20 to 250 points, with PA costs about £100 to £1,450 a week
ON_COSTS = PaOnCosts(
    holiday_pay_percent=Decimal("12.07"),
    employer_ni_percent=Decimal(0),
    pension_percent=Decimal(3),
    insurance_weekly_pence=350,
)
PLANNED = {
    CaseStatus.SUPPORT_PLANNING,
    CaseStatus.FUNDING_PANEL,
    CaseStatus.PLAN_APPROVAL,
    CaseStatus.AGREEMENT,
    CaseStatus.PAYMENT_SETUP,
    CaseStatus.ACTIVE,
    CaseStatus.REVIEW,
    CaseStatus.SUSPENDED,
    CaseStatus.CLOSED,
}
APPROVED = {
    CaseStatus.AGREEMENT,
    CaseStatus.PAYMENT_SETUP,
    CaseStatus.ACTIVE,
    CaseStatus.REVIEW,
    CaseStatus.SUSPENDED,
    CaseStatus.CLOSED,
}
ADULT_NEEDS = [
    EligibleOutcome.PERSONAL_HYGIENE,
    EligibleOutcome.NUTRITION,
    EligibleOutcome.CLOTHING,
    EligibleOutcome.HOME_SAFETY,
    EligibleOutcome.COMMUNITY,
    EligibleOutcome.RELATIONSHIPS,
]
CARER_NEEDS = [EligibleOutcome.RECREATION, EligibleOutcome.RELATIONSHIPS, EligibleOutcome.WORK_AND_LEARNING]
OUTCOME_WORDS = {
    EligibleOutcome.PERSONAL_HYGIENE: "Washed and dressed by 9 so I can start my day",
    EligibleOutcome.NUTRITION: "A hot meal every day that I have helped to cook",
    EligibleOutcome.CLOTHING: "Clean clothes that I have chosen myself",
    EligibleOutcome.HOME_SAFETY: "Move around my home without falling",
    EligibleOutcome.COMMUNITY: "Get to my club and the shops twice a week",
    EligibleOutcome.RELATIONSHIPS: "See my friends and family regularly",
    EligibleOutcome.RECREATION: "A regular break from caring to do something for me",
    EligibleOutcome.WORK_AND_LEARNING: "Keep my part-time job while I care",
    EligibleOutcome.OTHER: "Time out with friends, and a break for the family",
}
PANEL_REASONS = {
    PanelOutcome.AGREED: "Two carers are needed for transfers; the extra hours are essential to keep them at home.",
    PanelOutcome.AGREED_DIFFERENT_AMOUNT: "Agreed the weekday hours; weekend support can come from the day centre.",
    PanelOutcome.REFUSED: "The needs can be met within the indicative budget using the community day service.",
}


def domain_scheme() -> RasScheme:
    return RasScheme(
        questions=[
            RasQuestion(code, text, [RasAnswerOption(a, label, points) for a, label, points in ANSWERS])
            for code, text in QUESTIONS
        ],
        price_per_point_pence=PENCE_PER_POINT,
        pa_on_costs=ON_COSTS,
    )


def step_ras_scheme(ctx: Any) -> None:
    admin = ctx.staff["admin"]
    start = ctx.today - dt.timedelta(days=900)
    scheme = m.RasScheme.objects.create(
        name="Northmoor adults' resource allocation",
        effective_from=start,
        status=RasSchemeStatus.PUBLISHED,
        pence_per_point=PENCE_PER_POINT,
        holiday_pay_percent=ON_COSTS.holiday_pay_percent,
        employer_ni_percent=ON_COSTS.employer_ni_percent,
        pension_percent=ON_COSTS.pension_percent,
        insurance_weekly_pence=ON_COSTS.insurance_weekly_pence,
        reason="Adopted by the cabinet member for adult social care; based on the ADASS common framework.",
        created_by=admin,
        published_by=admin,
        published_at=ctx.moment(start - dt.timedelta(days=14)),
    )
    questions = m.RasQuestion.objects.bulk_create(
        m.RasQuestion(scheme=scheme, code=code, text=text, order=i) for i, (code, text) in enumerate(QUESTIONS, 1)
    )
    m.RasAnswer.objects.bulk_create(
        m.RasAnswer(question=q, code=a, label=label, points=points, order=i)
        for q in questions
        for i, (a, label, points) in enumerate(ANSWERS, 1)
    )
    ctx.event(
        event_type=EventType.RAS_SCHEME_CHANGED,
        subject=scheme,
        at=scheme.published_at,
        actor=admin,
        summary=f"Resource allocation scheme “{scheme.name}” published",
    )
    assert ctx.council is not None
    PolicyValue.objects.create(
        council=ctx.council,
        key="children_short_break_nights_per_year",
        value=120,
        effective_from=start,
        set_at=ctx.moment(start - dt.timedelta(days=20)),
        reason="Short breaks statement: up to 120 nights a year by direct payment",
    )
    ctx.plans_scheme = scheme


def _dates(ctx: Any, case: Case) -> tuple[dt.date, dt.date]:
    """(day the plan was written, day it was approved and the budget started), within the case's life."""
    opened = case.opened_on
    last = min(ctx.today, case.closed_on or ctx.today)
    span = max((last - opened).days, 2)
    written = opened + dt.timedelta(days=min(span - 1, ctx.rng.randint(10, 40)))
    if case.status in (CaseStatus.ACTIVE, CaseStatus.REVIEW, CaseStatus.SUSPENDED, CaseStatus.CLOSED):
        approved = written + dt.timedelta(days=ctx.rng.randint(5, 20))
        approved = min(approved, last - dt.timedelta(days=1)) if last > written else written
    else:
        approved = min(written + dt.timedelta(days=ctx.rng.randint(3, 10)), ctx.today)
    return written, max(approved, written)


def _lines_for(ctx: Any, case: Case, target_pence: int, *, family_pa: bool) -> list[dict[str, Any]]:
    """Costed lines adding up to about `target_pence` a week (with insurance)."""
    rng = ctx.rng
    lines: list[dict[str, Any]] = []
    remaining = target_pence - ON_COSTS.insurance_weekly_pence
    if case.case_type == CaseType.CHILD_FAMILY and rng.random() < 0.7:
        nights = rng.choice([12, 24, 36, 52])
        lines.append({"kind": LineKind.CHILDREN_OVERNIGHT_SHORT_BREAK, "q": Decimal(nights), "unit": 18000})
    if case.case_type == CaseType.CARER and rng.random() < 0.6:
        lines.append({"kind": LineKind.SHORT_BREAK, "q": Decimal(rng.choice([6, 12, 20])), "unit": 9500})
    if rng.random() < 0.2:
        lines.append({"kind": LineKind.DAY_OPPORTUNITY, "q": Decimal(rng.choice([1, 2])), "unit": 4500})
    if rng.random() < 0.1:
        lines.append({"kind": LineKind.EQUIPMENT, "q": Decimal(1), "unit": rng.choice([18000, 45000, 62000])})
    for line in lines:
        remaining -= costing.cost_line(
            costing.LineInput(costing.LineKind(line["kind"]), line["q"], line["unit"]), ON_COSTS
        ).weekly_pence
    pa_share = 1.0 if family_pa else rng.choice([0.0, 0.5, 0.7, 1.0, 1.0])
    pa_rate = rng.choice([1271, 1300, 1350, 1425, 1500])
    agency_rate = rng.choice([2250, 2400, 2595, 2800])
    pa_budget = max(int(remaining * pa_share), 0)
    agency_budget = max(remaining - pa_budget, 0)
    if pa_budget > 0:
        per_hour = costing.cost_line(
            costing.LineInput(costing.LineKind.PERSONAL_ASSISTANT, Decimal(1), pa_rate), ON_COSTS
        )
        hours = max(Decimal(round(pa_budget / per_hour.weekly_pence * 2)) / 2, Decimal("1.5"))
        lines.insert(0, {"kind": LineKind.PERSONAL_ASSISTANT, "q": hours, "unit": pa_rate, "family": family_pa})
    if agency_budget > 2000:
        hours = max(Decimal(round(agency_budget / agency_rate * 2)) / 2, Decimal(1))
        arranged = rng.random() < 0.25
        lines.append({"kind": LineKind.CARE_AGENCY, "q": hours, "unit": agency_rate, "arranged": arranged})
    if not lines:
        lines.append({"kind": LineKind.PERSONAL_ASSISTANT, "q": Decimal(8), "unit": pa_rate})
    return lines


DESCRIPTIONS = {
    LineKind.PERSONAL_ASSISTANT: "Personal Assistant: mornings, meals and getting out",
    LineKind.CARE_AGENCY: "Home care agency visits",
    LineKind.DAY_OPPORTUNITY: "Day opportunities at the community hub",
    LineKind.SHORT_BREAK: "Short breaks away from caring",
    LineKind.CHILDREN_OVERNIGHT_SHORT_BREAK: "Overnight short breaks with a specialist carer",
    LineKind.EQUIPMENT: "Equipment: riser-recliner chair",
}


class _Builder:
    """Collects rows to bulk-create, keeping the links between them."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.indicative: list[m.IndicativeBudget] = []
        self.plans: list[m.SupportPlan] = []
        self.outcomes: list[tuple[m.SupportPlan, m.PlanOutcome]] = []
        self.payees: list[tuple[m.SupportPlan, m.PlanPayee]] = []
        self.lines: list[tuple[m.SupportPlan, m.PlanLine, list[m.PlanOutcome], m.PlanPayee | None]] = []
        self.decisions: list[tuple[m.SupportPlan, m.PanelDecision]] = []
        self.budgets: list[tuple[m.SupportPlan, m.PersonalBudget]] = []


def _family_candidate(person_id: int, relationships: dict[int, list[Relationship]]) -> Relationship | None:
    for rel in relationships.get(person_id, []):
        if (
            rel.kind in (RelationshipKind.SPOUSE_OR_PARTNER_OF, RelationshipKind.CLOSE_RELATIVE_OF)
            and rel.same_household
        ):
            return rel
    return None


def _add_plan(
    b: _Builder,
    case: Case,
    *,
    version: int,
    status: str,
    target: int,
    written: dt.date,
    approved: dt.date | None,
    family: Relationship | None,
    manager: Any,
) -> tuple[m.SupportPlan, int, list[m.PlanLine]]:
    ctx = b.ctx
    plan = m.SupportPlan(
        case=case,
        version=version,
        status=status,
        author=case.worker,
        submitted_at=ctx.moment(written) if status != PlanStatus.DRAFT else None,
        submitted_by=case.worker if status != PlanStatus.DRAFT else None,
        approved_at=ctx.moment(approved) if approved else None,
        approved_by=manager if approved else None,
    )
    b.plans.append(plan)
    needs = (
        CARER_NEEDS
        if case.case_type == CaseType.CARER
        else [EligibleOutcome.OTHER]
        if case.case_type == CaseType.CHILD_FAMILY
        else ADULT_NEEDS
    )
    chosen = ctx.rng.sample(needs, k=min(len(needs), ctx.rng.randint(1, 3)))
    outcomes = []
    for order, need in enumerate(chosen, 1):
        outcome = m.PlanOutcome(
            plan=plan, need_code=need.value, need_label=need.label, outcome=OUTCOME_WORDS[need], order=order
        )
        outcomes.append(outcome)
        b.outcomes.append((plan, outcome))
    payee = None
    if family is not None:
        other = family.from_person if family.to_person_id == case.person_id else family.to_person
        relation = (
            PayeeRelationship.SPOUSE_OR_CIVIL_PARTNER
            if family.kind == RelationshipKind.SPOUSE_OR_PARTNER_OF
            else PayeeRelationship.SON_OR_DAUGHTER
        )
        decided = status != PlanStatus.DRAFT or ctx.rng.random() < 0.5
        payee = m.PlanPayee(
            plan=plan,
            person=other,
            relationship_record=family,
            name=other.full_name,
            relationship=relation,
            lives_in_same_household=True,
            necessary_reason=ctx.rng.choice(
                [NecessaryReason.INTIMATE_SUPPORT, NecessaryReason.COMMUNICATION_NEEDS, NecessaryReason.PALLIATIVE_CARE]
            )
            if decided
            else "",
            necessary_purpose=NecessaryPurpose.CARE if decided else "",
            necessary_note=f"{other.known_as} is the only person {case.person.known_as} will accept personal care "
            "from; agencies could not cover the early calls."
            if decided
            else "",
            necessary_decided_by=manager if decided else None,
            necessary_decided_at=ctx.moment(written) if decided else None,
        )
        b.payees.append((plan, payee))
    elif ctx.rng.random() < 0.5:
        payee = m.PlanPayee(
            plan=plan, name=ctx.faker.name(), relationship=PayeeRelationship.NOT_RELATED, lives_in_same_household=False
        )
        b.payees.append((plan, payee))
    made: list[m.PlanLine] = []
    for spec in _lines_for(ctx, case, target, family_pa=family is not None):
        kind = spec["kind"]
        cost = costing.cost_line(costing.LineInput(costing.LineKind(kind), spec["q"], spec["unit"]), ON_COSTS)
        line = m.PlanLine(
            plan=plan,
            kind=kind,
            category=CATEGORY_FOR_KIND[kind],
            description=DESCRIPTIONS.get(kind, "Support"),
            funding=Funding.COUNCIL_ARRANGED if spec.get("arranged") else Funding.DIRECT_PAYMENT,
            quantity=spec["q"],
            unit_cost_pence=spec["unit"],
            weekly_cost_pence=cost.weekly_pence,
            one_off_cost_pence=cost.one_off_pence,
            cost_breakdown=[line.as_dict() for line in cost.breakdown],
        )
        b.lines.append((plan, line, outcomes, payee if kind == LineKind.PERSONAL_ASSISTANT else None))
        made.append(line)
    return plan, _totals(made).total_weekly_pence, made


def _totals(lines: list[m.PlanLine]) -> costing.PlanTotals:
    from dp.assessments.domain.plan_checks import Funding as DomainFunding

    return costing.plan_totals(
        [
            costing.CostedLine(
                costing.LineKind(li.kind), DomainFunding(li.funding), li.weekly_cost_pence, li.one_off_cost_pence
            )
            for li in lines
        ],
        insurance_weekly_pence=ON_COSTS.insurance_weekly_pence,
    )


def _budget(
    b: _Builder,
    case: Case,
    plan: m.SupportPlan,
    lines: list[m.PlanLine],
    start: dt.date,
    end: dt.date | None,
    source: str,
    manager: Any,
) -> m.PersonalBudget:
    totals = _totals(lines)
    budget = m.PersonalBudget(
        case=case,
        plan=plan,
        source=source,
        weekly_budget_pence=totals.total_weekly_pence,
        direct_payment_weekly_pence=totals.direct_payment_weekly_pence,
        direct_payment_regular_weekly_pence=totals.direct_payment_regular_weekly_pence,
        direct_payment_one_off_pence=totals.direct_payment_one_off_pence,
        council_arranged_weekly_pence=totals.council_arranged_weekly_pence,
        effective_from=start,
        effective_to=end if end and end > start else None,
        set_by=manager,
        set_at=b.ctx.moment(start),
        reason=f"Support plan {plan.version} approved by {manager.display_name}",
    )
    b.budgets.append((plan, budget))
    return budget


def step_plans_and_budgets(ctx: Any) -> None:
    scheme_row = getattr(ctx, "plans_scheme", None) or m.RasScheme.objects.get()
    scheme = domain_scheme()
    manager = ctx.staff["team.manager"]
    b = _Builder(ctx)
    cases = [case for case in ctx.cases if case.status in PLANNED]
    person_ids = [case.person_id for case in cases]
    relationships: dict[int, list[Relationship]] = {}
    for rel in Relationship.objects.filter(to_person_id__in=person_ids).select_related("from_person", "to_person"):
        relationships.setdefault(rel.to_person_id, []).append(rel)
    for case in cases:
        rng = ctx.rng
        # At least some help with personal care and getting out (20 points, £100), at most 250 points.
        answers = {code: rng.choice(ANSWER_CHOICES[code])[0] for code, _ in QUESTIONS}
        pa_share = Decimal(rng.choice([0, 50, 100]))
        result = calculate_indicative_budget(RasRequest(answers=answers, pa_share_percent=pa_share), scheme)
        indicative = result.indicative_weekly_budget_pence
        written, approved_on = _dates(ctx, case)
        b.indicative.append(
            m.IndicativeBudget(
                case=case,
                scheme=scheme_row,
                answers=answers,
                pa_share_percent=pa_share,
                total_points=result.total_points,
                core_weekly_pence=result.core_weekly_pence,
                on_costs_weekly_pence=result.on_costs_weekly_pence,
                weekly_pence=indicative,
                breakdown=[line.as_dict() for line in result.breakdown],
                calculated_on=written,
                calculated_at=ctx.moment(written),
                calculated_by=case.worker,
            )
        )
        over = case.status == CaseStatus.FUNDING_PANEL or rng.random() < 0.2
        factor = rng.uniform(1.12, 1.35) if over else rng.uniform(0.82, 0.99)
        target = min(max(int(indicative * factor), 11000), 145000)
        family = _family_candidate(case.person_id, relationships) if rng.random() < 0.4 else None
        status = {
            CaseStatus.SUPPORT_PLANNING: PlanStatus.DRAFT,
            CaseStatus.FUNDING_PANEL: PlanStatus.AT_PANEL,
            CaseStatus.PLAN_APPROVAL: PlanStatus.AWAITING_APPROVAL,
        }.get(case.status, PlanStatus.APPROVED)
        reassessed = case.status == CaseStatus.ACTIVE and (ctx.today - approved_on).days > 200 and rng.random() < 0.15
        version = 1
        if reassessed:
            first_start = approved_on
            second_start = first_start + dt.timedelta(days=rng.randint(90, (ctx.today - first_start).days - 30))
            old_plan, _, old_lines = _add_plan(
                b,
                case,
                version=1,
                status=PlanStatus.SUPERSEDED,
                target=int(target * rng.uniform(0.75, 0.95)),
                written=written,
                approved=first_start,
                family=None,
                manager=manager,
            )
            _budget(b, case, old_plan, old_lines, first_start, second_start, BudgetSource.PLAN_APPROVED, manager)
            version, written, approved_on = 2, second_start - dt.timedelta(days=14), second_start
        plan, cost, lines = _add_plan(
            b,
            case,
            version=version,
            status=status,
            target=target,
            written=written,
            approved=approved_on if status == PlanStatus.APPROVED else None,
            family=family,
            manager=manager,
        )
        if over and status != PlanStatus.AT_PANEL:
            outcome = (
                rng.choice([PanelOutcome.REFUSED, PanelOutcome.AGREED_DIFFERENT_AMOUNT])
                if status == PlanStatus.DRAFT
                else PanelOutcome.AGREED
            )
            agreed = (
                None if outcome == PanelOutcome.REFUSED else cost if outcome == PanelOutcome.AGREED else int(cost * 0.9)
            )
            b.decisions.append(
                (
                    plan,
                    m.PanelDecision(
                        plan=plan,
                        outcome=outcome,
                        plan_cost_weekly_pence=cost,
                        indicative_weekly_pence=indicative,
                        agreed_weekly_pence=agreed,
                        reasons=PANEL_REASONS[outcome],
                        decided_by=manager,
                        decided_at=ctx.moment(written + dt.timedelta(days=3)),
                    ),
                )
            )
            plan.budget_limit_weekly_pence = agreed
            if status == PlanStatus.DRAFT:
                plan.returned_reason = f"Funding panel: {PANEL_REASONS[outcome]}"
        if status == PlanStatus.APPROVED:
            end = case.closed_on if case.status == CaseStatus.CLOSED else None
            source = BudgetSource.REASSESSMENT if reassessed else BudgetSource.PLAN_APPROVED
            _budget(b, case, plan, lines, approved_on, end, source, manager)
    _save(b)


def _save(b: _Builder) -> None:
    ctx = b.ctx
    m.IndicativeBudget.objects.bulk_create(b.indicative, batch_size=2000)
    m.SupportPlan.objects.bulk_create(b.plans, batch_size=2000)
    for plan, outcome in b.outcomes:
        outcome.plan = plan
    m.PlanOutcome.objects.bulk_create([o for _, o in b.outcomes], batch_size=2000)
    for plan, payee in b.payees:
        payee.plan = plan
    m.PlanPayee.objects.bulk_create([p for _, p in b.payees], batch_size=2000)
    for plan, line, _outcomes, paid in b.lines:
        line.plan = plan
        if paid is not None:
            line.payee = paid
    m.PlanLine.objects.bulk_create([line for _, line, _, _ in b.lines], batch_size=2000)
    through = m.PlanLine.meets_outcomes.through
    through.objects.bulk_create(
        [through(planline_id=line.pk, planoutcome_id=o.pk) for _, line, outcomes, _ in b.lines for o in outcomes],
        batch_size=5000,
    )
    for plan, decision in b.decisions:
        decision.plan = plan
    m.PanelDecision.objects.bulk_create([d for _, d in b.decisions], batch_size=2000)
    for plan, budget in b.budgets:
        budget.plan = plan
    m.PersonalBudget.objects.bulk_create([bud for _, bud in b.budgets], batch_size=2000)
    for ib in b.indicative:
        ctx.event(
            event_type=EventType.INDICATIVE_BUDGET_CALCULATED,
            subject=ib,
            person=ib.case.person,
            case=ib.case,
            actor=ib.calculated_by,
            at=ib.calculated_at,
            summary=f"Indicative budget {format_pence(ib.weekly_pence)} a week",
        )
    for plan in b.plans:
        ctx.event(
            event_type=EventType.PLAN_CREATED,
            subject=plan,
            person=plan.case.person,
            case=plan.case,
            actor=plan.author,
            at=plan.submitted_at or ctx.moment(ctx.today),
            summary=f"Support plan {plan.version} started",
        )
        if plan.approved_at:
            ctx.event(
                event_type=EventType.PLAN_APPROVED,
                subject=plan,
                person=plan.case.person,
                case=plan.case,
                actor=plan.approved_by,
                at=plan.approved_at,
                summary=f"Plan {plan.version} approved",
            )
    for _, payee in b.payees:
        if payee.necessary_decided_at:
            ctx.event(
                event_type=EventType.PLAN_PAYEE_NECESSARY,
                subject=payee,
                person=payee.plan.case.person,
                case=payee.plan.case,
                actor=payee.necessary_decided_by,
                at=payee.necessary_decided_at,
                summary=f"Paying {payee.name} ({payee.get_relationship_display().lower()}) recorded as necessary",
            )
    for _, decision in b.decisions:
        ctx.event(
            event_type=EventType.PLAN_PANEL_DECIDED,
            subject=decision.plan,
            person=decision.plan.case.person,
            case=decision.plan.case,
            actor=decision.decided_by,
            at=decision.decided_at,
            summary=f"Funding panel: {decision.get_outcome_display().lower()}. {decision.reasons}",
        )
    for _, budget in b.budgets:
        ctx.event(
            event_type=EventType.BUDGET_SET,
            subject=budget,
            person=budget.case.person,
            case=budget.case,
            actor=budget.set_by,
            at=budget.set_at or timezone.now(),
            summary=f"Personal budget {format_pence(budget.weekly_budget_pence)} a week from "
            f"{format_date(budget.effective_from)}",
        )


STEPS = [step_ras_scheme, step_plans_and_budgets]
