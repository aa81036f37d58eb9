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

import re
from collections.abc import Iterator
from typing import IO, Any

from dp.core.money import format_pence
from dp.monitoring.domain.statements.base import (
    DedupKeys,
    StatementFormatError,
    StatementLine,
    Where,
    clean_text,
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


def parse_card_csv(stream: IO[Any], *, file_name: str) -> Iterator[StatementLine]:
    """Statement lines from our card-provider CSV (see the module docstring for the layout)."""
    lines = text_lines(stream, encoding="utf-8", file_name=file_name)
    rows = csv_rows(lines, delimiter=",", file_name=file_name)
    head = next(rows, None)
    if head is None:
        raise StatementFormatError(file_name, 1, "header", "the file is empty: the header row is missing")
    columns = _header(head[1], head[0], file_name)
    by_position = {i: name for name, i in columns.items()}
    width = len(HEADER)
    keys = DedupKeys(file_name)
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
        values = {name: row[i] for name, i in columns.items()}
        record_type = values["record_type"]
        if record_type == TRAILER:
            _check_trailer(values, file_name=file_name, line=line, count=count, total=total)
            for extra_line, _ in rows:
                raise StatementFormatError(file_name, extra_line, "record_type", "nothing may follow the TRAILER row")
            return
        if record_type != TXN:
            raise StatementFormatError(
                file_name, line, "record_type", f"{show(record_type)} is not a record type (TXN or TRAILER)"
            )
        transaction_id = values["transaction_id"]
        if not _TRANSACTION_ID.match(transaction_id):
            raise StatementFormatError(
                file_name,
                line,
                "transaction_id",
                f"{show(transaction_id)} is not a transaction id (1 to 64 letters, digits, - _ . / or :, "
                "starting with a letter or digit)",
            )
        account = values["card_account_reference"]
        if not _CARD_ACCOUNT.match(account):
            raise StatementFormatError(
                file_name,
                line,
                "card_account_reference",
                f"{show(account)} is not a card account reference (1 to 35 letters, digits, hyphens, "
                "underscores or slashes)",
            )
        posted_on = parse_iso_date(values["posted_on"], Where(file_name, line, "posted_on"))
        amount = parse_pounds(values["amount"], Where(file_name, line, "amount"))
        text = values["balance"]
        balance = parse_pounds(text, Where(file_name, line, "balance")) if text.strip() else None
        merchant = clean_text(
            values["merchant_name"], Where(file_name, line, "merchant_name"), limit=MAX_MERCHANT_LENGTH
        )
        mcc = parse_mcc(values["merchant_category_code"], Where(file_name, line, "merchant_category_code"))
        description = clean_text(values["description"], Where(file_name, line, "description"))
        total += amount
        yield StatementLine(
            line_number=line,
            posted_on=posted_on,
            amount_pence=amount,
            description=description,
            merchant=merchant,
            merchant_category_code=mcc,
            balance_pence=balance,
            account_reference=account,
            dedup_key=keys.key(
                line_number=line,
                account_reference=account,
                posted_on=posted_on,
                amount_pence=amount,
                transaction_id=transaction_id,
                description=description,
                balance_pence=balance,
            ),
            provider_transaction_id=transaction_id,
        )
    raise StatementFormatError(
        file_name,
        last_line + 1,
        "record_type",
        "the file ends without its TRAILER row, so it may be cut short",
    )


def _check_trailer(values: dict[str, str], *, file_name: str, line: int, count: int, total: int) -> None:
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
