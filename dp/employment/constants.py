"""Choices for the employment app (stable values: stored in the database and in audit events)."""

from __future__ import annotations

from django.db import models


class PaySource(models.TextChoices):
    """Where the hours and pay of a pay record were read from."""

    TIMESHEET = "timesheet", "Timesheet"
    PAYSLIP = "payslip", "Payslip"
    PAYROLL_BUREAU = "payroll_bureau", "Payroll bureau file"


class CommitmentKind(models.TextChoices):
    """What money an account already owes is for (CALCULATE.md `surplus` commitments)."""

    UNPAID_WAGES = "unpaid_wages", "Unpaid wages"
    HOLIDAY_PAY = "holiday_pay", "Holiday pay"
    TAX_AND_NI = "tax_and_ni", "Tax and National Insurance (HMRC)"
    PENSION = "pension", "Employer pension contribution"
    INVOICE = "invoice", "Invoice from an agency or provider"
    OTHER = "other", "Other"


def commitment_label(kind: str, owed_to: str, reference: str) -> str:
    """How money owed is named in a surplus calculation's working (`Commitment.label`, and the sweep's rows)."""
    ref = f" ({reference})" if reference else ""
    return f"{CommitmentKind(kind).label}: {owed_to}{ref}"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Owed"
    SETTLED = "settled", "Paid"
    WITHDRAWN = "withdrawn", "Withdrawn"


class EmploymentEventType(models.TextChoices):
    """Audit event codes for this app (stable)."""

    PAY_RECORDED = "employment.pay_recorded", "Personal Assistant pay recorded"
    PAY_CORRECTED = "employment.pay_corrected", "Personal Assistant pay corrected"
    PAY_WITHDRAWN = "employment.pay_withdrawn", "Personal Assistant pay record withdrawn"
    PAYROLL_IMPORTED = "employment.payroll_imported", "Payroll bureau file imported"
    COMMITMENT_RECORDED = "employment.commitment_recorded", "Money owed recorded"
    COMMITMENT_SETTLED = "employment.commitment_settled", "Money owed paid"
    COMMITMENT_WITHDRAWN = "employment.commitment_withdrawn", "Money owed withdrawn"
