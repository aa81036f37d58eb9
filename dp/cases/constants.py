from django.db import models


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Waiting for triage"
    AWAITING_INFORMATION = "awaiting_information", "Waiting for information"
    ALLOCATED = "allocated", "Allocated"
    CLOSED = "closed", "Closed"


class ReferralOutcome(models.TextChoices):
    """Why a referral closed without a case."""

    SIGNPOSTED = "signposted", "Information and advice given, signposted elsewhere"
    NO_ELIGIBLE_NEEDS = "no_needs", "No care and support needs the council must meet"
    OUT_OF_AREA = "out_of_area", "Lives outside the council's area, passed to their council"
    WITHDRAWN = "withdrawn", "Person withdrew or did not want support"
    DUPLICATE = "duplicate", "Duplicate of another referral"


class CaseType(models.TextChoices):
    ADULT = "adult", "Adult"
    CARER = "carer", "Carer"
    CHILD_FAMILY = "child_family", "Child and family"
    TRANSITION = "transition", "Young person 16-17 in transition"


class CaseStatus(models.TextChoices):
    ALLOCATED = "allocated", "Allocated"
    NEEDS_ASSESSMENT = "needs_assessment", "Needs assessment"
    FINANCIAL_ASSESSMENT = "financial_assessment", "Financial assessment"
    SUPPORT_PLANNING = "support_planning", "Support planning"
    FUNDING_PANEL = "funding_panel", "At funding panel"
    PLAN_APPROVAL = "plan_approval", "Plan awaiting approval"
    AGREEMENT = "agreement", "Agreement being signed"
    PAYMENT_SETUP = "payment_setup", "Setting up payments"
    ACTIVE = "active", "Direct payment active"
    REVIEW = "review", "Under review"
    SUSPENDED = "suspended", "Direct payment suspended"
    CLOSED = "closed", "Closed"


class ContactRoute(models.TextChoices):
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    ONLINE = "online", "Online form"
    IN_PERSON = "in_person", "In person"


class ReferrerType(models.TextChoices):
    SELF = "self", "The person themselves"
    FAMILY = "family", "Family member or friend"
    GP = "gp", "GP or health professional"
    HOSPITAL = "hospital", "Hospital discharge team"
    SCHOOL = "school", "School or education"
    PROFESSIONAL = "professional", "Other professional"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
