"""Reading people: search, record pages and timelines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from dp.audit_log.models import Event
from dp.core.domain.identifiers import normalise_postcode
from dp.people.access import people_visible_to
from dp.people.models import CapacityAssessment, Person, Relationship
from dp.staff.models import User

_REFERENCE = re.compile(r"^(?P<kind>[CPR])0*(?P<number>\d+)$")


def person_search(
    *,
    user: User,
    name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
    reference: str = "",
) -> QuerySet[Person]:
    """People matching every criterion given. Name words match anywhere in first, last or
    preferred name (trigram index); postcode matches a full postcode or a district."""
    people = people_visible_to(user)
    for word in name.lower().split():
        people = people.filter(search_text__contains=word)
    if date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    if postcode.strip():
        full = normalise_postcode(postcode)
        if full:
            people = people.filter(postcode=full)
        else:
            people = people.filter(postcode__startswith=postcode.strip().upper() + " ")
    if reference.strip():
        match = _REFERENCE.match(reference.strip().upper().replace(" ", ""))
        if not match:
            return people.none()
        number = int(match.group("number"))
        kind = match.group("kind")
        if kind == "P":
            people = people.filter(pk=number)
        elif kind == "C":
            people = people.filter(cases__reference=f"C{number:06d}")
        else:
            people = people.filter(referrals__pk=number)
    return people.order_by("family_name", "given_name", "pk").distinct()


@dataclass(frozen=True)
class PersonRelationship:
    relationship: Relationship
    other: Person
    wording: str


def person_relationships(person: Person) -> list[PersonRelationship]:
    rows = []
    for rel in Relationship.objects.filter(from_person=person).select_related("to_person"):
        rows.append(PersonRelationship(rel, rel.to_person, f"is {rel.get_kind_display().lower()}"))
    for rel in Relationship.objects.filter(to_person=person).select_related("from_person"):
        rows.append(PersonRelationship(rel, rel.from_person, f"{rel.get_kind_display().lower()} this person"))
    return sorted(rows, key=lambda r: (r.relationship.ended_on is not None, r.other.family_name))


def person_current_capacity(person: Person) -> CapacityAssessment | None:
    return person.capacity_assessments.select_related("assessed_by").first()


def person_timeline(person: Person, *, limit: int = 200) -> QuerySet[Event]:
    return (
        Event.objects.filter(person=person)
        .select_related("acting_user", "case")
        .order_by("-occurred_at", "-id")[:limit]
    )


def person_with_cases(person_id: int) -> Person:
    from dp.cases.models import Case

    return Person.objects.prefetch_related(
        Prefetch("cases", queryset=Case.objects.select_related("worker", "team").order_by("-opened_on"))
    ).get(pk=person_id)
