"""Statement files: bank and prepaid card statements read into `StatementLine`s for monitoring.

Design overview
---------------
Monitoring a direct payment starts from what actually happened in the account (RULES.md §1.5
DP-REV-04, §4 "Prepaid cards", "Record keeping"). People and providers send statements in
several formats; each has a streaming parser here that yields the same `StatementLine`:

=============== ================================ =============================================
format          parser                           notes
=============== ================================ =============================================
``card_csv``    `card_csv.parse_card_csv`        our documented card-provider layout, with a
                                                 trailer so a cut-short file is caught
``mapped_csv``  `mapped_csv.parse_mapped_csv`    a provider's own CSV layout, described once
                                                 by a `ColumnMapping` stored as JSON
``bank_csv``    `bank_csv.parse_bank_csv`        a bank's CSV export, columns recognised by
                                                 their names
``ofx``         `ofx.parse_ofx`                  OFX 1 and 2, via `ofxtools` (read whole,
                                                 up to 50 MB: the library cannot stream)
``camt053``     `camt053.parse_camt053`          ISO 20022 CAMT.053 XML, via `pycamt`, one
                                                 entry at a time
``mt940``       `swift_mt940.parse_mt940`        SWIFT MT940, via `mt-940`, one field at a time
=============== ================================ =============================================

`parse_statement` picks the parser by name; `guess_format` suggests one from a file's first
bytes. Every bad file raises `StatementFormatError` naming the file, the line and the field.
Every line has a `dedup_key` that is the same whenever the same transaction is read again, so
importing a file twice, or two overlapping files, adds each transaction once (see `base`).

The importer (a background task) should stream the lines into PostgreSQL with COPY inside one
transaction, inserting on conflict (account, dedup_key) do nothing, and roll back on
`StatementFormatError`: the parsers yield lines before they reach a fault later in the file.

Pure: no Django, no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any, Literal

from dp.core.errors import ValidationFailed
from dp.monitoring.domain.statements.bank_csv import parse_bank_csv
from dp.monitoring.domain.statements.base import StatementFormatError, StatementLine
from dp.monitoring.domain.statements.camt053 import parse_camt053
from dp.monitoring.domain.statements.card_csv import parse_card_csv
from dp.monitoring.domain.statements.mapped_csv import ColumnMapping, parse_mapped_csv
from dp.monitoring.domain.statements.ofx import parse_ofx
from dp.monitoring.domain.statements.swift_mt940 import parse_mt940

StatementFormat = Literal["card_csv", "mapped_csv", "bank_csv", "ofx", "camt053", "mt940"]
STATEMENT_FORMATS: tuple[StatementFormat, ...] = ("card_csv", "mapped_csv", "bank_csv", "ofx", "camt053", "mt940")

__all__ = [
    "STATEMENT_FORMATS",
    "ColumnMapping",
    "StatementFormat",
    "StatementFormatError",
    "StatementLine",
    "guess_format",
    "parse_bank_csv",
    "parse_camt053",
    "parse_card_csv",
    "parse_mapped_csv",
    "parse_mt940",
    "parse_ofx",
    "parse_statement",
]


def parse_statement(
    statement_format: StatementFormat,
    stream: IO[Any],
    *,
    file_name: str,
    mapping: ColumnMapping | None = None,
    account_reference: str | None = None,
    encoding: str | None = None,
) -> Iterator[StatementLine]:
    """Statement lines from `stream` in the named format.

    `mapping` is required for ``mapped_csv``; `account_reference` names the account for CSV files
    without an account column; `encoding` applies to ``bank_csv`` and ``mt940`` (the others carry
    their own: the card CSV is UTF-8, a mapping names its encoding, OFX and XML declare theirs).
    """
    if statement_format == "card_csv":
        return parse_card_csv(stream, file_name=file_name)
    if statement_format == "mapped_csv":
        if mapping is None:
            raise ValidationFailed("A column mapping is needed for this provider's CSV layout", field="mapping")
        return parse_mapped_csv(stream, file_name=file_name, mapping=mapping, account_reference=account_reference)
    if statement_format == "bank_csv":
        return parse_bank_csv(
            stream, file_name=file_name, account_reference=account_reference, encoding=encoding or "utf-8"
        )
    if statement_format == "ofx":
        return parse_ofx(stream, file_name=file_name)
    if statement_format == "camt053":
        return parse_camt053(stream, file_name=file_name)
    if statement_format == "mt940":
        return parse_mt940(stream, file_name=file_name, encoding=encoding or "utf-8")
    raise ValidationFailed(f"{statement_format!r} is not a statement format", field="format")


def guess_format(head: bytes) -> StatementFormat | None:
    """The likely format of a file from its first bytes (a kilobyte is plenty), or None.

    A suggestion for the upload form only: the person confirms it, and a CSV that is neither our
    card layout nor a recognisable bank export needs a mapping.
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", "replace")
    upper = text.upper()
    if upper.startswith("OFXHEADER") or "<OFX>" in upper or "<?OFX" in upper:
        return "ofx"
    if text.startswith("<") and "camt.053" in text:
        return "camt053"
    if text.startswith(":20:") or text.startswith("{1:") or "\n:20:" in text:
        return "mt940"
    first_line = text.split("\n", 1)[0].strip().lower()
    if first_line.startswith("record_type,") and "card_account_reference" in first_line:
        return "card_csv"
    if "," in first_line or "\t" in first_line:
        return "bank_csv"
    return None
