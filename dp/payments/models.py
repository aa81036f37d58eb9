"""Direct payment accounts, payment schedules, payment runs and the money they move.

How the pieces fit
------------------
- A `DirectPaymentAccount` is where a person's direct payment is paid: a prepaid card, a bank
  account in the holder's name, or a managed account held by a `MoneyManager` organisation.
- A `PaymentSchedule` is an agreed direct payment: every `period_weeks` weeks from `start_on`, paid
  in advance, on the net or gross basis (DP-PAY-01/02). Its amounts are effective-dated
  `ScheduleChange` rows (the pure `ScheduleTerms` of `dp.payments.domain.schedule`). One-off and
  final payments are `ScheduledPayment` rows; a change for periods already paid becomes a
  `ScheduleAdjustment` settled in the next run.
- A `PaymentRun` pays everything due on a date: one `Payment` per schedule and period (a UNIQUE
  constraint: never twice), `PaymentRunException` rows for what was held back, and `PaymentFile`s
  (Bacs, card loads, remittance advices) when it is sent.
- Money in the ledger: sending a run posts journals `payment-run:<run>:sent:<chunk>` (council funding
  to money in transit); on the pay date each payment gets its journal `payment:<id>` (the money is in
  the person's account, and the period's contribution falls due). See `services_run.py`.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from encrypted_fields.fields import EncryptedCharField

from dp.core.models import TimeStamped
from dp.payments.constants import (
    LIVE_RUN_STATUSES,
    AccountKind,
    AccountStatus,
    BankDetailsChangeStatus,
    Basis,
    CardStatus,
    Channel,
    ExceptionReason,
    NoticeKind,
    PaymentFileKind,
    PaymentKind,
    PaymentRunStatus,
    RecoveryDeductionStatus,
    ReturnReason,
    ReturnStatus,
    ScheduledPaymentKind,
    ScheduleStatus,
)


def mask_digits(value: str | None, *, show: int = 4) -> str:
    """ "12345678" -> "****5678": enough to recognise an account, not enough to use it."""
    if not value:
        return ""
    return "*" * max(len(value) - show, 0) + value[-show:]


def joined_bank_details(sort_code: str, account_number: str) -> str:
    """The value `BankDetails.bank_details` stores for a sort code and an account number."""
    return f"{sort_code}:{account_number}"


class BankDetails(models.Model):
    """A UK bank account's sort code and account number, encrypted at rest together as one value
    ("sort code:account number"), so a payment run decrypts once per account. Read and set them through
    `sort_code` and `account_number`; shown to staff masked."""

    bank_details = EncryptedCharField(max_length=15, null=True, blank=True)

    class Meta:
        abstract = True

    def _parts(self) -> tuple[str, str]:
        code, _, number = (self.bank_details or ":").partition(":")
        return code, number

    @property
    def sort_code(self) -> str | None:
        return self._parts()[0] or None

    @sort_code.setter
    def sort_code(self, value: str | None) -> None:
        self.bank_details = f"{value or ''}:{self._parts()[1]}"

    @property
    def account_number(self) -> str | None:
        return self._parts()[1] or None

    @account_number.setter
    def account_number(self, value: str | None) -> None:
        self.bank_details = f"{self._parts()[0]}:{value or ''}"

    @property
    def masked_sort_code(self) -> str:
        code = self.sort_code or ""
        return f"**-**-{code[-2:]}" if code else ""

    @property
    def masked_account_number(self) -> str:
        return mask_digits(self.account_number)


class BankHoliday(models.Model):
    """A UK bank holiday (England and Wales). Loaded from `govuk-bank-holidays` (its bundled data, never
    the network) by migration and `manage.py load_bank_holidays`; an administrator adds later years."""

    on = models.DateField(unique=True)
    name = models.CharField(max_length=120)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on"]

    def __str__(self) -> str:
        return f"{self.on} {self.name}"


class BacsOriginator(TimeStamped):
    """The council as a Bacs service user: its service user number and the account payments leave.
    One row (the latest is used)."""

    service_user_number = models.CharField(max_length=6)
    sort_code = models.CharField(max_length=6)
    account_number = models.CharField(max_length=8)
    name = models.CharField("Name on payments", max_length=18)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.service_user_number})"


class MoneyManager(BankDetails, TimeStamped):
    """A third-party organisation that holds managed direct payment accounts: it receives the payments
    into its own bank account and pays the person's carers and invoices. Its fee is paid from the direct
    payment (RULES.md §4 "Managed accounts")."""

    name = models.CharField(max_length=200, unique=True)
    account_name = models.CharField(max_length=18)
    fee_weekly_pence = models.BigIntegerField(default=0)
    contact = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(fee_weekly_pence__gte=0), name="money_manager_fee_not_negative")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_account(self) -> str:
        return mask_digits(self.account_number)


class DirectPaymentAccount(BankDetails, TimeStamped):
    """Where a person's direct payment is paid.

    Kinds:
    - PREPAID_CARD: a card from `provider`; the provider's `card_account_reference` goes in the
      card-load file; only the last four digits of the card are kept. `card_status` follows the
      provider (only an ACTIVE card is loaded).
    - BANK: a bank account in the holder's name; sort code and account number are encrypted at rest
      and shown masked. A change of details needs a second person's confirmation
      (`BankDetailsChange`).
    - MANAGED: held by a `MoneyManager`; payments go to the manager's bank account with the person's
      `client_reference`.
    `holder` is the person or their nominated or authorised person (card and bank accounts).
    States: OPEN, then CLOSED (with `closed_on` and a reason); a closed account is never paid.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="dp_accounts")
    kind = models.CharField(max_length=12, choices=AccountKind.choices)
    holder = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="held_dp_accounts"
    )
    status = models.CharField(max_length=6, choices=AccountStatus.choices, default=AccountStatus.OPEN)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    # prepaid card
    provider = models.CharField(max_length=60, blank=True)
    card_account_reference = models.CharField(max_length=35, blank=True)
    card_last_four = models.CharField(max_length=4, blank=True)
    card_status = models.CharField(max_length=10, choices=CardStatus.choices, blank=True)
    # bank
    account_name = models.CharField("Name on the account", max_length=70, blank=True)
    bank_details_confirmed_at = models.DateTimeField(null=True, blank=True)
    # managed
    money_manager = models.ForeignKey(
        MoneyManager, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    client_reference = models.CharField(max_length=18, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["person", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=AccountStatus.CLOSED, closed_on__isnull=False)
                | (~Q(status=AccountStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="dp_account_closed_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.PREPAID_CARD)
                | (Q(card_account_reference__gt="") & Q(card_status__gt="") & Q(provider__gt="")),
                name="dp_account_card_has_reference",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.BANK) | Q(bank_details__isnull=False),
                name="dp_account_bank_has_details",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AccountKind.MANAGED) | Q(money_manager__isnull=False),
                name="dp_account_managed_has_manager",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.display_number}"

    @property
    def is_open(self) -> bool:
        return self.status == AccountStatus.OPEN

    @property
    def display_number(self) -> str:
        """The masked number staff see: card ending 1234, account ****5678, or the manager's name."""
        if self.kind == AccountKind.PREPAID_CARD:
            return f"card ending {self.card_last_four}" if self.card_last_four else self.card_account_reference
        if self.kind == AccountKind.BANK:
            return f"account {mask_digits(self.account_number)}"
        return f"with {self.money_manager}" if self.money_manager_id else ""


class BankDetailsChange(BankDetails, TimeStamped):
    """A request to change a bank account's details. It takes effect only when a second member of staff
    (never the one who asked) confirms it. While it waits, and for at most the council's hold period,
    payments to the account are held back; an older unconfirmed request lapses.

    States: PENDING, then CONFIRMED (the account now has these details) or REJECTED.
    """

    account = models.ForeignKey(DirectPaymentAccount, on_delete=models.PROTECT, related_name="bank_changes")
    account_name = models.CharField(max_length=70)
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=BankDetailsChangeStatus.choices, default=BankDetailsChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["account", "status", "requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="bank_change_decided_by_someone_else",
            ),
            models.UniqueConstraint(
                fields=["account"], condition=Q(status="pending"), name="one_pending_bank_change_per_account"
            ),
        ]

    def __str__(self) -> str:
        return f"Bank details change for account {self.account_id} ({self.status})"


class HolderNotice(models.Model):
    """Something the account holder must be told (a change of bank details, for example). The portal will
    show unseen notices; until then staff see them on the account."""

    holder = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="payment_notices")
    account = models.ForeignKey(DirectPaymentAccount, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=40, choices=NoticeKind.choices)
    message = models.TextField()
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.holder_id}"


class PaymentSchedule(TimeStamped):
    """An agreed direct payment: what is paid, how often and into which account.

    Periods run every `period_weeks` weeks from `start_on` and are paid in advance on their first day
    (moved to the previous working day). Amounts come from the effective-dated `changes`.
    `agreement_signed_on` is the hook the agreement app sets: until then payments are held back.
    `payable_from_on`: periods starting before it are not paid (it moves forward when payments resume
    after a suspension).

    States: ACTIVE (paid in runs), SUSPENDED (no payments until resumed), ENDED (`ended_on` is the
    last day covered; the final payment or the advance to recover was worked out when it ended).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payment_schedules")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="payment_schedules")
    account = models.ForeignKey(
        DirectPaymentAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="schedules"
    )
    start_on = models.DateField()
    period_weeks = models.PositiveSmallIntegerField(default=4)
    basis = models.CharField(max_length=5, choices=Basis.choices)
    status = models.CharField(max_length=10, choices=ScheduleStatus.choices, default=ScheduleStatus.ACTIVE)
    payable_from_on = models.DateField()
    agreement_signed_on = models.DateField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["status", "start_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=~Q(status=ScheduleStatus.ENDED), name="one_running_schedule_per_case"
            ),
            models.CheckConstraint(
                condition=Q(status=ScheduleStatus.ENDED, ended_on__isnull=False)
                | (~Q(status=ScheduleStatus.ENDED) & Q(ended_on__isnull=True)),
                name="schedule_ended_on_iff_ended",
            ),
            models.CheckConstraint(
                condition=Q(period_weeks__gte=1) & Q(period_weeks__lte=52), name="schedule_period_weeks_1_to_52"
            ),
            models.CheckConstraint(
                condition=Q(payable_from_on__gte=models.F("start_on")), name="schedule_payable_from_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Schedule {self.pk} for {self.person_id}"

    @property
    def reference(self) -> str:
        return f"S{self.pk:06d}"


class ScheduleChange(models.Model):
    """Weekly budget and contribution in force from `effective_on` until the next change. The first takes
    effect on the schedule's `start_on`."""

    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.PROTECT, related_name="changes")
    effective_on = models.DateField()
    weekly_budget_pence = models.BigIntegerField()
    weekly_contribution_pence = models.BigIntegerField()
    reason = models.TextField()
    source = models.CharField(
        max_length=60,
        blank=True,
        default="",
        db_default="",
        help_text="What made the change (e.g. agreement:12), once per source",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "effective_on"], name="one_change_per_schedule_and_day"),
            models.UniqueConstraint(
                fields=["schedule", "source"], condition=~Q(source=""), name="one_change_per_schedule_and_source"
            ),
            models.CheckConstraint(
                condition=Q(weekly_budget_pence__gte=0) & Q(weekly_contribution_pence__gte=0),
                name="schedule_change_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} from {self.effective_on}"


class ScheduleAdjustment(models.Model):
    """The difference a change made to periods already paid, settled in the next run: positive is a
    top-up, negative a reduction (`calculate_adjustment`; a reduction larger than the next payment is
    carried forward). `reason` is the plain-English working shown to staff and on the remittance.
    Ending the direct payment settles everything instead (`superseded_at`)."""

    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.PROTECT, related_name="adjustments")
    change = models.ForeignKey(ScheduleChange, null=True, on_delete=models.PROTECT, related_name="adjustments")
    amount_pence = models.BigIntegerField()
    contribution_pence = models.BigIntegerField(default=0)
    reason = models.TextField()
    created_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Adjustment {self.amount_pence} on {self.schedule_id}"


class ScheduledPayment(models.Model):
    """A payment outside the regular cycle: a one-off (equipment, a short-term need) or the final payment
    when a direct payment ends. Paid by the first run on or after `pay_on`."""

    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.PROTECT, related_name="scheduled_payments")
    kind = models.CharField(max_length=8, choices=ScheduledPaymentKind.choices)
    pay_on = models.DateField()
    amount_pence = models.BigIntegerField()
    description = models.CharField(max_length=200)
    source = models.CharField(
        max_length=60, blank=True, default="", db_default="", help_text="What asked for it (e.g. agreement:12), once"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pay_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="scheduled_payment_positive"),
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="one_scheduled_payment_per_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_pence} on {self.pay_on}"


class Recovery(models.Model):
    """Money paid in advance for days after a direct payment ended, asked back from the person
    (DP-TERM-03, DP-REP-01). Posted to the ledger as a recovery raised."""

    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.PROTECT, related_name="recoveries")
    amount_pence = models.BigIntegerField()
    reason = models.TextField()
    raised_on = models.DateField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    journal = models.ForeignKey("ledger.Journal", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_pence__gt=0), name="recovery_positive")]

    def __str__(self) -> str:
        return f"Recovery {self.amount_pence} on {self.schedule_id}"


class RecoveryDeduction(models.Model):
    """Money the council is recovering (a surplus, an overpayment found by an audit) by paying less:
    each payment run takes `min(instalment, what is still outstanding, what the period would otherwise
    pay)` off the schedule's regular payments (DP-REP-01). The recovery itself is raised in the ledger by
    whoever decided it, before this is created; each amount taken is posted as a recovery offset when the
    payment arrives. `source` is the caller's stable reference (e.g. "audit-recovery:12"): one deduction
    per source, so asking twice returns the same one.

    States: ACTIVE (taken in each run until `total_pence` has been taken by payments that were not
    cancelled), CANCELLED (a review overturned the decision: nothing more is taken; what was taken stays
    taken). "Recovered" is not a state: it is an active deduction with nothing outstanding.
    """

    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.PROTECT, related_name="recovery_deductions")
    total_pence = models.BigIntegerField()
    instalment_pence = models.BigIntegerField()
    reason = models.TextField()
    source = models.CharField(max_length=60, unique=True)
    status = models.CharField(
        max_length=10, choices=RecoveryDeductionStatus.choices, default=RecoveryDeductionStatus.ACTIVE
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["schedule", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_pence__gt=0) & Q(instalment_pence__gt=0), name="recovery_deduction_positive"
            ),
            models.CheckConstraint(
                condition=Q(status=RecoveryDeductionStatus.CANCELLED, cancelled_at__isnull=False)
                | (~Q(status=RecoveryDeductionStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="recovery_deduction_cancelled_at_iff_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"Recovery of {self.total_pence} from {self.schedule_id} ({self.source})"


class RecoveryDeductionTaken(models.Model):
    """How much of a recovery deduction one payment took. Written with the payment when the run is
    calculated, so a period paid once (the UNIQUE constraints on `Payment`) takes its deduction once; a
    cancelled payment's takings no longer count. Posted to the ledger (`build_recovery_offset`, idempotency
    key `recovery-deduction-taken:<id>`) when the run is recorded as arrived."""

    deduction = models.ForeignKey(RecoveryDeduction, on_delete=models.PROTECT, related_name="takings")
    payment = models.ForeignKey("Payment", on_delete=models.PROTECT, related_name="recovery_takings")
    amount_pence = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="recovery_taken_positive"),
            models.UniqueConstraint(fields=["deduction", "payment"], name="one_taking_per_deduction_and_payment"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_pence} of {self.deduction_id} in {self.payment_id}"


class PaymentRun(TimeStamped):
    """Everything the council pays on one date.

    States (allowed moves in `dp.payments.domain.run.RUN_TRANSITIONS`):
    - CALCULATED: a payments officer asked for a run; the payments due and the exceptions held back are
      worked out and fixed;
    - APPROVED: a second payments officer (never the creator; the database refuses it too) checked the
      totals and exceptions;
    - EXECUTING: being sent by a background task or `manage.py payment_run_execute` (progress on the page);
      a run stopped part-way stays here and is resumed by starting it again;
    - COMPLETED: journals posted and files written (terminal). On the pay date `settled_at` is stamped
      when each payment's journal (money in the person's account, contribution due) is posted;
    - CANCELLED: abandoned before sending; its payments are cancelled so the periods fall due again
      (terminal).
    Only one run may be live (not completed or cancelled) at a time, and never two for the same date
    (a partial unique index).
    """

    pay_on = models.DateField("Date the money arrives")
    status = models.CharField(max_length=10, choices=PaymentRunStatus.choices, default=PaymentRunStatus.CALCULATED)
    request_key = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the money was recorded as arrived in people's accounts"
    )
    bacs_processing_on = models.DateField(null=True, blank=True)
    chunk_size = models.IntegerField(
        null=True, blank=True, help_text="Payments per journal chunk, fixed when first sent"
    )
    # Totals fixed when the run is calculated.
    payment_count = models.IntegerField(default=0)
    total_pence = models.BigIntegerField(default=0)
    bank_total_pence = models.BigIntegerField(default=0)
    card_total_pence = models.BigIntegerField(default=0)
    zero_count = models.IntegerField(default=0)
    exception_count = models.IntegerField(default=0)
    exception_total_pence = models.BigIntegerField(default=0)
    # Progress while sending (committed after each step, so the page can show it).
    progress_done = models.IntegerField(default=0)
    progress_total = models.IntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-pay_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pay_on"], condition=Q(status__in=LIVE_RUN_STATUSES), name="one_live_payment_run_per_date"
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("created_by")),
                name="payment_run_not_approved_by_creator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} for {self.pay_on}"

    @property
    def reference(self) -> str:
        return f"PR{self.pk:05d}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_RUN_STATUSES


class Payment(models.Model):
    """One payment to one account for one period (or one scheduled one-off or final payment).

        The UNIQUE constraints are the exactly-once guarantee: a schedule's period, or a scheduled payment,
        is in at most one payment that is not cancelled, whatever the code paths do. `amount_pence` is what
        is sent (the period's `regular_pence` plus any `adjustment_pence`, less any `recovery_pence` taken
    for a `RecoveryDeduction`; zero when there is nothing to send,
        for example when the contribution covers the whole budget). `contribution_due_pence` is the
        person's contribution for the period, including `contribution_adjustment_pence` (an adjustment
        to the contribution of periods already paid).
    """

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="payments")
    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.PROTECT, related_name="payments")
    account = models.ForeignKey(DirectPaymentAccount, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=PaymentKind.choices)
    period_start_on = models.DateField(null=True, blank=True)
    period_end_on = models.DateField(null=True, blank=True)
    scheduled_payment = models.ForeignKey(
        ScheduledPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    pay_on = models.DateField()
    channel = models.CharField(max_length=13, choices=Channel.choices)
    basis = models.CharField(max_length=5, choices=Basis.choices)
    budget_pence = models.BigIntegerField(default=0)
    regular_pence = models.BigIntegerField(default=0)
    adjustment_pence = models.BigIntegerField(default=0)
    recovery_pence = models.BigIntegerField(default=0, db_default=0)  # bulk SQL may leave it out
    amount_pence = models.BigIntegerField()
    contribution_due_pence = models.BigIntegerField(default=0)
    contribution_adjustment_pence = models.BigIntegerField(default=0)
    prorated = models.BooleanField(default=False)
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "period_start_on"],
                condition=Q(kind=PaymentKind.REGULAR, cancelled=False),
                name="one_payment_per_schedule_and_period",
            ),
            models.UniqueConstraint(
                fields=["scheduled_payment"],
                condition=Q(scheduled_payment__isnull=False, cancelled=False),
                name="one_payment_per_scheduled_payment",
            ),
            models.CheckConstraint(condition=Q(amount_pence__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(condition=Q(recovery_pence__gte=0), name="payment_recovery_not_negative"),
            models.CheckConstraint(
                condition=(
                    Q(kind=PaymentKind.REGULAR, period_start_on__isnull=False, period_end_on__isnull=False)
                    & Q(scheduled_payment__isnull=True)
                )
                | (~Q(kind=PaymentKind.REGULAR) & Q(scheduled_payment__isnull=False)),
                name="payment_regular_has_period_else_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount_pence}"

    @property
    def reference(self) -> str:
        """The reference the payee sees on their statement (Bacs: 6 to 18 letters and digits)."""
        return payment_reference(self.pk)


def payment_reference(payment_id: int) -> str:
    return f"DP{payment_id:010d}"


class PaymentRunException(models.Model):
    """A payment that was due but held back, and why. Nothing is recorded as paid for it, so it is due
    again in the next run once the reason is dealt with."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="exceptions")
    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.PROTECT, related_name="+")
    scheduled_payment = models.ForeignKey(
        ScheduledPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=30, choices=ExceptionReason.choices)
    amount_pence = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["run", "reason"])]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.schedule_id} {self.reason}"


class AdjustmentSettlement(models.Model):
    """How much of an adjustment a payment settled (the rest, if any, is carried to a later payment).
    A cancelled payment's settlements no longer count."""

    adjustment = models.ForeignKey(ScheduleAdjustment, on_delete=models.PROTECT, related_name="settlements")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="settlements")
    amount_pence = models.BigIntegerField()
    contribution_pence = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.amount_pence} of {self.adjustment_id} in {self.payment_id}"


class PaymentFile(models.Model):
    """A file written when a run was sent: the Bacs Standard 18 file, one card-load file per card
    provider, and the remittance advices. Kept whole (zlib-compressed: a large run's files are tens of
    megabytes of very repetitive text) so what was sent can always be produced again, byte for byte;
    `sha256` is of the text as sent."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(max_length=10, choices=PaymentFileKind.choices)
    provider = models.CharField(max_length=60, blank=True)
    filename = models.CharField(max_length=120)
    compressed = models.BinaryField()
    size_bytes = models.BigIntegerField()
    record_count = models.IntegerField()
    total_pence = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "provider"], name="one_payment_file_per_kind_and_provider")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def content(self) -> str:
        return zlib.decompress(bytes(self.compressed)).decode("utf-8")

    @staticmethod
    def pack(text: str) -> dict[str, Any]:
        """The stored form of `text`: compressed bytes, size and checksum."""
        data = text.encode("utf-8")
        return {
            "compressed": zlib.compress(data, 1),
            "size_bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }


class ContributionReceipt(models.Model):
    """A contribution the person paid: into the direct payment account (net basis) or to the council
    (gross basis). Recorded by staff now; matched from statements later."""

    schedule = models.ForeignKey(PaymentSchedule, on_delete=models.PROTECT, related_name="contribution_receipts")
    received_on = models.DateField()
    amount_pence = models.BigIntegerField()
    reference = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    journal = models.ForeignKey("ledger.Journal", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_pence__gt=0), name="contribution_receipt_positive")]

    def __str__(self) -> str:
        return f"{self.amount_pence} on {self.received_on}"


class PaymentReturn(models.Model):
    """A payment the bank sent back (closed account, no such account, beneficiary deceased...): the money came
    back to the council and never reached the person's account.

    States (allowed moves in `dp.payments.domain.returns.RETURN_TRANSITIONS`):
    - RETURNED: recorded (by hand or from the bank's returns file); posted to the ledger at once;
    - HELD: a payments officer is waiting for something (new bank details, the family) and says why;
    - REISSUED: paid again as a one-off payment (`reissue`) in the next run (terminal);
    - WRITTEN_BACK: not paid again; the money stays with the council (for example the person died) (terminal).
    A payment is returned at most once (UNIQUE), for exactly its amount (checked by the service).
    """

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="returns")
    amount_pence = models.BigIntegerField()
    returned_on = models.DateField()
    reason = models.CharField(max_length=24, choices=ReturnReason.choices)
    reason_text = models.CharField(max_length=200, blank=True)
    bank_reference = models.CharField("Bank's reference", max_length=40, blank=True)
    source_file = models.CharField(max_length=120, blank=True, help_text="The returns file it was imported from")
    status = models.CharField(max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.RETURNED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    journal = models.ForeignKey("ledger.Journal", null=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    details_confirmed_right = models.BooleanField(
        default=False, help_text="Reissued to unchanged details: the officer confirmed they were right"
    )
    reissue = models.OneToOneField(
        ScheduledPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="reissue_of"
    )

    class Meta:
        ordering = ["returned_on", "id"]
        indexes = [models.Index(fields=["status", "returned_on"])]
        constraints = [
            models.UniqueConstraint(fields=["payment"], name="one_return_per_payment"),
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="payment_return_positive"),
            models.CheckConstraint(
                condition=Q(status=ReturnStatus.REISSUED, reissue__isnull=False)
                | (~Q(status=ReturnStatus.REISSUED) & Q(reissue__isnull=True)),
                name="payment_return_reissued_iff_reissue",
            ),
        ]

    def __str__(self) -> str:
        return f"Return of {self.payment_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (ReturnStatus.RETURNED, ReturnStatus.HELD)
