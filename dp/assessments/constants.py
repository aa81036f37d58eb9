"""Choices for assessment records. Values are stable codes (stored, exported, audited): never rename one.

The values mirror the pure domain's enums (`domain/eligibility.py`, `domain/needs.py`,
`domain/uprating.py`); the labels are what staff and letters show.
"""

from __future__ import annotations

from django.db import models

from dp.assessments.domain.charging import INCOME_TYPES, PREMIUMS
from dp.assessments.domain.eligibility import EXCLUSION_ORDER_LABELS


class AssessmentEvent(models.TextChoices):
    """Audit log event types written by this app (`audit_log.Event.event_type`)."""

    OFFER_RECORDED = "assessment.dp_offer_recorded", "Direct payments offered"
    ELIGIBILITY_DECIDED = "assessment.eligibility_decided", "Direct payment eligibility decided"
    NEEDS_SAVED = "assessment.needs_saved", "Needs assessment saved"
    NEEDS_COMPLETED = "assessment.needs_completed", "Needs assessment completed"
    FINANCIAL_CALCULATED = "assessment.financial_calculated", "Contribution calculated"
    FINANCIAL_COMPLETED = "assessment.financial_completed", "Financial assessment completed"
    NATIONAL_FIGURE_ENTERED = "assessment.national_figure_entered", "National figure entered"
    UPRATING_STARTED = "assessment.uprating_started", "Annual uprating started"
    UPRATING_CALCULATED = "assessment.uprating_calculated", "Annual uprating calculated"
    UPRATING_FAILED = "assessment.uprating_failed", "Annual uprating failed"
    UPRATING_APPROVED = "assessment.uprating_approved", "Annual uprating approved"
    UPRATING_APPLIED = "assessment.uprating_applied", "Annual uprating applied"
    UPRATING_CANCELLED = "assessment.uprating_cancelled", "Annual uprating cancelled"


class EligibilityRoute(models.TextChoices):
    ADULT_WITH_CAPACITY = "adult_with_capacity", "Adult with capacity to ask (Care Act s.31)"
    ADULT_LACKING_CAPACITY = "adult_lacking_capacity", "Adult who lacks capacity, through an authorised person (s.32)"
    CARER = "carer", "Carer, for support to the carer (s.31)"
    PARENT_OF_DISABLED_CHILD = (
        "parent_of_disabled_child",
        "Person with parental responsibility for a disabled child (Children Act s.17A)",
    )
    DISABLED_PARENT = "disabled_parent", "Disabled person with parental responsibility for a child (s.17A)"
    DISABLED_YOUNG_PERSON = "disabled_young_person", "Disabled young person aged 16 or 17 (s.17A)"


class EligibilityOutcome(models.TextChoices):
    ELIGIBLE = "eligible", "Direct payments can be made"
    NOT_ELIGIBLE = "not_eligible", "Direct payments cannot be made"
    UNDECIDED = "undecided", "Not decided yet"


class RecipientType(models.TextChoices):
    ADULT = "adult", "The person"
    NOMINATED_PERSON = "nominated_person", "A nominated person"
    AUTHORISED_PERSON = "authorised_person", "An authorised person"
    PERSON_WITH_PARENTAL_RESPONSIBILITY = "person_with_parental_responsibility", "A person with parental responsibility"
    YOUNG_PERSON = "young_person", "The young person"


class AuthorisedBasis(models.TextChoices):
    MCA_AUTHORISED = "mca_authorised", "An attorney (lasting power of attorney) or a deputy"
    AGREED_BY_MCA_AUTHORISED = "agreed_by_mca_authorised", "Someone the attorney or deputy agrees is suitable"
    COUNCIL_CONSIDERS_SUITABLE = (
        "council_considers_suitable",
        "Someone the council considers suitable (only when there is no attorney or deputy)",
    )


EXCLUSION_ORDER_CHOICES: list[tuple[str, str]] = [
    (code.value, label[:1].upper() + label[1:]) for code, label in EXCLUSION_ORDER_LABELS.items()
]


class OfferOccasion(models.TextChoices):
    NEEDS_ASSESSMENT = "needs_assessment", "Needs assessment"
    REVIEW = "review", "Review"
    REASSESSMENT = "reassessment", "Reassessment"
    OTHER = "other", "Other conversation"


class OfferAnswer(models.TextChoices):
    ACCEPTED = "accepted", "Wants direct payments"
    DECLINED = "declined", "Does not want direct payments"
    THINKING = "thinking", "Wants time to think about it"


class NeedsKind(models.TextChoices):
    ADULT = "adult", "Adult (Care Act s.9)"
    CARER = "carer", "Carer (Care Act s.10)"
    CHILD = "child", "Child (Children Act 1989 s.17)"


class NeedsStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    COMPLETED = "completed", "Completed"


class FinancialStatus(models.TextChoices):
    DRAFT = "draft", "Calculated, not confirmed"
    COMPLETED = "completed", "Completed"


class FinancialSource(models.TextChoices):
    OFFICER = "officer", "Financial assessment"
    UPRATING = "uprating", "Annual uprating"


class UpratingStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Calculating"
    READY = "ready", "Ready to check and approve"
    FAILED = "failed", "Failed"
    APPROVED = "approved", "Approved, writing the new assessments"
    APPLIED = "applied", "Applied"
    CANCELLED = "cancelled", "Cancelled"


INCOME_TYPE_CHOICES: list[tuple[str, str]] = list(INCOME_TYPES.items())
PREMIUM_CHOICES: list[tuple[str, str]] = list(PREMIUMS.items())


class CarerSupport(models.TextChoices):
    """Whether a carer was offered an assessment of their own needs (Care Act s.10)."""

    NO_CARER = "no_carer", "No one provides unpaid care"
    OFFERED_ACCEPTED = "offered_accepted", "Carer offered their own assessment and wants one"
    OFFERED_DECLINED = "offered_declined", "Carer offered their own assessment and does not want one"
    ALREADY_ASSESSED = "already_assessed", "Carer already has their own assessment"
