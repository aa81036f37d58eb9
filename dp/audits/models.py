"""Findings of the automated checks, audits of direct payment accounts, and fair recovery.

How the pieces fit
------------------
- A `Finding` is what a monitoring rule (`dp.monitoring.domain.rules`, by stable code) found on
  one account, with its evidence. UNIQUE (account, evidence_key): the same evidence never raises
  a finding twice, so a dismissed finding stays dismissed until new evidence appears.
- An `AuditCase` is a proportionate audit of one person's direct payment, opened from the audit
  schedule or from a finding; its statuses and moves are `AUDIT_CASE_TRANSITIONS`
  (`dp.monitoring.domain.audits`). Each move is an `AuditStep` with its evidence.
- An `AuditRecovery` is a proposed recovery on an audit (reasons, figures, response period), then
  the decision, a second person's approval that posts it to the ledger exactly once (journals
  with idempotency keys), the settlement, and any review of the decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dp.audits.constants import (
    AuditSource,
    AuditStatus,
    FindingStatus,
    Ground,
    Method,
    ReviewOutcome,
    Severity,
    Tier,
)


class Finding(models.Model):
    """One rule's finding on one account, with its evidence in plain English.

    States: OPEN (raised by the sweep), DISMISSED (with a reason and by whom; the same evidence
    does not raise it again), IN_AUDIT (an audit was opened from it or took it in), RESOLVED (that
    audit finished), SUPERSEDED (an open surplus finding whose figures the sweep no longer finds: the money owed,
    weeks allowed or weekly payment changed; opened again if they come back, see `sweep.py`).
    """

    code = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    severity = models.CharField(max_length=6, choices=Severity.choices)
    explanation = models.TextField()
    evidence = models.JSONField(default=list)  # [{"ref", "note", "on", "amount_pence"}]
    evidence_key = models.CharField(max_length=64)
    amount_pence = models.BigIntegerField(null=True, blank=True)
    account = models.ForeignKey("payments.DirectPaymentAccount", on_delete=models.PROTECT, related_name="findings")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="findings")
    status = models.CharField(max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    raised_on = models.DateField()
    raised_at = models.DateTimeField()
    dismissed_reason = models.TextField(blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    audit = models.ForeignKey(
        "audits.AuditCase", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["status", "code"]),
            models.Index(fields=["account", "status"]),
            models.Index(fields=["person", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["account", "evidence_key"], name="finding_once_per_evidence"),
            models.CheckConstraint(
                condition=~Q(status=FindingStatus.DISMISSED)
                | (Q(dismissed_at__isnull=False) & ~Q(dismissed_reason="")),
                name="finding_dismissed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.code}"

    @property
    def reference(self) -> str:
        return f"F{self.pk:07d}"


class AuditCase(models.Model):
    """A proportionate audit of one person's direct payment.

    States (`AUDIT_CASE_TRANSITIONS`): OPENED → INFORMATION_REQUESTED (a letter with a due date) →
    INFORMATION_RECEIVED → an outcome: NO_ACTION, ADVICE_AND_SUPPORT (finished), RECOVERY_PROPOSED
    (→ RECOVERY_DECIDED → REVIEW_REQUESTED → REVIEW_DECIDED → CLOSED), SUSPENSION (payments
    suspended), ENDING, or SAFEGUARDING_REFERRAL (a note on the person's case for the social worker).
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="audit_cases")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="audit_cases")
    account = models.ForeignKey(
        "payments.DirectPaymentAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    schedule = models.ForeignKey(
        "payments.PaymentSchedule", null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    tier = models.CharField(max_length=12, choices=Tier.choices)
    status = models.CharField(max_length=24, choices=AuditStatus.choices, default=AuditStatus.OPENED)
    source = models.CharField(max_length=10, choices=AuditSource.choices)
    reasons = models.TextField(help_text="Why the audit was opened and why at this tier")
    opened_on = models.DateField()
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    information_requested = models.TextField(blank=True)
    information_due_on = models.DateField(null=True, blank=True)
    information_received_on = models.DateField(null=True, blank=True)
    information_summary = models.TextField(blank=True)
    outcome_notes = models.TextField(blank=True)
    finished_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["status", "opened_on"]), models.Index(fields=["person", "opened_on"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"A{self.pk:06d}"


class AuditStep(models.Model):
    """One move of an audit, who made it, why, and the evidence it rests on (append-only by use)."""

    audit = models.ForeignKey(AuditCase, on_delete=models.PROTECT, related_name="steps")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, choices=AuditStatus.choices)
    occurred_at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.audit_id}: {self.from_status} → {self.to_status}"


class AuditRecovery(models.Model):
    """A recovery proposed on an audit: reasons and figures, a response period, the discussion, the decision,
    a second person's approval (which posts the journals), settlement, and any review.

    Money: `amount_pence` is what is at issue; `refund_to_person_pence` (overpaid contribution) goes
    back to the person first; `recoverable_pence` is what the council recovers. Journals
    (idempotency keys `audit-recovery:<id>:refund|raised|received|overturned`) are posted once each.
    Overturned on review after the payment runs took instalments: `deductions_taken_pence` records what was
    taken, and it is repaid once (`repaid_pence`: a one-off payment in the next run, `repayment`, and the journal
    `audit-recovery:<id>:repaid` clearing what the council owed back).
    """

    audit = models.OneToOneField(AuditCase, on_delete=models.PROTECT, related_name="recovery")
    ground = models.CharField(max_length=8, choices=Ground.choices)
    basis = models.CharField(max_length=5)
    reasons = models.JSONField(default=list)
    finding_keys = models.JSONField(default=list)
    inputs = models.JSONField(default=dict, help_text="The figures the proposal was worked out from")
    breakdown = models.JSONField(default=list)
    amount_pence = models.BigIntegerField()
    refund_to_person_pence = models.BigIntegerField()
    recoverable_pence = models.BigIntegerField()
    proposed_on = models.DateField()
    response_ends_on = models.DateField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    response_received_on = models.DateField(null=True, blank=True)
    # the decision
    method = models.CharField(max_length=12, choices=Method.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reasons = models.TextField(blank=True)
    instalments = models.JSONField(default=list, blank=True)  # [{"number", "due_on", "amount_pence"}]
    invoice_due_on = models.DateField(null=True, blank=True)
    card_account_reference = models.CharField(max_length=35, blank=True)
    recoup_reference = models.CharField(max_length=64, blank=True)
    # the second person's approval posts the journals
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    refund_journal = models.ForeignKey(
        "ledger.Journal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_journal = models.ForeignKey(
        "ledger.Journal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_journal = models.ForeignKey(
        "ledger.Journal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deduction = models.ForeignKey(
        "payments.RecoveryDeduction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_on = models.DateField(null=True, blank=True)
    # a deduction whose direct payment ended before it was all taken: the rest is recovered by invoice
    invoiced_pence = models.BigIntegerField(
        null=True, blank=True, help_text="What was left of a deduction when the direct payment ended, now invoiced"
    )
    # review of the decision
    review_requested_on = models.DateField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    review_outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    review_notes = models.TextField(blank=True)
    review_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_decided_on = models.DateField(null=True, blank=True)
    overturn_journal = models.ForeignKey(
        "ledger.Journal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # deductions the payment runs took before the decision was overturned, repaid to the person once
    deductions_taken_pence = models.BigIntegerField(
        default=0, help_text="What the payment runs had taken when the review overturned the decision"
    )
    repaid_pence = models.BigIntegerField(null=True, blank=True)
    repayment = models.ForeignKey(
        "payments.ScheduledPayment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repaid_journal = models.ForeignKey(
        "ledger.Journal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repaid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repaid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0)
                & Q(refund_to_person_pence__gte=0)
                & Q(recoverable_pence__gte=0)
                & Q(amount_pence=models.F("refund_to_person_pence") + models.F("recoverable_pence")),
                name="audit_recovery_amounts_add_up",
            ),
            models.CheckConstraint(
                condition=Q(response_ends_on__gt=models.F("proposed_on")), name="audit_recovery_has_response_period"
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("decided_by")),
                name="audit_recovery_approved_by_someone_else",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(approved_on__gt=models.F("response_ends_on")),
                name="audit_recovery_not_approved_in_response_period",
            ),
            models.CheckConstraint(
                condition=Q(deductions_taken_pence__gte=0) & (Q(repaid_pence__isnull=True) | Q(repaid_pence__gt=0)),
                name="audit_recovery_repaid_positive",
            ),
            models.CheckConstraint(
                condition=Q(invoiced_pence__isnull=True) | Q(invoiced_pence__gt=0),
                name="audit_recovery_invoiced_positive",
            ),
            models.CheckConstraint(
                condition=Q(repaid_pence__isnull=True) | Q(review_outcome="overturned"),
                name="audit_recovery_repaid_only_when_overturned",
            ),
        ]

    def __str__(self) -> str:
        return f"Recovery on {self.audit_id}"

    @property
    def reference(self) -> str:
        return f"R{self.pk:06d}"

    @property
    def posted(self) -> bool:
        return self.approved_at is not None


class RecoveryDiscussion(models.Model):
    """A conversation with the person (or their representative) about a proposed recovery."""

    recovery = models.ForeignKey(AuditRecovery, on_delete=models.PROTECT, related_name="discussions")
    held_on = models.DateField()
    with_whom = models.CharField(max_length=200)
    summary = models.TextField()
    person_responded = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Discussion {self.held_on} on {self.recovery_id}"
