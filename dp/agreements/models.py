"""Direct payment agreements and reviews.

How they relate (for the part that pays the money):

    Case ─< Agreement >─ SupportPlan, PersonalBudget   (what is paid, to whom, into which kind of account)
    Case ─< Review >─ Agreement                          (scheduled and triggered reviews of the payments)

A signed `Agreement` says: from `first_payment_on`, every `cycle_weeks` weeks the council pays
`cycle_council_payment_pence` and the holder pays `cycle_contribution_pence` into the account
(together `cycle_gross_pence`), plus `one_off_pence` once. The amounts are fixed when it is drawn
up from the personal budget it names; a new budget means a new agreement.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from dp.agreements.constants import (
    AccountType,
    AgreementStatus,
    DirectPaymentAnswer,
    HolderCapacity,
    ReviewKind,
    ReviewOutcome,
    ReviewStatus,
    ReviewTrigger,
)
from dp.core.models import TimeStamped


class Agreement(TimeStamped):
    """The direct payment agreement between the council and the person who holds the money.

    States (allowed moves in `agreements.domain.workflow.AGREEMENT_TRANSITIONS`):
    - DRAFT: drawn up from the approved plan and budget; printed and waiting to be signed;
    - SIGNED: signed by `signed_by_person` (the holder: the recipient, or their nominated or
      authorised person, or a person with parental responsibility) on `signed_on`;
    - ENDED: replaced by a later agreement, or the direct payment ended (`ended_on`, `end_reason`).
    At most one draft and one signed agreement per case.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="agreements")
    plan = models.ForeignKey("plans.SupportPlan", on_delete=models.PROTECT, related_name="agreements")
    budget = models.ForeignKey("plans.PersonalBudget", on_delete=models.PROTECT, related_name="agreements")
    status = models.CharField(max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    holder_person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    holder_capacity = models.CharField(max_length=20, choices=HolderCapacity.choices)
    holder_relationship = models.ForeignKey(
        "people.Relationship", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account_type = models.CharField(max_length=20, choices=AccountType.choices)
    first_payment_on = models.DateField()
    cycle_weeks = models.PositiveSmallIntegerField(default=4)
    regular_weekly_pence = models.BigIntegerField()
    weekly_contribution_pence = models.BigIntegerField(default=0)
    cycle_gross_pence = models.BigIntegerField()
    cycle_contribution_pence = models.BigIntegerField(default=0)
    cycle_council_payment_pence = models.BigIntegerField()
    one_off_pence = models.BigIntegerField(default=0)
    surplus_allowed_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    drawn_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_up_at = models.DateTimeField()
    signed_on = models.DateField(null=True, blank=True)
    signed_by_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signature_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signature_recorded_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-drawn_up_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status=AgreementStatus.DRAFT), name="one_draft_agreement_per_case"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status=AgreementStatus.SIGNED), name="one_signed_agreement_per_case"
            ),
            models.CheckConstraint(
                condition=Q(
                    regular_weekly_pence__gte=0,
                    weekly_contribution_pence__gte=0,
                    cycle_gross_pence__gte=0,
                    cycle_contribution_pence__gte=0,
                    cycle_council_payment_pence__gte=0,
                    one_off_pence__gte=0,
                ),
                name="agreement_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(cycle_gross_pence=F("cycle_contribution_pence") + F("cycle_council_payment_pence")),
                name="agreement_cycle_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(status=AgreementStatus.DRAFT, signed_on__isnull=True)
                | Q(status=AgreementStatus.ENDED)
                | Q(status=AgreementStatus.SIGNED, signed_on__isnull=False, signed_by_person__isnull=False),
                name="agreement_signed_has_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} for case {self.case_id}"

    @property
    def reference(self) -> str:
        return f"A{self.pk:06d}"


class Review(TimeStamped):
    """A review of a direct payment (DP Regs 2014 reg 7).

    States (allowed moves in `agreements.domain.workflow.REVIEW_TRANSITIONS`):
    - OPEN: scheduled (initial check, first review, review within 12 months) or triggered, due by
      `due_by`;
    - COMPLETED: held on `completed_on`, with the outcome, whether direct payments were offered
      again and the answer;
    - CANCELLED: no longer needed (covered by a later review, or the direct payment ended).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="dp_reviews")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=20, choices=ReviewKind.choices)
    trigger = models.CharField(max_length=30, choices=ReviewTrigger.choices, blank=True)
    trigger_details = models.TextField(blank=True)
    due_by = models.DateField()
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=ReviewOutcome.choices, blank=True)
    dp_offered = models.BooleanField(null=True, blank=True)
    dp_answer = models.CharField(max_length=20, choices=DirectPaymentAnswer.choices, blank=True)
    notes = models.TextField(blank=True)
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_by", "id"]
        indexes = [models.Index(fields=["status", "due_by"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=ReviewKind.TRIGGERED) & ~Q(trigger=""))
                | (~Q(kind=ReviewKind.TRIGGERED) & Q(trigger="")),
                name="review_trigger_iff_triggered",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ReviewStatus.COMPLETED, completed_on__isnull=False, dp_offered__isnull=False)
                    & ~Q(outcome="")
                    & ~Q(dp_answer="")
                )
                | (~Q(status=ReviewStatus.COMPLETED) & Q(completed_on__isnull=True, outcome="")),
                name="review_outcome_iff_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for case {self.case_id}, due by {self.due_by}"
