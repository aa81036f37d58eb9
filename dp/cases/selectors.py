"""Reading referrals and cases: queues and case pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When

from dp.cases.access import cases_visible_to, referrals_visible_to
from dp.cases.constants import CaseStatus, ReferralStatus, Urgency
from dp.cases.models import Case, CaseNote, Referral
from dp.cases.policy import REFERRAL_TRIAGE_DAYS
from dp.core.errors import PolicyMissing
from dp.councils.selectors import policy_value_get
from dp.people.models import Person
from dp.staff.models import User
from dp.staff.roles import Role

OPEN_REFERRAL = [ReferralStatus.RECEIVED, ReferralStatus.AWAITING_INFORMATION]


def person_open_referrals(person: Person) -> QuerySet[Referral]:
    return person.referrals.filter(status__in=OPEN_REFERRAL).order_by("received_at")


@dataclass(frozen=True)
class TriageRow:
    referral: Referral
    waiting_days: int
    overdue: bool


def triage_queue(*, user: User, today: dt.date) -> list[TriageRow]:
    """Referrals waiting for a team manager: urgent first, then oldest first."""
    try:
        target_days = int(policy_value_get(REFERRAL_TRIAGE_DAYS.key, on=today))
    except PolicyMissing:
        target_days = None
    referrals = (
        referrals_visible_to(user)
        .filter(status__in=OPEN_REFERRAL)
        .select_related("person", "received_by")
        .annotate(
            urgent_first=When_(
                When(urgency=Urgency.URGENT, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("urgent_first", "received_at")
    )
    rows = []
    for referral in referrals:
        waiting = (today - referral.received_at.date()).days
        rows.append(TriageRow(referral, waiting, target_days is not None and waiting > target_days))
    return rows


def caseload(*, user: User, worker: User | None = None, team_id: int | None = None) -> QuerySet[Case]:
    cases = cases_visible_to(user).exclude(status=CaseStatus.CLOSED).select_related("person", "worker", "team")
    if worker is not None:
        cases = cases.filter(worker=worker)
    if team_id is not None:
        cases = cases.filter(team_id=team_id)
    return cases.order_by("status_changed_at")


def cases_in_status(*, user: User, statuses: list[str]) -> QuerySet[Case]:
    return (
        cases_visible_to(user)
        .filter(status__in=statuses)
        .select_related("person", "worker", "team")
        .order_by("status_changed_at")
    )


def case_notes(case: Case) -> QuerySet[CaseNote]:
    return case.notes.select_related("author", "adds_to").order_by("-written_at", "-id")


def allocatable_workers() -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, team__isnull=False, groups__name__in=[Role.SOCIAL_WORKER, Role.TEAM_MANAGER]
        )
        .select_related("team")
        .distinct()
        .order_by("team__name", "last_name", "first_name")
    )
