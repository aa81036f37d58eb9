"""Who may receive a direct payment: the decision, condition by condition.

Design
------
A worker records plain facts (`EligibilityFacts`); `decide_eligibility` turns them into a list of
conditions, each with a stable code, whether it is met (True, False, or None when the fact has not
been recorded yet), a plain-English explanation and its source, and an overall outcome:
ELIGIBLE when every condition is met, NOT_ELIGIBLE when any is not, UNDECIDED otherwise.
A refusal must be given in writing with reasons and the route to challenge it (DP-ELIG-08), so
every failed condition explains itself.

Routes (RULES.md §1.1 and §3):

* adult with capacity — Care Act 2014 s.31, Conditions 1-4, to the adult or a nominee who agrees
  (DP-ELIG-02);
* adult lacking capacity — s.32, to an authorised person: an attorney or deputy under the Mental
  Capacity Act 2005, someone such a person agrees is suitable, or, when there is none, someone the
  council considers suitable; an attorney or deputy must support a request made by someone else
  (DP-ELIG-03, DP-ELIG-04). RULES.md transcribes Condition 1; Conditions 2-5 (not prohibited,
  best interests, capable of managing, appropriate) follow s.32 as enacted;
* carer — s.31 applies to a carer's personal budget (CAR-01) from 18; for carers of 16 or 17
  RULES.md could not verify the current statutory basis (CAR-02 [U]), so the age condition is left
  undecided for a manager to decide rather than guessed;
* children — Children Act 1989 s.17A (CHD-01): a person with parental responsibility for a
  disabled child, a disabled person with parental responsibility for a child, or a disabled young
  person of 16 or 17, where the council has decided under s.17 that the child's needs call for a
  service, with consent.

Every route also checks the excluded persons rule (criminal-justice drug or alcohol requirements,
DP-ELIG-06) and residence in the council's area. Pure: no dates are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from dp.assessments.domain.validation import require_bool, require_int
from dp.core.errors import ValidationFailed


class Route(StrEnum):
    ADULT_WITH_CAPACITY = "adult_with_capacity"
    ADULT_LACKING_CAPACITY = "adult_lacking_capacity"
    CARER = "carer"
    PARENT_OF_DISABLED_CHILD = "parent_of_disabled_child"
    DISABLED_PARENT = "disabled_parent"
    DISABLED_YOUNG_PERSON = "disabled_young_person"


CHILDREN_ROUTES = frozenset({Route.PARENT_OF_DISABLED_CHILD, Route.DISABLED_PARENT, Route.DISABLED_YOUNG_PERSON})


class AuthorisedPersonBasis(StrEnum):
    """Care Act s.32(4): who may be an authorised person (DP-ELIG-03)."""

    MCA_AUTHORISED = "mca_authorised"  # (a) attorney or deputy under the Mental Capacity Act 2005
    AGREED_BY_MCA_AUTHORISED = "agreed_by_mca_authorised"  # (b) someone the attorney/deputy agrees is suitable
    COUNCIL_CONSIDERS_SUITABLE = "council_considers_suitable"  # (c) only when there is no attorney/deputy


class ExclusionOrder(StrEnum):
    """Criminal-justice requirements that exclude a person from direct payments (DP-ELIG-06)."""

    DRUG_REHABILITATION_REQUIREMENT = "drug_rehabilitation_requirement"  # CJA 2003 s.209
    ALCOHOL_TREATMENT_REQUIREMENT = "alcohol_treatment_requirement"  # CJA 2003 s.212
    LICENCE_CONDITION_DRUGS_OR_ALCOHOL = "licence_condition_drugs_or_alcohol"
    COMMUNITY_REHABILITATION_ORDER_TREATMENT = "community_rehabilitation_order_treatment"
    DRUG_TREATMENT_AND_TESTING_ORDER = "drug_treatment_and_testing_order"
    YOUTH_REHABILITATION_ORDER_DRUG_REQUIREMENT = "youth_rehabilitation_order_drug_requirement"
    OTHER_SIMILAR = "other_similar"


EXCLUSION_ORDER_LABELS: dict[ExclusionOrder, str] = {
    ExclusionOrder.DRUG_REHABILITATION_REQUIREMENT: (
        "a drug rehabilitation requirement (Criminal Justice Act 2003 s.209)"
    ),
    ExclusionOrder.ALCOHOL_TREATMENT_REQUIREMENT: "an alcohol treatment requirement (Criminal Justice Act 2003 s.212)",
    ExclusionOrder.LICENCE_CONDITION_DRUGS_OR_ALCOHOL: (
        "a licence condition to take part in offending-behaviour work about drugs or alcohol"
    ),
    ExclusionOrder.COMMUNITY_REHABILITATION_ORDER_TREATMENT: (
        "drug or alcohol treatment under a community rehabilitation or community punishment and rehabilitation order"
    ),
    ExclusionOrder.DRUG_TREATMENT_AND_TESTING_ORDER: "a drug treatment and testing order",
    ExclusionOrder.YOUTH_REHABILITATION_ORDER_DRUG_REQUIREMENT: (
        "a youth rehabilitation order with a drug treatment or drug testing requirement"
    ),
    ExclusionOrder.OTHER_SIMILAR: "a similar criminal-justice drug or alcohol requirement",
}


class RecipientType(StrEnum):
    """Who receives the payments (DP-ELIG-05, CHD-01)."""

    ADULT = "adult"
    NOMINATED_PERSON = "nominated_person"
    AUTHORISED_PERSON = "authorised_person"
    PERSON_WITH_PARENTAL_RESPONSIBILITY = "person_with_parental_responsibility"
    YOUNG_PERSON = "young_person"


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNDECIDED = "undecided"


@dataclass(frozen=True)
class EligibilityFacts:
    """The facts a worker records. None means "not recorded yet".

    `age` is the age of the person asking for direct payments for themselves (the adult, the
    carer, the young person or the disabled parent); `child_age` is the child's, on the children's
    routes. `needs_to_be_met_by_council` is the personal budget with an amount the council must pay
    (adults and carers, DP-ELIG-01) or the s.17 decision that the child's needs call for a service
    (children, CHD-01). `requested` is the request (adults) or consent (children).
    """

    route: Route
    age: int
    needs_to_be_met_by_council: bool | None = None
    requested: bool | None = None
    resident_in_area: bool | None = None
    excluded_by_criminal_justice_order: bool | None = None
    exclusion_order: ExclusionOrder | None = None
    capable_of_managing: bool | None = None
    appropriate_way_to_meet_needs: bool | None = None
    # Care Act s.31 (adults and carers with capacity)
    has_capacity: bool | None = None
    has_nominee: bool = False
    nominee_agrees: bool | None = None
    # Care Act s.32 (adults lacking capacity)
    authorised_person_basis: AuthorisedPersonBasis | None = None
    mca_authorised_person_exists: bool | None = None
    mca_authorised_person_supports: bool | None = None
    will_act_in_best_interests: bool | None = None
    # Children Act 1989 s.17A
    child_age: int | None = None
    child_is_disabled: bool | None = None
    has_parental_responsibility: bool | None = None
    requester_is_disabled: bool | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "route", _enum(Route, self.route, "route"))
        require_int(self.age, "age", minimum=0, maximum=130)
        if self.child_age is not None:
            require_int(self.child_age, "child_age", minimum=0, maximum=130)
        require_bool(self.has_nominee, "has_nominee")
        for name in (
            "needs_to_be_met_by_council",
            "requested",
            "resident_in_area",
            "excluded_by_criminal_justice_order",
            "capable_of_managing",
            "appropriate_way_to_meet_needs",
            "has_capacity",
            "nominee_agrees",
            "mca_authorised_person_exists",
            "mca_authorised_person_supports",
            "will_act_in_best_interests",
            "child_is_disabled",
            "has_parental_responsibility",
            "requester_is_disabled",
        ):
            value = getattr(self, name)
            if value is not None:
                require_bool(value, name)
        if self.authorised_person_basis is not None:
            object.__setattr__(
                self,
                "authorised_person_basis",
                _enum(AuthorisedPersonBasis, self.authorised_person_basis, "authorised_person_basis"),
            )
        if self.exclusion_order is not None:
            object.__setattr__(self, "exclusion_order", _enum(ExclusionOrder, self.exclusion_order, "exclusion_order"))
        if self.excluded_by_criminal_justice_order and self.exclusion_order is None:
            raise ValidationFailed("Say which order or requirement the person is subject to.", field="exclusion_order")
        if not self.excluded_by_criminal_justice_order and self.exclusion_order is not None:
            raise ValidationFailed(
                "An order is recorded but the person is not recorded as subject to one.", field="exclusion_order"
            )


_E = TypeVar("_E", bound=StrEnum)


def _enum(cls: type[_E], value: object, field: str) -> _E:
    choices = f"Choose one of: {', '.join(m.value for m in cls)}."
    if not isinstance(value, str):
        raise ValidationFailed(choices, field=field)
    try:
        return cls(value)
    except ValueError:
        raise ValidationFailed(choices, field=field) from None


@dataclass(frozen=True)
class Condition:
    code: str
    met: bool | None
    explanation: str
    source: str


@dataclass(frozen=True)
class EligibilityDecision:
    route: Route
    outcome: Outcome
    recipient_type: RecipientType
    conditions: tuple[Condition, ...]
    explanation: str

    @property
    def failed(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.met is False)

    @property
    def undecided(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.met is None)


def _condition(code: str, met: bool | None, *, yes: str, no: str, unknown: str, source: str) -> Condition:
    explanation = unknown if met is None else yes if met else no
    return Condition(code=code, met=met, explanation=explanation, source=source)


def _s31_or_s32(facts: EligibilityFacts, s31: str, s32: str) -> str:
    if facts.route is Route.ADULT_LACKING_CAPACITY:
        return s32
    if facts.route in CHILDREN_ROUTES:
        return "Children Act 1989 s.17A and the regulations under it (not transcribed in RULES.md) [U]"
    return s31


def _common_conditions(facts: EligibilityFacts) -> list[Condition]:
    """Conditions every route shares: needs to be met, request or consent, residence, exclusions,
    managing the payments and appropriateness."""
    children = facts.route in CHILDREN_ROUTES
    conditions = [
        _condition(
            "NEEDS_TO_BE_MET",
            facts.needs_to_be_met_by_council,
            yes=(
                "The council has decided under s.17 that the child's needs call for a service."
                if children
                else "There is a personal budget with an amount the council must pay towards the needs."
            ),
            no=(
                "The council has not decided that the child's needs call for a service, so there is nothing "
                "to pay a direct payment for."
                if children
                else "There is no personal budget with an amount the council must pay, so there is nothing to pay "
                "a direct payment for."
            ),
            unknown="Record whether the needs are to be met by the council (a personal budget or a s.17 decision).",
            source="Children Act 1989 s.17A(1) (CHD-01)" if children else "Care Act 2014 s.31(1) (DP-ELIG-01)",
        ),
        _condition(
            "REQUESTED",
            facts.requested,
            yes="Direct payments have been asked for." if not children else "Consent to direct payments is given.",
            no=(
                "Direct payments have not been asked for; the council arranges the support instead."
                if not children
                else "Direct payments can only be made with consent."
            ),
            unknown="Record whether direct payments have been asked for (or consented to).",
            source="Children Act 1989 s.17A (CHD-01)" if children else "Care Act 2014 s.31(1) (DP-ELIG-01)",
        ),
        _condition(
            "RESIDENT_IN_AREA",
            facts.resident_in_area,
            yes="The person lives in the council's area (or, for a carer, cares for someone who does).",
            no="The person's needs are for another council to meet: they do not live in this council's area.",
            unknown="Record whether the person lives in the council's area.",
            source=(
                "Care Act 2014 s.18 and s.20 (ordinary residence); Children Act 1989 s.17 "
                "(not transcribed in RULES.md) [U]"
            ),
        ),
    ]
    if facts.excluded_by_criminal_justice_order is None:
        excluded: bool | None = None
        no_text = ""
    else:
        excluded = facts.excluded_by_criminal_justice_order
        no_text = (
            f"The person is subject to {EXCLUSION_ORDER_LABELS[facts.exclusion_order]}, so direct payments must not "
            "be made while it lasts."
            if facts.exclusion_order is not None
            else ""
        )
    conditions.append(
        _condition(
            "NOT_EXCLUDED",
            None if excluded is None else not excluded,
            yes="The person is not subject to a criminal-justice drug or alcohol requirement.",
            no=no_text,
            unknown="Record whether the person is subject to a criminal-justice drug or alcohol requirement.",
            source=(
                "Care and Support (Direct Payments) Regulations 2014 reg 2 and Schedule; Care Act 2014 ss.31-32 "
                "Condition 2 (DP-ELIG-06)"
            ),
        )
    )
    payee = "the authorised person" if facts.route is Route.ADULT_LACKING_CAPACITY else "the person receiving them"
    conditions.append(
        _condition(
            "CAPABLE_OF_MANAGING",
            facts.capable_of_managing,
            yes=f"The council is satisfied {payee} can manage the payments, alone or with help they can get.",
            no=f"The council is not satisfied {payee} can manage the payments, even with the help available.",
            unknown=f"Record whether {payee} can manage the payments, alone or with help.",
            source=_s31_or_s32(
                facts,
                "Care Act 2014 s.31 Condition 3 (DP-ELIG-02)",
                "Care Act 2014 s.32 Condition 4 (DP-ELIG-03)",
            ),
        )
    )
    conditions.append(
        _condition(
            "APPROPRIATE",
            facts.appropriate_way_to_meet_needs,
            yes="The council is satisfied direct payments are an appropriate way to meet the needs.",
            no="The council is not satisfied direct payments are an appropriate way to meet the needs.",
            unknown="Record whether direct payments are an appropriate way to meet the needs.",
            source=_s31_or_s32(
                facts,
                "Care Act 2014 s.31 Condition 4 (DP-ELIG-02)",
                "Care Act 2014 s.32 Condition 5 (DP-ELIG-03)",
            ),
        )
    )
    return conditions


def _adult_age(facts: EligibilityFacts) -> Condition:
    return _condition(
        "AGE",
        facts.age >= 18,
        yes="The person is an adult (18 or over).",
        no="The Care Act route is for adults aged 18 or over; a younger person may qualify under the Children Act.",
        unknown="",
        source="Care Act 2014 ss.31-32 (an \u201cadult\u201d) (DP-ELIG-02, DP-ELIG-03)",
    )


def _carer_age(facts: EligibilityFacts) -> Condition:
    source = "Care Act 2014 s.31 applied to carers' personal budgets (CAR-01); carers of 16 or 17 (CAR-02 [U])"
    if facts.age >= 18:
        return Condition("AGE", True, "The carer is 18 or over, so the Care Act applies.", source)
    if facts.age >= 16:
        return Condition(
            "AGE",
            None,
            "The carer is 16 or 17. Direct payments to young carers have been possible since the Carers and "
            "Disabled Children Act 2000, but the current legal basis is not verified: a manager must decide "
            "under the council's young carers procedure.",
            source,
        )
    return Condition("AGE", False, "Carers' direct payments are for carers aged 16 or over.", source)


def _s31_capacity(facts: EligibilityFacts) -> list[Condition]:
    source = "Care Act 2014 s.31 Condition 1 (DP-ELIG-02)"
    conditions = [
        _condition(
            "HAS_CAPACITY",
            facts.has_capacity,
            yes="The person has capacity to ask for direct payments.",
            no="The person lacks capacity to ask for direct payments: consider payments to an authorised person "
            "under s.32 instead.",
            unknown="Record whether the person has capacity to ask for direct payments.",
            source=source,
        )
    ]
    if facts.has_nominee:
        conditions.append(
            _condition(
                "NOMINEE_AGREES",
                facts.nominee_agrees,
                yes="The person the adult nominated agrees to receive the payments.",
                no="The nominated person does not agree to receive the payments.",
                unknown="Record whether the nominated person agrees to receive the payments.",
                source=source,
            )
        )
    return conditions


def _s32_conditions(facts: EligibilityFacts) -> list[Condition]:
    conditions = [
        _adult_age(facts),
        _condition(
            "LACKS_CAPACITY",
            None if facts.has_capacity is None else not facts.has_capacity,
            yes="The adult lacks capacity to ask for direct payments, so an authorised person may receive them.",
            no="The adult has capacity, so direct payments are made under s.31 to the adult or their nominee.",
            unknown="Record whether the adult has capacity to ask for direct payments.",
            source="Care Act 2014 s.32(1) (DP-ELIG-03)",
        ),
    ]
    basis, exists = facts.authorised_person_basis, facts.mca_authorised_person_exists
    source = "Care Act 2014 s.32, authorised person (DP-ELIG-03)"
    if basis is None:
        conditions.append(
            Condition("AUTHORISED_PERSON", None, "Record on what basis the requester is an authorised person.", source)
        )
    elif basis is AuthorisedPersonBasis.MCA_AUTHORISED:
        conditions.append(
            Condition(
                "AUTHORISED_PERSON",
                True,
                "The requester is authorised under the Mental Capacity Act 2005 (an attorney or deputy).",
                source,
            )
        )
    elif basis is AuthorisedPersonBasis.AGREED_BY_MCA_AUTHORISED:
        conditions.append(
            _condition(
                "AUTHORISED_PERSON",
                exists,
                yes="An attorney or deputy agrees the requester is suitable to receive the payments.",
                no="No attorney or deputy exists to agree the requester is suitable; the council must decide "
                "whether it considers the requester suitable.",
                unknown="Record whether the adult has an attorney or deputy under the Mental Capacity Act 2005.",
                source=source,
            )
        )
    else:
        conditions.append(
            _condition(
                "AUTHORISED_PERSON",
                None if exists is None else not exists,
                yes="No attorney or deputy exists and the council considers the requester suitable.",
                no="The adult has an attorney or deputy, so the requester must be that person or someone they agree "
                "is suitable.",
                unknown="Record whether the adult has an attorney or deputy under the Mental Capacity Act 2005.",
                source=source,
            )
        )
    source = "Care Act 2014 s.32 Condition 1 (DP-ELIG-03)"
    if basis is AuthorisedPersonBasis.MCA_AUTHORISED or exists is False:
        conditions.append(
            Condition(
                "ATTORNEY_OR_DEPUTY_SUPPORTS",
                True,
                "No one else's support is needed: the requester is the attorney or deputy, or there is none.",
                source,
            )
        )
    else:
        met = None if exists is None else facts.mca_authorised_person_supports
        conditions.append(
            _condition(
                "ATTORNEY_OR_DEPUTY_SUPPORTS",
                met,
                yes="The adult's attorney or deputy supports the request.",
                no="The adult's attorney or deputy does not support the request, so payments cannot be made to "
                "the requester.",
                unknown="Record whether the adult has an attorney or deputy and, if so, whether they support the "
                "request.",
                source=source,
            )
        )
    conditions.append(
        _condition(
            "BEST_INTERESTS",
            facts.will_act_in_best_interests,
            yes="The council is satisfied the authorised person will act in the adult's best interests.",
            no="The council is not satisfied the authorised person will act in the adult's best interests.",
            unknown="Record whether the authorised person will act in the adult's best interests.",
            source="Care Act 2014 s.32 Condition 3 (DP-ELIG-03, DP-ELIG-04)",
        )
    )
    return conditions


def _children_conditions(facts: EligibilityFacts) -> list[Condition]:
    source = "Children Act 1989 s.17A(2) (CHD-01)"
    child_under_18 = None if facts.child_age is None else facts.child_age < 18
    if facts.route is Route.DISABLED_YOUNG_PERSON:
        return [
            _condition(
                "AGE",
                16 <= facts.age <= 17,
                yes="The young person is 16 or 17.",
                no="This route is for disabled young people aged 16 or 17.",
                unknown="",
                source=source,
            ),
            _condition(
                "DISABLED",
                facts.requester_is_disabled,
                yes="The young person is disabled.",
                no="This route is for disabled young people.",
                unknown="Record whether the young person is disabled.",
                source=source,
            ),
        ]
    conditions = [
        _condition(
            "PARENTAL_RESPONSIBILITY",
            facts.has_parental_responsibility,
            yes="The requester has parental responsibility for the child.",
            no="Only a person with parental responsibility for the child can receive these payments.",
            unknown="Record whether the requester has parental responsibility for the child.",
            source=source,
        ),
        _condition(
            "CHILD_UNDER_18",
            child_under_18,
            yes="The child is under 18.",
            no="The child is 18 or over: support moves to the adult (Care Act) route.",
            unknown="Record the child's age.",
            source=source,
        ),
    ]
    if facts.route is Route.PARENT_OF_DISABLED_CHILD:
        conditions.append(
            _condition(
                "CHILD_DISABLED",
                facts.child_is_disabled,
                yes="The child is disabled.",
                no="This route is for parents of a disabled child.",
                unknown="Record whether the child is disabled.",
                source=source,
            )
        )
    else:
        conditions.append(
            _condition(
                "PARENT_DISABLED",
                facts.requester_is_disabled,
                yes="The parent is disabled.",
                no="This route is for a disabled person with parental responsibility for a child.",
                unknown="Record whether the parent is disabled.",
                source=source,
            )
        )
    return conditions


def _recipient_type(facts: EligibilityFacts) -> RecipientType:
    if facts.route is Route.ADULT_LACKING_CAPACITY:
        return RecipientType.AUTHORISED_PERSON
    if facts.route is Route.DISABLED_YOUNG_PERSON:
        return RecipientType.YOUNG_PERSON
    if facts.route in CHILDREN_ROUTES:
        return RecipientType.PERSON_WITH_PARENTAL_RESPONSIBILITY
    return RecipientType.NOMINATED_PERSON if facts.has_nominee else RecipientType.ADULT


def decide_eligibility(facts: EligibilityFacts) -> EligibilityDecision:
    """Decide whether direct payments can be made, condition by condition.

    Sources: Care Act 2014 ss.31-32 (DP-ELIG-01..04), DP Regs 2014 reg 2 and Schedule
    (DP-ELIG-06), recipient types (DP-ELIG-05), refusal in writing (DP-ELIG-08); carers (CAR-01,
    CAR-02); Children Act 1989 s.17A (CHD-01).
    """
    route_conditions: list[Condition]
    if facts.route is Route.ADULT_WITH_CAPACITY:
        route_conditions = [_adult_age(facts), *_s31_capacity(facts)]
    elif facts.route is Route.CARER:
        route_conditions = [_carer_age(facts), *_s31_capacity(facts)]
    elif facts.route is Route.ADULT_LACKING_CAPACITY:
        route_conditions = _s32_conditions(facts)
    else:
        route_conditions = _children_conditions(facts)
    conditions = (*route_conditions, *_common_conditions(facts))
    failed = [c for c in conditions if c.met is False]
    undecided = [c for c in conditions if c.met is None]
    if failed:
        outcome = Outcome.NOT_ELIGIBLE
        explanation = (
            "Direct payments cannot be made: "
            + " ".join(c.explanation for c in failed)
            + " Tell the person in writing, with the reasons and how to challenge the decision (DP-ELIG-08)."
        )
    elif undecided:
        outcome = Outcome.UNDECIDED
        explanation = f"{len(undecided)} condition(s) still need a decision or a fact recorded."
    else:
        outcome = Outcome.ELIGIBLE
        explanation = (
            "Every condition is met: the council must make direct payments (Care Act 2014 s.31)."
            if facts.route in (Route.ADULT_WITH_CAPACITY, Route.CARER)
            else "Every condition is met: the council must make direct payments to the authorised person "
            "(Care Act 2014 s.32)."
            if facts.route is Route.ADULT_LACKING_CAPACITY
            else "Every condition is met for direct payments under the Children Act 1989 s.17A."
        )
    return EligibilityDecision(
        route=facts.route,
        outcome=outcome,
        recipient_type=_recipient_type(facts),
        conditions=conditions,
        explanation=explanation,
    )
