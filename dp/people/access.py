"""Fetching a person the user may see. Missing and forbidden both raise Http404, so a
restricted record's existence is not revealed."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from dp.people.models import Person
from dp.staff.models import User
from dp.staff.roles import CARE_ROLES, Role


def people_visible_to(user: User) -> QuerySet[Person]:
    """Every person the user may open: all unrestricted people for care roles; restricted people
    only for team managers and the worker allocated to one of their open cases."""
    from dp.cases.models import Case

    if not user.has_role(*CARE_ROLES):
        return Person.objects.none()
    if user.has_role(Role.TEAM_MANAGER):
        return Person.objects.all()
    allocated = Case.objects.filter(person=OuterRef("pk"), worker=user, closed_on__isnull=True)
    return Person.objects.filter(Q(is_restricted=False) | Q(Exists(allocated)))


def access_person_by_id(user: User, person_id: int) -> Person:
    person = people_visible_to(user).filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person")
    return person
