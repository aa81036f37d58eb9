"""Fetching findings, audits and recoveries the user may see (404 for missing and forbidden alike).

They belong to a person: whoever may open the person may see them (restricted people only by their
allocated worker and team managers), and only the roles the views allow get that far.
"""

from __future__ import annotations

from django.http import Http404

from dp.audits.models import AuditCase, AuditRecovery, Finding
from dp.people.access import people_visible_to
from dp.staff.models import User


def access_finding_by_id(user: User, finding_id: int) -> Finding:
    finding = (
        Finding.objects.filter(pk=finding_id, person__in=people_visible_to(user))
        .select_related("person", "account", "audit", "dismissed_by")
        .first()
    )
    if finding is None:
        raise Http404("No such finding")
    return finding


def access_audit_by_id(user: User, audit_id: int) -> AuditCase:
    audit = (
        AuditCase.objects.filter(pk=audit_id, person__in=people_visible_to(user))
        .select_related("person", "case", "account__holder", "schedule", "opened_by")
        .first()
    )
    if audit is None:
        raise Http404("No such audit")
    return audit


def access_recovery_by_id(user: User, recovery_id: int) -> AuditRecovery:
    recovery = (
        AuditRecovery.objects.filter(pk=recovery_id, audit__person__in=people_visible_to(user))
        .select_related("audit__person", "audit__case", "audit__account__holder", "audit__schedule", "proposed_by")
        .first()
    )
    if recovery is None:
        raise Http404("No such recovery")
    return recovery
