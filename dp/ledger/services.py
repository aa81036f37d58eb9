"""Posting to the ledger. Journals are built as pure `JournalDraft`s (dp.payments.domain.ledger)
and posted here; the database checks balance at commit and refuses later changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from dp.core import clock
from dp.core.errors import ValidationFailed
from dp.ledger.models import Account, AccountKind, Entry, Journal
from dp.payments.domain.ledger import JournalDraft, is_balanced, reverse

# Which keys are credit-normal (funding and charges); everything else is debit-normal.
_CREDIT_NORMAL_PREFIXES = ("council:dp_funding", "council:contributions_charged")


def _kind_for(key: str) -> str:
    return AccountKind.LIABILITY if key.startswith(_CREDIT_NORMAL_PREFIXES) else AccountKind.ASSET


def _name_for(key: str) -> str:
    parts = key.split(":")
    if parts[0] == "person" and len(parts) == 3:
        return f"Person {parts[1]}: {parts[2].replace('_', ' ')}"
    return key.replace(":", " ").replace("_", " ").capitalize()


def accounts_for(keys: set[str]) -> dict[str, Account]:
    """The accounts for `keys`, creating any that do not exist yet (race-safe)."""
    existing = {a.key: a for a in Account.objects.filter(key__in=keys)}
    missing = keys - set(existing)
    if missing:
        Account.objects.bulk_create(
            [
                Account(
                    key=key,
                    name=_name_for(key),
                    kind=_kind_for(key),
                    person_id=int(key.split(":")[1])
                    if key.startswith("person:") and key.split(":")[1].isdigit()
                    else None,
                )
                for key in sorted(missing)
            ],
            ignore_conflicts=True,
        )
        existing = {a.key: a for a in Account.objects.filter(key__in=keys)}
    return existing


@transaction.atomic
def journal_post(
    *,
    draft: JournalDraft,
    posted_on: dt.date,
    source: str,
    idempotency_key: str | None = None,
    actor: Any = None,
    reverses: Journal | None = None,
) -> Journal:
    """Post `draft`. With an `idempotency_key` already used, returns the journal posted then
    (and posts nothing): a retried request can never post twice."""
    if not is_balanced(draft):
        raise ValidationFailed(f"The journal “{draft.description}” does not balance.")
    if idempotency_key:
        existing = Journal.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    accounts = accounts_for({leg.account for leg in draft.legs})
    try:
        with transaction.atomic():
            journal = Journal.objects.create(
                posted_on=posted_on,
                posted_at=clock.now(),
                description=draft.description[:300],
                source=source,
                idempotency_key=idempotency_key,
                reverses=reverses,
                posted_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        if idempotency_key:
            return Journal.objects.get(idempotency_key=idempotency_key)
        raise
    Entry.objects.bulk_create(
        [
            Entry(
                journal=journal,
                account=accounts[leg.account],
                debit_pence=leg.debit_pence,
                credit_pence=leg.credit_pence,
            )
            for leg in draft.legs
        ]
    )
    return journal


def journal_draft_of(journal: Journal) -> JournalDraft:
    from dp.payments.domain.ledger import Leg

    legs = tuple(
        Leg(account=e.account.key, debit_pence=e.debit_pence, credit_pence=e.credit_pence)
        for e in journal.entries.select_related("account").order_by("id")
    )
    return JournalDraft(description=journal.description, legs=legs, reversal=journal.reverses_id is not None)


@transaction.atomic
def journal_reverse(*, journal: Journal, posted_on: dt.date, reason: str, actor: Any = None) -> Journal:
    """Cancel a posted journal with a reversing one (each leg on the other side)."""
    if not reason.strip():
        raise ValidationFailed("Enter why the journal is being reversed", field="reason")
    journal = Journal.objects.select_for_update().get(pk=journal.pk)
    if Journal.objects.filter(reverses=journal).exists():
        raise ValidationFailed("This journal has already been reversed.")
    draft = reverse(journal_draft_of(journal))
    draft = JournalDraft(
        description=f"Reversal of J{journal.pk}: {reason.strip()}"[:300], legs=draft.legs, reversal=True
    )
    return journal_post(
        draft=draft, posted_on=posted_on, source=f"reversal:{journal.pk}", actor=actor, reverses=journal
    )
