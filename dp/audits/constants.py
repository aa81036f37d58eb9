"""Enums for findings, audits and recovery (stable values: never rename)."""

from django.db import models


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    IN_AUDIT = "in_audit", "In an audit"
    RESOLVED = "resolved", "Resolved by an audit"
    SUPERSEDED = "superseded", "Out of date: the figures changed"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Tier(models.TextChoices):
    LIGHT_TOUCH = "light_touch", "Light touch (automatic evidence only)"
    FULL = "full", "Full (records asked of the person)"


class AuditSource(models.TextChoices):
    SCHEDULE = "schedule", "The audit schedule"
    FINDING = "finding", "A finding"


class AuditStatus(models.TextChoices):
    """The statuses of `dp.monitoring.domain.audits.AUDIT_CASE_TRANSITIONS` (the table is the source of truth)."""

    OPENED = "opened", "Opened"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    INFORMATION_RECEIVED = "information_received", "Information received"
    NO_ACTION = "no_action", "No action needed"
    ADVICE_AND_SUPPORT = "advice_and_support", "Advice and support given"
    RECOVERY_PROPOSED = "recovery_proposed", "Recovery proposed"
    RECOVERY_DECIDED = "recovery_decided", "Recovery decided"
    REVIEW_REQUESTED = "review_requested", "Review of the decision asked for"
    REVIEW_DECIDED = "review_decided", "Review decided"
    SUSPENSION = "suspension", "Payments suspended"
    ENDING = "ending", "Direct payment ending"
    SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding concern passed to the social worker"
    CLOSED = "closed", "Closed"


#: Outcomes an officer records from the audit page (recovery has its own pages).
SIMPLE_OUTCOMES = (
    AuditStatus.NO_ACTION,
    AuditStatus.ADVICE_AND_SUPPORT,
    AuditStatus.SUSPENSION,
    AuditStatus.ENDING,
    AuditStatus.SAFEGUARDING_REFERRAL,
)


class Ground(models.TextChoices):
    SURPLUS = "surplus", "Surplus above what the person may keep"
    MISUSE = "misuse", "Payments not used for the needs in the support plan"


class Method(models.TextChoices):
    INVOICE = "invoice", "Invoice: the person repays"
    DEDUCTION = "deduction", "Deduction from future payments, in instalments"
    CARD_RECOUP = "card_recoup", "Recoup from the prepaid card"


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", "Decision upheld"
    OVERTURNED = "overturned", "Decision overturned: nothing is recovered"


class AuditEventType(models.TextChoices):
    """Audit log event codes for this app (stable)."""

    FINDING_RAISED = "audits.finding_raised", "Finding raised by the automated checks"
    FINDING_DISMISSED = "audits.finding_dismissed", "Finding dismissed"
    AUDIT_OPENED = "audits.audit_opened", "Audit opened"
    AUDIT_MOVED = "audits.audit_moved", "Audit moved on"
    FINDING_ADDED = "audits.finding_added", "Finding added to an open audit"
    RECOVERY_PROPOSED = "audits.recovery_proposed", "Recovery proposed"
    RECOVERY_DISCUSSED = "audits.recovery_discussed", "Discussion of a proposed recovery recorded"
    RECOVERY_DECIDED = "audits.recovery_decided", "Recovery decided"
    RECOVERY_APPROVED = "audits.recovery_approved", "Recovery approved and posted to the ledger"
    RECOVERY_SETTLED = "audits.recovery_settled", "Recovered money received"
    RECOVERY_REVIEW_REQUESTED = "audits.recovery_review_requested", "Review of a recovery decision asked for"
    RECOVERY_REVIEW_DECIDED = "audits.recovery_review_decided", "Review of a recovery decision decided"
    SWEEP_RUN = "audits.sweep_run", "Automated checks run"
    DEDUCTIONS_REPAID = "audits.deductions_repaid", "Deductions taken before an overturned recovery repaid"
