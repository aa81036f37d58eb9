"""Bacs Standard 18 payment files: writing the council's direct credits, and reading them back.

Design overview
---------------
A payment run that pays people's bank accounts produces one Bacs Standard 18 file: fixed-width
text records, upper case, in the order below. Label records are 80 characters and data records
100, as the Standard 18 layout published by the banks and bureaux gives them; positions are
1-based and inclusive. "n" fields are digits, right-justified and zero-filled; "a" fields are
left-justified and space-filled. Lines end CR LF.

``VOL1`` volume header label (80)::

    1-4   "VOL1"            5-10  submission serial number (n, unique for the day)
    11    accessibility " " 12-41 spaces
    42-47 service user number (SUN)            48-79 spaces     80 "1" (label standard)

``HDR1`` file header label (80)::

    1-4   "HDR1"            5-21  file identifier "A" + SUN + "S" + 2 spaces + "1" + SUN
    22-27 set identification = submission serial number
    28-31 file section "0001"    32-35 file sequence "0001"    36-41 spaces
    42-47 creation date " YYDDD" 48-53 expiration date " YYDDD" (= creation date)
    54    " "                    55-60 block count "000000"    61-80 spaces

``HDR2`` (80): 1-4 "HDR2", 5 record format "F", 6-10 block length "02000", 11-15 record length
"00100", 16-50 spaces, 51-52 buffer offset "00", 53-80 spaces.

``UHL1`` user header label (80)::

    1-4   "UHL1"            5-10  processing day " YYDDD"
    11-20 receiving party "999999" + 4 spaces     21-22 currency "00"   23-28 country "000000"
    29-37 work code "1 DAILY  "                    38-40 file number "001"
    41-80 spaces

Credit record, one per payment (100)::

    1-6   destination sort code (n)      7-14  destination account number (n)
    15    destination account type "0"   16-17 transaction code "99" (Bacs direct credit)
    18-23 originating sort code (n)      24-31 originating account number (n)
    32-35 spaces (free format)           36-46 amount in pence (n, 11 digits)
    47-64 originator's name (a)          65-82 reference the payee sees (a)
    83-100 destination account name (a)

Contra record, one per file (100): the debit to the council's own account that balances the
credits: originating sort code and account in 1-14, "0", transaction code "17", originating sort
code and account again in 18-31, spaces, the **sum of the credits** in 36-46, the originator's
name in 47-64, "CONTRA" in 65-82 and the originator's name in 83-100.

``EOF1`` and ``EOF2`` repeat ``HDR1`` and ``HDR2`` with "EOF" in 1-3.

``UTL1`` user trailer label (80)::

    1-4   "UTL1"            5-17  value of debit records (n, 13) = the contra
    18-30 value of credit records (n, 13)          31-37 count of debit records (n, 7) = 1
    38-44 count of credit records (n, 7)           45-80 spaces

The file total (contra and UTL1) is always computed from the lines, so it always equals their
sum; the reader checks it again. Dates are "space + two-digit year + day of year", so the
writer accepts dates from 2000 to 2099 only.

Text fields use the Bacs character set only: A-Z, 0-9, space, full stop, ampersand, slash and
hyphen. `sanitise_bacs_text` upper-cases, drops accents ("Zoë" -> "ZOE") and apostrophes
("O'Brien" -> "OBRIEN"), turns any other character into a space and collapses spaces. Names are
cut to 18 characters; a reference is never cut (it is how a payment is matched on a statement),
so a reference longer than 18 characters after sanitising is an error, as is one with fewer
than 6 letters and digits or made of one repeated character (Bacs scheme rules for references).
Sort codes must be 6 digits and account numbers 8 (spaces and hyphens are ignored); modulus
checking of sort code and account pairs needs the Vocalink tables and is left to a service.

`parse_bacs_file` reads back files this module wrote (for tests and for reconciliation) and
refuses anything else: wrong lengths, literals, orders, or totals that do not add up.

Pure: no Django, no database, no clock. Amounts are `int` pence.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from dp.core.errors import ValidationFailed

LABEL_LENGTH = 80
RECORD_LENGTH = 100
NAME_WIDTH = 18
REFERENCE_WIDTH = 18
MIN_REFERENCE_SIGNIFICANT = 6
MAX_AMOUNT_PENCE = 99_999_999_999  # 11 digits
MAX_FILE_TOTAL_PENCE = 99_999_999_999  # the contra holds the total in the same 11 digits
MAX_RECORDS = 9_999_999  # 7 digits in UTL1
CREDIT = "99"
CONTRA_DEBIT = "17"

BACS_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .&/-")
_DROPPED = frozenset("'’‘`")
_SIX_DIGITS = re.compile(r"^[0-9]{6}\Z")
_EIGHT_DIGITS = re.compile(r"^[0-9]{8}\Z")
_SEPARATORS = re.compile(r"[\s-]")


class BacsFileError(ValidationFailed):
    """A Bacs file (or what would go into one) breaks the layout or the scheme's rules."""


# -- text and identifiers ------------------------------------------------------------------------


_ALREADY_CLEAN = re.compile(r"[A-Z0-9.&/-]+(?: [A-Z0-9.&/-]+)*")


def sanitise_bacs_text(text: str) -> str:
    """Upper case, Bacs characters only, single spaces, no leading or trailing space."""
    upper = text.upper()
    if _ALREADY_CLEAN.fullmatch(upper):
        return upper  # the usual case, and what the general path below gives for it (payment runs write many)
    return _sanitise_each_character(upper)


def _sanitise_each_character(upper: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", upper):
        if unicodedata.combining(ch) or ch in _DROPPED:
            continue
        out.append(ch if ch in BACS_CHARACTERS else " ")
    return " ".join("".join(out).split())


def bacs_name(text: str, *, field: str = "name") -> str:
    """A name for an 18-character field: sanitised, cut to 18, never blank."""
    name = sanitise_bacs_text(text)[:NAME_WIDTH].rstrip()
    if not name:
        raise BacsFileError("Enter a name using letters or digits", field=field)
    return name


def bacs_reference(text: str, *, field: str = "reference") -> str:
    """A payment reference: sanitised, at most 18 characters, at least 6 letters or digits, not one repeated
    character (Bacs scheme rules for service user references)."""
    reference = sanitise_bacs_text(text)
    if len(reference) > REFERENCE_WIDTH:
        raise BacsFileError(
            f"The reference {reference!r} is longer than {REFERENCE_WIDTH} characters; it would be cut short",
            field=field,
        )
    significant = [ch for ch in reference if ch.isalnum()]
    if len(significant) < MIN_REFERENCE_SIGNIFICANT:
        raise BacsFileError(
            f"The reference {reference!r} needs at least {MIN_REFERENCE_SIGNIFICANT} letters or digits", field=field
        )
    if len(set(reference.replace(" ", ""))) == 1:
        raise BacsFileError(f"The reference {reference!r} must not be one character repeated", field=field)
    return reference


def normalise_sort_code(text: str, *, field: str = "sort_code") -> str:
    """ "12-34-56" -> "123456"; anything other than 6 digits is an error."""
    digits = _SEPARATORS.sub("", text)
    if not _SIX_DIGITS.match(digits):
        raise BacsFileError("A sort code must be 6 digits, like 12-34-56", field=field)
    return digits


def normalise_account_number(text: str, *, field: str = "account_number") -> str:
    """An account number of exactly 8 digits (spaces and hyphens ignored)."""
    digits = _SEPARATORS.sub("", text)
    if not _EIGHT_DIGITS.match(digits):
        raise BacsFileError("An account number must be 8 digits", field=field)
    return digits


# -- the submission ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Originator:
    """The council as a Bacs service user: its SUN and the account the money leaves."""

    service_user_number: str
    sort_code: str
    account_number: str
    name: str


@dataclass(frozen=True)
class BacsCredit:
    """One payment into a person's (or their representative's) bank account."""

    sort_code: str
    account_number: str
    account_name: str
    amount_pence: int
    reference: str


@dataclass(frozen=True)
class BacsSubmission:
    """Everything in one file: who pays, when, and the credits."""

    originator: Originator
    serial_number: int
    created_on: dt.date
    processing_on: dt.date
    credits: tuple[BacsCredit, ...]

    @property
    def total_pence(self) -> int:
        return sum(c.amount_pence for c in self.credits)


def _check_date(on: dt.date, field: str) -> None:
    if not 2000 <= on.year <= 2099:
        raise BacsFileError("Bacs dates must fall between 2000 and 2099", field=field)


def normalise_credit(credit: BacsCredit, *, field: str = "credit") -> BacsCredit:
    """The credit as it will be written: checked and in the Bacs character set."""
    if not 1 <= credit.amount_pence <= MAX_AMOUNT_PENCE:
        raise BacsFileError(
            f"A Bacs credit must be between 1p and {MAX_AMOUNT_PENCE} pence", field=f"{field}.amount_pence"
        )
    return BacsCredit(
        sort_code=normalise_sort_code(credit.sort_code, field=f"{field}.sort_code"),
        account_number=normalise_account_number(credit.account_number, field=f"{field}.account_number"),
        account_name=bacs_name(credit.account_name, field=f"{field}.account_name"),
        amount_pence=credit.amount_pence,
        reference=bacs_reference(credit.reference, field=f"{field}.reference"),
    )


def normalise_submission(submission: BacsSubmission) -> BacsSubmission:
    """The submission exactly as `write_bacs_file` writes it (and `parse_bacs_file` reads it back)."""
    o = submission.originator
    if not _SIX_DIGITS.match(o.service_user_number):
        raise BacsFileError("The service user number must be 6 digits", field="originator.service_user_number")
    originator = Originator(
        service_user_number=o.service_user_number,
        sort_code=normalise_sort_code(o.sort_code, field="originator.sort_code"),
        account_number=normalise_account_number(o.account_number, field="originator.account_number"),
        name=bacs_name(o.name, field="originator.name"),
    )
    if not 1 <= submission.serial_number <= 999_999:
        raise BacsFileError("The submission serial number must be 1 to 999999", field="serial_number")
    _check_date(submission.created_on, "created_on")
    _check_date(submission.processing_on, "processing_on")
    if submission.processing_on.weekday() >= 5:
        raise BacsFileError("Bacs does not process on a Saturday or Sunday", field="processing_on")
    if submission.processing_on < submission.created_on:
        raise BacsFileError("The processing day cannot be before the file is created", field="processing_on")
    if not submission.credits:
        raise BacsFileError("A Bacs file needs at least one payment", field="credits")
    if len(submission.credits) > MAX_RECORDS - 1:
        raise BacsFileError("Too many payments for one Bacs file", field="credits")
    credits = tuple(normalise_credit(c, field=f"credits[{i}]") for i, c in enumerate(submission.credits))
    total = sum(c.amount_pence for c in credits)
    if total > MAX_FILE_TOTAL_PENCE:
        raise BacsFileError("The payments add up to more than one Bacs file can carry; split the run", field="credits")
    return replace(submission, originator=originator, credits=credits)


# -- writing -------------------------------------------------------------------------------------


def _a(value: str, width: int) -> str:
    return value[:width].ljust(width)


def _n(value: int, width: int) -> str:
    text = str(value)
    if value < 0 or len(text) > width:
        raise BacsFileError(f"{value} does not fit in {width} digits")
    return text.rjust(width, "0")


def julian(on: dt.date) -> str:
    """The Bacs form of a date: a space, the two-digit year and the day of the year (4 April 2025 is " 25094")."""
    return f" {on.year % 100:02d}{on.timetuple().tm_yday:03d}"


def _labels(sub: BacsSubmission) -> tuple[str, str, str, str]:
    sun = sub.originator.service_user_number
    serial = _n(sub.serial_number, 6)
    vol1 = "VOL1" + serial + " " + " " * 30 + sun + " " * 32 + "1"
    created = julian(sub.created_on)
    hdr1 = (
        "HDR1"
        + "A"
        + sun
        + "S"
        + "  "
        + "1"
        + sun
        + serial
        + "0001"
        + "0001"
        + " " * 6
        + created
        + created
        + " "
        + "000000"
        + " " * 20
    )
    hdr2 = "HDR2" + "F" + "02000" + "00100" + " " * 35 + "00" + " " * 28
    uhl1 = "UHL1" + julian(sub.processing_on) + "999999    " + "00" + "000000" + "1 DAILY  " + "001" + " " * 40
    return vol1, hdr1, hdr2, uhl1


def _data_record(
    *,
    sort_code: str,
    account_number: str,
    code: str,
    originator: Originator,
    amount_pence: int,
    reference: str,
    name: str,
) -> str:
    return (
        sort_code
        + account_number
        + "0"
        + code
        + originator.sort_code
        + originator.account_number
        + "    "
        + _n(amount_pence, 11)
        + _a(originator.name, NAME_WIDTH)
        + _a(reference, REFERENCE_WIDTH)
        + _a(name, NAME_WIDTH)
    )


def write_bacs_file(submission: BacsSubmission, *, line_ending: str = "\r\n") -> str:
    """The Standard 18 file for `submission` (see the module docstring for the layout)."""
    sub = normalise_submission(submission)
    o = sub.originator
    vol1, hdr1, hdr2, uhl1 = _labels(sub)
    credits = [
        _data_record(
            sort_code=c.sort_code,
            account_number=c.account_number,
            code=CREDIT,
            originator=o,
            amount_pence=c.amount_pence,
            reference=c.reference,
            name=c.account_name,
        )
        for c in sub.credits
    ]
    total = sum(c.amount_pence for c in sub.credits)
    contra = _data_record(
        sort_code=o.sort_code,
        account_number=o.account_number,
        code=CONTRA_DEBIT,
        originator=o,
        amount_pence=total,
        reference="CONTRA",
        name=o.name,
    )
    utl1 = "UTL1" + _n(total, 13) + _n(total, 13) + _n(1, 7) + _n(len(credits), 7) + " " * 36
    lines = [vol1, hdr1, hdr2, uhl1, *credits, contra, "EOF1" + hdr1[4:], "EOF2" + hdr2[4:], utl1]
    return line_ending.join(lines) + line_ending


# -- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedBacsFile:
    """A file read back: the submission it carries and the totals its trailer declares."""

    submission: BacsSubmission
    debit_total_pence: int
    credit_total_pence: int
    debit_count: int
    credit_count: int


class _Reader:
    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines

    def line(self, number: int, length: int, what: str) -> str:
        if number > len(self.lines):
            raise BacsFileError(f"The file ends before the {what} record", field=f"line {number}")
        text = self.lines[number - 1]
        if len(text) != length:
            raise BacsFileError(
                f"The {what} record is {len(text)} characters long, not {length}", field=f"line {number}"
            )
        return text

    @staticmethod
    def expect(text: str, start: int, end: int, literal: str, number: int, what: str) -> None:
        if text[start - 1 : end] != literal:
            raise BacsFileError(
                f"Positions {start}-{end} of the {what} record should be {literal!r}", field=f"line {number}"
            )

    @staticmethod
    def digits(text: str, start: int, end: int, number: int, what: str) -> int:
        value = text[start - 1 : end]
        if not (value.isdigit() and value.isascii()):
            raise BacsFileError(
                f"Positions {start}-{end} of the {what} record should be digits", field=f"line {number}"
            )
        return int(value)

    @staticmethod
    def date(text: str, start: int, number: int, what: str) -> dt.date:
        value = text[start - 1 : start + 5]
        digits = value[1:]
        if value[:1] != " " or len(digits) != 5 or not (digits.isdigit() and digits.isascii()):
            raise BacsFileError(f"The {what} record has no date at position {start}", field=f"line {number}")
        year, day = 2000 + int(digits[:2]), int(digits[2:])
        if not 1 <= day <= (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days:
            raise BacsFileError(f"The {what} record has an impossible date", field=f"line {number}")
        return dt.date(year, 1, 1) + dt.timedelta(days=day - 1)

    def account(self, text: str, start: int, end: int, number: int, what: str) -> str:
        self.digits(text, start, end, number, what)
        return text[start - 1 : end]


def parse_bacs_file(text: str) -> ParsedBacsFile:
    """Read a file `write_bacs_file` wrote, checking its layout, its contra and its totals."""
    lines = text.splitlines()
    r = _Reader(lines)
    if len(lines) < 9:
        raise BacsFileError("A Bacs file has at least 9 records", field="line 1")

    vol1 = r.line(1, LABEL_LENGTH, "VOL1")
    r.expect(vol1, 1, 4, "VOL1", 1, "VOL1")
    serial = r.digits(vol1, 5, 10, 1, "VOL1")
    sun = vol1[41:47]
    if not _SIX_DIGITS.match(sun):
        raise BacsFileError("The VOL1 record has no service user number at 42-47", field="line 1")
    r.expect(vol1, 80, 80, "1", 1, "VOL1")

    hdr1 = r.line(2, LABEL_LENGTH, "HDR1")
    r.expect(hdr1, 1, 21, f"HDR1A{sun}S  1{sun}", 2, "HDR1")
    r.expect(hdr1, 22, 27, vol1[4:10], 2, "HDR1")
    created_on = r.date(hdr1, 42, 2, "HDR1")
    hdr2 = r.line(3, LABEL_LENGTH, "HDR2")
    r.expect(hdr2, 1, 15, "HDR2F0200000100", 3, "HDR2")
    uhl1 = r.line(4, LABEL_LENGTH, "UHL1")
    r.expect(uhl1, 1, 4, "UHL1", 4, "UHL1")
    processing_on = r.date(uhl1, 5, 4, "UHL1")

    credits: list[BacsCredit] = []
    originator: Originator | None = None
    number = 5
    while True:
        record = r.line(number, RECORD_LENGTH, "payment")
        code = record[15:17]
        row_originator = Originator(
            service_user_number=sun,
            sort_code=r.account(record, 18, 23, number, "payment"),
            account_number=r.account(record, 24, 31, number, "payment"),
            name=record[46:64].rstrip(),
        )
        if originator is None:
            originator = row_originator
        elif row_originator != originator:
            raise BacsFileError("Every record must come from the same originator", field=f"line {number}")
        amount = r.digits(record, 36, 46, number, "payment")
        if code == CONTRA_DEBIT:
            break
        if code != CREDIT:
            raise BacsFileError(f"Transaction code {code!r} is not a direct credit (99)", field=f"line {number}")
        credits.append(
            BacsCredit(
                sort_code=r.account(record, 1, 6, number, "payment"),
                account_number=r.account(record, 7, 14, number, "payment"),
                account_name=record[82:100].rstrip(),
                amount_pence=amount,
                reference=record[64:82].rstrip(),
            )
        )
        number += 1

    contra_line = number
    assert originator is not None  # the loop reads at least the contra
    r.expect(record, 1, 14, originator.sort_code + originator.account_number, contra_line, "contra")
    r.expect(record, 65, 82, "CONTRA".ljust(REFERENCE_WIDTH), contra_line, "contra")
    total = sum(c.amount_pence for c in credits)
    if not credits:
        raise BacsFileError("The file has a contra but no payments", field=f"line {contra_line}")
    if amount != total:
        raise BacsFileError(
            f"The contra is {amount} pence but the payments add up to {total}", field=f"line {contra_line}"
        )

    eof1 = r.line(contra_line + 1, LABEL_LENGTH, "EOF1")
    if eof1 != "EOF1" + hdr1[4:]:
        raise BacsFileError("The EOF1 record does not repeat HDR1", field=f"line {contra_line + 1}")
    eof2 = r.line(contra_line + 2, LABEL_LENGTH, "EOF2")
    if eof2 != "EOF2" + hdr2[4:]:
        raise BacsFileError("The EOF2 record does not repeat HDR2", field=f"line {contra_line + 2}")
    utl_line = contra_line + 3
    utl1 = r.line(utl_line, LABEL_LENGTH, "UTL1")
    r.expect(utl1, 1, 4, "UTL1", utl_line, "UTL1")
    debit_total = r.digits(utl1, 5, 17, utl_line, "UTL1")
    credit_total = r.digits(utl1, 18, 30, utl_line, "UTL1")
    debit_count = r.digits(utl1, 31, 37, utl_line, "UTL1")
    credit_count = r.digits(utl1, 38, 44, utl_line, "UTL1")
    if (debit_total, credit_total, debit_count, credit_count) != (total, total, 1, len(credits)):
        raise BacsFileError(
            f"The trailer declares {credit_count} payments of {credit_total} pence and a contra of {debit_total}, "
            f"but the file has {len(credits)} payments of {total} pence",
            field=f"line {utl_line}",
        )
    if len(lines) != utl_line:
        raise BacsFileError("There is more after the UTL1 trailer", field=f"line {utl_line + 1}")

    submission = BacsSubmission(
        originator=originator,
        serial_number=serial,
        created_on=created_on,
        processing_on=processing_on,
        credits=tuple(credits),
    )
    return ParsedBacsFile(
        submission=submission,
        debit_total_pence=debit_total,
        credit_total_pence=credit_total,
        debit_count=debit_count,
        credit_count=credit_count,
    )
