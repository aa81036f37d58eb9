"""The ledger: double-entry and append-only (ADR 0007, after django-hordak).

- `Account`: one per key of the chart of accounts in `dp.payments.domain.ledger` (council funding,
  money in transit, and per person: DP account, contributions due, recoveries due).
- `Journal`: one posting, dated `posted_on`, with its `source` (for example `payment:123`) and an
  optional `idempotency_key` (unique) so the same posting can never be made twice.
- `Entry`: one leg of a journal: a positive debit or a positive credit on one account.

The database enforces the rules whatever the application does (migration 0002):
- a deferred constraint trigger checks, at commit, that each journal has at least two entries and
  that its debits equal its credits;
- triggers refuse UPDATE and DELETE of journals and entries: a correction is a reversing journal
  (`reverses` points at the journal it cancels; a journal can be reversed once).
Balances are computed from entries by `dp.ledger.selectors`; there is no cached balance to drift.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AccountKind(models.TextChoices):
    ASSET = "asset", "Asset (debit balance)"
    LIABILITY = "liability", "Liability or funding (credit balance)"


class Account(models.Model):
    key = models.CharField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=AccountKind.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class Journal(models.Model):
    posted_on = models.DateField(db_index=True)
    posted_at = models.DateTimeField()
    description = models.CharField(max_length=300)
    source = models.CharField(max_length=80, db_index=True, help_text="What caused it, e.g. payment:123")
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-posted_on", "-id"]

    def __str__(self) -> str:
        return f"J{self.pk} {self.posted_on} {self.description}"


class Entry(models.Model):
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    debit_pence = models.BigIntegerField(default=0)
    credit_pence = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "journal"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit_pence__gt=0) & Q(credit_pence=0)) | (Q(debit_pence=0) & Q(credit_pence__gt=0)),
                name="entry_one_positive_side",
            )
        ]

    def __str__(self) -> str:
        side = f"Dr {self.debit_pence}" if self.debit_pence else f"Cr {self.credit_pence}"
        return f"{self.account_id} {side}"
