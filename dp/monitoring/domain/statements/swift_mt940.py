"""SWIFT MT940 customer statements, read with `mt-940`.

Design overview
---------------
An MT940 file is text made of tagged fields, one or more statements after each other::

    :20:STMT260531           transaction reference: starts a statement
    :25:401234/12345678      the account
    :28C:5/1                 statement and sequence number
    :60F:C260430GBP1000,00   opening balance (C credit / D debit, YYMMDD, currency, amount)
    :61:2605010501C500,00NTRFNONREF//B2605010001     a statement line (a transaction)
    :86:NORTHSHIRE COUNCIL DIRECT PAYMENT            its details (may run over several lines)
    :62F:C260531GBP1500,00   closing balance: ends the statement

This module streams: it reads the file line by line, gathers each field (a tag and its
continuation lines) and hands it to an `mt940.models.Transactions` for that statement, which
parses it with the library's own tag definitions; each transaction is yielded as soon as the
next field that cannot belong to it arrives, then dropped. Memory stays flat in file size.
SWIFT envelope blocks (``{1:...}{2:...}{4:`` and ``-}``) and ``-`` separators are skipped.

* posted date: the entry (booking) date of the ``:61:`` line, else its value date; a value date
  of 29 to 31 February (some banks count value dates in 30-day months) is read as the last day
  of February, as `mt-940` does; any other impossible date is refused;
* amount: signed by the debit/credit mark (``D`` and ``RC`` are money out); only ``GBP``; a
  fraction of a penny (``12,345``) is refused;
* provider transaction id: the bank reference after ``//`` in the ``:61:`` line, when there is
  one (and it is not ``NONREF``);
* description: the ``:86:`` details (lines joined with a space), else the ``:61:`` extra details,
  else the customer reference;
* running balance: the opening balance plus each line; at ``:62F:``/``:62M:`` the opening balance
  plus the lines must equal the closing balance, or the file is refused;
* a statement must have ``:25:`` and an opening balance before its first ``:61:``, and end with a
  closing balance: a file that ends before it is refused as cut short.

Errors name the line where the field starts and the field's tag, e.g.
``stmt.sta, line 7, :61: statement line: ...``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

import mt940
from mt940.models import Transactions

from dp.core.money import format_pence
from dp.monitoring.domain.statements.base import (
    DedupKeys,
    StatementFormatError,
    StatementLine,
    Where,
    check_date,
    clean_text,
    decimal_to_pence,
    show,
)
from dp.monitoring.domain.statements.textfile import check_decoded, text_lines

_TAG = re.compile(r"^:(?P<tag>[0-9]{2}|NS)(?P<sub>[A-Z])?:")
_KNOWN_TAGS = frozenset(mt940.tags.TAG_BY_ID)
_NAMES = {
    "20": "transaction reference",
    "21": "related reference",
    "25": "account",
    "28": "statement number",
    "60": "opening balance",
    "61": "statement line",
    "62": "closing balance",
    "64": "available balance",
    "65": "forward available balance",
    "86": "details",
    "13": "date and time",
    "34": "floor limit",
    "90": "entry totals",
    "NS": "bank-specific details",
}
_OPTIONS = mt940.Options(
    reversal_sign=True,
    case_insensitive_marks=True,
    merge_keeps_values=True,
    unbounded_details=True,
    strip_bom=True,
)


@dataclass
class _Field:
    tag: str  # e.g. "61", "60F"
    line: int
    lines: list[str] = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.tag[:2]

    @property
    def label(self) -> str:
        return f":{self.tag}: {_NAMES.get(self.number, 'field')}"


def _fields(stream: IO[Any], *, file_name: str, encoding: str) -> Iterator[_Field]:
    current: _Field | None = None
    for number, raw in enumerate(text_lines(stream, encoding=encoding, file_name=file_name), start=1):
        line = raw.rstrip("\r\n").rstrip()
        if line.startswith("{"):
            # SWIFT envelope: "{1:...}{2:...}{4:" then the fields; anything after "{4:" is a field line.
            _, marker, rest = line.partition("{4:")
            if not marker or not rest.strip():
                continue
            line = rest.strip()
        if line in ("-", "-}") or line.startswith("-}"):
            if current is not None:
                yield current
                current = None
            continue
        if not line.strip():
            continue
        match = _TAG.match(line)
        if match and (match.group("tag") == "NS" or int(match.group("tag")) in _KNOWN_TAGS):
            if current is not None:
                yield current
            current = _Field(tag=match.group("tag") + (match.group("sub") or ""), line=number, lines=[line])
        elif current is not None:
            current.lines.append(line)
        else:
            check_decoded(line, Where(file_name, number, "line"), encoding)
            raise StatementFormatError(
                file_name, number, "line", f"{show(line)} is not an MT940 field (such as :20: or :61:)"
            )
        check_decoded(line, Where(file_name, number, current.label), encoding)
    if current is not None:
        yield current


def _balance_pence(balance: Any, where: Where) -> int:
    amount = balance.amount
    if amount.currency != "GBP":
        raise where.error(f"the balance is in {show(str(amount.currency))}: only pounds are accepted")
    return decimal_to_pence(Decimal(amount.amount), str(amount.amount), where)


class _Statement:
    def __init__(self, start: _Field) -> None:
        self.start = start
        self.parsed = Transactions(options=_OPTIONS)
        self.account: str | None = None
        self.opening: int | None = None
        self.running: int | None = None
        self.total = 0
        self.pending_line: int | None = None  # where the transaction not yet yielded starts
        self.closed = False


def parse_mt940(stream: IO[Any], *, file_name: str, encoding: str = "utf-8") -> Iterator[StatementLine]:
    """Statement lines from an MT940 file (see the module docstring)."""
    keys = DedupKeys(file_name)
    statement: _Statement | None = None
    last_line = 0
    any_statement = False
    for fld in _fields(stream, file_name=file_name, encoding=encoding):
        last_line = fld.line + len(fld.lines) - 1
        where = Where(file_name, fld.line, fld.label)
        if fld.number == "20":
            if statement is not None and not statement.closed:
                raise where.error(
                    f"a new statement starts before the one from line {statement.start.line} has its "
                    "closing balance (:62F:): the file is damaged or cut short"
                )
            statement = _Statement(fld)
            any_statement = True
        elif statement is None or statement.closed:
            if fld.number in ("64", "65", "86", "NS") and statement is not None:
                continue  # information after the closing balance
            raise where.error("comes before the statement's transaction reference (:20:)")
        before = len(statement.parsed.transactions)
        try:
            statement.parsed.parse("\n".join(fld.lines))
        except Exception as exc:  # the library raises RuntimeError, ValueError, decimal errors ...
            raise where.error(_describe(exc, fld)) from None
        if fld.number == "25":
            account = statement.parsed.data.get("account_identification")
            statement.account = clean_text(str(account or ""), where, limit=64) or None
        elif fld.number == "60":
            balance = statement.parsed.data.get("final_opening_balance") or statement.parsed.data.get(
                "intermediate_opening_balance"
            )
            if balance is not None and statement.opening is None:
                statement.opening = statement.running = _balance_pence(balance, where)
        elif fld.number == "61":
            if statement.account is None or statement.opening is None:
                raise where.error("comes before the statement's account (:25:) and opening balance (:60F:)")
            if not statement.parsed.transactions[-1].data.get("id"):
                raise where.error("has no transaction type code (such as NTRF or NMSC)")
            if len(statement.parsed.transactions) != before + 1:  # pragma: no cover - the check above prevents it
                raise where.error(
                    "cannot be told apart from the line before it: it has no transaction type code (such as NTRF)"
                )
            if before:
                yield _emit(statement, file_name, keys)
            statement.pending_line = fld.line
        elif fld.number == "62":
            if statement.pending_line is not None:
                yield _emit(statement, file_name, keys)
            _close(statement, where)
    if statement is not None and not statement.closed:
        raise StatementFormatError(
            file_name,
            last_line + 1,
            ":62F: closing balance",
            f"the statement from line {statement.start.line} has no closing balance: the file is cut short",
        )
    if not any_statement:
        raise StatementFormatError(file_name, 1, ":20: transaction reference", "the file has no MT940 statement")


def _describe(exc: Exception, fld: _Field) -> str:
    text = str(exc.args[0]) if exc.args else str(exc)
    if isinstance(exc, RuntimeError) or text.startswith("Unable to parse"):
        return f"{show(' '.join(fld.lines), 60)} does not follow the SWIFT layout of this field"
    if "day is out of range" in text or "month must be" in text or "date" in text.lower():
        return f"{show(' '.join(fld.lines), 60)} has a date that is not a real date"
    if isinstance(exc, ArithmeticError):
        return f"{show(' '.join(fld.lines), 60)} has an amount that is not a number"
    return f"{show(' '.join(fld.lines), 60)} cannot be read ({text})"  # pragma: no cover - a safety net


def _emit(statement: _Statement, file_name: str, keys: DedupKeys) -> StatementLine:
    transaction = statement.parsed.transactions.pop(0)
    line = statement.pending_line or statement.start.line
    statement.pending_line = None
    data = transaction.data
    where = Where(file_name, line, ":61: statement line")
    amount_value = data["amount"]  # in the currency of the opening balance, which must be GBP
    amount = decimal_to_pence(Decimal(amount_value.amount), str(abs(amount_value.amount)), where)
    posted = data.get("entry_date") or data["date"]
    posted_on = check_date(posted, posted.isoformat(), where)
    reference = (data.get("bank_reference") or "").strip()
    transaction_id = reference if reference and reference.upper() != "NONREF" else None
    details = str(data.get("transaction_details") or "")
    customer_reference = str(data.get("customer_reference") or "")
    if customer_reference.upper() == "NONREF":
        customer_reference = ""
    description = clean_text(
        details or str(data.get("extra_details") or "") or customer_reference,
        Where(file_name, line, ":86: details"),
    )
    merchant = clean_text(str(data.get("applicant_name") or ""), Where(file_name, line, ":86: details"))
    assert statement.running is not None
    assert statement.account is not None
    statement.running += amount
    statement.total += amount
    return StatementLine(
        line_number=line,
        posted_on=posted_on,
        amount_pence=amount,
        description=description,
        merchant=merchant,
        merchant_category_code=None,
        balance_pence=statement.running,
        account_reference=statement.account,
        dedup_key=keys.key(
            line_number=line,
            account_reference=statement.account,
            posted_on=posted_on,
            amount_pence=amount,
            transaction_id=transaction_id,
            description=description,
            balance_pence=statement.running,
        ),
        provider_transaction_id=transaction_id,
    )


def _close(statement: _Statement, where: Where) -> None:
    balance = statement.parsed.data.get("final_closing_balance") or statement.parsed.data.get(
        "intermediate_closing_balance"
    )
    if balance is None or statement.opening is None:
        raise where.error("comes before the statement's opening balance (:60F:)")
    closing = _balance_pence(balance, where)
    if statement.opening + statement.total != closing:
        raise where.error(
            f"the closing balance {format_pence(closing)} is not the opening balance "
            f"{format_pence(statement.opening)} plus the lines ({format_pence(statement.total)}); "
            "lines are missing or the file is damaged"
        )
    statement.closed = True
