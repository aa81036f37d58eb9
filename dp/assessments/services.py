"""Writes for assessments: direct payment offers, eligibility decisions, needs assessments,
financial assessments and national figures. (The annual uprating's writes are in `uprating.py`.)

Each service runs in one transaction: it locks what it changes, validates through the pure domain
(`domain/`), writes, and records an audit event. Case status moves are optional and explicit: a
completion may ask to move the case on, which goes through `dp.cases.services.case_transition`
(and so the case workflow table) inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, cast

from django.db import models, transaction

from dp.assessments.constants import (
    AssessmentEvent,
    CarerSupport,
    EligibilityOutcome,
    FinancialSource,
    FinancialStatus,
    NeedsStatus,
    OfferAnswer,
    OfferOccasion,
)
from dp.assessments.domain.charging import ChargingPolicy, ContributionResult, calculate_contribution
from dp.assessments.domain.eligibility import EligibilityFacts, Route, decide_eligibility
from dp.assessments.domain.financial import FinancialInputs, contribution_request, policy_to_json
from dp.assessments.domain.national_figures import (
    CHARGING_FIGURE_LABELS,
    MINIMUM_WAGE_FIGURE_LABELS,
    with_entered_figures,
)
from dp.assessments.domain.needs import NeedsDecision, NeedsFacts, decide_needs, needs_kind_for_case_type
from dp.assessments.models import (
    DirectPaymentOffer,
    EligibilityDecision,
    FinancialAssessment,
    NationalFigureEntry,
    NeedsAssessment,
)
from dp.assessments.selectors import (
    council_charging_policy,
    minimum_wage_on,
    national_figures_on,
    shipped_tables,
)
from dp.audit_log.models import EventType
from dp.audit_log.services import audit_event_record
from dp.cases.constants import CaseStatus
from dp.cases.models import Case
from dp.cases.services import case_transition
from dp.core import clock
from dp.core.errors import PermissionDenied, TransitionNotAllowed, ValidationFailed
from dp.core.money import format_pence
from dp.people.models import Person
from dp.staff.models import User

# Where a completed assessment may move the case (each move still has to be allowed by the case
# workflow table).
NEEDS_NEXT_STATUSES = (CaseStatus.FINANCIAL_ASSESSMENT, CaseStatus.SUPPORT_PLANNING)
FINANCIAL_NEXT_STATUSES = (CaseStatus.SUPPORT_PLANNING,)
NO_OFFER = "none"  # completing a needs assessment whose needs are not eligible: nothing to offer


def record_event(
    *,
    actor: Any,
    event: AssessmentEvent,
    subject: models.Model,
    summary: str,
    person: Any = None,
    case: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write an audit event with one of this app's stable event codes (`AssessmentEvent`)."""
    audit_event_record(
        actor=actor,
        event_type=cast(EventType, event),
        subject=subject,
        summary=summary,
        person=person,
        case=case,
        before=before,
        after=after,
        extra=extra,
    )


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise TransitionNotAllowed("The case is closed: nothing more can be recorded on it.")


def _not_in_future(on: dt.date, field: str, what: str) -> None:
    if on > clock.today():
        raise ValidationFailed(f"{what} must be today or in the past", field=field)


def _move_case(actor: User, case: Case, to_status: str, allowed: Iterable[str]) -> None:
    if not to_status:
        return
    if to_status not in allowed:
        raise ValidationFailed("Choose where the case goes next", field="move_case_to")
    case_transition(actor=actor, case=case, to_status=to_status)


# Direct payment offers -------------------------------------------------------------------------


@transaction.atomic
def direct_payment_offer_record(
    *,
    actor: User,
    case: Case,
    occasion: str,
    offered_on: dt.date,
    answer: str,
    notes: str = "",
    needs_assessment: NeedsAssessment | None = None,
) -> DirectPaymentOffer:
    """Record that direct payments were offered as the first option, and the answer (CSSG ch.12)."""
    _require_open(case)
    if occasion not in OfferOccasion.values:
        raise ValidationFailed("Choose when direct payments were offered", field="occasion")
    if answer not in OfferAnswer.values:
        raise ValidationFailed("Choose the person's answer", field="answer")
    _not_in_future(offered_on, "offered_on", "The date direct payments were offered")
    offer = DirectPaymentOffer.objects.create(
        case=case,
        person=case.person,
        occasion=occasion,
        offered_on=offered_on,
        answer=answer,
        notes=notes.strip(),
        needs_assessment=needs_assessment,
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    record_event(
        actor=actor,
        event=AssessmentEvent.OFFER_RECORDED,
        subject=offer,
        person=case.person,
        case=case,
        summary=(
            f"Direct payments offered as the first option at the {OfferOccasion(occasion).label.lower()}: "
            f"{OfferAnswer(answer).label.lower()}"
        ),
        after={"occasion": occasion, "offered_on": offered_on, "answer": answer},
    )
    return offer


# Eligibility for direct payments ----------------------------------------------------------------

FACT_FIELDS = (
    "needs_to_be_met_by_council",
    "requested",
    "resident_in_area",
    "excluded_by_criminal_justice_order",
    "exclusion_order",
    "capable_of_managing",
    "appropriate_way_to_meet_needs",
    "has_capacity",
    "has_nominee",
    "nominee_agrees",
    "authorised_person_basis",
    "mca_authorised_person_exists",
    "mca_authorised_person_supports",
    "will_act_in_best_interests",
    "child_is_disabled",
    "has_parental_responsibility",
    "requester_is_disabled",
)


def _ages(case: Case, route: Route, related: Person | None, on: dt.date) -> tuple[int, int | None]:
    """(age of the person asking, age of the child on the children's routes)."""
    person = case.person
    if route is Route.PARENT_OF_DISABLED_CHILD:
        if related is None:
            raise ValidationFailed(
                "Choose the parent or other person with parental responsibility", field="related_person"
            )
        return related.age(on), person.age(on)
    if route is Route.DISABLED_PARENT:
        if related is None:
            raise ValidationFailed("Choose the child", field="related_person")
        return person.age(on), related.age(on)
    return person.age(on), None


@transaction.atomic
def eligibility_decision_record(
    *,
    actor: User,
    case: Case,
    decided_on: dt.date,
    route: str,
    facts: Mapping[str, Any],
    related_person: Person | None = None,
    notes: str = "",
    evidence: Mapping[str, str] | None = None,
) -> EligibilityDecision:
    """Decide whether direct payments can be made, condition by condition, and keep the decision.

    Care Act 2014 ss.31-32 and Children Act 1989 s.17A through `domain.eligibility`; a refusal
    (NOT_ELIGIBLE) is then sent as a letter with the reasons and how to challenge it (DP-ELIG-08).
    """
    _require_open(case)
    _not_in_future(decided_on, "decided_on", "The date of the decision")
    unknown = sorted(set(facts) - set(FACT_FIELDS))
    if unknown:
        raise ValidationFailed(f"Unknown fact {unknown[0]!r}", field=unknown[0])
    try:
        route_value = Route(route)
    except ValueError:
        raise ValidationFailed("Choose the route", field="route") from None
    if related_person is not None and related_person.pk == case.person_id:
        raise ValidationFailed("Choose someone other than the person themselves", field="related_person")
    age, child_age = _ages(case, route_value, related_person, decided_on)
    values = dict(facts)
    for name in ("exclusion_order", "authorised_person_basis"):
        values[name] = values.get(name) or None
    values["has_nominee"] = bool(values.get("has_nominee"))
    domain_facts = EligibilityFacts(route=route_value, age=age, child_age=child_age, **values)
    decision = decide_eligibility(domain_facts)
    excluded = domain_facts.excluded_by_criminal_justice_order
    row = EligibilityDecision.objects.create(
        case=case,
        person=case.person,
        related_person=related_person,
        decided_on=decided_on,
        decided_by=actor,
        route=route_value.value,
        age=age,
        child_age=child_age,
        excluded_by_criminal_justice_order=excluded,
        exclusion_order=domain_facts.exclusion_order.value if domain_facts.exclusion_order else "",
        facts={k: (str(v) if hasattr(v, "value") else v) for k, v in values.items()},
        evidence=dict(evidence or {}),
        outcome=decision.outcome.value,
        recipient_type=decision.recipient_type.value,
        conditions=[
            {"code": c.code, "met": c.met, "explanation": c.explanation, "source": c.source}
            for c in decision.conditions
        ],
        explanation=decision.explanation,
        notes=notes.strip(),
    )
    record_event(
        actor=actor,
        event=AssessmentEvent.ELIGIBILITY_DECIDED,
        subject=row,
        person=case.person,
        case=case,
        summary=f"Direct payments: {EligibilityOutcome(row.outcome).label.lower()} ({len(decision.failed)} "
        f"condition{'s' if len(decision.failed) != 1 else ''} not met)",
        after={"route": row.route, "outcome": row.outcome, "failed": [c.code for c in decision.failed]},
    )
    return row


# Needs assessments --------------------------------------------------------------------------------


def _needs_decision(assessment: NeedsAssessment) -> NeedsDecision:
    return decide_needs(
        NeedsFacts(
            kind=assessment.kind,  # type: ignore[arg-type]
            arises_from_condition=assessment.arises_from_condition,
            outcomes_not_achieved=frozenset(assessment.outcomes_not_achieved),
            carer_health_at_risk=assessment.carer_health_at_risk,
            significant_impact=assessment.significant_impact,
            child_needs_call_for_service=assessment.child_needs_call_for_service,
        )
    )


NEEDS_FIELDS = (
    "assessed_on",
    "needs_description",
    "personal_outcomes",
    "arises_from_condition",
    "outcomes_not_achieved",
    "carer_health_at_risk",
    "significant_impact",
    "child_needs_call_for_service",
    "carer_support",
)


@transaction.atomic
def needs_assessment_save(
    *,
    actor: User,
    case: Case,
    assessed_on: dt.date,
    needs_description: str,
    assessment: NeedsAssessment | None = None,
    personal_outcomes: str = "",
    arises_from_condition: bool | None = None,
    outcomes_not_achieved: Iterable[str] = (),
    carer_health_at_risk: bool | None = None,
    significant_impact: bool | None = None,
    child_needs_call_for_service: bool | None = None,
    carer_support: str = "",
) -> NeedsAssessment:
    """Start a needs assessment, or save changes to one in progress, deciding eligibility against
    the national criteria (SI 2015/313) from what is recorded so far."""
    _require_open(case)
    _not_in_future(assessed_on, "assessed_on", "The date of the assessment")
    if not needs_description.strip():
        raise ValidationFailed("Describe the person's needs", field="needs_description")
    if carer_support and carer_support not in CarerSupport.values:
        raise ValidationFailed("Choose what happened about a carer's assessment", field="carer_support")
    if assessment is None:
        assessment = NeedsAssessment(
            case=case, person=case.person, kind=needs_kind_for_case_type(case.case_type).value, created_by=actor
        )
        before: dict[str, Any] = {}
    else:
        assessment = NeedsAssessment.objects.select_for_update().get(pk=assessment.pk, case=case)
        if not assessment.is_draft:
            raise TransitionNotAllowed("A completed needs assessment cannot be changed. Start a reassessment.")
        before = {name: getattr(assessment, name) for name in NEEDS_FIELDS}
    assessment.assessed_on = assessed_on
    assessment.needs_description = needs_description.strip()
    assessment.personal_outcomes = personal_outcomes.strip()
    assessment.arises_from_condition = arises_from_condition
    assessment.outcomes_not_achieved = sorted(set(outcomes_not_achieved))
    assessment.carer_health_at_risk = carer_health_at_risk
    assessment.significant_impact = significant_impact
    assessment.child_needs_call_for_service = child_needs_call_for_service
    assessment.carer_support = carer_support
    decision = _needs_decision(assessment)  # validates the outcome codes for the kind
    assessment.eligible = decision.eligible
    assessment.conditions = [
        {"code": c.code, "met": c.met, "explanation": c.explanation, "source": c.source} for c in decision.conditions
    ]
    assessment.explanation = decision.explanation
    assessment.save()
    record_event(
        actor=actor,
        event=AssessmentEvent.NEEDS_SAVED,
        subject=assessment,
        person=case.person,
        case=case,
        summary=f"Needs assessment {'started' if not before else 'updated'}: {decision.explanation}",
        before=before or None,
        after={name: getattr(assessment, name) for name in NEEDS_FIELDS},
    )
    return assessment


@transaction.atomic
def needs_assessment_complete(
    *,
    actor: User,
    assessment: NeedsAssessment,
    offer_answer: str,
    offer_notes: str = "",
    move_case_to: str = "",
) -> NeedsAssessment:
    """Sign off a needs assessment. Where the needs are eligible, direct payments must have been
    offered as the first option and the answer is recorded; the case may move on."""
    assessment = NeedsAssessment.objects.select_for_update().select_related("case__person").get(pk=assessment.pk)
    case = assessment.case
    _require_open(case)
    if not assessment.is_draft:
        raise TransitionNotAllowed("This needs assessment is already completed.")
    if assessment.eligible is None:
        raise ValidationFailed(
            "Record every fact the eligibility criteria need before completing the assessment", field=None
        )
    if assessment.eligible and offer_answer not in OfferAnswer.values:
        raise ValidationFailed(
            "The needs are eligible: record the person's answer to the offer of direct payments", field="offer_answer"
        )
    if not assessment.eligible and offer_answer not in (NO_OFFER, *OfferAnswer.values):
        raise ValidationFailed("Choose whether direct payments were offered", field="offer_answer")
    assessment.status = NeedsStatus.COMPLETED
    assessment.completed_by = actor
    assessment.completed_at = clock.now()
    assessment.save(update_fields=["status", "completed_by", "completed_at", "updated_at"])
    record_event(
        actor=actor,
        event=AssessmentEvent.NEEDS_COMPLETED,
        subject=assessment,
        person=case.person,
        case=case,
        summary="Needs assessment completed: "
        + ("eligible needs" if assessment.eligible else "needs not eligible under the national criteria"),
        before={"status": NeedsStatus.DRAFT},
        after={"status": assessment.status, "eligible": assessment.eligible},
    )
    if offer_answer in OfferAnswer.values:
        direct_payment_offer_record(
            actor=actor,
            case=case,
            occasion=OfferOccasion.NEEDS_ASSESSMENT,
            offered_on=assessment.assessed_on,
            answer=offer_answer,
            notes=offer_notes,
            needs_assessment=assessment,
        )
    _move_case(actor, case, move_case_to, NEEDS_NEXT_STATUSES)
    return assessment


# Financial assessments ------------------------------------------------------------------------------


def contribution_for(
    inputs: FinancialInputs, *, assessed_on: dt.date, age: int
) -> tuple[ContributionResult, ChargingPolicy]:
    """Calculate with the national figures in force on `assessed_on` and the council's policy then.

    Raises PolicyMissing (naming the figure) when a national figure the person's calculation
    needs has not been entered, and ValidationFailed for inputs the rules refuse.
    """
    figures = national_figures_on(assessed_on)
    policy = council_charging_policy(assessed_on)
    request = contribution_request(inputs, assessed_on=assessed_on, age=age)
    return calculate_contribution(request, figures, policy), policy


def inputs_of(assessment: FinancialAssessment) -> FinancialInputs:
    """The recorded inputs of a stored assessment, as the domain takes them."""
    return FinancialInputs(
        cost_of_care_weekly_pence=assessment.cost_of_care_weekly_pence,
        income=[(i["type"], i["weekly_pence"]) for i in assessment.income],
        disregards=[(d["reason"], d["weekly_pence"]) for d in assessment.disregards],
        capital_sole_pence=assessment.capital_sole_pence,
        capital_joint_total_pence=assessment.capital_joint_total_pence,
        capital_joint_owners=assessment.capital_joint_owners,
        housing_costs_weekly_pence=assessment.housing_costs_weekly_pence,
        dre_itemised=assessment.dre_itemised,
        dre_items=[(d["item"], d["weekly_pence"]) for d in assessment.dre_items],
        couple=assessment.couple,
        dependent_children=assessment.dependent_children,
        premiums=list(assessment.premiums),
        pension_credit_age=assessment.pension_credit_age,
    )


def _store_inputs(assessment: FinancialAssessment, inputs: FinancialInputs) -> None:
    assessment.cost_of_care_weekly_pence = inputs.cost_of_care_weekly_pence
    assessment.income = [{"type": t, "weekly_pence": p} for t, p in inputs.income]
    assessment.disregards = [{"reason": r, "weekly_pence": p} for r, p in inputs.disregards]
    assessment.capital_sole_pence = inputs.capital_sole_pence
    assessment.capital_joint_total_pence = inputs.capital_joint_total_pence
    assessment.capital_joint_owners = inputs.capital_joint_owners
    assessment.capital_pence = inputs.capital_pence
    assessment.housing_costs_weekly_pence = inputs.housing_costs_weekly_pence
    assessment.dre_itemised = inputs.dre_itemised
    assessment.dre_items = [{"item": i, "weekly_pence": p} for i, p in inputs.dre_items]
    assessment.disability_related_expenditure_weekly_pence = inputs.dre_weekly_pence
    assessment.couple = inputs.couple
    assessment.dependent_children = inputs.dependent_children
    assessment.premiums = list(inputs.premiums)
    assessment.pension_credit_age = inputs.pension_credit_age


def store_result(assessment: FinancialAssessment, result: ContributionResult, policy: ChargingPolicy) -> None:
    assessment.weekly_contribution_pence = result.weekly_contribution_pence
    assessment.full_cost = result.full_cost
    assessment.tariff_income_weekly_pence = result.tariff_income_weekly_pence
    assessment.minimum_income_guarantee_weekly_pence = result.minimum_income_guarantee_weekly_pence
    assessment.assessable_income_weekly_pence = result.assessable_income_weekly_pence
    assessment.disposable_income_weekly_pence = result.disposable_income_weekly_pence
    assessment.rates_year = result.rates_year
    assessment.breakdown = [line.as_dict() for line in result.breakdown]
    assessment.policy = policy_to_json(policy)


@transaction.atomic
def financial_assessment_calculate(
    *,
    actor: User,
    case: Case,
    assessed_on: dt.date,
    inputs: FinancialInputs,
    effective_from: dt.date | None = None,
    notes: str = "",
    assessment: FinancialAssessment | None = None,
) -> FinancialAssessment:
    """Calculate the weekly contribution from the officer's record and keep it as a draft to check.

    Care Act ss.14 and 17 through `calculate_contribution`, with the national figures in force on
    `assessed_on` (`national_figures_on`) and the council's charging policy then. A draft can be
    recalculated with changed inputs (pass `assessment`); a completed one cannot.
    """
    _require_open(case)
    _not_in_future(assessed_on, "assessed_on", "The date of the assessment")
    age = case.person.age(assessed_on)
    if age < 18:
        raise ValidationFailed(
            "A financial assessment under the Care Act is for adults: the person is under 18 on that date",
            field="assessed_on",
        )
    result, policy = contribution_for(inputs, assessed_on=assessed_on, age=age)
    if assessment is None:
        assessment = FinancialAssessment(case=case, person=case.person, source=FinancialSource.OFFICER)
        before: dict[str, Any] = {}
    else:
        assessment = FinancialAssessment.objects.select_for_update().get(pk=assessment.pk, case=case)
        if not assessment.is_draft:
            raise TransitionNotAllowed("A completed financial assessment cannot be changed. Start a new one.")
        before = {"weekly_contribution_pence": assessment.weekly_contribution_pence}
    assessment.assessed_on = assessed_on
    assessment.effective_from = effective_from or assessed_on
    assessment.age = age
    assessment.notes = notes.strip()
    _store_inputs(assessment, inputs)
    store_result(assessment, result, policy)
    assessment.calculated_by = actor
    assessment.calculated_at = clock.now()
    assessment.save()
    record_event(
        actor=actor,
        event=AssessmentEvent.FINANCIAL_CALCULATED,
        subject=assessment,
        person=case.person,
        case=case,
        summary=f"Contribution calculated: {format_pence(result.weekly_contribution_pence)} a week "
        f"({result.rates_year} figures), not yet confirmed",
        before=before or None,
        after={
            "weekly_contribution_pence": result.weekly_contribution_pence,
            "rates_year": result.rates_year,
            "full_cost": result.full_cost,
        },
    )
    return assessment


@transaction.atomic
def financial_assessment_complete(
    *, actor: User, assessment: FinancialAssessment, move_case_to: str = ""
) -> FinancialAssessment:
    """Confirm a calculated assessment: it becomes the case's current assessment (the one before it
    stops being current) and the person can be sent their letter; the case may move on."""
    # The case row is locked first, so two assessments of one case are never completed at once.
    case = Case.objects.select_for_update().select_related("person").get(pk=assessment.case_id)
    assessment = FinancialAssessment.objects.select_for_update().get(pk=assessment.pk)
    _require_open(case)
    if not assessment.is_draft:
        raise TransitionNotAllowed("This financial assessment is already completed.")
    previous = FinancialAssessment.objects.select_for_update().filter(case=case, is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    assessment.status = FinancialStatus.COMPLETED
    assessment.is_current = True
    assessment.previous = previous
    assessment.completed_by = actor
    assessment.completed_at = clock.now()
    assessment.save(update_fields=["status", "is_current", "previous", "completed_by", "completed_at", "updated_at"])
    record_event(
        actor=actor,
        event=AssessmentEvent.FINANCIAL_COMPLETED,
        subject=assessment,
        person=case.person,
        case=case,
        summary=f"Financial assessment completed: contribution {format_pence(assessment.weekly_contribution_pence)} "
        f"a week from {assessment.effective_from:%d %B %Y}",
        before={"weekly_contribution_pence": previous.weekly_contribution_pence if previous else None},
        after={
            "weekly_contribution_pence": assessment.weekly_contribution_pence,
            "effective_from": assessment.effective_from,
            "rates_year": assessment.rates_year,
        },
    )
    _move_case(actor, case, move_case_to, FINANCIAL_NEXT_STATUSES)
    if previous is not None:
        # A reassessment of someone whose direct payment is running: their payments follow the new
        # contribution from its date (a first assessment reaches the payments through the agreement).
        from dp.payments.services import schedule_contribution_from

        schedule_contribution_from(
            actor=actor,
            case_id=case.pk,
            effective_on=assessment.effective_from,
            weekly_contribution_pence=assessment.weekly_contribution_pence,
            source=f"financial-assessment:{assessment.pk}",
            reason=f"Financial reassessment completed on {clock.today():%d %B %Y}",
        )
    return assessment


# National figures -----------------------------------------------------------------------------------

TABLE_LABELS = {"charging": CHARGING_FIGURE_LABELS, "minimum_wage": MINIMUM_WAGE_FIGURE_LABELS}


@transaction.atomic
def national_figure_enter(
    *, actor: User, table: str, rates_year: str, name: str, amount_pence: int, source: str
) -> NationalFigureEntry:
    """Enter a national figure the shipped tables do not hold, with where it comes from.

    Shipped figures are verified from a cited source (RULES.md [V]) and cannot be changed here; a
    gap can be filled, and an entered figure corrected by a newer entry (the newest wins).
    """
    labels = TABLE_LABELS.get(table)
    if labels is None or name not in labels:
        raise ValidationFailed("There is no such national figure", field="name")
    entries = shipped_tables().charging if table == "charging" else shipped_tables().minimum_wage
    shipped = next((e for e in entries if e.rates_year == rates_year), None)
    if shipped is None:
        raise ValidationFailed(f"There is no {rates_year} rates year in the national figures", field="rates_year")
    if getattr(shipped, name) is not None:
        raise PermissionDenied(
            f"The {labels[name]} for {rates_year} is a verified figure ({format_pence(getattr(shipped, name))}) "
            "and cannot be changed here."
        )
    if isinstance(amount_pence, bool) or not isinstance(amount_pence, int) or amount_pence < 0:
        raise ValidationFailed("Enter an amount of zero or more", field="amount_pence")
    if not source.strip():
        raise ValidationFailed("Enter where the figure comes from", field="source")
    # The figures must still make sense together (for example lower capital limit <= upper).
    # (The figure being entered replaces any earlier entry of it, so that one is left out.)
    if table == "charging":
        current = replace(national_figures_on(shipped.effective_from), **{name: None})  # type: ignore[arg-type]
        with_entered_figures(current, {name: amount_pence})
    else:
        replace(minimum_wage_on(shipped.effective_from), **{name: amount_pence})  # type: ignore[arg-type]
    previous = (
        NationalFigureEntry.objects.filter(table=table, rates_year=rates_year, name=name)
        .order_by("-entered_at", "-id")
        .first()
    )
    entry = NationalFigureEntry.objects.create(
        table=table,
        rates_year=rates_year,
        name=name,
        amount_pence=amount_pence,
        source=source.strip(),
        entered_by=actor,
        entered_at=clock.now(),
    )
    record_event(
        actor=actor,
        event=AssessmentEvent.NATIONAL_FIGURE_ENTERED,
        subject=entry,
        summary=f"{labels[name][:1].upper()}{labels[name][1:]} for {rates_year} entered: "
        f"{format_pence(amount_pence)} ({source.strip()[:100]})",
        before={"amount_pence": previous.amount_pence if previous else None},
        after={"amount_pence": amount_pence, "source": entry.source},
    )
    return entry
