"""Writing people, relationships and capacity records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dp.audit_log.models import EventType
from dp.audit_log.services import audit_event_record, snapshot
from dp.core import clock
from dp.core.domain.identifiers import nhs_number_is_valid, normalise_postcode
from dp.core.errors import ValidationFailed
from dp.people.constants import RelationshipKind
from dp.people.models import CapacityAssessment, Person, Relationship

PERSON_FIELDS = [
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "preferred_contact",
    "communication_needs",
    "nhs_number",
    "has_ehcp",
    "ehcp_issued_on",
    "is_restricted",
]


def search_text_for(person: Person) -> str:
    parts = [person.given_name, person.preferred_name, person.family_name]
    return " ".join(p.strip().lower() for p in parts if p and p.strip())


def _clean(values: dict[str, Any], *, today: dt.date) -> dict[str, Any]:
    cleaned = dict(values)
    if cleaned.get("postcode"):
        postcode = normalise_postcode(cleaned["postcode"])
        if postcode is None:
            raise ValidationFailed("Enter a real postcode, like ST4 1RN", field="postcode")
        cleaned["postcode"] = postcode
    if cleaned.get("nhs_number"):
        digits = "".join(ch for ch in cleaned["nhs_number"] if ch.isdigit())
        if not nhs_number_is_valid(digits):
            raise ValidationFailed("Enter a valid NHS number, like 943 476 5919", field="nhs_number")
        cleaned["nhs_number"] = digits
    dob = cleaned.get("date_of_birth")
    if dob is not None and dob > today:
        raise ValidationFailed("Date of birth must be in the past", field="date_of_birth")
    if cleaned.get("has_ehcp") and not cleaned.get("ehcp_issued_on"):
        raise ValidationFailed("Enter the date the EHCP was issued", field="ehcp_issued_on")
    if not cleaned.get("has_ehcp"):
        cleaned["ehcp_issued_on"] = None
    return cleaned


@transaction.atomic
def person_create(*, actor: Any, **values: Any) -> Person:
    cleaned = _clean(values, today=clock.today())
    unknown = set(cleaned) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    person = Person(**cleaned)
    person.search_text = search_text_for(person)
    try:
        person.full_clean()
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise ValidationFailed(messages[0], field=name) from exc
    person.save()
    audit_event_record(
        actor=actor,
        event_type=EventType.PERSON_CREATED,
        subject=person,
        person=person,
        summary=f"Record created for {person.full_name}",
        after=snapshot(person, PERSON_FIELDS),
    )
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **values: Any) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    cleaned = _clean({**snapshot_values(person), **values}, today=clock.today())
    before = snapshot(person, PERSON_FIELDS)
    changed = [name for name in PERSON_FIELDS if name in values and getattr(person, name) != cleaned[name]]
    if not changed:
        return person
    for name in changed:
        setattr(person, name, cleaned[name])
    person.search_text = search_text_for(person)
    person.save(update_fields=[*changed, "search_text", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.PERSON_UPDATED,
        subject=person,
        person=person,
        summary=f"Changed {', '.join(str(getattr(Person._meta.get_field(n), 'verbose_name', n)) for n in changed)}",
        before={k: before[k] for k in changed},
        after={k: snapshot(person, changed)[k] for k in changed},
    )
    return person


def snapshot_values(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in PERSON_FIELDS}


@transaction.atomic
def relationship_add(
    *,
    actor: Any,
    from_person: Person,
    to_person: Person,
    kind: str,
    started_on: dt.date,
    same_household: bool = False,
    authority_basis: str = "",
    notes: str = "",
) -> Relationship:
    if from_person.pk == to_person.pk:
        raise ValidationFailed("A person cannot have a relationship with themselves", field="to_person")
    if kind == RelationshipKind.AUTHORISED_PERSON_FOR and not authority_basis:
        raise ValidationFailed("Choose the basis of the authorised person's authority", field="authority_basis")
    if kind != RelationshipKind.AUTHORISED_PERSON_FOR:
        authority_basis = ""
    if started_on > clock.today():
        raise ValidationFailed("The start date must be today or in the past", field="started_on")
    duplicate = Relationship.objects.filter(
        from_person=from_person, to_person=to_person, kind=kind, ended_on__isnull=True
    ).exists()
    if duplicate:
        raise ValidationFailed("This relationship is already recorded", field="kind")
    rel = Relationship.objects.create(
        from_person=from_person,
        to_person=to_person,
        kind=kind,
        started_on=started_on,
        same_household=same_household,
        authority_basis=authority_basis,
        notes=notes,
    )
    detail = {
        "from_person": from_person.pk,
        "to_person": to_person.pk,
        "kind": kind,
        "authority_basis": authority_basis,
    }
    for subject_person in (from_person, to_person):
        audit_event_record(
            actor=actor,
            event_type=EventType.RELATIONSHIP_ADDED,
            subject=rel,
            person=subject_person,
            summary=str(rel),
            after={**detail, "same_household": same_household, "started_on": started_on},
        )
    return rel


@transaction.atomic
def relationship_end(*, actor: Any, relationship: Relationship, ended_on: dt.date) -> Relationship:
    rel = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if rel.ended_on is not None:
        return rel
    if ended_on <= rel.started_on:
        raise ValidationFailed("The end date must be after the start date", field="ended_on")
    rel.ended_on = ended_on
    rel.save(update_fields=["ended_on", "updated_at"])
    for subject_person in (rel.from_person, rel.to_person):
        audit_event_record(
            actor=actor,
            event_type=EventType.RELATIONSHIP_ENDED,
            subject=rel,
            person=subject_person,
            summary=f"Ended: {rel}",
            before={"ended_on": None},
            after={"ended_on": ended_on},
        )
    return rel


@transaction.atomic
def capacity_record(
    *, actor: Any, person: Person, assessed_on: dt.date, has_capacity: bool, notes: str = ""
) -> CapacityAssessment:
    if assessed_on > clock.today():
        raise ValidationFailed("The assessment date must be today or in the past", field="assessed_on")
    record = CapacityAssessment.objects.create(
        person=person, assessed_on=assessed_on, assessed_by=actor, has_capacity=has_capacity, notes=notes
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.CAPACITY_RECORDED,
        subject=record,
        person=person,
        summary=(
            f"Assessed as {'having' if has_capacity else 'lacking'} capacity to consent to a direct payment "
            f"on {assessed_on:%d %B %Y}"
        ),
        after={"assessed_on": assessed_on, "has_capacity": has_capacity},
    )
    return record
