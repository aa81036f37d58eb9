"""The demo council's assessments: needs assessments, offers of direct payments, eligibility
decisions and financial assessments for the cases past those stages (run after the core steps).

Everything is computed with the same pure rules the services use (`decide_needs`,
`decide_eligibility`, `calculate_contribution`) and written in bulk with the audit events the
services would write. National figures are only the verified ones shipped in the YAML: the demo
never enters a national figure. Instead the demo council sets its own (local) Minimum Income
Guarantee and standard disability-related expenditure allowance, which are council policy, so
calculations in 2026/27 (a year with no verified national figures yet) work. Capital is only
assessed where the national capital limits for the date are verified (2025/26 and before); people
assessed later have no capital recorded. An annual uprating to 2026/27 therefore shows the missing
capital limits for people with capital, until an administrator enters them with their source.

The step draws one number from the shared random generator and uses its own generator from it,
so the steps of later parts see the same sequence whatever this step does.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from dp.assessments.constants import (
    AssessmentEvent,
    EligibilityOutcome,
    FinancialSource,
    FinancialStatus,
    NeedsStatus,
    OfferAnswer,
    OfferOccasion,
)
from dp.assessments.domain.charging import ChargingPolicy, calculate_contribution
from dp.assessments.domain.eligibility import AuthorisedPersonBasis, EligibilityFacts, Route, decide_eligibility
from dp.assessments.domain.eligibility_facts import suggest_route
from dp.assessments.domain.financial import FinancialInputs, contribution_request, policy_to_json
from dp.assessments.domain.national_figures import NationalFigures, figures_for
from dp.assessments.domain.needs import NeedsFacts, decide_needs, needs_kind_for_case_type, outcomes_for
from dp.assessments.models import (
    DirectPaymentOffer,
    EligibilityDecision,
    FinancialAssessment,
    NeedsAssessment,
)
from dp.assessments.policy import LOCAL_MIG, STANDARD_DRE, UPRATING_SECOND_OFFICER
from dp.assessments.selectors import shipped_tables
from dp.cases.constants import CaseStatus, CaseType
from dp.cases.models import Case
from dp.core.money import format_pence
from dp.councils.models import PolicyValue
from dp.demo.seed import PATH_TO, SeedContext, Step
from dp.people.constants import RelationshipKind
from dp.people.models import CapacityAssessment, Person, Relationship
from dp.staff.models import User

# The demo council's own charging choices (local policy, not national figures).
LOCAL_MIG_PENCE = 25_000
STANDARD_DRE_PENCE = 1_700
POLICY_FROM = dt.date(2024, 4, 1)

NEEDS_TEXT = [
    "Needs help to get up, wash and dress each morning, and to prepare a hot meal.",
    "Struggles with stairs and bathing since a stroke; needs prompting with medication and meals.",
    "Memory problems: needs prompting to eat, wash and change clothes, and support to get out safely.",
    "Needs support to get to college and the shops, and help with cooking and budgeting.",
    "Caring for a parent every night; exhausted, no time for friends or work, health worsening.",
]
OWN_OUTCOMES = [
    "To stay in my own home and choose who helps me.",
    "To get back to my allotment and the Tuesday lunch club.",
    "To go to college and see my friends without my mum having to take me.",
    "To have a few hours a week to myself and keep my job.",
    "To have help at the times that suit me, from people I know.",
]

# Weekly benefit rates (RULES.md §7, verified): 2025/26 and 2026/27.
RATES = {
    "2025/26": {"state_pension": 23_025, "aa_high": 11_040, "aa_low": 7_390, "pip_dl_enh": 11_040, "pip_dl_std": 7_390,
                "pip_mob_enh": 7_705, "pip_mob_std": 2_920},
    "2026/27": {"state_pension": 24_130, "aa_high": 11_460, "aa_low": 7_670, "pip_dl_enh": 11_460, "pip_dl_std": 7_670,
                "pip_mob_enh": 8_000, "pip_mob_std": 3_030},
}  # fmt: skip


def _event(ctx: SeedContext, event: AssessmentEvent, **kwargs: Any) -> None:
    ctx.event(event_type=event, **kwargs)  # type: ignore[arg-type]  # this app's stable codes


def step_charging_policy(ctx: SeedContext) -> None:
    """The demo council's local charging policy: a Minimum Income Guarantee above the national amounts, a
    standard disability-related expenditure allowance, and (one demo finance login) one officer may
    approve an uprating."""
    assert ctx.council is not None
    set_at = ctx.moment(POLICY_FROM - dt.timedelta(days=30), hour=10)
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                council=ctx.council,
                key=LOCAL_MIG.key,
                value=LOCAL_MIG_PENCE,
                effective_from=POLICY_FROM,
                set_at=set_at,
                reason="Northmoor's own Minimum Income Guarantee: one amount for everyone, above the national amounts",
            ),
            PolicyValue(
                council=ctx.council,
                key=STANDARD_DRE.key,
                value=STANDARD_DRE_PENCE,
                effective_from=POLICY_FROM,
                set_at=set_at,
                reason="Standard allowance when disability-related costs are not itemised",
            ),
            PolicyValue(
                council=ctx.council,
                key=UPRATING_SECOND_OFFICER.key,
                value=False,
                effective_from=POLICY_FROM,
                set_at=set_at,
                reason="Small financial assessment team: one officer may approve; the approver is recorded",
            ),
        ]
    )


def _stage_times(case: Case, path: list[str]) -> dict[str, dt.datetime]:
    """When the case entered each status of its path (as the core seed spread them)."""
    assert case.referral is not None
    allocated_at = case.referral.status_changed_at
    span = max((case.status_changed_at - allocated_at).total_seconds(), 3600)
    return {status: allocated_at + dt.timedelta(seconds=span * (i + 1) / len(path)) for i, status in enumerate(path)}


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localdate(at)


class _Lookups:
    def __init__(self, ctx: SeedContext) -> None:
        ids = [c.person_id for c in ctx.cases]
        self.capacity: dict[int, bool] = {}
        for row in CapacityAssessment.objects.filter(person_id__in=ids).order_by("person_id", "-assessed_on", "-id"):
            self.capacity.setdefault(row.person_id, row.has_capacity)
        self.parent: dict[int, Person] = {}
        self.authorised: dict[int, Relationship] = {}
        for rel in Relationship.objects.filter(to_person_id__in=ids).select_related("from_person"):
            if rel.kind == RelationshipKind.PARENT_OF:
                self.parent.setdefault(rel.to_person_id, rel.from_person)
            elif rel.kind == RelationshipKind.AUTHORISED_PERSON_FOR:
                self.authorised.setdefault(rel.to_person_id, rel)
        self.in_area = {d.district for d in ctx.council.districts.all()} if ctx.council else set()
        self.policy: dict[dt.date, ChargingPolicy] = {}

    def charging_policy(self, on: dt.date) -> ChargingPolicy:
        if on not in self.policy:
            local = on >= POLICY_FROM
            self.policy[on] = ChargingPolicy(
                minimum_income_guarantee_weekly_pence=LOCAL_MIG_PENCE if local else None,
                standard_disability_related_expenditure_weekly_pence=STANDARD_DRE_PENCE if local else 0,
            )
        return self.policy[on]


def _decision(
    look: _Lookups, case: Case, on: dt.date, *, refuse: str = "", refuse_on_postcode: bool = False
) -> EligibilityDecision:
    person = case.person
    age = person.age(on)
    route = suggest_route(case.case_type, age, look.capacity.get(person.pk))
    related: Person | None = None
    child_age: int | None = None
    in_area = person.postcode.split(" ")[0] in look.in_area
    # A person with a case who lives outside the area was placed there by Northmoor, which stays
    # responsible for them (ordinary residence); only at the first decision is the postcode taken as it is.
    resident = in_area or not refuse_on_postcode
    facts: dict[str, Any] = {
        "needs_to_be_met_by_council": True,
        "requested": True,
        "resident_in_area": resident,
        "excluded_by_criminal_justice_order": refuse == "excluded",
        "exclusion_order": "drug_rehabilitation_requirement" if refuse == "excluded" else None,
        "capable_of_managing": refuse != "managing",
        "appropriate_way_to_meet_needs": True,
    }
    if route in (Route.ADULT_WITH_CAPACITY, Route.CARER):
        facts["has_capacity"] = True
    elif route is Route.ADULT_LACKING_CAPACITY:
        authorised = look.authorised.get(person.pk)
        related = authorised.from_person if authorised else None
        mca = authorised is not None and authorised.authority_basis in ("lpa", "deputy")
        facts.update(
            has_capacity=False,
            authorised_person_basis=(
                AuthorisedPersonBasis.MCA_AUTHORISED if mca else AuthorisedPersonBasis.COUNCIL_CONSIDERS_SUITABLE
            ),
            mca_authorised_person_exists=mca,
            will_act_in_best_interests=True,
        )
    elif route is Route.PARENT_OF_DISABLED_CHILD:
        related = look.parent.get(person.pk)
        child_age = age
        age = related.age(on) if related else 40
        facts.update(has_parental_responsibility=True, child_is_disabled=True)
    else:
        facts["requester_is_disabled"] = True
    domain_facts = EligibilityFacts(route=route, age=age, child_age=child_age, **facts)
    decision = decide_eligibility(domain_facts)
    return EligibilityDecision(
        case=case,
        person=person,
        related_person=related,
        decided_on=on,
        decided_by=case.worker,
        route=route.value,
        age=age,
        child_age=child_age,
        excluded_by_criminal_justice_order=domain_facts.excluded_by_criminal_justice_order,
        exclusion_order=domain_facts.exclusion_order.value if domain_facts.exclusion_order else "",
        facts={k: (str(v) if hasattr(v, "value") else v) for k, v in facts.items()},
        evidence={
            "resident_in_area": f"Postcode {person.postcode} is in the council's area"
            if in_area
            else f"Postcode {person.postcode} is outside the area"
            + ("" if refuse_on_postcode else "; placed there by the council, which stays responsible")
        },
        outcome=decision.outcome.value,
        recipient_type=decision.recipient_type.value,
        conditions=[
            {"code": c.code, "met": c.met, "explanation": c.explanation, "source": c.source}
            for c in decision.conditions
        ],
        explanation=decision.explanation,
        notes="The person told us about the order at the assessment visit." if refuse == "excluded" else "",
    )


def _needs(rng: random.Random, case: Case, on: dt.date, *, draft: bool, worker: User) -> NeedsAssessment:
    kind = needs_kind_for_case_type(case.case_type)
    outcomes = list(outcomes_for(kind))
    chosen = sorted(rng.sample(outcomes, k=min(len(outcomes), rng.randint(2, 5)))) if outcomes else []
    facts = NeedsFacts(
        kind=kind,
        arises_from_condition=True if outcomes else None,
        outcomes_not_achieved=frozenset(chosen),
        carer_health_at_risk=rng.random() < 0.5 if kind == "carer" else None,
        significant_impact=True if outcomes else None,
        child_needs_call_for_service=True if kind == "child" else None,
    )
    if draft and outcomes:
        facts = NeedsFacts(kind=kind, arises_from_condition=True, outcomes_not_achieved=frozenset(chosen[:1]))
    decision = decide_needs(facts)
    return NeedsAssessment(
        case=case,
        person=case.person,
        kind=kind.value,
        status=NeedsStatus.DRAFT if draft else NeedsStatus.COMPLETED,
        assessed_on=on,
        arises_from_condition=facts.arises_from_condition,
        outcomes_not_achieved=sorted(facts.outcomes_not_achieved),
        carer_health_at_risk=facts.carer_health_at_risk,
        significant_impact=facts.significant_impact,
        child_needs_call_for_service=facts.child_needs_call_for_service,
        needs_description=rng.choice(NEEDS_TEXT[4:] if kind == "carer" else NEEDS_TEXT[:4]),
        personal_outcomes=rng.choice(OWN_OUTCOMES),
        carer_support="" if kind != "adult" else rng.choice(["no_carer", "offered_accepted", "offered_declined"]),
        eligible=decision.eligible,
        conditions=[
            {"code": c.code, "met": c.met, "explanation": c.explanation, "source": c.source}
            for c in decision.conditions
        ],
        explanation=decision.explanation,
        created_by=worker,
        completed_by=None if draft else worker,
        completed_at=None,
    )


def _inputs(rng: random.Random, age: int, figures: NationalFigures) -> FinancialInputs:
    rates = RATES["2025/26" if figures.rates_year <= "2025/26" else "2026/27"]
    income: list[tuple[str, int]] = []
    premiums: list[str] = []
    if age >= 66:
        income.append(("state_pension", rates["state_pension"] - rng.choice([0, 0, 0, 4_000])))
        if rng.random() < 0.6:
            income.append(("private_pension", rng.randint(20, 180) * 100))
        if rng.random() < 0.7:
            income.append(("attendance_allowance", rates["aa_high"] if rng.random() < 0.4 else rates["aa_low"]))
    else:
        income.append(("universal_credit" if rng.random() < 0.6 else "esa", rng.randint(90, 200) * 100))
        enhanced = rng.random() < 0.4
        income.append(("pip_daily_living", rates["pip_dl_enh"] if enhanced else rates["pip_dl_std"]))
        income.append(("pip_mobility", rates["pip_mob_enh"] if rng.random() < 0.5 else rates["pip_mob_std"]))
        premiums = ["disability", "enhanced_disability"] if enhanced else ["disability"]
        if rng.random() < 0.15:
            income.append(("earnings", rng.randint(40, 150) * 100))
    capital = 0
    if figures.capital_lower_limit_pence is not None and figures.capital_upper_limit_pence is not None:
        roll = rng.random()
        if roll < 0.25:
            capital = rng.randint(100, 14_000) * 100
        elif roll < 0.35:
            capital = rng.randint(14_300, 23_000) * 100
        elif roll < 0.40:
            capital = rng.randint(24_000, 90_000) * 100
    itemised = rng.random() < 0.3
    dre = [("heating", rng.randint(5, 12) * 100), ("laundry", 548)] if itemised else []
    if itemised and rng.random() < 0.5:
        dre.append(("community_alarm", 450))
    return FinancialInputs(
        cost_of_care_weekly_pence=rng.randint(15, 60) * 1_000,
        income=income,
        capital_sole_pence=capital,
        housing_costs_weekly_pence=rng.choice([0, 0, 1_200, 2_500, 3_800]),
        dre_itemised=itemised,
        dre_items=dre,
        premiums=premiums,
    )


def _financial(
    rng: random.Random, look: _Lookups, case: Case, on: dt.date, officer: User, *, completed: bool
) -> FinancialAssessment | None:
    age = case.person.age(on)
    if age < 18 or case.case_type not in (CaseType.ADULT, CaseType.TRANSITION):
        return None  # carers' own support is not charged here (CH-FREE-04); children are not assessed
    figures = figures_for(on, shipped_tables())
    inputs = _inputs(rng, age, figures)
    policy = look.charging_policy(on)
    result = calculate_contribution(contribution_request(inputs, assessed_on=on, age=age), figures, policy)
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(11, rng.randint(0, 59))))
    return FinancialAssessment(
        case=case,
        person=case.person,
        status=FinancialStatus.COMPLETED if completed else FinancialStatus.DRAFT,
        source=FinancialSource.OFFICER,
        is_current=completed,
        assessed_on=on,
        effective_from=on,
        age=age,
        premiums=list(inputs.premiums),
        income=[{"type": t, "weekly_pence": p} for t, p in inputs.income],
        capital_sole_pence=inputs.capital_sole_pence,
        capital_pence=inputs.capital_pence,
        housing_costs_weekly_pence=inputs.housing_costs_weekly_pence,
        dre_itemised=inputs.dre_itemised,
        dre_items=[{"item": i, "weekly_pence": p} for i, p in inputs.dre_items],
        disability_related_expenditure_weekly_pence=inputs.dre_weekly_pence,
        cost_of_care_weekly_pence=inputs.cost_of_care_weekly_pence,
        weekly_contribution_pence=result.weekly_contribution_pence,
        full_cost=result.full_cost,
        tariff_income_weekly_pence=result.tariff_income_weekly_pence,
        minimum_income_guarantee_weekly_pence=result.minimum_income_guarantee_weekly_pence,
        assessable_income_weekly_pence=result.assessable_income_weekly_pence,
        disposable_income_weekly_pence=result.disposable_income_weekly_pence,
        rates_year=result.rates_year,
        breakdown=[line.as_dict() for line in result.breakdown],
        policy=policy_to_json(policy),
        calculated_by=officer,
        calculated_at=at,
        completed_by=officer if completed else None,
        completed_at=at if completed else None,
    )


def step_assessments(ctx: SeedContext) -> None:
    rng = random.Random(ctx.rng.getrandbits(64))
    look = _Lookups(ctx)
    officer = ctx.staff["finance.officer"]
    needs_rows: list[NeedsAssessment] = []
    offers: list[DirectPaymentOffer] = []
    decisions: list[EligibilityDecision] = []
    financial: list[FinancialAssessment] = []
    for case in ctx.cases:
        path = PATH_TO[case.status]
        if CaseStatus.NEEDS_ASSESSMENT not in path:
            continue
        times = _stage_times(case, path)
        started = _local_date(times[CaseStatus.NEEDS_ASSESSMENT])
        if case.status == CaseStatus.NEEDS_ASSESSMENT:
            roll = rng.random()
            if roll < 0.5:
                needs_rows.append(_needs(rng, case, started, draft=True, worker=case.worker))
            if roll < 0.12:
                refuse = "excluded" if roll < 0.04 else "managing"
                decisions.append(_decision(look, case, started, refuse=refuse, refuse_on_postcode=True))
            continue
        # Past the needs assessment: completed, offered, decided.
        done_at = times[path[1]]
        done_on = _local_date(done_at)
        assessment = _needs(rng, case, started, draft=False, worker=case.worker)
        assessment.completed_at = done_at
        needs_rows.append(assessment)
        offers.append(
            DirectPaymentOffer(
                case=case,
                person=case.person,
                occasion=OfferOccasion.NEEDS_ASSESSMENT,
                offered_on=started,
                answer=OfferAnswer.ACCEPTED,
                needs_assessment=assessment,
                recorded_by=case.worker,
                recorded_at=done_at,
            )
        )
        decisions.append(_decision(look, case, done_on))
        if case.status == CaseStatus.FINANCIAL_ASSESSMENT:
            if rng.random() < 0.3:
                draft = _financial(rng, look, case, done_on, officer, completed=False)
                if draft is not None:
                    financial.append(draft)
            continue
        if CaseStatus.SUPPORT_PLANNING in path:
            current = _financial(
                rng, look, case, _local_date(times[CaseStatus.SUPPORT_PLANNING]), officer, completed=True
            )
            if current is not None:
                financial.append(current)

    NeedsAssessment.objects.bulk_create(needs_rows, batch_size=2000)
    DirectPaymentOffer.objects.bulk_create(offers, batch_size=2000)
    EligibilityDecision.objects.bulk_create(decisions, batch_size=2000)
    FinancialAssessment.objects.bulk_create(financial, batch_size=2000)

    for needs in needs_rows:
        if needs.status == NeedsStatus.COMPLETED:
            _event(
                ctx,
                AssessmentEvent.NEEDS_COMPLETED,
                subject=needs,
                person=needs.person,
                case=needs.case,
                actor=needs.created_by,
                at=needs.completed_at or ctx.moment(needs.assessed_on),
                summary="Needs assessment completed: "
                + ("eligible needs" if needs.eligible else "needs not eligible under the national criteria"),
            )
    for offer in offers:
        _event(
            ctx,
            AssessmentEvent.OFFER_RECORDED,
            subject=offer,
            person=offer.person,
            case=offer.case,
            actor=offer.recorded_by,
            at=offer.recorded_at,
            summary="Direct payments offered as the first option at the needs assessment: wants direct payments",
        )
    for decision in decisions:
        _event(
            ctx,
            AssessmentEvent.ELIGIBILITY_DECIDED,
            subject=decision,
            person=decision.person,
            case=decision.case,
            actor=decision.decided_by,
            at=ctx.moment(decision.decided_on),
            summary=f"Direct payments: {EligibilityOutcome(decision.outcome).label.lower()}",
        )
    for row in financial:
        if row.status == FinancialStatus.COMPLETED:
            _event(
                ctx,
                AssessmentEvent.FINANCIAL_COMPLETED,
                subject=row,
                person=row.person,
                case=row.case,
                actor=officer,
                at=row.completed_at or ctx.moment(row.assessed_on),
                summary=f"Financial assessment completed: contribution {format_pence(row.weekly_contribution_pence)} "
                f"a week from {row.effective_from:%d %B %Y}",
            )


STEPS: list[Step] = [step_charging_policy, step_assessments]
