"""Referrals, cases, allocations and case notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dp.cases.constants import (
    CaseStatus,
    CaseType,
    ContactRoute,
    ReferralOutcome,
    ReferralStatus,
    ReferrerType,
    Urgency,
)
from dp.core.models import TimeStamped


class Referral(TimeStamped):
    """A contact or referral asking for care and support.

    States (allowed moves in `cases.domain.workflow.REFERRAL_TRANSITIONS`):
    - RECEIVED: recorded by staff, waiting in the triage queue;
    - AWAITING_INFORMATION: the team manager has asked for more before deciding;
    - ALLOCATED: given to a worker, which opened a `Case` (terminal);
    - CLOSED: closed with an `outcome` and no case (terminal).
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    received_at = models.DateTimeField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    route = models.CharField("How they got in touch", max_length=12, choices=ContactRoute.choices)
    referrer_type = models.CharField("Who made the referral", max_length=12, choices=ReferrerType.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_contact = models.CharField(max_length=200, blank=True)
    lives_in_area = models.BooleanField(null=True)
    case_type = models.CharField("Type of support", max_length=16, choices=CaseType.choices)
    support_wanted = models.TextField("What support they think would help")
    urgency = models.CharField(max_length=8, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=24, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED)
    status_changed_at = models.DateTimeField()
    information_requested = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=ReferralOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["received_at"]
        indexes = [models.Index(fields=["status", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ReferralStatus.CLOSED, outcome__gt="")
                | (~Q(status=ReferralStatus.CLOSED) & Q(outcome="")),
                name="referral_outcome_iff_closed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.person}"

    @property
    def reference(self) -> str:
        return f"R{self.pk:06d}"


class Case(TimeStamped):
    """A piece of work with one person, from allocation to closing.

    `reference` ("C000123") is what staff quote on the phone and search by. `worker` is the
    current allocated worker; `Allocation` keeps the history. States and allowed moves are in
    `cases.domain.workflow.CASE_TRANSITIONS` (see `CaseStatus` for their names).
    """

    reference = models.CharField(max_length=12, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    referral = models.OneToOneField(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="case")
    case_type = models.CharField(max_length=16, choices=CaseType.choices)
    status = models.CharField(max_length=24, choices=CaseStatus.choices, default=CaseStatus.ALLOCATED)
    status_changed_at = models.DateTimeField()
    team = models.ForeignKey("staff.Team", on_delete=models.PROTECT, related_name="cases")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caseload")
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["worker", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CaseStatus.CLOSED, closed_on__isnull=False)
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="case_closed_on_iff_closed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.person}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class Allocation(models.Model):
    """Who held a case, from when to when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-allocated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="one_current_allocation_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} on {self.case_id} from {self.allocated_at:%Y-%m-%d}"


class CaseNote(models.Model):
    """A note on a case. Its author may correct it within the council's grace period; after that
    it can only be added to (a new note with `adds_to` pointing at it)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    text = models.TextField()
    corrected_at = models.DateTimeField(null=True, blank=True)
    adds_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="additions")

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"Note on {self.case.reference} by {self.author}"
