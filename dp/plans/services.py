"""Writes for resource allocation schemes, indicative budgets, support plans, the funding panel and
personal budgets. Each locks what it changes, checks through the domain rules, writes, and records
an audit event in one transaction; case status moves go through `dp.cases.services.case_transition`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from dp.assessments.domain.plan_checks import Payee, PlanCheckReport, check_payee
from dp.assessments.domain.plan_checks import Relationship as DomainRelationship
from dp.assessments.domain.ras import RasRequest, calculate_indicative_budget
from dp.audit_log.models import EventType
from dp.audit_log.services import audit_event_record, snapshot
from dp.cases.constants import CaseStatus
from dp.cases.domain.workflow import can_transition
from dp.cases.models import Case
from dp.cases.services import case_transition
from dp.core import clock
from dp.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from dp.core.money import format_pence
from dp.people.models import Person, Relationship
from dp.plans import selectors
from dp.plans.constants import (
    CATEGORY_FOR_KIND,
    OPEN_PLAN_STATUSES,
    BudgetSource,
    Funding,
    ItemCategory,
    LineKind,
    NecessaryPurpose,
    NecessaryReason,
    PanelOutcome,
    PayeeRelationship,
    PlanStatus,
    RasSchemeStatus,
)
from dp.plans.domain import panel as panel_rules
from dp.plans.domain.budgets import BudgetPeriod, periods_to_close
from dp.plans.domain.checks import SubmissionRoute, submission_route
from dp.plans.domain.costing import LineInput, cost_line
from dp.plans.domain.costing import LineKind as DomainLineKind
from dp.plans.domain.payees import relationship_conflict
from dp.plans.domain.workflow import PLAN_TRANSITIONS
from dp.plans.models import (
    IndicativeBudget,
    PanelDecision,
    PersonalBudget,
    PlanLine,
    PlanOutcome,
    PlanPayee,
    RasAnswer,
    RasQuestion,
    RasScheme,
    SupportPlan,
)
from dp.staff.models import User
from dp.staff.roles import Role

# Case statuses in which a plan can be started or changed.
PLANNING_STATUSES = (CaseStatus.NEEDS_ASSESSMENT, CaseStatus.FINANCIAL_ASSESSMENT, CaseStatus.SUPPORT_PLANNING)
_SCHEME_FIELDS = [
    "name",
    "effective_from",
    "pence_per_point",
    "holiday_pay_percent",
    "employer_ni_percent",
    "pension_percent",
    "insurance_weekly_pence",
]


# --- Resource allocation schemes -------------------------------------------------------------


def _require_draft_scheme(scheme: RasScheme) -> RasScheme:
    scheme = RasScheme.objects.select_for_update().get(pk=scheme.pk)
    if not scheme.is_draft:
        raise TransitionNotAllowed("A published scheme cannot be changed. Start a new draft from it instead.")
    return scheme


def _check_scheme_values(values: dict[str, Any]) -> None:
    if not str(values.get("name", "")).strip():
        raise ValidationFailed("Enter a name for the scheme", field="name")
    if Decimal(values["pence_per_point"]) <= 0:
        raise ValidationFailed("The price per point must be more than £0", field="pence_per_point")
    for name in ("holiday_pay_percent", "employer_ni_percent", "pension_percent"):
        if not Decimal(0) <= Decimal(values[name]) <= Decimal(100):
            raise ValidationFailed("Enter a percentage from 0 to 100", field=name)
    if values["insurance_weekly_pence"] < 0:
        raise ValidationFailed("Insurance cannot be negative", field="insurance_weekly_pence")


@transaction.atomic
def ras_scheme_create(
    *,
    actor: User,
    name: str,
    effective_from: dt.date,
    pence_per_point: Decimal,
    holiday_pay_percent: Decimal,
    employer_ni_percent: Decimal,
    pension_percent: Decimal,
    insurance_weekly_pence: int,
    reason: str,
    copy_from: RasScheme | None = None,
) -> RasScheme:
    """A new draft scheme, with the questions of `copy_from` when given (a change to the scheme in force)."""
    values = {
        "name": name.strip(),
        "effective_from": effective_from,
        "pence_per_point": pence_per_point,
        "holiday_pay_percent": holiday_pay_percent,
        "employer_ni_percent": employer_ni_percent,
        "pension_percent": pension_percent,
        "insurance_weekly_pence": insurance_weekly_pence,
    }
    _check_scheme_values(values)
    if not reason.strip():
        raise ValidationFailed("Enter why the scheme is changing", field="reason")
    scheme = RasScheme.objects.create(**values, reason=reason.strip(), created_by=actor)
    if copy_from is not None:
        for question in selectors.ras_questions(copy_from):
            copy = RasQuestion.objects.create(
                scheme=scheme, code=question.code, text=question.text, order=question.order
            )
            RasAnswer.objects.bulk_create(
                RasAnswer(question=copy, code=a.code, label=a.label, points=a.points, order=a.order)
                for a in question.answers.all()
            )
    audit_event_record(
        actor=actor,
        event_type=EventType.RAS_SCHEME_CHANGED,
        subject=scheme,
        summary=f"Draft resource allocation scheme “{scheme.name}” from {effective_from:%d %B %Y}"
        + (f", copied from “{copy_from.name}”" if copy_from else ""),
        after={**snapshot(scheme, _SCHEME_FIELDS), "reason": scheme.reason},
    )
    return scheme


@transaction.atomic
def ras_scheme_update(*, actor: User, scheme: RasScheme, **values: Any) -> RasScheme:
    scheme = _require_draft_scheme(scheme)
    unknown = set(values) - set(_SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"Unknown scheme fields: {sorted(unknown)}")
    before = snapshot(scheme, _SCHEME_FIELDS)
    _check_scheme_values({name: values.get(name, getattr(scheme, name)) for name in _SCHEME_FIELDS})
    for name, value in values.items():
        setattr(scheme, name, value.strip() if isinstance(value, str) else value)
    scheme.save(update_fields=[*values, "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.RAS_SCHEME_CHANGED,
        subject=scheme,
        summary=f"Draft resource allocation scheme “{scheme.name}” changed",
        before=before,
        after=snapshot(scheme, _SCHEME_FIELDS),
    )
    return scheme


@transaction.atomic
def ras_question_add(*, actor: User, scheme: RasScheme, text: str, answers: list[tuple[int, str]]) -> RasQuestion:
    scheme = _require_draft_scheme(scheme)
    if not text.strip():
        raise ValidationFailed("Enter the question", field="text")
    if len(answers) < 2:
        raise ValidationFailed("Enter at least two answers, one a line", field="answers")
    order = scheme.questions.count() + 1
    codes = set(scheme.questions.values_list("code", flat=True))
    number = order
    while f"q{number}" in codes:
        number += 1
    question = RasQuestion.objects.create(scheme=scheme, code=f"q{number}", text=text.strip(), order=order)
    RasAnswer.objects.bulk_create(
        RasAnswer(question=question, code=f"a{i}", label=label, points=points, order=i)
        for i, (points, label) in enumerate(answers, start=1)
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.RAS_SCHEME_CHANGED,
        subject=scheme,
        summary=f"Question added to “{scheme.name}”: {question.text}",
        after={"question": question.text, "answers": [{"points": p, "label": label} for p, label in answers]},
    )
    return question


@transaction.atomic
def ras_question_remove(*, actor: User, question: RasQuestion) -> None:
    scheme = _require_draft_scheme(question.scheme)
    text = question.text
    question.delete()
    audit_event_record(
        actor=actor,
        event_type=EventType.RAS_SCHEME_CHANGED,
        subject=scheme,
        summary=f"Question removed from “{scheme.name}”: {text}",
        before={"question": text},
    )


@transaction.atomic
def ras_scheme_publish(*, actor: User, scheme: RasScheme) -> RasScheme:
    """Fix a draft scheme and bring it into force from its date (today or later, so indicative
    budgets already worked out keep the scheme they were worked out with)."""
    scheme = _require_draft_scheme(scheme)
    today = clock.today()
    if scheme.effective_from < today:
        raise ValidationFailed(
            "A scheme can only take effect from today or later. Change the date before publishing.",
            field="effective_from",
        )
    if RasScheme.objects.filter(status=RasSchemeStatus.PUBLISHED, effective_from=scheme.effective_from).exists():
        raise ValidationFailed(
            "A published scheme already takes effect on that date. Choose another date.", field="effective_from"
        )
    selectors.ras_scheme_as_domain(scheme)  # refuses a scheme without questions or with broken answers
    scheme.status = RasSchemeStatus.PUBLISHED
    scheme.published_by = actor
    scheme.published_at = clock.now()
    scheme.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.RAS_SCHEME_CHANGED,
        subject=scheme,
        summary=f"Resource allocation scheme “{scheme.name}” published, in force from {scheme.effective_from:%d %B %Y}",
        before={"status": RasSchemeStatus.DRAFT},
        after={"status": scheme.status, "effective_from": scheme.effective_from},
    )
    return scheme


# --- Indicative budgets ----------------------------------------------------------------------


@transaction.atomic
def indicative_budget_calculate(
    *, actor: User, case: Case, answers: dict[str, str], pa_share_percent: Decimal
) -> IndicativeBudget:
    """Work out the indicative weekly budget from the scheme in force today (RULES.md §5, PB-02)."""
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if not case.is_open:
        raise TransitionNotAllowed("The case is closed.")
    today = clock.today()
    scheme = selectors.ras_scheme_in_force(today)
    if scheme is None:
        raise ValidationFailed("The council has no resource allocation scheme in force. Ask a system administrator.")
    result = calculate_indicative_budget(
        RasRequest(answers=answers, pa_share_percent=pa_share_percent), selectors.ras_scheme_as_domain(scheme)
    )
    budget = IndicativeBudget.objects.create(
        case=case,
        scheme=scheme,
        answers=dict(answers),
        pa_share_percent=pa_share_percent,
        total_points=result.total_points,
        core_weekly_pence=result.core_weekly_pence,
        on_costs_weekly_pence=result.on_costs_weekly_pence,
        weekly_pence=result.indicative_weekly_budget_pence,
        breakdown=[line.as_dict() for line in result.breakdown],
        calculated_on=today,
        calculated_at=clock.now(),
        calculated_by=actor,
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.INDICATIVE_BUDGET_CALCULATED,
        subject=budget,
        person=case.person,
        case=case,
        summary=f"Indicative budget {format_pence(budget.weekly_pence)} a week ({result.total_points} points, "
        f"scheme “{scheme.name}”)",
        after={"weekly_pence": budget.weekly_pence, "points": result.total_points, "answers": answers},
    )
    return budget


# --- Support plans ---------------------------------------------------------------------------


def _move_plan(plan: SupportPlan, target: str) -> str:
    if not can_transition(PLAN_TRANSITIONS, plan.status, target):
        raise TransitionNotAllowed(
            f"A plan that is “{plan.get_status_display()}” cannot become “{PlanStatus(target).label}”."
        )
    before = plan.status
    plan.status = target
    return before


def _lock_plan(plan: SupportPlan) -> SupportPlan:
    return SupportPlan.objects.select_for_update().select_related("case__person").get(pk=plan.pk)


def _editable(plan: SupportPlan) -> SupportPlan:
    plan = _lock_plan(plan)
    if plan.status != PlanStatus.DRAFT:
        raise TransitionNotAllowed("Only a plan being written can be changed.")
    if plan.case.status not in PLANNING_STATUSES:
        raise TransitionNotAllowed(f"The case is “{plan.case.get_status_display()}”: the plan cannot be changed now.")
    return plan


def _plan_changed(actor: User, plan: SupportPlan, summary: str, **data: Any) -> None:
    audit_event_record(
        actor=actor,
        event_type=EventType.PLAN_CHANGED,
        subject=plan,
        person=plan.case.person,
        case=plan.case,
        summary=f"Plan {plan.version}: {summary}",
        after=data or None,
    )


@transaction.atomic
def support_plan_start(*, actor: User, case: Case) -> SupportPlan:
    """Start a new plan for the case. After a reassessment it starts as a copy of the approved plan
    (outcomes, payees and lines; a family member's "necessary" decision must be made again)."""
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if case.status not in PLANNING_STATUSES:
        raise TransitionNotAllowed(
            f"A plan can be started during assessment or support planning, not when the case "
            f"is “{case.get_status_display()}”."
        )
    if selectors.plan_open(case) is not None:
        raise ValidationFailed("The case already has a plan being worked on.")
    previous = selectors.plan_approved_latest(case)
    plan = SupportPlan.objects.create(case=case, version=selectors.next_plan_version(case), author=actor)
    if previous is not None:
        _copy_plan(previous, plan)
    audit_event_record(
        actor=actor,
        event_type=EventType.PLAN_CREATED,
        subject=plan,
        person=case.person,
        case=case,
        summary=f"Support plan {plan.version} started" + (f", from plan {previous.version}" if previous else ""),
        after={"version": plan.version, "copied_from": previous.pk if previous else None},
    )
    return plan


def _copy_plan(source: SupportPlan, target: SupportPlan) -> None:
    outcomes = {}
    for outcome in source.outcomes.all():
        outcomes[outcome.pk] = PlanOutcome.objects.create(
            plan=target,
            need_code=outcome.need_code,
            need_label=outcome.need_label,
            outcome=outcome.outcome,
            order=outcome.order,
        )
    payees = {}
    for payee in source.payees.all():
        payees[payee.pk] = PlanPayee.objects.create(
            plan=target,
            person=payee.person,
            relationship_record=payee.relationship_record,
            name=payee.name,
            relationship=payee.relationship,
            lives_in_same_household=payee.lives_in_same_household,
        )
    for line in selectors.plan_lines(source):
        copy = PlanLine.objects.create(
            plan=target,
            kind=line.kind,
            category=line.category,
            description=line.description,
            funding=line.funding,
            quantity=line.quantity,
            unit_cost_pence=line.unit_cost_pence,
            starts_on=line.starts_on,
            ends_on=line.ends_on,
            payee=payees.get(line.payee_id) if line.payee_id else None,
            weekly_cost_pence=line.weekly_cost_pence,
            one_off_cost_pence=line.one_off_cost_pence,
            cost_breakdown=line.cost_breakdown,
        )
        copy.meets_outcomes.set([outcomes[o.pk] for o in line.meets_outcomes.all()])


@transaction.atomic
def plan_outcome_add(*, actor: User, plan: SupportPlan, need_code: str, outcome: str) -> PlanOutcome:
    plan = _editable(plan)
    needs = dict(selectors.need_choices(plan.case))
    if need_code not in needs:
        raise ValidationFailed("Choose the need this outcome addresses", field="need_code")
    if not outcome.strip():
        raise ValidationFailed("Enter the outcome in the person's words", field="outcome")
    row = PlanOutcome.objects.create(
        plan=plan,
        need_code=need_code,
        need_label=needs[need_code],
        outcome=outcome.strip(),
        order=plan.outcomes.count() + 1,
    )
    _plan_changed(actor, plan, f"outcome added: {row.outcome[:150]}", need=need_code, outcome=row.outcome)
    return row


@transaction.atomic
def plan_outcome_remove(*, actor: User, outcome: PlanOutcome) -> None:
    plan = _editable(outcome.plan)
    text = outcome.outcome
    outcome.delete()
    _plan_changed(actor, plan, f"outcome removed: {text[:150]}")


@transaction.atomic
def plan_payee_add(
    *,
    actor: User,
    plan: SupportPlan,
    relationship: str,
    lives_in_same_household: bool,
    relationship_record: Relationship | None = None,
    name: str = "",
) -> PlanPayee:
    """Name someone to be paid from the direct payment. A person from the recipient's relationships
    is linked to their record, and what the worker says must not contradict that record."""
    plan = _editable(plan)
    if relationship not in PayeeRelationship.values:
        raise ValidationFailed("Choose how they are related to the person", field="relationship")
    recipient = plan.case.person
    person: Person | None = None
    if relationship_record is not None:
        if recipient.pk not in (relationship_record.from_person_id, relationship_record.to_person_id):
            raise ValidationFailed("Choose someone from the person's relationships", field="relationship_record")
        if relationship_record.ended_on is not None:
            raise ValidationFailed("That relationship has ended", field="relationship_record")
        payee_is_from = relationship_record.to_person_id == recipient.pk
        person = relationship_record.from_person if payee_is_from else relationship_record.to_person
        problem = relationship_conflict(
            record_kind=relationship_record.kind,
            payee_is_from_person=payee_is_from,
            record_same_household=relationship_record.same_household,
            relationship=DomainRelationship(relationship),
            lives_in_same_household=lives_in_same_household,
        )
        if problem:
            field = "lives_in_same_household" if "household" in problem else "relationship"
            raise ValidationFailed(problem, field=field)
        name = person.full_name
    if not name.strip():
        raise ValidationFailed("Enter the name of the person to be paid", field="name")
    payee = PlanPayee.objects.create(
        plan=plan,
        person=person,
        relationship_record=relationship_record,
        name=name.strip(),
        relationship=relationship,
        lives_in_same_household=lives_in_same_household,
    )
    _plan_changed(
        actor,
        plan,
        f"{payee.name} named to be paid ({payee.get_relationship_display().lower()})",
        payee=payee.name,
        relationship=relationship,
        lives_in_same_household=lives_in_same_household,
    )
    return payee


@transaction.atomic
def plan_payee_remove(*, actor: User, payee: PlanPayee) -> None:
    plan = _editable(payee.plan)
    if payee.lines.exists():
        raise ValidationFailed(f"{payee.name} is paid by lines of the plan. Remove those lines first.")
    name = payee.name
    payee.delete()
    _plan_changed(actor, plan, f"{name} removed from the people paid")


@transaction.atomic
def plan_payee_record_necessary(*, actor: User, payee: PlanPayee, reason: str, purpose: str, note: str) -> PlanPayee:
    """A team manager records the council's decision that paying a family member is necessary, and
    why (DP Regs 2014 reg 3(2); DP-FAM-03, DP-FAM-05)."""
    if not actor.has_role(Role.TEAM_MANAGER):
        raise PermissionDenied("Only a team manager can record this decision for the council.")
    payee = PlanPayee.objects.select_for_update().select_related("plan__case__person").get(pk=payee.pk)
    plan = payee.plan
    if plan.status not in OPEN_PLAN_STATUSES:
        raise TransitionNotAllowed("The plan has been approved; decisions on it cannot be changed.")
    check = check_payee(Payee(payee.name, DomainRelationship(payee.relationship), payee.lives_in_same_household))
    if check.passed:
        raise ValidationFailed(f"No decision is needed: {check.explanation}")
    if reason not in NecessaryReason.values:
        raise ValidationFailed("Choose why it is necessary", field="reason")
    if purpose not in NecessaryPurpose.values:
        raise ValidationFailed("Choose what they will be paid for", field="purpose")
    if not note.strip():
        raise ValidationFailed("Enter the reasons for the decision", field="note")
    payee.necessary_reason = reason
    payee.necessary_purpose = purpose
    payee.necessary_note = note.strip()
    payee.necessary_decided_by = actor
    payee.necessary_decided_at = clock.now()
    payee.save(
        update_fields=[
            "necessary_reason",
            "necessary_purpose",
            "necessary_note",
            "necessary_decided_by",
            "necessary_decided_at",
        ]
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.PLAN_PAYEE_NECESSARY,
        subject=payee,
        person=plan.case.person,
        case=plan.case,
        summary=f"Paying {payee.name} ({payee.get_relationship_display().lower()}) recorded as necessary: "
        f"{NecessaryReason(reason).label}",
        after={"reason": reason, "purpose": purpose, "note": payee.necessary_note},
    )
    return payee


@transaction.atomic
def plan_line_add(
    *,
    actor: User,
    plan: SupportPlan,
    kind: str,
    description: str,
    funding: str,
    quantity: Decimal,
    unit_cost_pence: int,
    meets_outcomes: Iterable[PlanOutcome],
    category: str = "",
    payee: PlanPayee | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> PlanLine:
    """Add a costed line (plans.domain.costing), delivered by direct payment or arranged by the council."""
    plan = _editable(plan)
    if kind not in LineKind.values:
        raise ValidationFailed("Choose what kind of support it is", field="kind")
    if funding not in Funding.values:
        raise ValidationFailed("Choose how it is delivered", field="funding")
    if not description.strip():
        raise ValidationFailed("Describe the support", field="description")
    if kind == LineKind.OTHER:
        if category not in ItemCategory.values:
            raise ValidationFailed("Choose what it pays for", field="category")
    else:
        category = CATEGORY_FOR_KIND[kind]
    if payee is not None:
        if payee.plan_id != plan.pk:
            raise ValidationFailed("Choose someone named on this plan", field="payee")
        if kind != LineKind.PERSONAL_ASSISTANT or funding != Funding.DIRECT_PAYMENT:
            raise ValidationFailed(
                "Only Personal Assistant hours paid by direct payment are paid to a named person", field="payee"
            )
    if kind == LineKind.CARE_HOME_SHORT_STAY:
        if starts_on is None or ends_on is None:
            raise ValidationFailed("Enter the dates of the stay", field="starts_on")
        if ends_on <= starts_on:
            raise ValidationFailed("The stay must end after it starts", field="ends_on")
        for other in plan.lines.filter(kind=LineKind.CARE_HOME_SHORT_STAY):
            if other.starts_on and other.ends_on and starts_on < other.ends_on and other.starts_on < ends_on:
                raise ValidationFailed("This stay overlaps another stay in the plan", field="starts_on")
        quantity = Decimal((ends_on - starts_on).days)
    else:
        starts_on = ends_on = None
    if kind in (LineKind.EQUIPMENT, LineKind.OTHER):
        quantity = Decimal(1)
    outcomes = list(meets_outcomes)
    if not outcomes:
        raise ValidationFailed("Choose the outcomes this support meets", field="meets_outcomes")
    if any(o.plan_id != plan.pk for o in outcomes):
        raise ValidationFailed("Choose outcomes of this plan", field="meets_outcomes")
    scheme = selectors.ras_scheme_in_force(clock.today())
    cost = cost_line(
        LineInput(kind=DomainLineKind(kind), quantity=quantity, unit_cost_pence=unit_cost_pence),
        selectors.on_costs(scheme),
    )
    line = PlanLine.objects.create(
        plan=plan,
        kind=kind,
        category=category,
        description=description.strip(),
        funding=funding,
        quantity=quantity,
        unit_cost_pence=unit_cost_pence,
        starts_on=starts_on,
        ends_on=ends_on,
        payee=payee,
        weekly_cost_pence=cost.weekly_pence,
        one_off_cost_pence=cost.one_off_pence,
        cost_breakdown=[b.as_dict() for b in cost.breakdown],
    )
    line.meets_outcomes.set(outcomes)
    _plan_changed(
        actor,
        plan,
        f"line added: {line.description[:120]} ({format_pence(line.weekly_cost_pence)} a week, "
        f"{Funding(funding).label.lower()})",
        kind=kind,
        funding=funding,
        weekly_cost_pence=line.weekly_cost_pence,
        one_off_cost_pence=line.one_off_cost_pence,
    )
    return line


@transaction.atomic
def plan_line_remove(*, actor: User, line: PlanLine) -> None:
    plan = _editable(line.plan)
    description = line.description
    line.delete()
    _plan_changed(actor, plan, f"line removed: {description[:150]}")


def _checks_json(report: PlanCheckReport) -> list[dict[str, Any]]:
    return [
        {"code": c.code, "passed": c.passed, "explanation": c.explanation, "source": c.source} for c in report.checks
    ]


def _failures(report: PlanCheckReport, *, ignore: frozenset[str] = frozenset()) -> str:
    return " ".join(c.explanation for c in report.failed if c.code not in ignore)


@transaction.atomic
def plan_submit(*, actor: User, plan: SupportPlan) -> SubmissionRoute:
    """Send the plan for a decision: to a second person when every check passes, to the funding
    panel when it only costs more than its budget; refused while anything else fails."""
    plan = _lock_plan(plan)
    if plan.status != PlanStatus.DRAFT:
        raise TransitionNotAllowed("Only a plan being written can be sent for a decision.")
    if plan.case.status != CaseStatus.SUPPORT_PLANNING:
        raise TransitionNotAllowed("Move the case to support planning before sending the plan for a decision.")
    if not plan.outcomes.exists():
        raise ValidationFailed("Add the outcomes the person wants before sending the plan.")
    if not plan.lines.exists():
        raise ValidationFailed("Add the support that will meet the outcomes before sending the plan.")
    today = clock.today()
    report = selectors.plan_check_report(plan, on=today)
    route = submission_route(report)
    if route is SubmissionRoute.BLOCKED:
        raise ValidationFailed(f"The plan cannot be sent yet. {_failures(report)}")
    target, case_status = (
        (PlanStatus.AT_PANEL, CaseStatus.FUNDING_PANEL)
        if route is SubmissionRoute.FUNDING_PANEL
        else (PlanStatus.AWAITING_APPROVAL, CaseStatus.PLAN_APPROVAL)
    )
    before = _move_plan(plan, target)
    plan.submitted_at = clock.now()
    plan.submitted_by = actor
    plan.indicative_budget = selectors.indicative_budget_latest(plan.case)
    plan.checks = _checks_json(report)
    plan.returned_reason = ""
    plan.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "indicative_budget",
            "checks",
            "returned_reason",
            "updated_at",
        ]
    )
    totals = selectors.plan_totals_for(plan, on=today)
    where = "the funding panel" if route is SubmissionRoute.FUNDING_PANEL else "approval"
    audit_event_record(
        actor=actor,
        event_type=EventType.PLAN_SUBMITTED,
        subject=plan,
        person=plan.case.person,
        case=plan.case,
        summary=f"Plan {plan.version} ({format_pence(totals.total_weekly_pence)} a week) sent to {where}",
        before={"status": before},
        after={"status": plan.status, "total_weekly_pence": totals.total_weekly_pence},
    )
    case_transition(actor=actor, case=plan.case, to_status=case_status)
    return route


@transaction.atomic
def plan_panel_decide(
    *, actor: User, plan: SupportPlan, outcome: str, reasons: str, agreed_weekly_pence: int | None = None
) -> PanelDecision:
    """Record the funding panel's decision, with reasons (plans.domain.panel)."""
    if not actor.has_role(Role.TEAM_MANAGER):
        raise PermissionDenied("Only a team manager can record the funding panel's decision.")
    plan = _lock_plan(plan)
    if plan.status != PlanStatus.AT_PANEL:
        raise TransitionNotAllowed("This plan is not waiting for the funding panel.")
    if plan.author_id == actor.pk:
        raise PermissionDenied("The person who wrote the plan cannot decide on it at the funding panel.")
    if outcome not in PanelOutcome.values:
        raise ValidationFailed("Choose the panel's decision", field="outcome")
    today = clock.today()
    cost = selectors.plan_totals_for(plan, on=today).total_weekly_pence
    indicative = selectors.indicative_budget_latest(plan.case)
    indicative_pence = indicative.weekly_pence if indicative else 0
    result = panel_rules.decide_panel(
        outcome=panel_rules.PanelOutcome(outcome),
        plan_cost_weekly_pence=cost,
        indicative_weekly_pence=indicative_pence,
        agreed_weekly_pence=agreed_weekly_pence if outcome == PanelOutcome.AGREED_DIFFERENT_AMOUNT else None,
        reasons=reasons,
    )
    agreed = None
    if outcome == PanelOutcome.AGREED:
        agreed = cost
    elif outcome == PanelOutcome.AGREED_DIFFERENT_AMOUNT:
        agreed = agreed_weekly_pence
    decision = PanelDecision.objects.create(
        plan=plan,
        outcome=outcome,
        plan_cost_weekly_pence=cost,
        indicative_weekly_pence=indicative_pence,
        agreed_weekly_pence=agreed,
        reasons=reasons.strip(),
        decided_by=actor,
        decided_at=clock.now(),
    )
    goes_on = result.next_step is panel_rules.NextStep.PLAN_APPROVAL
    before = _move_plan(plan, PlanStatus.AWAITING_APPROVAL if goes_on else PlanStatus.DRAFT)
    plan.budget_limit_weekly_pence = agreed
    plan.returned_reason = "" if goes_on else f"Funding panel: {result.explanation} {reasons.strip()}"
    plan.save(update_fields=["status", "budget_limit_weekly_pence", "returned_reason", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.PLAN_PANEL_DECIDED,
        subject=plan,
        person=plan.case.person,
        case=plan.case,
        summary=f"Funding panel: {PanelOutcome(outcome).label.lower()}. {result.explanation}",
        before={"status": before},
        after={
            "status": plan.status,
            "outcome": outcome,
            "agreed_weekly_pence": agreed,
            "plan_cost_weekly_pence": cost,
            "reasons": decision.reasons,
        },
    )
    case_transition(
        actor=actor,
        case=plan.case,
        to_status=CaseStatus.PLAN_APPROVAL if goes_on else CaseStatus.SUPPORT_PLANNING,
    )
    return decision


@transaction.atomic
def plan_approve(*, actor: User, plan: SupportPlan, budget_effective_from: dt.date) -> PersonalBudget:
    """A second person (a team manager, never the author) approves the plan: the personal budget is
    set from it from `budget_effective_from`, ending any budget before it, and the case moves on to
    the direct payment agreement. On commit, the person's statement transactions from that date are
    categorised again with the new plan (`dp.monitoring.services.plan_transactions_recategorise`)."""
    if not actor.has_role(Role.TEAM_MANAGER):
        raise PermissionDenied("Only a team manager can approve a support plan.")
    plan = _lock_plan(plan)
    if plan.status != PlanStatus.AWAITING_APPROVAL:
        raise TransitionNotAllowed("This plan is not waiting for approval.")
    today = clock.today()
    lines = selectors.plan_lines(plan)
    report = selectors.plan_check_report(plan, on=today, approver_id=actor.pk, lines=lines)
    author_check = next(c for c in report.checks if c.code == "PLAN-AUTHOR-NOT-APPROVER")
    if not author_check.passed:
        raise PermissionDenied(author_check.explanation)
    if not report.passed:
        raise ValidationFailed(f"The plan cannot be approved: {_failures(report)}")
    totals = selectors.plan_totals_for(plan, on=today, lines=lines)
    previous = (
        SupportPlan.objects.select_for_update()
        .filter(case=plan.case, status=PlanStatus.APPROVED)
        .exclude(pk=plan.pk)
        .first()
    )
    budget = personal_budget_set(
        actor=actor,
        case=plan.case,
        plan=plan,
        weekly_budget_pence=totals.total_weekly_pence,
        direct_payment_weekly_pence=totals.direct_payment_weekly_pence,
        direct_payment_regular_weekly_pence=totals.direct_payment_regular_weekly_pence,
        direct_payment_one_off_pence=totals.direct_payment_one_off_pence,
        council_arranged_weekly_pence=totals.council_arranged_weekly_pence,
        effective_from=budget_effective_from,
        source=BudgetSource.REASSESSMENT if previous else BudgetSource.PLAN_APPROVED,
        reason=f"Support plan {plan.version} approved by {actor.display_name}",
    )
    if previous is not None:
        _move_plan(previous, PlanStatus.SUPERSEDED)
        previous.save(update_fields=["status", "updated_at"])
    before = _move_plan(plan, PlanStatus.APPROVED)
    plan.approved_by = actor
    plan.approved_at = clock.now()
    plan.checks = _checks_json(report)
    plan.save(update_fields=["status", "approved_by", "approved_at", "checks", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.PLAN_APPROVED,
        subject=plan,
        person=plan.case.person,
        case=plan.case,
        summary=f"Plan {plan.version} approved: personal budget {format_pence(budget.weekly_budget_pence)} a week "
        f"from {budget_effective_from:%d %B %Y}",
        before={"status": before},
        after={"status": plan.status, "budget": budget.pk},
    )
    case_transition(actor=actor, case=plan.case, to_status=CaseStatus.AGREEMENT)
    # Payees and lines change only in a draft, so approval is when categorising spending changes: the
    # person's transactions from the plan's start are categorised again in the background, on commit.
    from dp.monitoring.services import plan_transactions_recategorise_queue

    plan_transactions_recategorise_queue(actor=actor, plan=plan, since=budget_effective_from)
    return budget


@transaction.atomic
def plan_return(*, actor: User, plan: SupportPlan, reason: str) -> SupportPlan:
    """The approver sends the plan back for changes, with the reason."""
    if not actor.has_role(Role.TEAM_MANAGER):
        raise PermissionDenied("Only a team manager can return a plan.")
    plan = _lock_plan(plan)
    if plan.status != PlanStatus.AWAITING_APPROVAL:
        raise TransitionNotAllowed("This plan is not waiting for approval.")
    if not reason.strip():
        raise ValidationFailed("Enter what needs to change", field="reason")
    before = _move_plan(plan, PlanStatus.DRAFT)
    plan.returned_reason = reason.strip()
    plan.save(update_fields=["status", "returned_reason", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.PLAN_RETURNED,
        subject=plan,
        person=plan.case.person,
        case=plan.case,
        summary=f"Plan {plan.version} returned for changes: {reason.strip()[:200]}",
        before={"status": before},
        after={"status": plan.status, "reason": plan.returned_reason},
    )
    case_transition(actor=actor, case=plan.case, to_status=CaseStatus.SUPPORT_PLANNING, reason=reason)
    return plan


# --- Personal budgets ------------------------------------------------------------------------


@transaction.atomic
def personal_budget_set(
    *,
    actor: User,
    case: Case,
    weekly_budget_pence: int,
    direct_payment_weekly_pence: int,
    direct_payment_regular_weekly_pence: int,
    effective_from: dt.date,
    source: str,
    reason: str,
    plan: SupportPlan | None = None,
    direct_payment_one_off_pence: int = 0,
    council_arranged_weekly_pence: int = 0,
) -> PersonalBudget:
    """Set the case's personal budget from a date, ending the budget before it the day it starts
    (plans.domain.budgets). The exclusion constraint refuses any overlap that slips past this."""
    Case.objects.select_for_update().get(pk=case.pk)
    existing = list(PersonalBudget.objects.select_for_update().filter(case=case).order_by("effective_from"))
    to_close = periods_to_close([BudgetPeriod(b.effective_from, b.effective_to) for b in existing], effective_from)
    for index in to_close:
        old = existing[index]
        before_to = old.effective_to
        old.effective_to = effective_from
        old.save(update_fields=["effective_to"])
        audit_event_record(
            actor=actor,
            event_type=EventType.BUDGET_SET,
            subject=old,
            person=case.person,
            case=case,
            summary=f"Personal budget of {format_pence(old.weekly_budget_pence)} a week ends on "
            f"{effective_from - dt.timedelta(days=1):%d %B %Y}",
            before={"effective_to": before_to},
            after={"effective_to": effective_from},
        )
    budget = PersonalBudget.objects.create(
        case=case,
        plan=plan,
        source=source,
        weekly_budget_pence=weekly_budget_pence,
        direct_payment_weekly_pence=direct_payment_weekly_pence,
        direct_payment_regular_weekly_pence=direct_payment_regular_weekly_pence,
        direct_payment_one_off_pence=direct_payment_one_off_pence,
        council_arranged_weekly_pence=council_arranged_weekly_pence,
        effective_from=effective_from,
        set_by=actor,
        set_at=clock.now(),
        reason=reason,
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.BUDGET_SET,
        subject=budget,
        person=case.person,
        case=case,
        summary=f"Personal budget {format_pence(weekly_budget_pence)} a week from {effective_from:%d %B %Y} "
        f"(direct payment {format_pence(direct_payment_weekly_pence)})",
        after=snapshot(
            budget,
            [
                "weekly_budget_pence",
                "direct_payment_weekly_pence",
                "direct_payment_regular_weekly_pence",
                "direct_payment_one_off_pence",
                "effective_from",
                "source",
            ],
        ),
    )
    return budget
