"""What every statement parser yields, the error every parser raises, and the dedup key.

Design overview
---------------
Each parser turns one file into a stream of `StatementLine`s, one per transaction, in file order.
A line carries what monitoring needs and nothing format-specific: the date it was posted, the
signed amount in pence (negative = money out of the account), a description, the merchant or
payee, the merchant category code where the format has one, the running balance where the
format has (or lets us compute) one, the account it belongs to, and a `dedup_key`.

Errors
~~~~~~
A file that breaks its format raises `StatementFormatError(file_name, line, field, problem)`,
a `ValidationFailed` whose message names the file, the line and the field in plain English::

    card-2026-05.csv, line 14, amount: '12.345' has a fraction of a penny

`line` is the 1-based physical line of the file where the problem is (for XML and OFX, the line
of the element). Parsers stream, so lines before the fault have already been yielded when the
error is raised: a caller must write a file's lines in one database transaction and roll it back
on `StatementFormatError` (an import is all or nothing).

Dedup key
~~~~~~~~~
`dedup_key` is the first 128 bits of a SHA-256, as 32 hex digits (stored as a uuid), that is the
same every time the same transaction is read, from the same file or from another file that overlaps
it, so an importer can skip a line whose (account, dedup_key) is already stored and a re-import adds
nothing. It includes the posted date, so it is unique per account and date as well:

* with a provider transaction id (card CSV `transaction_id`, OFX `FITID`, CAMT `AcctSvcrRef`,
  MT940 bank reference): account reference + posted date + amount + that id;
* without one: account reference + posted date + amount + description (whitespace collapsed) +
  running balance (or nothing) + the **occurrence index** of that identical line on that day (0
  for the first, 1 for the second ...), so two identical coffees on one day stay two lines.

The occurrence index needs a count per day. To keep memory flat in file size the counts are kept
for the most recent `OCCURRENCE_WINDOW_DAYS` distinct dates seen; files in date order (either
direction), which every bank and card provider sends, never notice. A file with no transaction
ids whose lines for one day reappear after more than that many later days cannot be numbered
reliably and is refused with a clear error rather than risk dropping a genuine transaction.
A file that starts or ends part-way through a day, with identical lines split across files, can
give one of them the same key as a different line of the other file; statements cover whole days.

Pure: no Django, no database, no clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dp.core.domain.calculation_io import MAX_PENCE
from dp.core.errors import MoneyFormatError, ValidationFailed
from dp.core.money import format_pence, pounds_to_pence

#: Statement dates outside these years are a damaged file, not a transaction.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)

#: Distinct dates whose occurrence counts are kept (see the module docstring).
OCCURRENCE_WINDOW_DAYS = 31

MAX_TEXT_LENGTH = 500

DEDUP_VERSION = "v1"  # the importer's database-side fast path uses it too: it must give the same keys
_SEPARATOR = "\x1f"  # ASCII unit separator: cannot occur in the cleaned text fields
PLAIN_POUNDS = re.compile(r"-?[0-9]{1,13}\.[0-9]{2}\Z")
# Control characters (Unicode category Cc) other than tab, line feed and carriage return.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One transaction read from a statement file.

    `amount_pence` is negative for money out of the account and positive for money in.
    `merchant` is the merchant or payee (or payer, for money in) where the format names one, else
    "". `balance_pence` is the balance after this line where known. `provider_transaction_id` is
    the provider's own id for the transaction where the format has one.
    """

    line_number: int
    posted_on: dt.date
    amount_pence: int
    description: str
    merchant: str
    merchant_category_code: str | None
    balance_pence: int | None
    account_reference: str
    dedup_key: str
    provider_transaction_id: str | None = None


class StatementFormatError(ValidationFailed):
    """A statement file breaks its format. The message names the file, the line and the field."""

    def __init__(self, file_name: str, line: int, field: str, problem: str) -> None:
        self.file_name = file_name
        self.line = line
        self.problem = problem
        super().__init__(f"{file_name}, line {line}, {field}: {problem}", field=field)


class Where:
    """Where a value came from, for error messages (made for every value read, so kept minimal)."""

    __slots__ = ("field", "file_name", "line")

    def __init__(self, file_name: str, line: int, field: str) -> None:
        self.file_name = file_name
        self.line = line
        self.field = field

    def error(self, problem: str) -> StatementFormatError:
        return StatementFormatError(self.file_name, self.line, self.field, problem)


# -- values ----------------------------------------------------------------------------------------


def show(text: str, limit: int = 40) -> str:
    """A value quoted for an error message, cut short if long, with undecodable bytes shown as \\xNN."""
    safe = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if len(safe) > limit:
        safe = safe[: limit - 3] + "..."
    return repr(safe)


def check_pence(pence: int, where: Where, text: str) -> int:
    if abs(pence) > MAX_PENCE:
        raise where.error(f"{show(text)} is more than {format_pence(MAX_PENCE)}")
    return pence


def parse_pounds(text: str, where: Where) -> int:
    """Pounds and pence as text ("-12.34", "£1,234.50", "+5", "(12.00)") to signed pence.

    A fraction of a penny is refused, never rounded (STYLE.md 4.3; `pounds_to_pence`).
    """
    if PLAIN_POUNDS.match(text):  # the common case, "-12.34": exact without Decimal
        return check_pence(int(text.replace(".", "")), where, text)
    cleaned = text.strip()
    if not cleaned:
        raise where.error("is empty: an amount of money is needed")
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1].strip()
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    try:
        pence = pounds_to_pence(cleaned)
    except MoneyFormatError as exc:
        if "fraction of a penny" in exc.message:
            raise where.error(f"{show(text)} has a fraction of a penny") from None
        raise where.error(f"{show(text)} is not an amount of money in pounds and pence") from None
    return check_pence(-pence if negative else pence, where, text)


def decimal_to_pence(amount: Decimal, text: str, where: Where) -> int:
    """An exact Decimal of pounds to pence, refusing fractions of a penny."""
    try:
        pence = amount * 100
        if not pence.is_finite():
            raise InvalidOperation
        whole = pence.to_integral_value()
    except InvalidOperation:
        raise where.error(f"{show(text)} is not an amount of money") from None
    if pence != whole:
        raise where.error(f"{show(text)} has a fraction of a penny")
    return check_pence(int(whole), where, text)


def check_date(on: dt.date, text: str, where: Where) -> dt.date:
    if not EARLIEST_DATE <= on <= LATEST_DATE:
        raise where.error(f"{show(text)} is outside the years {EARLIEST_DATE.year} to {LATEST_DATE.year}")
    return on


_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})")


def parse_iso_date(text: str, where: Where, *, allow_time: bool = False) -> dt.date:
    """YYYY-MM-DD (optionally followed by a time, for XML date-times) to a date."""
    cleaned = text.strip()
    if len(cleaned) == 10 and cleaned[4] == "-" and cleaned[7] == "-" and cleaned.isascii():
        try:  # the common case, exact YYYY-MM-DD
            return check_date(dt.date.fromisoformat(cleaned), text, where)
        except ValueError:
            pass
    match = _ISO_DATE.match(cleaned)
    if not match or (not allow_time and len(cleaned) != 10):
        raise where.error(f"{show(text)} is not a date in the form YYYY-MM-DD")
    try:
        on = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise where.error(f"{show(text)} is not a real date") from None
    return check_date(on, text, where)


_FORMAT_WORDS = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%b": "Mon", "%B": "Month", "%-d": "D"}


def describe_date_format(fmt: str) -> str:
    """ "%d/%m/%Y" -> "DD/MM/YYYY", for error messages."""
    out = fmt
    for code, word in _FORMAT_WORDS.items():
        out = out.replace(code, word)
    return out


def parse_date_formats(text: str, formats: tuple[str, ...], where: Where) -> dt.date:
    """A date in the first of `formats` (strptime codes) it fits."""
    cleaned = text.strip()
    if not cleaned:
        raise where.error("is empty: a date is needed")
    unreal = False
    for fmt in formats:
        try:
            on = dt.datetime.strptime(cleaned, fmt).date()
        except ValueError as exc:
            unreal = unreal or "out of range" in str(exc)
            continue
        return check_date(on, text, where)
    if unreal:
        raise where.error(f"{show(text)} is not a real date")
    forms = " or ".join(describe_date_format(f) for f in formats)
    raise where.error(f"{show(text)} is not a date in the form {forms}")


def clean_text(text: str, where: Where, *, limit: int = MAX_TEXT_LENGTH) -> str:
    """Free text from a file: whitespace collapsed, control characters refused, length limited."""
    if _CONTROL.search(text):
        raise where.error(f"{show(text)} contains control characters")
    tidy = text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" ")
    cleaned = text if tidy else " ".join(text.split())
    if len(cleaned) > limit:
        raise where.error(f"is longer than {limit} characters")
    return cleaned


def parse_mcc(text: str, where: Where) -> str | None:
    """A merchant category code: 1 to 4 digits (zero-padded to 4), or None when empty."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if not (len(cleaned) <= 4 and cleaned.isascii() and cleaned.isdigit()):
        raise where.error(f"{show(text)} is not a merchant category code (4 digits)")
    return cleaned.zfill(4)


# -- dedup keys ----------------------------------------------------------------------------------


def _digest(*parts: str) -> str:
    return hashlib.sha256(_SEPARATOR.join((DEDUP_VERSION, *parts)).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def id_dedup_key(account_reference: str, posted_on_iso: str, amount_pence: int, transaction_id: str) -> str:
    """The dedup key of a line with a provider transaction id (`posted_on_iso` is the date's isoformat).

    `DedupKeys.key` uses it; a parser's hot path may call it directly (it needs no per-file state).
    """
    text = f"{DEDUP_VERSION}\x1fid\x1f{account_reference}\x1f{posted_on_iso}\x1f{amount_pence}\x1f{transaction_id}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class DedupKeys:
    """Gives each line of one file its dedup key (see the module docstring). One per file read."""

    def __init__(self, file_name: str, *, window_days: int = OCCURRENCE_WINDOW_DAYS) -> None:
        self._file_name = file_name
        self._window = window_days
        self._counts: OrderedDict[dt.date, dict[bytes, int]] = OrderedDict()
        self._forgotten: set[dt.date] = set()

    def key(
        self,
        *,
        line_number: int,
        account_reference: str,
        posted_on: dt.date,
        amount_pence: int,
        transaction_id: str | None,
        description: str,
        balance_pence: int | None,
    ) -> str:
        if transaction_id:  # the common case
            return id_dedup_key(account_reference, posted_on.isoformat(), amount_pence, transaction_id)
        common = (account_reference, posted_on.isoformat(), str(amount_pence))
        identity = (*common, " ".join(description.split()), "" if balance_pence is None else str(balance_pence))
        base = hashlib.blake2b(_SEPARATOR.join(identity).encode("utf-8", "surrogatepass"), digest_size=16).digest()
        index = self._next_index(posted_on, base, line_number)
        return _digest("line", *identity, str(index))

    def _next_index(self, on: dt.date, base: bytes, line_number: int) -> int:
        day = self._counts.get(on)
        if day is None:
            if on in self._forgotten:
                raise StatementFormatError(
                    self._file_name,
                    line_number,
                    "date",
                    f"lines for {on.isoformat()} appear again after lines for more than {self._window} later "
                    "dates; a file without transaction ids must be in date order",
                )
            day = self._counts[on] = {}
            if len(self._counts) > self._window:
                old, _ = self._counts.popitem(last=False)
                self._forgotten.add(old)
        else:
            self._counts.move_to_end(on)
        index = day.get(base, 0)
        day[base] = index + 1
        return index
