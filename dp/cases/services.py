"""Writes for referrals, cases and case notes. Each locks, checks the workflow table, writes and
records an audit event in one transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction

from dp.audit_log.models import EventType
from dp.audit_log.services import audit_event_record
from dp.cases.constants import CaseStatus, ReferralOutcome, ReferralStatus
from dp.cases.domain.workflow import CASE_TRANSITIONS, REFERRAL_TRANSITIONS, can_transition
from dp.cases.models import Allocation, Case, CaseNote, Referral
from dp.cases.policy import CASE_NOTE_GRACE_MINUTES
from dp.core import clock
from dp.core.domain.identifiers import postcode_district
from dp.core.errors import PermissionDenied, PolicyMissing, TransitionNotAllowed, ValidationFailed
from dp.councils.selectors import council_get, council_in_area, policy_value_get
from dp.people.models import Person
from dp.staff.models import User
from dp.staff.roles import Role


def lives_in_area(person: Person) -> bool | None:
    """True/False from the person's postcode district and the council's area; None if unknown."""
    council = council_get()
    if council is None or not person.postcode:
        return None
    return council_in_area(council, postcode_district(person.postcode))


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    person: Person,
    route: str,
    referrer_type: str,
    case_type: str,
    support_wanted: str,
    urgency: str = "routine",
    referrer_name: str = "",
    referrer_contact: str = "",
    received_at: dt.datetime | None = None,
) -> Referral:
    if not support_wanted.strip():
        raise ValidationFailed("Enter what support they think would help", field="support_wanted")
    now = clock.now()
    referral = Referral.objects.create(
        person=person,
        received_at=received_at or now,
        received_by=actor,
        route=route,
        referrer_type=referrer_type,
        referrer_name=referrer_name,
        referrer_contact=referrer_contact,
        lives_in_area=lives_in_area(person),
        case_type=case_type,
        support_wanted=support_wanted.strip(),
        urgency=urgency,
        status_changed_at=now,
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.REFERRAL_RECEIVED,
        subject=referral,
        person=person,
        summary=f"Referral {referral.reference} received ({referral.get_case_type_display().lower()})",
        after={"route": route, "referrer_type": referrer_type, "case_type": case_type, "urgency": urgency},
    )
    return referral


def _move_referral(referral: Referral, target: str) -> str:
    if not can_transition(REFERRAL_TRANSITIONS, referral.status, target):
        raise TransitionNotAllowed(
            f"A referral that is “{referral.get_status_display()}” cannot become “{ReferralStatus(target).label}”."
        )
    before = referral.status
    referral.status = target
    referral.status_changed_at = clock.now()
    return before


def _lock_referral(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().select_related("person").get(pk=referral.pk)


@transaction.atomic
def referral_request_information(*, actor: User, referral: Referral, information: str) -> Referral:
    referral = _lock_referral(referral)
    if not information.strip():
        raise ValidationFailed("Enter what information is needed", field="information")
    before = _move_referral(referral, ReferralStatus.AWAITING_INFORMATION)
    referral.information_requested = information.strip()
    referral.triaged_by = actor
    referral.save(update_fields=["status", "status_changed_at", "information_requested", "triaged_by", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.REFERRAL_TRANSITIONED,
        subject=referral,
        person=referral.person,
        summary=f"More information requested: {information.strip()[:200]}",
        before={"status": before},
        after={"status": referral.status},
    )
    return referral


@transaction.atomic
def referral_return_to_triage(*, actor: User, referral: Referral, note: str) -> Referral:
    referral = _lock_referral(referral)
    before = _move_referral(referral, ReferralStatus.RECEIVED)
    referral.save(update_fields=["status", "status_changed_at", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.REFERRAL_TRANSITIONED,
        subject=referral,
        person=referral.person,
        summary=f"Information received, back for triage: {note.strip()[:200]}" if note.strip() else "Back for triage",
        before={"status": before},
        after={"status": referral.status},
    )
    return referral


@transaction.atomic
def referral_close(*, actor: User, referral: Referral, outcome: str, notes: str) -> Referral:
    referral = _lock_referral(referral)
    if outcome not in ReferralOutcome.values:
        raise ValidationFailed("Choose why the referral is closing", field="outcome")
    before = _move_referral(referral, ReferralStatus.CLOSED)
    referral.outcome = outcome
    referral.outcome_notes = notes.strip()
    referral.triaged_by = actor
    referral.save(update_fields=["status", "status_changed_at", "outcome", "outcome_notes", "triaged_by", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.REFERRAL_TRANSITIONED,
        subject=referral,
        person=referral.person,
        summary=f"Referral {referral.reference} closed: {ReferralOutcome(outcome).label}",
        before={"status": before},
        after={"status": referral.status, "outcome": outcome},
    )
    return referral


def _check_worker(worker: User) -> None:
    if not worker.is_active or not worker.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER):
        raise ValidationFailed("Choose an active social worker or team manager", field="worker")
    if worker.team_id is None:
        raise ValidationFailed("The worker must belong to a team", field="worker")


@transaction.atomic
def referral_allocate(*, actor: User, referral: Referral, worker: User) -> Case:
    """Allocate a referral to a worker: the referral is done and a case opens in the worker's team."""
    referral = _lock_referral(referral)
    _check_worker(worker)
    before = _move_referral(referral, ReferralStatus.ALLOCATED)
    referral.triaged_by = actor
    referral.save(update_fields=["status", "status_changed_at", "triaged_by", "updated_at"])
    now = clock.now()
    case = Case.objects.create(
        reference=f"tmp-{uuid.uuid4().hex[:8]}",
        person=referral.person,
        referral=referral,
        case_type=referral.case_type,
        status=CaseStatus.ALLOCATED,
        status_changed_at=now,
        team=worker.team,  # type: ignore[misc]  # _check_worker ensured a team
        worker=worker,
        opened_on=clock.today(),
    )
    case.reference = f"C{case.pk:06d}"
    case.save(update_fields=["reference"])
    Allocation.objects.create(case=case, worker=worker, allocated_by=actor, allocated_at=now)
    audit_event_record(
        actor=actor,
        event_type=EventType.REFERRAL_ALLOCATED,
        subject=referral,
        person=referral.person,
        case=case,
        summary=f"Referral {referral.reference} allocated to {worker.display_name}",
        before={"status": before},
        after={"status": referral.status, "worker": worker.pk},
    )
    audit_event_record(
        actor=actor,
        event_type=EventType.CASE_OPENED,
        subject=case,
        person=referral.person,
        case=case,
        summary=f"Case {case.reference} opened ({case.get_case_type_display().lower()}), worker {worker.display_name}",
        after={"status": case.status, "worker": worker.pk, "team": worker.team_id},
    )
    return case


@transaction.atomic
def case_transition(*, actor: User, case: Case, to_status: str, reason: str = "") -> Case:
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if case.status == to_status:
        return case  # idempotent: a double-submitted form changes nothing
    if not can_transition(CASE_TRANSITIONS, case.status, to_status):
        raise TransitionNotAllowed(
            f"A case that is “{case.get_status_display()}” cannot move to “{CaseStatus(to_status).label}”."
        )
    if to_status == CaseStatus.CLOSED and not reason.strip():
        raise ValidationFailed("Enter why the case is closing", field="reason")
    before = case.status
    case.status = to_status
    case.status_changed_at = clock.now()
    fields = ["status", "status_changed_at", "updated_at"]
    if to_status == CaseStatus.CLOSED:
        case.closed_on = clock.today()
        case.closure_reason = reason.strip()
        fields += ["closed_on", "closure_reason"]
        Allocation.objects.filter(case=case, ended_at__isnull=True).update(ended_at=case.status_changed_at)
    case.save(update_fields=fields)
    audit_event_record(
        actor=actor,
        event_type=EventType.CASE_TRANSITIONED,
        subject=case,
        person=case.person,
        case=case,
        summary=f"{CaseStatus(before).label} → {CaseStatus(to_status).label}"
        + (f": {reason.strip()}" if reason.strip() else ""),
        before={"status": before},
        after={"status": to_status},
    )
    return case


@transaction.atomic
def case_reallocate(*, actor: User, case: Case, worker: User, reason: str) -> Case:
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if not case.is_open:
        raise TransitionNotAllowed("A closed case cannot be reallocated.")
    _check_worker(worker)
    if worker.pk == case.worker_id:
        return case
    if not reason.strip():
        raise ValidationFailed("Enter why the case is moving to another worker", field="reason")
    now = clock.now()
    before = {"worker": case.worker_id, "team": case.team_id}
    Allocation.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    Allocation.objects.create(case=case, worker=worker, allocated_by=actor, allocated_at=now, reason=reason.strip())
    case.worker = worker
    case.team = worker.team  # type: ignore[assignment]  # _check_worker ensured a team
    case.save(update_fields=["worker", "team", "updated_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.CASE_REALLOCATED,
        subject=case,
        person=case.person,
        case=case,
        summary=f"Case allocated to {worker.display_name}: {reason.strip()}",
        before=before,
        after={"worker": worker.pk, "team": worker.team_id},
    )
    return case


def note_grace_minutes(on: dt.date) -> int:
    try:
        return int(policy_value_get(CASE_NOTE_GRACE_MINUTES.key, on=on))
    except PolicyMissing:
        return 0  # without a policy, notes are fixed the moment they are written


def note_is_correctable(note: CaseNote, *, now: dt.datetime, grace_minutes: int) -> bool:
    return now - note.written_at <= dt.timedelta(minutes=grace_minutes)


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str, adds_to: CaseNote | None = None) -> CaseNote:
    if not text.strip():
        raise ValidationFailed("Enter the note", field="text")
    if adds_to is not None and adds_to.case_id != case.pk:
        raise ValidationFailed("A note can only add to a note on the same case", field="adds_to")
    note = CaseNote.objects.create(case=case, author=actor, written_at=clock.now(), text=text.strip(), adds_to=adds_to)
    audit_event_record(
        actor=actor,
        event_type=EventType.CASE_NOTE_ADDED,
        subject=note,
        person=case.person,
        case=case,
        summary=("Added to an earlier note: " if adds_to else "Note: ") + text.strip()[:200],
        after={"text": note.text, "adds_to": adds_to.pk if adds_to else None},
    )
    return note


@transaction.atomic
def case_note_correct(*, actor: User, note: CaseNote, text: str) -> CaseNote:
    note = CaseNote.objects.select_for_update().select_related("case__person").get(pk=note.pk)
    if note.author_id != actor.pk:
        raise PermissionDenied("Only the author can correct a note.")
    now = clock.now()
    if not note_is_correctable(note, now=now, grace_minutes=note_grace_minutes(clock.today())):
        raise PermissionDenied("This note can no longer be changed. Add to it instead.")
    if not text.strip():
        raise ValidationFailed("Enter the note", field="text")
    before = note.text
    note.text = text.strip()
    note.corrected_at = now
    note.save(update_fields=["text", "corrected_at"])
    audit_event_record(
        actor=actor,
        event_type=EventType.CASE_NOTE_CORRECTED,
        subject=note,
        person=note.case.person,
        case=note.case,
        summary="Note corrected within the grace period",
        before={"text": before},
        after={"text": note.text},
    )
    return note
