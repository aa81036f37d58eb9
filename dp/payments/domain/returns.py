"""Payments the bank returned: the reasons, the allowed moves, the bank returns file and the journals.

The returns file (our documented layout, UTF-8 CSV with a header row; extra columns are refused):

    payment_reference,amount,returned_on,reason_code,bank_reference,reason_text
    DP0000000123,250.00,2026-03-25,B,ARUCS0001,

- `payment_reference`: the reference the payment was sent with (`DP` and ten digits);
- `amount`: pounds and pence, exactly the payment's amount;
- `returned_on`: the date the bank returned it, YYYY-MM-DD;
- `reason_code`: a Bacs ARUCS reason code (`BACS_RETURN_CODES`) or one of our reason names
  (`account_closed`, `no_account`, ...);
- `bank_reference` (optional): the bank's reference for the return;
- `reason_text` (optional): the bank's words.

A return posts two journals: the money recorded as arrived in the person's account on the pay date never
arrived (the reverse of `build_payment_arrived`: Dr transit, Cr `person:dp_account`), and it came back to
the council (`build_payment_returned`: Dr `council:dp_funding`, Cr transit). Reissuing is a one-off payment,
sent and settled like any other, so after a return and a reissue the person has received the money once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, replace

from dp.core.errors import MoneyFormatError
from dp.core.money import pounds_to_pence
from dp.payments.domain.ledger import (
    Channel,
    JournalDraft,
    build_payment_arrived,
    build_payment_returned,
    reverse,
)

RETURNED = "returned"
HELD = "held"
REISSUED = "reissued"
WRITTEN_BACK = "written_back"

# The workflow: a return is decided once (reissued or written back); holding it is a pause before that.
RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    RETURNED: frozenset({HELD, REISSUED, WRITTEN_BACK}),
    HELD: frozenset({REISSUED, WRITTEN_BACK}),
    REISSUED: frozenset(),
    WRITTEN_BACK: frozenset(),
}

REASONS = (
    "refer_to_payer",
    "beneficiary_deceased",
    "account_transferred",
    "no_account",
    "account_closed",
    "invalid_details",
    "other",
)

# Bacs ARUCS (Automated Return of Unapplied Credits Service) reason codes and our reasons.
BACS_RETURN_CODES: dict[str, str] = {
    "0": "refer_to_payer",
    "2": "beneficiary_deceased",
    "3": "account_transferred",
    "5": "no_account",
    "B": "account_closed",
    "F": "invalid_details",
}

COLUMNS = ("payment_reference", "amount", "returned_on", "reason_code", "bank_reference", "reason_text")
REQUIRED = COLUMNS[:4]
_REFERENCE = re.compile(r"^DP(\d{10})\Z")
MAX_ROWS = 10_000


def can_move(current: str, target: str) -> bool:
    return target in RETURN_TRANSITIONS.get(current, frozenset())


def reason_from_code(code: str) -> str | None:
    """Our reason for a Bacs ARUCS code or one of our reason names; None when it is neither."""
    text = code.strip()
    if text.upper() in BACS_RETURN_CODES:
        return BACS_RETURN_CODES[text.upper()]
    return text.lower() if text.lower() in REASONS else None


def payment_id_from_reference(reference: str) -> int | None:
    match = _REFERENCE.match(reference.strip().upper())
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class ReturnLine:
    """One row of a returns file, checked for shape (whether the payment exists is the service's job)."""

    line: int
    payment_id: int
    amount_pence: int
    returned_on: dt.date
    reason: str
    bank_reference: str
    reason_text: str


@dataclass(frozen=True)
class FileError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


def parse_returns_file(text: str, *, today: dt.date) -> tuple[list[ReturnLine], list[FileError]]:
    """Every line of the file, or every error in it (line 1 is the header)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        rows = list(reader)
    except csv.Error as exc:  # a bare carriage return, a field over csv's size limit: refused, not a crash
        return [], [FileError(max(reader.line_num, 1), "row", f"Cannot be read as CSV ({exc})")]
    if not rows:
        return [], [FileError(1, "header", "The file is empty")]
    header = tuple(cell.strip().lower() for cell in rows[0])
    missing = [column for column in REQUIRED if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if missing or unknown:
        problems = [
            f"missing {', '.join(missing)}" if missing else "",
            f"unknown {', '.join(unknown)}" if unknown else "",
        ]
        return [], [FileError(1, "header", "Columns " + "; ".join(p for p in problems if p))]
    if len(rows) - 1 > MAX_ROWS:
        return [], [FileError(1, "header", f"At most {MAX_ROWS} returns in one file")]
    lines: list[ReturnLine] = []
    errors: list[FileError] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            errors.append(FileError(number, "row", f"Expected {len(header)} values, found {len(row)}"))
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
        line_errors = len(errors)
        payment_id = payment_id_from_reference(cells["payment_reference"])
        if payment_id is None:
            errors.append(FileError(number, "payment_reference", "Not a payment reference (DP and ten digits)"))
        elif payment_id in seen:
            errors.append(FileError(number, "payment_reference", f"The same payment as line {seen[payment_id]}"))
        else:
            seen[payment_id] = number
        amount = 0
        try:
            amount = pounds_to_pence(cells["amount"])
        except MoneyFormatError as exc:
            errors.append(FileError(number, "amount", exc.message))
        else:
            if amount <= 0:
                errors.append(FileError(number, "amount", "The amount must be more than £0"))
        returned_on = today
        try:
            returned_on = dt.date.fromisoformat(cells["returned_on"])
        except ValueError:
            errors.append(FileError(number, "returned_on", "Not a date (YYYY-MM-DD)"))
        else:
            if returned_on > today:
                errors.append(FileError(number, "returned_on", "The date is in the future"))
        reason = reason_from_code(cells["reason_code"])
        if reason is None:
            errors.append(FileError(number, "reason_code", f"Unknown reason code {cells['reason_code']!r}"))
        bank_reference = cells.get("bank_reference", "")
        if len(bank_reference) > 40:
            errors.append(FileError(number, "bank_reference", "At most 40 characters"))
        if len(errors) == line_errors and payment_id is not None and reason is not None:
            lines.append(
                ReturnLine(
                    line=number,
                    payment_id=payment_id,
                    amount_pence=amount,
                    returned_on=returned_on,
                    reason=reason,
                    bank_reference=bank_reference,
                    reason_text=cells.get("reason_text", "")[:200],
                )
            )
    if not lines and not errors:
        errors.append(FileError(1, "header", "The file has no returns in it"))
    return lines, errors


def return_journals(
    *, person: int | str, amount_pence: int, channel: Channel, reference: str
) -> tuple[JournalDraft, JournalDraft]:
    """The journals for a payment returned after it was recorded as arrived: it never arrived in the person's
    account, and it came back to the council."""
    not_arrived = replace(
        reverse(build_payment_arrived(person=person, amount_pence=amount_pence, channel=channel)),
        description=f"Payment {reference} did not arrive: returned by the bank",
    )
    returned = build_payment_returned(
        amount_pence=amount_pence, channel=channel, description=f"Payment {reference} returned by the bank"
    )
    return not_arrived, returned
