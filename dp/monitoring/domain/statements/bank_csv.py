"""A bank's CSV statement export, read by recognising its column names.

Design overview
---------------
Most UK banks let an account holder download a CSV statement; the layouts differ but the column
names come from a small vocabulary ("Date", "Transaction Date", "Description", "Paid out",
"Money In", "Debit Amount", "Balance" ...). `parse_bank_csv` looks for the header row among the
first `HEADER_SEARCH_ROWS` rows (some banks put account details above it), recognises the
columns by those names (`SYNONYMS`, compared ignoring case, punctuation and "£"/"GBP"), builds a
`ColumnMapping` and reads the file with it (`mapped_csv.parse_rows`). A bank it cannot recognise
gets a clear error suggesting a column mapping for that bank instead.

Dates are read day-first only (UK banks): ``DD/MM/YYYY``, ``DD/MM/YY``, ``YYYY-MM-DD``,
``DD-MM-YYYY``, ``DD.MM.YYYY``, ``DD Mon YYYY`` and ``DD-Mon-YYYY``. A US-style month-first
file must be read through a mapping.

Only an explicit transaction id column ("Transaction ID", "FITID", "Unique ID") is used as the
provider's id, because a "reference" column is often the payment reference the payer typed,
which repeats; other files use the description, running balance and occurrence dedup key.

The file is read as UTF-8 unless `encoding` says otherwise. Reading streams row by row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

from dp.monitoring.domain.statements.base import StatementFormatError, StatementLine, Where
from dp.monitoring.domain.statements.mapped_csv import (
    ColumnMapping,
    _Columns,
    check_account_reference,
    parse_rows,
)
from dp.monitoring.domain.statements.textfile import csv_rows, text_lines

HEADER_SEARCH_ROWS = 10

DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d-%b-%Y", "%d %B %Y")

#: Recognised column names, normalised (see `normalise_column_name`), most specific first.
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "posted_on": (
        "transaction date",
        "posting date",
        "posted date",
        "booking date",
        "completed date",
        "date",
        "txn date",
        "trans date",
    ),
    "amount": ("amount", "transaction amount", "value", "net amount"),
    "money_out": ("money out", "paid out", "debit amount", "debit", "debits", "withdrawals", "out"),
    "money_in": ("money in", "paid in", "credit amount", "credit", "credits", "deposits", "in"),
    "balance": ("balance", "running balance", "account balance"),
    "description": (
        "description",
        "transaction description",
        "details",
        "transaction details",
        "narrative",
        "memo",
        "reference",
        "particulars",
    ),
    "merchant": ("merchant", "merchant name", "payee", "payee name", "counterparty", "name", "beneficiary"),
    "merchant_category_code": ("mcc", "merchant category code"),
    "transaction_id": ("transaction id", "fitid", "unique id"),
    "account_reference": ("account number", "account", "account no"),
}

_NOISE = re.compile(r"\(.*?\)|£|\bgbp\b")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalise_column_name(name: str) -> str:
    """ "Paid out (£)" -> "paid out"; "Debit Amount" -> "debit amount"."""
    text = _NOISE.sub(" ", name.casefold())
    return " ".join(_NOT_WORD.sub(" ", text).split())


def detect_mapping(header: list[str], *, encoding: str = "utf-8") -> ColumnMapping | None:
    """A mapping for this header if it has a date and an amount (or money out and in) column."""
    normalised = [normalise_column_name(h) for h in header]
    found: dict[str, str] = {}
    descriptions: list[str] = []
    for field, names in SYNONYMS.items():
        for synonym in names:
            for original, norm in zip(header, normalised, strict=True):
                if norm != synonym:
                    continue
                if field == "description":
                    if original.strip() not in descriptions:
                        descriptions.append(original.strip())
                elif field not in found and original.strip() not in found.values():
                    found[field] = original.strip()
    if "posted_on" not in found:
        return None
    if "money_out" in found and "money_in" in found:
        found.pop("amount", None)
    elif "amount" in found:
        found.pop("money_out", None)
        found.pop("money_in", None)
    else:
        return None
    ordered = tuple(h.strip() for h in header if h.strip() in descriptions)
    return ColumnMapping(
        posted_on=found["posted_on"],
        date_formats=DATE_FORMATS,
        amount=found.get("amount"),
        money_out=found.get("money_out"),
        money_in=found.get("money_in"),
        description=ordered,
        merchant=found.get("merchant"),
        merchant_category_code=found.get("merchant_category_code"),
        balance=found.get("balance"),
        account_reference=found.get("account_reference"),
        transaction_id=found.get("transaction_id"),
        encoding=encoding,
    )


def parse_bank_csv(
    stream: IO[Any],
    *,
    file_name: str,
    account_reference: str | None = None,
    encoding: str = "utf-8",
) -> Iterator[StatementLine]:
    """Statement lines from a bank's CSV export whose columns are recognised (see the module docstring).

    `account_reference` names the account when the file has no account column.
    """
    if account_reference is not None:
        account_reference = check_account_reference(account_reference, Where(file_name, 1, "account_reference"))
    rows = csv_rows(text_lines(stream, encoding=encoding, file_name=file_name), delimiter=",", file_name=file_name)
    for _ in range(HEADER_SEARCH_ROWS):
        head = next(rows, None)
        if head is None:
            break
        line, names = head
        mapping = detect_mapping(names, encoding=encoding)
        if mapping is not None:
            columns = _Columns(names, file_name=file_name, line=line, encoding=encoding)
            yield from parse_rows(
                rows, columns=columns, mapping=mapping, file_name=file_name, account_reference=account_reference
            )
            return
    raise StatementFormatError(
        file_name,
        1,
        "header",
        f"no header row with a date column and an amount column (or money out and money in columns) was found "
        f"in the first {HEADER_SEARCH_ROWS} rows; set up a column mapping for this bank's layout",
    )
