"""Balances, always computed from entries (no cached balance that could drift)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import QuerySet, Sum

from dp.ledger.models import AccountKind, Entry


def account_balance_pence(key: str, *, as_of: dt.date | None = None) -> int:
    """The balance of `key` on its normal side (debit-normal: debits − credits; credit-normal:
    credits − debits), including journals posted on or before `as_of`."""
    entries: QuerySet[Entry] = Entry.objects.filter(account__key=key)
    if as_of is not None:
        entries = entries.filter(journal__posted_on__lte=as_of)
    totals = entries.aggregate(debits=Sum("debit_pence"), credits=Sum("credit_pence"))
    debits, credits = totals["debits"] or 0, totals["credits"] or 0
    kind = entries.values_list("account__kind", flat=True).first()
    return credits - debits if kind == AccountKind.LIABILITY else debits - credits


def unbalanced_journals() -> list[tuple[int, int]]:
    """(journal id, debits − credits) for every journal that does not balance: always empty,
    since the database refuses such journals; the check command proves it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT journal_id, sum(debit_pence) - sum(credit_pence)
              FROM ledger_entry GROUP BY journal_id
            HAVING sum(debit_pence) <> sum(credit_pence) OR count(*) < 2
            """
        )
        return [(row[0], row[1]) for row in cursor.fetchall()]


def trial_balance() -> tuple[int, int]:
    """Total debits and total credits over the whole ledger (always equal)."""
    totals = Entry.objects.aggregate(debits=Sum("debit_pence"), credits=Sum("credit_pence"))
    return totals["debits"] or 0, totals["credits"] or 0
