"""Statements in: imported files, the transactions they hold, how each was categorised, receipts.

How the pieces fit
------------------
- A `StatementImport` is one uploaded statement file (card provider CSV, bank CSV, OFX, CAMT.053,
  MT940), read by a background task through the pure parsers of `dp.monitoring.domain.statements`
  and loaded in one database transaction: all of it, or (on any error) none of it.
- Each line becomes a `Transaction` of a `payments.DirectPaymentAccount`, unique per account and
  `dedup_key`, so importing a file twice, or an overlapping file, adds each transaction once.
  Categorising (`dp.monitoring.domain.categorise`) stores where it went: a support plan line, money
  in, cash, or unexplained, with how it was matched and why.
- `StatementReconciliation`: per account in an import, the statement's closing balance against the
  balance the ledger expects.
- `MerchantRule`: the council's own words-to-category rules, effective-dated.
- `ColumnMappingProfile`: a card provider's own CSV layout, saved once per provider.
- `Receipt`: a receipt or invoice file against a transaction, or against an account for a period.

The transaction table is read by `dp.audits` (checks and audits): see README.md for the layout.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import Q

from dp.core.models import TimeStamped
from dp.monitoring.constants import (
    ImportStatus,
    MatchedBy,
    RuleMatch,
    ScanStatus,
    SpendCategoryChoice,
    StatementFormatChoice,
    TransactionStatus,
)


class ColumnMappingProfile(TimeStamped):
    """Where the fields are in one card provider's own CSV layout: a `ColumnMapping` stored as JSON
    (`ColumnMapping.to_json`). Chosen when importing a "mapped CSV"."""

    provider = models.CharField(max_length=120, unique=True)
    mapping = models.JSONField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["provider"]

    def __str__(self) -> str:
        return self.provider


class StatementImport(TimeStamped):
    """One statement file imported.

    States: QUEUED (uploaded, the background task not started), RUNNING (`lines_read` counts progress
    against `size_bytes` / `bytes_read`), then DONE (`lines_added` new transactions, `duplicates`
    already known; reconciliation rows written) or FAILED (`error_message` names the file, the line and
    the field; nothing of the file was written). A failed import can be queued again.
    `account` is set when the file is one account's statement (bank files): its lines must then all be
    that account's; otherwise each line's account reference is looked up (card account reference or
    managed account client reference) and a line for no known account fails the import.
    """

    file = models.FileField(upload_to="monitoring/statements/%Y/%m/")
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=12, choices=StatementFormatChoice.choices)
    mapping = models.ForeignKey(
        ColumnMappingProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="imports"
    )
    account = models.ForeignKey(
        "payments.DirectPaymentAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_imports",
    )
    encoding = models.CharField(max_length=20, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # progress, updated by the task on its own connection while it runs
    lines_read = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    # outcome
    lines_added = models.BigIntegerField(default=0)
    duplicates = models.BigIntegerField(default=0)
    unexplained = models.BigIntegerField(default=0)
    contributions_matched = models.IntegerField(default=0)
    first_posted_on = models.DateField(null=True, blank=True)
    last_posted_on = models.DateField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    error_line = models.BigIntegerField(null=True, blank=True)
    error_field = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(format=StatementFormatChoice.MAPPED_CSV) | Q(mapping__isnull=False),
                name="statement_import_mapped_csv_has_mapping",
            ),
            models.CheckConstraint(
                condition=Q(lines_added__gte=0) & Q(duplicates__gte=0), name="statement_import_counts_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.size_bytes:
            return 0
        return min(99, int(self.bytes_read * 100 / self.size_bytes))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class Transaction(models.Model):
    """One line of a statement: money into or out of a direct payment account.

    `amount_pence` is signed: negative is money out. `dedup_key` (see
    `dp.monitoring.domain.statements.base`) is unique per account. The categorisation fields say
    where the transaction went (`status`, `category`, `plan_line`), how (`matched_by`, `rule_ref`,
    `payee_ref`) and why (`reason`); `status` is empty only between loading and categorising inside
    the import's transaction. A contribution paid in is linked to the `ContributionReceipt` recorded
    for it.
    """

    # No single-column indexes on the foreign keys: the composite indexes below lead with them (each
    # index costs a million-line import a million index insertions). The account and the import are
    # checked set-based, once per statement, by triggers rather than row-by-row foreign keys
    # (migrations/sql/transaction_references.sql, ADR 0010).
    account = models.ForeignKey(
        "payments.DirectPaymentAccount",
        on_delete=models.PROTECT,
        related_name="statement_transactions",
        db_constraint=False,
        db_index=False,
    )
    posted_on = models.DateField()
    amount_pence = models.BigIntegerField()
    description = models.CharField(max_length=500, blank=True)
    merchant = models.CharField(max_length=500, blank=True)
    merchant_category_code = models.CharField(max_length=4, blank=True)
    balance_pence = models.BigIntegerField(null=True, blank=True)
    dedup_key = models.UUIDField()  # the first 128 bits of the line's SHA-256 (domain/statements/base.py)
    provider_transaction_id = models.CharField(max_length=100, blank=True)
    statement_import = models.ForeignKey(
        StatementImport, on_delete=models.PROTECT, related_name="transactions", db_constraint=False, db_index=False
    )
    line_number = models.BigIntegerField()
    # categorisation
    status = models.CharField(max_length=12, choices=TransactionStatus.choices, blank=True)
    category = models.CharField(max_length=40, choices=SpendCategoryChoice.choices, blank=True)
    plan_line = models.ForeignKey(
        "plans.PlanLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_transactions",
        db_index=False,  # `transaction_plan_line_on` (partial: most lines have none) serves every look-up
        db_constraint=False,  # checked once per statement by trigger (ADR 0010)
    )
    payee_ref = models.CharField(max_length=40, blank=True)
    matched_by = models.CharField(max_length=24, choices=MatchedBy.choices, blank=True)
    rule_ref = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    # At most one line per receipt (a partial unique index: the many lines with none cost nothing),
    # checked to exist once per statement by trigger (ADR 0010).
    contribution_receipt = models.ForeignKey(
        "payments.ContributionReceipt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_transactions",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["-posted_on", "-id"]
        constraints = [
            # The dedup key includes the posted date, so this is "unique per account and key"; leading with
            # the date lets the one index also serve every look-up of an account's lines by date.
            models.UniqueConstraint(
                fields=["account", "posted_on", "dedup_key"], name="transaction_unique_account_on_key"
            ),
            models.UniqueConstraint(
                fields=["contribution_receipt"],
                condition=Q(contribution_receipt__isnull=False),
                name="transaction_unique_contribution_receipt",
            ),
        ]
        indexes = [
            models.Index(
                fields=["account", "posted_on"],
                condition=Q(status=TransactionStatus.UNEXPLAINED),
                name="transaction_unexplained",
            ),
            # Lines are written an import at a time, so the import ids lie in runs: a BRIN index is a few
            # pages and costs an import nothing per line.
            BrinIndex(fields=["statement_import"], name="transaction_import_brin", pages_per_range=32),
            models.Index(
                fields=["plan_line", "posted_on"],
                condition=Q(plan_line__isnull=False),
                name="transaction_plan_line_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posted_on} {self.amount_pence} {self.merchant or self.description}"

    @property
    def shown_text(self) -> str:
        return self.merchant or self.description or "(no description)"


class StatementReconciliation(models.Model):
    """For one account in an import: the statement's last balance against the ledger's balance for the
    account on that date. `difference_pence` = statement - ledger (0 when they agree)."""

    statement_import = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="reconciliations")
    account = models.ForeignKey(
        "payments.DirectPaymentAccount", on_delete=models.PROTECT, related_name="statement_reconciliations"
    )
    balance_on = models.DateField()
    statement_balance_pence = models.BigIntegerField()
    ledger_balance_pence = models.BigIntegerField()
    difference_pence = models.BigIntegerField()

    class Meta:
        ordering = ["account_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement_import", "account"], name="one_reconciliation_per_import_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} on {self.balance_on}: {self.difference_pence}"


class MerchantRule(TimeStamped):
    """A council rule: transactions whose merchant or description has these words are this spending
    category (the pure `dp.monitoring.domain.categorise.MerchantRule`). In force from `effective_from`
    until `ended_on` (exclusive); ending a rule keeps it for the transactions it categorised.
    `position` orders rules (first match wins)."""

    pattern = models.CharField(max_length=200)
    match = models.CharField(max_length=12, choices=RuleMatch.choices, default=RuleMatch.CONTAINS)
    category = models.CharField(max_length=40, choices=SpendCategoryChoice.choices)
    position = models.PositiveIntegerField(default=100)
    note = models.TextField(blank=True)
    effective_from = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("effective_from")),
                name="merchant_rule_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pattern!r} -> {self.category}"

    @property
    def ref(self) -> str:
        """How a transaction's `rule_ref` names this rule."""
        return f"rule:{self.pk}"

    def in_force_on(self, on: object) -> bool:
        return self.effective_from <= on and (self.ended_on is None or on < self.ended_on)  # type: ignore[operator]


def receipt_upload_to(instance: Receipt, filename: str) -> str:
    # The stored name is the content hash, never the uploader's file name.
    return f"monitoring/receipts/{instance.sha256[:2]}/{instance.sha256}"


class Receipt(TimeStamped):
    """A receipt or invoice (PDF, JPEG or PNG: the type is read from the content, never trusted from
    the name), against one transaction or against an account for a period [`period_start_on`,
    `period_end_on`). Scanned by the configured scanner (`MONITORING_RECEIPT_SCANNER`):
    PENDING, then CLEAN (can be downloaded) or REJECTED (kept for the record, never served)."""

    file = models.FileField(upload_to=receipt_upload_to)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    scan_detail = models.CharField(max_length=300, blank=True)
    transaction = models.ForeignKey(
        Transaction, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    account = models.ForeignKey("payments.DirectPaymentAccount", on_delete=models.PROTECT, related_name="receipts")
    period_start_on = models.DateField(null=True, blank=True)
    period_end_on = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    amount_pence = models.BigIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "period_start_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(transaction__isnull=False)
                | (
                    Q(period_start_on__isnull=False)
                    & Q(period_end_on__isnull=False)
                    & Q(period_end_on__gt=models.F("period_start_on"))
                ),
                name="receipt_for_transaction_or_period",
            ),
            models.CheckConstraint(condition=Q(size_bytes__gt=0), name="receipt_not_empty"),
            models.CheckConstraint(
                condition=Q(amount_pence__isnull=True) | Q(amount_pence__gte=0), name="receipt_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def period_last_on(self) -> dt.date | None:
        """The last day the period covers (the stored end is exclusive)."""
        return self.period_end_on - dt.timedelta(days=1) if self.period_end_on else None
