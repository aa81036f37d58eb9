"""Fetching referrals, cases and notes the user may see (404 for missing and forbidden alike)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from dp.cases.models import Case, CaseNote, Referral
from dp.people.access import people_visible_to
from dp.staff.models import User
from dp.staff.roles import CARE_ROLES, Role


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Social workers see their own team's cases and cases allocated to them; the council-wide
    roles (team managers, direct payment support, finance, payments, auditors) see every case.
    Nobody sees a case of a person whose record they may not open."""
    if not user.has_role(*CARE_ROLES):
        return Case.objects.none()
    cases = Case.objects.filter(person__in=people_visible_to(user))
    council_wide = user.has_role(
        Role.TEAM_MANAGER, Role.DP_SUPPORT, Role.FINANCIAL_ASSESSOR, Role.PAYMENTS_OFFICER, Role.AUDITOR
    )
    if council_wide:
        return cases
    return cases.filter(Q(team_id=user.team_id) | Q(worker=user))


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    if not user.has_role(*CARE_ROLES):
        return Referral.objects.none()
    return Referral.objects.filter(person__in=people_visible_to(user))


def access_case_by_id(user: User, case_id: int) -> Case:
    case = cases_visible_to(user).select_related("person", "worker", "team").filter(pk=case_id).first()
    if case is None:
        raise Http404("No such case")
    return case


def access_referral_by_id(user: User, referral_id: int) -> Referral:
    referral = referrals_visible_to(user).select_related("person", "received_by").filter(pk=referral_id).first()
    if referral is None:
        raise Http404("No such referral")
    return referral


def access_case_note_by_id(user: User, note_id: int) -> CaseNote:
    note = CaseNote.objects.filter(pk=note_id, case__in=cases_visible_to(user)).select_related("case").first()
    if note is None:
        raise Http404("No such note")
    return note
