"""Support to employ: what a Personal Assistant was paid for known hours, and money an account already owes.

- `PayRecord`: one PA's pay for one pay period where the hours worked are known (a timesheet, a payslip or a
  line of a payroll bureau's file). The monitoring sweep checks it against the minimum wage
  (`DP-PA-BELOW-MIN-WAGE`). One record per PA and period (`pay_record_once_per_period` among records not
  withdrawn), so the same period is never entered twice and a payroll file imported again adds nothing.
- `Commitment`: money the account already owes (unpaid wages, holiday pay, tax and National Insurance, employer
  pension, an agency's invoice). While open it is taken off the balance before surplus is worked out
  (CALCULATE.md `surplus`: ``available = balance - sum(commitments)``).

Both belong to a `payments.DirectPaymentAccount` and so to its person; both are written only by
`dp.employment.services`, each change with an audit event.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from dp.core.models import TimeStamped
from dp.employment.constants import CommitmentKind, CommitmentStatus, PaySource, commitment_label


class PayRecord(TimeStamped):
    """A Personal Assistant's pay for the period [period_start_on, period_end_on) (half-open), for known hours.

    `worked_on` is the day the minimum wage is judged on (the rates in force and the PA's age): the last day of
    the period unless said otherwise. `pa_date_of_birth` gives the age band; `apprentice_first_year` the
    apprentice rate. States: in force, or withdrawn (`withdrawn_at`, with the reason): a withdrawn record is
    kept for the record and no longer checked, and its period may be entered again. A correction changes the
    figures in place, with the old and new values in the audit event.
    """

    account = models.ForeignKey("payments.DirectPaymentAccount", on_delete=models.PROTECT, related_name="pay_records")
    payee = models.ForeignKey("plans.PlanPayee", on_delete=models.PROTECT, related_name="pay_records")
    period_start_on = models.DateField()
    period_end_on = models.DateField()  # exclusive: the day after the last day of the period
    worked_on = models.DateField()
    hours_worked = models.DecimalField(max_digits=7, decimal_places=2)
    gross_pay_pence = models.BigIntegerField()
    pa_date_of_birth = models.DateField()
    apprentice_first_year = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=PaySource.choices)
    source_reference = models.CharField(max_length=300, blank=True)  # e.g. "bureau.csv line 4"
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_start_on", "payee__name", "id"]
        indexes = [models.Index(fields=["account", "worked_on"], name="pay_record_account_worked_on")]
        constraints = [
            models.UniqueConstraint(
                fields=["payee", "period_start_on", "period_end_on"],
                condition=Q(withdrawn_at__isnull=True),
                name="pay_record_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end_on__gt=F("period_start_on")), name="pay_record_period_starts_before_end"
            ),
            models.CheckConstraint(
                condition=Q(worked_on__gte=F("period_start_on")) & Q(worked_on__lt=F("period_end_on")),
                name="pay_record_worked_on_in_period",
            ),
            models.CheckConstraint(condition=Q(hours_worked__gt=0), name="pay_record_hours_positive"),
            models.CheckConstraint(condition=Q(gross_pay_pence__gte=0), name="pay_record_pay_not_negative"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_reason="")
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False) & ~Q(withdrawn_reason=""),
                name="pay_record_withdrawal_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payee} {self.period_start_on:%d/%m/%Y} to {self.last_day_on:%d/%m/%Y}"

    @property
    def last_day_on(self) -> dt.date:
        return self.period_end_on - dt.timedelta(days=1)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Commitment(TimeStamped):
    """Money the account already owes someone: taken off the balance before surplus is worked out.

    States: OPEN from `recorded_on`; SETTLED when paid (`settled_on`, `settled_by`); WITHDRAWN when it was not
    owed after all (`withdrawn_on`, `withdrawn_by`, the reason). Settled and withdrawn are final. On a given day
    a commitment counts when it was recorded on or before the day and not settled or withdrawn by then, so a
    sweep of an earlier day gives the earlier answer.
    """

    account = models.ForeignKey("payments.DirectPaymentAccount", on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField(max_length=20, choices=CommitmentKind.choices)
    amount_pence = models.BigIntegerField()
    owed_to = models.CharField(max_length=200)
    due_on = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    evidence_note = models.TextField(blank=True)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN)
    settled_on = models.DateField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["account", "recorded_on"], name="commitment_account_recorded_on")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="commitment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status=CommitmentStatus.OPEN, settled_on__isnull=True, withdrawn_on__isnull=True)
                | Q(status=CommitmentStatus.SETTLED, settled_on__isnull=False, withdrawn_on__isnull=True)
                | (
                    Q(status=CommitmentStatus.WITHDRAWN, settled_on__isnull=True, withdrawn_on__isnull=False)
                    & ~Q(withdrawn_reason="")
                ),
                name="commitment_status_matches_dates",
            ),
            models.CheckConstraint(
                condition=Q(settled_on__isnull=True) | Q(settled_on__gte=F("recorded_on")),
                name="commitment_settled_after_recorded",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("recorded_on")),
                name="commitment_withdrawn_after_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.owed_to}"

    @property
    def label(self) -> str:
        """How it is named in a surplus calculation's working."""
        return commitment_label(self.kind, self.owed_to, self.reference)
