"""Card-load files: the CSV the council sends a prepaid card provider to load people's cards.

Design overview
---------------
A payment run that pays prepaid card accounts (RULES.md §4 "Prepaid cards") produces one CSV
file for the card provider. The format is ours, documented here and copied into `docs/`, so a
provider integration maps from it rather than the other way round.

The file
~~~~~~~~
* UTF-8 text (no byte-order mark), comma-separated, RFC 4180 quoting (a field holding a comma
  or a double quote is wrapped in double quotes, and a double quote inside it is doubled), each
  row ending CR LF.
* Row 1 is this header, exactly::

      record_type,card_account_reference,amount_pence,currency,payment_date,payment_reference,payee_name

* Then one ``LOAD`` row per payment, in the header's columns:

  ======================== ===================================================================
  record_type              ``LOAD``
  card_account_reference   the provider's reference for the card account: 1 to 35 letters,
                           digits, hyphens, underscores or slashes, starting with a letter or
                           digit
  amount_pence             the amount to load, a whole number of pence, 1 or more, no sign,
                           no leading zero (``45000`` is £450.00)
  currency                 ``GBP`` (the only currency)
  payment_date             the date the money is to be on the card, ``YYYY-MM-DD``
  payment_reference        our reference for this payment, unique within the file and across
                           files: the provider must treat it as an **idempotency key** and
                           load a reference it has already loaded no more than once; 1 to 64
                           letters, digits, hyphens, underscores, full stops or slashes,
                           starting with a letter or digit
  payee_name               the cardholder's name as we hold it, 1 to 70 characters, no
                           control characters, not starting with ``=``, ``+``, ``-`` or ``@``
                           (so a spreadsheet never reads it as a formula)
  ======================== ===================================================================

* The last row is the trailer, with the same number of columns::

      TRAILER,<count of LOAD rows>,<total of their amount_pence>,GBP,,,

  The count is in the ``card_account_reference`` column and the total in ``amount_pence``. The
  total always equals the sum of the rows (the writer computes it; the reader checks it).
* A file has at least one ``LOAD`` row. Nothing follows the trailer.

Example::

    record_type,card_account_reference,amount_pence,currency,payment_date,payment_reference,payee_name
    LOAD,CARD-0001234,45000,GBP,2025-04-07,DP-2025-000042-01,Jane Smith
    LOAD,CARD-0009876,12050,GBP,2025-04-07,DP-2025-000043-01,"Smith, John"
    TRAILER,2,57050,GBP,,,

`write_card_load_file` writes it; `parse_card_load_file` reads it back (for tests, and for
reconciling what the provider confirms against what was sent) and refuses anything else.

Pure: no Django, no database, no clock. Amounts are `int` pence.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from dp.core.domain.calculation_io import MAX_PENCE
from dp.core.errors import ValidationFailed

HEADER = (
    "record_type",
    "card_account_reference",
    "amount_pence",
    "currency",
    "payment_date",
    "payment_reference",
    "payee_name",
)
LOAD = "LOAD"
TRAILER = "TRAILER"
CURRENCY = "GBP"
MAX_NAME_LENGTH = 70

_CARD_ACCOUNT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_/-]{0,34}\Z")
_PAYMENT_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}\Z")
_AMOUNT = re.compile(r"^[1-9][0-9]*\Z")
_COUNT = re.compile(r"^(0|[1-9][0-9]*)\Z")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_FORMULA_START = ("=", "+", "-", "@")


class CardLoadFileError(ValidationFailed):
    """A card-load file (or a load to go into one) breaks the documented format."""


@dataclass(frozen=True)
class CardLoad:
    """One load onto one card account."""

    card_account_reference: str
    amount_pence: int
    payment_on: dt.date
    payment_reference: str
    payee_name: str


@dataclass(frozen=True)
class CardLoadFile:
    loads: tuple[CardLoad, ...]

    @property
    def count(self) -> int:
        return len(self.loads)

    @property
    def total_pence(self) -> int:
        return sum(load.amount_pence for load in self.loads)


def _check_name(name: str, field: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise CardLoadFileError("Enter the payee's name", field=field)
    if len(cleaned) > MAX_NAME_LENGTH:
        raise CardLoadFileError(f"The payee's name must be {MAX_NAME_LENGTH} characters or fewer", field=field)
    # Printable ASCII (the usual case) has no control characters: skip the character-by-character check.
    if not (cleaned.isascii() and cleaned.isprintable()) and any(
        unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp") for ch in cleaned
    ):
        raise CardLoadFileError("The payee's name must not contain control characters", field=field)
    if cleaned.startswith(_FORMULA_START):
        raise CardLoadFileError("The payee's name must not start with =, +, - or @", field=field)
    return cleaned


def normalise_load(load: CardLoad, *, field: str = "load") -> CardLoad:
    """The load as it will be written: checked, with the name trimmed."""
    if not _CARD_ACCOUNT.match(load.card_account_reference):
        raise CardLoadFileError(
            "The card account reference must be 1 to 35 letters, digits, hyphens, underscores or slashes",
            field=f"{field}.card_account_reference",
        )
    if not 1 <= load.amount_pence <= MAX_PENCE:
        raise CardLoadFileError(f"A card load must be between 1p and {MAX_PENCE} pence", field=f"{field}.amount_pence")
    if not _PAYMENT_REFERENCE.match(load.payment_reference):
        raise CardLoadFileError(
            "The payment reference must be 1 to 64 letters, digits, hyphens, underscores, full stops or slashes",
            field=f"{field}.payment_reference",
        )
    return CardLoad(
        card_account_reference=load.card_account_reference,
        amount_pence=load.amount_pence,
        payment_on=load.payment_on,
        payment_reference=load.payment_reference,
        payee_name=_check_name(load.payee_name, f"{field}.payee_name"),
    )


# A name written as it is: printable ASCII with no comma or double quote (so CSV leaves it unquoted), no
# space at either end (nothing to trim), not starting with a formula character, at most MAX_NAME_LENGTH.
_PLAIN_CHARS = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '",')
_PLAIN_FIRST = "".join(ch for ch in _PLAIN_CHARS if ch not in _FORMULA_START)
_PLAIN_NAME = re.compile(
    f"[{re.escape(_PLAIN_FIRST)}]"
    f"(?:[ {re.escape(_PLAIN_CHARS)}]{{0,{MAX_NAME_LENGTH - 2}}}[{re.escape(_PLAIN_CHARS)}])?\\Z"
)


def write_card_load_file(loads: Sequence[CardLoad]) -> str:
    """The CSV for `loads`, with header and trailer (see the module docstring).

    Every load is checked as `normalise_load` checks it, and the first refusal is raised in the order
    `normalise_load` would raise it (loads in order, then a reference used twice). A run writes a line
    per card payment, so the usual line (references and amount valid, a plain name) is written directly;
    any other goes through `normalise_load` and the csv module. The result is the same text either way
    (tested against the previous writer, which normalised every load first and wrote every row with csv)."""
    if not loads:
        raise CardLoadFileError("A card-load file needs at least one load", field="loads")
    account_ok = _CARD_ACCOUNT.match
    reference_ok = _PAYMENT_REFERENCE.match
    plain_name = _PLAIN_NAME.match
    dates: dict[dt.date, str] = {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    write = out.write
    total = 0
    for i, load in enumerate(loads):
        account, amount, on, reference, name = (
            load.card_account_reference,
            load.amount_pence,
            load.payment_on,
            load.payment_reference,
            load.payee_name,
        )
        day = dates.get(on)
        if day is None:
            day = dates[on] = on.isoformat()
        if account_ok(account) and 1 <= amount <= MAX_PENCE and reference_ok(reference) and plain_name(name):
            write(f"{LOAD},{account},{amount},{CURRENCY},{day},{reference},{name}\r\n")
        else:
            checked = normalise_load(load, field=f"loads[{i}]")
            writer.writerow((LOAD, account, str(amount), CURRENCY, day, reference, checked.payee_name))
        total += amount
    references = {load.payment_reference for load in loads}
    if len(references) != len(loads):
        seen: set[str] = set()
        for i, load in enumerate(loads):
            if load.payment_reference in seen:
                raise CardLoadFileError(
                    f"The payment reference {load.payment_reference} is used twice",
                    field=f"loads[{i}].payment_reference",
                )
            seen.add(load.payment_reference)
    writer.writerow((TRAILER, str(len(loads)), str(total), CURRENCY, "", "", ""))
    return out.getvalue()


def _row_error(message: str, row: int) -> CardLoadFileError:
    return CardLoadFileError(message, field=f"row {row}")


def _parse_load(values: Sequence[str], row: int) -> CardLoad:
    _, account, amount, currency, payment_date, reference, name = values
    if not _AMOUNT.match(amount):
        raise _row_error("amount_pence must be a whole number of pence, 1 or more", row)
    if currency != CURRENCY:
        raise _row_error("currency must be GBP", row)
    if not _ISO_DATE.match(payment_date):
        raise _row_error("payment_date must be written YYYY-MM-DD", row)
    try:
        payment_on = dt.date.fromisoformat(payment_date)
    except ValueError:
        raise _row_error(f"payment_date is not a real date: {payment_date}", row) from None
    load = CardLoad(
        card_account_reference=account,
        amount_pence=int(amount),
        payment_on=payment_on,
        payment_reference=reference,
        payee_name=name,
    )
    try:
        checked = normalise_load(load, field=f"row {row}")
    except CardLoadFileError as exc:
        raise _row_error(exc.message, row) from None
    if checked.payee_name != name:
        raise _row_error("payee_name must not start or end with spaces", row)
    return checked


def parse_card_load_file(text: str) -> CardLoadFile:
    """Read a file `write_card_load_file` wrote, checking every row and the trailer's count and total."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise CardLoadFileError(f"The file is not well-formed CSV: {exc}", field="row 1") from None
    if not rows or tuple(rows[0]) != HEADER:
        raise _row_error("The first row must be the header: " + ",".join(HEADER), 1)
    loads: list[CardLoad] = []
    seen: set[str] = set()
    for number, values in enumerate(rows[1:], start=2):
        if len(values) != len(HEADER):
            raise _row_error(f"Each row has {len(HEADER)} columns; this one has {len(values)}", number)
        kind = values[0]
        if kind == TRAILER:
            if number != len(rows):
                raise _row_error("Nothing may follow the trailer", number + 1)
            if not loads:
                raise _row_error("A card-load file needs at least one load", number)
            count, total, currency, *rest = values[1:]
            if not _COUNT.match(count) or not _COUNT.match(total) or currency != CURRENCY or any(rest):
                raise _row_error("The trailer must be TRAILER,<count>,<total pence>,GBP,,,", number)
            actual_total = sum(load.amount_pence for load in loads)
            if (int(count), int(total)) != (len(loads), actual_total):
                raise _row_error(
                    f"The trailer declares {count} loads of {total} pence, but the file has "
                    f"{len(loads)} loads of {actual_total} pence",
                    number,
                )
            return CardLoadFile(loads=tuple(loads))
        if kind != LOAD:
            raise _row_error(f"record_type must be {LOAD} or {TRAILER}", number)
        load = _parse_load(values, number)
        if load.payment_reference in seen:
            raise _row_error(f"The payment reference {load.payment_reference} is used twice", number)
        seen.add(load.payment_reference)
        loads.append(load)
    raise _row_error("The file has no trailer row", len(rows) + 1)
