from django.db import models


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Waiting to be signed"
    SIGNED = "signed", "Signed"
    ENDED = "ended", "Ended"


class AccountType(models.TextChoices):
    PREPAID_CARD = "prepaid_card", "Prepaid card"
    BANK_ACCOUNT = "bank_account", "Separate bank account"
    MANAGED_ACCOUNT = "managed_account", "Managed account (a provider holds the money and pays for the support)"


class HolderCapacity(models.TextChoices):
    RECIPIENT = "recipient", "The person themselves"
    NOMINATED_PERSON = "nominated_person", "Nominated person"
    AUTHORISED_PERSON = "authorised_person", "Authorised person"
    PARENT = "parent", "Person with parental responsibility"


class ReviewKind(models.TextChoices):
    INITIAL_CHECK = "initial_check", "Initial check (council policy)"
    FIRST_REVIEW = "first_review", "First review (within 6 months)"
    ANNUAL_REVIEW = "annual_review", "Review (within 12 months of the last)"
    TRIGGERED = "triggered", "Triggered review"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "To do"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "No longer needed"


class ReviewTrigger(models.TextChoices):
    """Why a review was brought forward (DP Regs 2014 reg 7(1)(b)-(d), DP-REV-02)."""

    CONCERN_ABOUT_USE = "concern_about_use", "Concern that the payments are not used to meet the needs"
    CAPACITY_CHANGE = "capacity_change", "A change in the person's capacity"
    BREACH = "breach", "A condition of the direct payment may have been breached"
    CONDITIONS_NOT_MET = "conditions_not_met", "Managing the payments, or them being appropriate, is in doubt"
    CHANGE_IN_NEEDS = "change_in_needs", "A change in needs or circumstances"


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue as it is"
    CONTINUE_WITH_CHANGES = "continue_with_changes", "Continue, with changes agreed in the plan's notes"
    REASSESS = "reassess", "Reassess needs (a new plan and budget will follow)"
    END = "end", "End the direct payment and close the case"


class DirectPaymentAnswer(models.TextChoices):
    """What the person said when direct payments were offered again at the review."""

    KEEP = "keep", "Wants to keep the direct payment"
    COUNCIL_ARRANGED = "council_arranged", "Would rather the council arranged the support"
    UNDECIDED = "undecided", "Wants time to decide"
    NOT_ASKED = "not_asked", "Not asked"
