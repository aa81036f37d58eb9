"""Suggesting the facts of a direct payment decision from what the person's record already holds.

Design
------
The worker deciding whether direct payments can be made (`eligibility.decide_eligibility`) should
not retype what the system knows. A selector gathers the record (the case type, the person's date
of birth, their latest capacity assessment, their current relationships and whether their postcode
is in the council's area) into a `RecordFacts`; `suggest_facts` turns it into suggested answers,
each with the evidence it came from, for the form to show as a starting point. The worker confirms
or changes every answer: the decision is theirs, and the evidence is stored with it.

Routes (RULES.md §1.1, §3): a carer's case is the carer route (CAR-01/02); a children's case is a
parent with parental responsibility for a disabled child (CHD-01 (a)); a young person in transition
aged 16 or 17 asks for themselves (CHD-01 (c)); an adult is the s.31 route unless the latest
capacity assessment says they lack capacity to ask, when it is the s.32 route (DP-ELIG-02/03).

Authorised persons (Care Act s.32(4), DP-ELIG-03): an attorney under a lasting power of attorney
or a deputy of the Court of Protection is "authorised under the Mental Capacity Act 2005"; anyone
else the council considers suitable is basis (c), which needs there to be no attorney or deputy.

Pure: the selector supplies ages (computed from dates of birth on the decision date) and flags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from dp.assessments.domain.eligibility import AuthorisedPersonBasis, Route

MCA_BASES = frozenset({"lpa", "deputy"})


@dataclass(frozen=True)
class RelatedPerson:
    """A current relationship as the eligibility decision sees it.

    `kind` is the relationship kind's code seen from the other person (for example
    "nominated_for": the other person is nominated for the case person; "parent_of": the other
    person is a parent of the case person); `authority_basis` is "lpa", "deputy" or "suitable"
    for authorised persons.
    """

    person_id: int
    name: str
    kind: str
    age: int | None = None
    authority_basis: str = ""


@dataclass(frozen=True)
class RecordFacts:
    case_type: str
    age: int
    has_capacity: bool | None = None
    capacity_evidence: str = ""
    resident_in_area: bool | None = None
    residence_evidence: str = ""
    requested: bool | None = None
    request_evidence: str = ""
    related: Sequence[RelatedPerson] = ()


@dataclass(frozen=True)
class SuggestedFacts:
    """Initial answers for the decision form (field name -> value) and the evidence for each."""

    values: dict[str, object] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)


def suggest_route(case_type: str, age: int, has_capacity: bool | None) -> Route:
    if case_type == "carer":
        return Route.CARER
    if case_type == "child_family":
        return Route.PARENT_OF_DISABLED_CHILD
    if case_type == "transition" and age < 18:
        return Route.DISABLED_YOUNG_PERSON
    if has_capacity is False:
        return Route.ADULT_LACKING_CAPACITY
    return Route.ADULT_WITH_CAPACITY


def suggest_facts(record: RecordFacts) -> SuggestedFacts:
    values: dict[str, object] = {}
    evidence: dict[str, str] = {}
    route = suggest_route(record.case_type, record.age, record.has_capacity)
    values["route"] = route.value
    evidence["route"] = f"From the case type and the person's age ({record.age})" + (
        " and capacity assessment" if record.has_capacity is not None else ""
    )
    if record.has_capacity is not None:
        values["has_capacity"] = record.has_capacity
        evidence["has_capacity"] = record.capacity_evidence
    if record.resident_in_area is not None:
        values["resident_in_area"] = record.resident_in_area
        evidence["resident_in_area"] = record.residence_evidence
    if record.requested is not None:
        values["requested"] = record.requested
        evidence["requested"] = record.request_evidence

    nominees = [r for r in record.related if r.kind == "nominated_for"]
    authorised = [r for r in record.related if r.kind == "authorised_for"]
    parents = [r for r in record.related if r.kind == "parent_of"]
    mca = [r for r in authorised if r.authority_basis in MCA_BASES]

    if route in (Route.ADULT_WITH_CAPACITY, Route.CARER):
        values["has_nominee"] = bool(nominees)
        evidence["has_nominee"] = (
            f"{nominees[0].name} is recorded as nominated person" if nominees else "No nominated person is recorded"
        )
        if nominees:
            values["related_person"] = nominees[0].person_id
    elif route is Route.ADULT_LACKING_CAPACITY:
        values["mca_authorised_person_exists"] = bool(mca)
        evidence["mca_authorised_person_exists"] = (
            f"{mca[0].name} holds a lasting power of attorney or is a deputy"
            if mca
            else "No attorney or deputy is recorded"
        )
        if authorised:
            chosen = mca[0] if mca else authorised[0]
            values["related_person"] = chosen.person_id
            values["authorised_person_basis"] = (
                AuthorisedPersonBasis.MCA_AUTHORISED.value
                if chosen.authority_basis in MCA_BASES
                else AuthorisedPersonBasis.COUNCIL_CONSIDERS_SUITABLE.value
            )
            evidence["authorised_person_basis"] = f"{chosen.name} is recorded as authorised person"
    elif route is Route.PARENT_OF_DISABLED_CHILD and parents:
        values["related_person"] = parents[0].person_id
        values["has_parental_responsibility"] = True
        evidence["has_parental_responsibility"] = (
            f"{parents[0].name} is recorded as a parent with parental responsibility"
        )
    return SuggestedFacts(values=values, evidence=evidence)
