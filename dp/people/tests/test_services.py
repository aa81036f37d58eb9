from __future__ import annotations

import datetime as dt

import pytest

from dp.audit_log.models import Event, EventType
from dp.core.errors import ValidationFailed
from dp.people import services
from dp.people.constants import AuthorityBasis, RelationshipKind
from dp.people.models import Person
from dp.people.selectors import person_search
from dp.people.tests.factories import PersonFactory
from dp.staff.roles import Role

VALID = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "date_of_birth": dt.date(1950, 12, 10),
    "postcode": "nm1 2ab",
    "nhs_number": "943 476 5919",
}


@pytest.mark.django_db
class TestPersonCreate:
    def test_normalises_and_audits(self, staff) -> None:  # type: ignore[no-untyped-def]
        person = services.person_create(actor=staff[Role.DP_SUPPORT], **VALID)
        assert person.postcode == "NM1 2AB"
        assert person.nhs_number == "9434765919"
        assert person.search_text == "ada lovelace"
        event = Event.objects.get(person=person)
        assert event.event_type == EventType.PERSON_CREATED
        assert event.data["after"]["family_name"] == "Lovelace"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"postcode": "NOT A CODE"}, "postcode"),
            ({"nhs_number": "9434765918"}, "nhs_number"),
            ({"date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth"),
            ({"has_ehcp": True}, "ehcp_issued_on"),
            ({"email": "not-an-email"}, "email"),
        ],
    )
    def test_refuses_bad_input_and_writes_nothing(self, staff, change, field) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as caught:
            services.person_create(actor=staff[Role.DP_SUPPORT], **{**VALID, **change})
        assert caught.value.field == field
        assert not Person.objects.exists()
        assert not Event.objects.exists()


@pytest.mark.django_db
class TestPersonUpdate:
    def test_records_only_changed_fields(self, staff) -> None:  # type: ignore[no-untyped-def]
        person = PersonFactory(given_name="Ada")
        services.person_update(actor=staff[Role.SOCIAL_WORKER], person=person, given_name="Augusta", town=person.town)
        event = Event.objects.get(person=person, event_type=EventType.PERSON_UPDATED)
        assert event.data == {"before": {"given_name": "Ada"}, "after": {"given_name": "Augusta"}}
        person.refresh_from_db()
        assert person.search_text.startswith("augusta")

    def test_no_change_no_event(self, staff) -> None:  # type: ignore[no-untyped-def]
        person = PersonFactory()
        services.person_update(actor=staff[Role.SOCIAL_WORKER], person=person, given_name=person.given_name)
        assert not Event.objects.filter(person=person).exists()


@pytest.mark.django_db
class TestRelationships:
    def test_authorised_person_needs_a_basis(self, staff) -> None:  # type: ignore[no-untyped-def]
        a, b = PersonFactory(), PersonFactory()
        with pytest.raises(ValidationFailed):
            services.relationship_add(
                actor=staff[Role.SOCIAL_WORKER],
                from_person=a,
                to_person=b,
                kind=RelationshipKind.AUTHORISED_PERSON_FOR,
                started_on=dt.date(2024, 1, 1),
            )
        rel = services.relationship_add(
            actor=staff[Role.SOCIAL_WORKER],
            from_person=a,
            to_person=b,
            kind=RelationshipKind.AUTHORISED_PERSON_FOR,
            started_on=dt.date(2024, 1, 1),
            authority_basis=AuthorityBasis.COURT_DEPUTY,
        )
        assert rel.authority_basis == AuthorityBasis.COURT_DEPUTY
        assert Event.objects.filter(event_type=EventType.RELATIONSHIP_ADDED).count() == 2  # on both timelines

    def test_basis_is_dropped_for_other_kinds(self, staff) -> None:  # type: ignore[no-untyped-def]
        a, b = PersonFactory(), PersonFactory()
        rel = services.relationship_add(
            actor=staff[Role.SOCIAL_WORKER],
            from_person=a,
            to_person=b,
            kind=RelationshipKind.CARER_OF,
            started_on=dt.date(2024, 1, 1),
            authority_basis=AuthorityBasis.COURT_DEPUTY,
        )
        assert rel.authority_basis == ""

    def test_refuses_self_and_duplicates(self, staff) -> None:  # type: ignore[no-untyped-def]
        a, b = PersonFactory(), PersonFactory()
        with pytest.raises(ValidationFailed):
            services.relationship_add(
                actor=staff[Role.SOCIAL_WORKER],
                from_person=a,
                to_person=a,
                kind=RelationshipKind.CARER_OF,
                started_on=dt.date(2024, 1, 1),
            )
        services.relationship_add(
            actor=staff[Role.SOCIAL_WORKER],
            from_person=a,
            to_person=b,
            kind=RelationshipKind.CARER_OF,
            started_on=dt.date(2024, 1, 1),
        )
        with pytest.raises(ValidationFailed):
            services.relationship_add(
                actor=staff[Role.SOCIAL_WORKER],
                from_person=a,
                to_person=b,
                kind=RelationshipKind.CARER_OF,
                started_on=dt.date(2024, 2, 1),
            )

    def test_end(self, staff) -> None:  # type: ignore[no-untyped-def]
        a, b = PersonFactory(), PersonFactory()
        rel = services.relationship_add(
            actor=staff[Role.SOCIAL_WORKER],
            from_person=a,
            to_person=b,
            kind=RelationshipKind.CARER_OF,
            started_on=dt.date(2024, 1, 1),
        )
        with pytest.raises(ValidationFailed):
            services.relationship_end(actor=staff[Role.SOCIAL_WORKER], relationship=rel, ended_on=dt.date(2023, 1, 1))
        services.relationship_end(actor=staff[Role.SOCIAL_WORKER], relationship=rel, ended_on=dt.date(2025, 1, 1))
        rel.refresh_from_db()
        assert rel.ended_on == dt.date(2025, 1, 1)


@pytest.mark.django_db
class TestCapacity:
    def test_records_and_audits(self, staff) -> None:  # type: ignore[no-untyped-def]
        person = PersonFactory()
        services.capacity_record(
            actor=staff[Role.SOCIAL_WORKER], person=person, assessed_on=dt.date(2025, 3, 1), has_capacity=False
        )
        assert person.capacity_assessments.get().has_capacity is False
        assert Event.objects.filter(person=person, event_type=EventType.CAPACITY_RECORDED).exists()


@pytest.mark.django_db
class TestSearch:
    def test_criteria_combine(self, staff) -> None:  # type: ignore[no-untyped-def]
        ada = PersonFactory(
            given_name="Ada", family_name="Lovelace", postcode="NM1 2AB", date_of_birth=dt.date(1950, 1, 1)
        )
        PersonFactory(given_name="Ada", family_name="Byron", postcode="NM2 3CD")
        user = staff[Role.SOCIAL_WORKER]
        assert list(person_search(user=user, name="ada love")) == [ada]
        assert list(person_search(user=user, name="ADA", postcode="nm1 2ab")) == [ada]
        assert list(person_search(user=user, postcode="NM1")) == [ada]
        assert list(person_search(user=user, date_of_birth=dt.date(1950, 1, 1))) == [ada]
        assert list(person_search(user=user, reference=f"P{ada.pk:07d}")) == [ada]
        assert list(person_search(user=user, reference="nonsense")) == []
