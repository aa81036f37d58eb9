"""Our card-provider transaction file: the CSV a prepaid card provider sends us of card spending.

Design overview
---------------
The council's prepaid card provider (RULES.md §4 "Prepaid cards") sends, daily or monthly, one
file of the transactions on the council's direct payment cards. The format is ours, documented
here (and beside `dp.payments.domain.card_load`, the file we send the provider), so a provider
maps to it rather than the other way round. Providers that cannot are read through a column
mapping (`mapped_csv`).

The file
~~~~~~~~
* UTF-8 text (a byte-order mark is allowed), comma-separated, RFC 4180 quoting (a value holding
  a comma, a double quote or a line break is wrapped in double quotes, with a double quote inside
  it doubled), each row ending CR LF or LF.
* Row 1 is the header: these nine column names, in any order, each exactly once, nothing else::

      record_type,transaction_id,card_account_reference,posted_on,amount,balance,merchant_name,merchant_category_code,description

* Then one ``TXN`` row per transaction:

  ========================== ================================================================
  record_type                ``TXN``
  transaction_id             the provider's own id for the transaction, unique across all its
                             files (the dedup key uses it): 1 to 64 letters, digits, ``-``,
                             ``_``, ``.``, ``/`` or ``:``, starting with a letter or digit
  card_account_reference     the card account, as in the card-load file: 1 to 35 letters,
                             digits, hyphens, underscores or slashes, starting with a letter
                             or digit
  posted_on                  the date the transaction was posted to the card, ``YYYY-MM-DD``
  amount                     pounds and pence, at most two decimal places, ``-`` for money out
                             (``-12.50`` is £12.50 spent; ``450.00`` a load); no ``£``
  balance                    the card's balance after this transaction, in the same form, or
                             empty if the provider does not give it
  merchant_name              the merchant (empty for loads and fees), at most 200 characters
  merchant_category_code     the card scheme's 4-digit merchant category code (MCC), or empty
  description                the provider's description, at most 500 characters, may be empty
  ========================== ================================================================

* The last row is the trailer, with the same number of columns; the count of ``TXN`` rows is in
  the ``transaction_id`` column and the sum of their amounts in ``amount``::

      TRAILER,<count>,,,<total>,,,,

  The trailer is what tells a complete file from one cut short: a file without it is refused.
  Nothing but blank lines may follow it. A file with no transactions is just the header and
  ``TRAILER,0,,,0.00,,,,``.

Example::

    record_type,transaction_id,card_account_reference,posted_on,amount,balance,merchant_name,merchant_category_code,description
    TXN,TX-0001,CARD-0001234,2026-05-01,450.00,450.00,,,Load from Northshire Council
    TXN,TX-0002,CARD-0001234,2026-05-02,-12.50,437.50,Brambles Pharmacy,5912,Card purchase
    TRAILER,2,,,437.50,,,,

Reading streams (one row at a time). Because the trailer comes last, its checks fail only after
the earlier rows have been yielded: the importer must roll back on `StatementFormatError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import IO, Any

from dp.core.domain.calculation_io import MAX_PENCE
from dp.core.money import format_pence
from dp.monitoring.domain.statements.base import (
    MAX_TEXT_LENGTH,
    PLAIN_POUNDS,
    StatementFormatError,
    StatementLine,
    Where,
    clean_text,
    id_dedup_key,
    parse_iso_date,
    parse_mcc,
    parse_pounds,
    show,
)
from dp.monitoring.domain.statements.textfile import check_decoded, csv_rows, text_lines

HEADER = (
    "record_type",
    "transaction_id",
    "card_account_reference",
    "posted_on",
    "amount",
    "balance",
    "merchant_name",
    "merchant_category_code",
    "description",
)
TXN = "TXN"
TRAILER = "TRAILER"
ENCODING = "UTF-8"
MAX_MERCHANT_LENGTH = 200

_TRANSACTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./:-]{0,63}\Z")
_CARD_ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/-]{0,34}\Z")  # as dp.payments.domain.card_load
_COUNT = re.compile(r"^(0|[1-9][0-9]{0,9})\Z")


#: The same tests as PostgreSQL regular expressions, for the importer's database-side fast path (see
#: `dp.monitoring.importer`), which must accept exactly what this parser's quick checks accept.
#: Bounded repeats ({0,63}) make PostgreSQL's regular expressions several times slower, so the lengths are
#: checked separately: an id of at most 64 characters, at most 13 digits of pounds (16 characters without
#: the sign).
TRANSACTION_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_./:-]*$"
TRANSACTION_ID_MAX_LENGTH = 64
PLAIN_POUNDS_PATTERN = "^-?[0-9]+[.][0-9][0-9]$"
PLAIN_POUNDS_MAX_UNSIGNED_LENGTH = 16


def is_plain_text(value: str, limit: int) -> bool:
    """True when a merchant or description needs no cleaning (`clean_text` would return it unchanged)."""
    return value.isprintable() and len(value) <= limit and "  " not in value and value[:1] != " " and value[-1:] != " "


def is_card_account(value: str) -> bool:
    return _CARD_ACCOUNT.match(value) is not None


def is_plain_mcc(value: str) -> bool:
    """Empty, or four ASCII digits: the values `parse_mcc` is not needed for."""
    return not value or (len(value) == 4 and value.isdigit() and value.isascii())


def plain_date(text: str, file_name: str) -> dt.date | None:
    """An exact ``YYYY-MM-DD`` inside the allowed years as a date, else None (the parser then decides)."""
    if not (len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii()):
        return None
    try:
        return parse_iso_date(text, Where(file_name, 0, "posted_on"))
    except StatementFormatError:
        return None


def _header(row: list[str], line: int, file_name: str) -> dict[str, int]:
    where = Where(file_name, line, "header")
    names = [check_decoded(name, where, ENCODING).strip().lower() for name in row]
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        if name not in HEADER:
            raise where.error(f"{show(row[i])} is not a column of this file (the columns are: {', '.join(HEADER)})")
        if name in index:
            raise where.error(f"the column {name!r} appears twice")
        index[name] = i
    for name in HEADER:
        if name not in index:
            raise where.error(f"the column {name!r} is missing")
    return index


#: A line as a tuple in `StatementLine`'s field order (the importer's fast path skips the dataclass).
CardRecord = tuple[int, dt.date, int, str, str, str | None, int | None, str, str, str]

#: Distinct values remembered as already checked (bounded, so memory stays flat in file size).
_CACHE_LIMIT = 100_000


def parse_card_csv(stream: IO[Any], *, file_name: str) -> Iterator[StatementLine]:
    """Statement lines from our card-provider CSV (see the module docstring for the layout)."""
    for record in card_csv_records(stream, file_name=file_name):
        yield StatementLine(*record)


def card_csv_records(stream: IO[Any], *, file_name: str) -> Iterator[CardRecord]:
    """`parse_card_csv`'s lines as `CardRecord` tuples, the same values and the same errors.

    The hot path of a million-line import: each value is first tried against a quick exact check
    whose result is the one the general function (`parse_iso_date`, `parse_pounds`, `clean_text`,
    `parse_mcc`) would give; anything else goes through the general function, which gives the value
    or the error. Dates and account references already seen are remembered (a bounded number).
    """
    lines = text_lines(stream, encoding="utf-8", file_name=file_name)
    rows = csv_rows(lines, delimiter=",", file_name=file_name)
    head = next(rows, None)
    if head is None:
        raise StatementFormatError(file_name, 1, "header", "the file is empty: the header row is missing")
    columns = _header(head[1], head[0], file_name)
    by_position = {i: name for name, i in columns.items()}
    width = len(HEADER)
    (
        i_type,
        i_id,
        i_account,
        i_posted,
        i_amount,
        i_balance,
        i_merchant,
        i_mcc,
        i_description,
    ) = (columns[name] for name in HEADER)
    match_id = _TRANSACTION_ID.match
    match_account = _CARD_ACCOUNT.match
    match_pounds = PLAIN_POUNDS.match
    accounts: set[str] = set()
    dates: dict[str, tuple[dt.date, str]] = {}
    total = 0
    last_line = head[0]
    for count, (line, row) in enumerate(rows):
        last_line = line
        if len(row) != width:
            raise StatementFormatError(
                file_name,
                line,
                "columns",
                f"has {len(row)} values but the header has {width} columns (the file may be cut short)",
            )
        if not all(map(str.isascii, row)):
            for i, value in enumerate(row):
                check_decoded(value, Where(file_name, line, by_position[i]), ENCODING)
        record_type = row[i_type]
        if record_type == TRAILER:
            values = {name: row[i] for name, i in columns.items()}
            check_trailer(values, file_name=file_name, line=line, count=count, total=total)
            for extra_line, _ in rows:
                raise StatementFormatError(file_name, extra_line, "record_type", "nothing may follow the TRAILER row")
            return
        if record_type != TXN:
            raise StatementFormatError(
                file_name, line, "record_type", f"{show(record_type)} is not a record type (TXN or TRAILER)"
            )
        transaction_id = row[i_id]
        if not match_id(transaction_id):
            raise StatementFormatError(
                file_name,
                line,
                "transaction_id",
                f"{show(transaction_id)} is not a transaction id (1 to 64 letters, digits, - _ . / or :, "
                "starting with a letter or digit)",
            )
        account = row[i_account]
        if account not in accounts:
            if not match_account(account):
                raise StatementFormatError(
                    file_name,
                    line,
                    "card_account_reference",
                    f"{show(account)} is not a card account reference (1 to 35 letters, digits, hyphens, "
                    "underscores or slashes)",
                )
            if len(accounts) < _CACHE_LIMIT:
                accounts.add(account)
        text = row[i_posted]
        known = dates.get(text)
        if known is None:
            posted = parse_iso_date(text, Where(file_name, line, "posted_on"))
            known = (posted, posted.isoformat())
            if len(dates) < _CACHE_LIMIT:
                dates[text] = known
        posted_on, posted_iso = known
        text = row[i_amount]
        amount = int(text.replace(".", "")) if match_pounds(text) else MAX_PENCE + 1
        if not -MAX_PENCE <= amount <= MAX_PENCE:
            amount = parse_pounds(text, Where(file_name, line, "amount"))
        text = row[i_balance]
        if not text:
            balance = None
        else:
            balance = int(text.replace(".", "")) if match_pounds(text) else MAX_PENCE + 1
            if not -MAX_PENCE <= balance <= MAX_PENCE:
                balance = parse_pounds(text, Where(file_name, line, "balance")) if text.strip() else None
        merchant = row[i_merchant]
        if not is_plain_text(merchant, MAX_MERCHANT_LENGTH):
            merchant = clean_text(merchant, Where(file_name, line, "merchant_name"), limit=MAX_MERCHANT_LENGTH)
        mcc: str | None = row[i_mcc]
        if not mcc:
            mcc = None
        elif not is_plain_mcc(mcc):
            mcc = parse_mcc(mcc, Where(file_name, line, "merchant_category_code"))
        description = row[i_description]
        if not is_plain_text(description, MAX_TEXT_LENGTH):
            description = clean_text(description, Where(file_name, line, "description"))
        total += amount
        yield (
            line,
            posted_on,
            amount,
            description,
            merchant,
            mcc,
            balance,
            account,
            # Every card line has a transaction id, so its key is `DedupKeys.key`'s id key (no per-file state).
            id_dedup_key(account, posted_iso, amount, transaction_id),
            transaction_id,
        )
    raise StatementFormatError(
        file_name,
        last_line + 1,
        "record_type",
        "the file ends without its TRAILER row, so it may be cut short",
    )


def check_trailer(values: dict[str, str], *, file_name: str, line: int, count: int, total: int) -> None:
    """The TRAILER row's checks (`StatementFormatError` when it does not match the TXN rows)."""
    text = values["transaction_id"]
    if not _COUNT.match(text.strip()):
        raise StatementFormatError(file_name, line, "transaction_id", f"{show(text)} is not the count of TXN rows")
    if int(text) != count:
        raise StatementFormatError(
            file_name, line, "transaction_id", f"the trailer counts {int(text)} transactions but the file has {count}"
        )
    text = values["amount"]
    if parse_pounds(text, Where(file_name, line, "amount")) != total:
        raise StatementFormatError(
            file_name,
            line,
            "amount",
            f"the trailer total {show(text)} is not the sum of the transactions, {format_pence(total)}",
        )
    for name in ("card_account_reference", "posted_on", "balance", "merchant_name", "merchant_category_code"):
        if values[name].strip():
            raise StatementFormatError(file_name, line, name, "must be empty in the TRAILER row")


def header_columns(row: list[str], *, file_name: str) -> dict[str, int]:
    """Column name -> position, from the header row (line 1); `StatementFormatError` when it is wrong."""
    return _header(row, 1, file_name)
