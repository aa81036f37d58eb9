"""The system's audit log: who did what, when, with the values before and after (ADR 0005).

Not to be confused with `monitoring`, the financial audit of how direct payments are spent.
One append-only table in the style of Zulip's `RealmAuditLog`. Services write an event in the
same transaction as the change they record, never through signals. The database refuses UPDATE
and DELETE on the table (trigger in migration 0002), so the log cannot be rewritten through the
application.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class EventType(models.TextChoices):
    """Stable codes: never rename a value (reports and exports depend on them); add new ones."""

    PERSON_CREATED = "person.created", "Person record created"
    PERSON_UPDATED = "person.updated", "Person's details changed"
    RELATIONSHIP_ADDED = "person.relationship_added", "Relationship added"
    RELATIONSHIP_ENDED = "person.relationship_ended", "Relationship ended"
    CAPACITY_RECORDED = "person.capacity_recorded", "Capacity to consent recorded"
    REFERRAL_RECEIVED = "referral.received", "Contact or referral received"
    REFERRAL_TRANSITIONED = "referral.transitioned", "Referral status changed"
    REFERRAL_ALLOCATED = "referral.allocated", "Referral allocated to a worker"
    CASE_OPENED = "case.opened", "Case opened"
    CASE_TRANSITIONED = "case.transitioned", "Case status changed"
    CASE_REALLOCATED = "case.reallocated", "Case allocated to another worker"
    CASE_NOTE_ADDED = "case.note_added", "Case note added"
    CASE_NOTE_CORRECTED = "case.note_corrected", "Case note corrected"
    COUNCIL_UPDATED = "council.updated", "Council details changed"
    POLICY_VALUE_SET = "council.policy_value_set", "Council policy value set"
    STAFF_SIGNED_IN = "staff.signed_in", "Staff member signed in"
    STAFF_TWO_FACTOR_ADDED = "staff.two_factor_added", "Two-factor authentication set up"
    STAFF_ROLES_CHANGED = "staff.roles_changed", "Staff roles changed"
    STAFF_PASSWORD_SET = "staff.password_set", "Staff password set"
    RAS_SCHEME_CHANGED = "ras.scheme_changed", "Resource allocation scheme changed"
    INDICATIVE_BUDGET_CALCULATED = "ras.indicative_budget", "Indicative budget worked out"
    PLAN_CREATED = "plan.created", "Support plan started"
    PLAN_CHANGED = "plan.changed", "Support plan changed"
    PLAN_PAYEE_NECESSARY = "plan.payee_necessary", "Paying a family member recorded as necessary"
    PLAN_SUBMITTED = "plan.submitted", "Support plan sent for a decision"
    PLAN_PANEL_DECIDED = "plan.panel_decided", "Funding panel decided"
    PLAN_APPROVED = "plan.approved", "Support plan approved"
    PLAN_RETURNED = "plan.returned", "Support plan returned for changes"
    BUDGET_SET = "budget.set", "Personal budget set"
    AGREEMENT_CREATED = "agreement.created", "Direct payment agreement drawn up"
    AGREEMENT_SIGNED = "agreement.signed", "Direct payment agreement signed"
    REVIEW_REQUESTED = "review.requested", "Review of a direct payment requested"
    REVIEW_COMPLETED = "review.completed", "Review of a direct payment completed"


# Apps that keep their own event codes (a TextChoices next to their models) register them here so
# timelines show a label; see `register_event_types`.
_EXTRA_LABELS: dict[str, str] = {}


def register_event_types(choices: type[models.TextChoices]) -> None:
    _EXTRA_LABELS.update({str(value): str(label) for value, label in choices.choices})


def event_type_label(code: str) -> str:
    try:
        return str(EventType(code).label)
    except ValueError:
        return _EXTRA_LABELS.get(code, code)


class Event(models.Model):
    """One thing that happened. `data` holds `{"before": {...}, "after": {...}}` and any detail."""

    occurred_at = models.DateTimeField(db_index=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Codes come from `EventType` (and later parts' additions to it). No `choices=` on the column:
    # adding an event type must never need a migration of this append-only table.
    event_type = models.CharField(max_length=64, db_index=True)
    summary = models.CharField(max_length=300)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField()
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["person", "-occurred_at"]),
            models.Index(fields=["case", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.event_type}"

    def get_event_type_display(self) -> str:
        return event_type_label(self.event_type)

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        before = self.data.get("before") or {}
        after = self.data.get("after") or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
