"""A small council with one of everything, for tests that visit every page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dp.cases.models import Case, CaseNote, Referral
from dp.cases.tests.factories import ActiveCaseFactory, AllocatedCaseFactory, CaseNoteFactory, ReceivedReferralFactory
from dp.councils.models import Council
from dp.councils.tests.factories import CouncilFactory
from dp.people.constants import RelationshipKind
from dp.people.models import Person, Relationship
from dp.people.tests.factories import PersonFactory, RestrictedPersonFactory
from dp.staff.models import User
from dp.staff.roles import Role


@dataclass
class World:
    council: Council
    staff: dict[str, Any]
    person: Person
    carer: Person
    relationship: Relationship
    referral: Referral
    case: Case
    other_team_case: Case
    restricted_person: Person
    note: CaseNote

    def user(self, role: str) -> User:
        return self.staff[role]


def build_world(staff: dict[str, Any]) -> World:
    council = CouncilFactory()
    person = PersonFactory(given_name="Ada", family_name="Example")
    carer = PersonFactory(given_name="Ben", family_name="Example")
    relationship = Relationship.objects.create(
        from_person=carer,
        to_person=person,
        kind=RelationshipKind.CARER_OF,
        same_household=True,
        started_on=dt.date(2020, 1, 1),
    )
    referral = ReceivedReferralFactory(person=PersonFactory(given_name="Cleo"), received_by=staff[Role.DP_SUPPORT])
    case = ActiveCaseFactory(person=person, worker=staff[Role.SOCIAL_WORKER])
    other_team_case = AllocatedCaseFactory(worker=staff["other_social_worker"])
    restricted_person = RestrictedPersonFactory(given_name="Dee")
    AllocatedCaseFactory(person=restricted_person, worker=staff["other_social_worker"])
    note = CaseNoteFactory(case=case, author=staff[Role.SOCIAL_WORKER])
    return World(council, staff, person, carer, relationship, referral, case, other_team_case, restricted_person, note)
