"""A card provider's or bank's own CSV layout, read through a column mapping the council sets up.

Design overview
---------------
Providers' CSV exports differ in column names, date formats, how they sign amounts and their
encoding. Rather than code for each, the council describes a layout once as a `ColumnMapping`
(stored as JSON: `ColumnMapping.from_json` / `to_json`) and `parse_mapped_csv` reads any file in
it:

* ``posted_on``: the column with the date, read with the first of ``date_formats`` (strptime
  codes; UK day-first formats such as ``%d/%m/%Y``) that fits;
* either ``amount``, one signed column, with ``amount_sign`` saying whether a negative number
  (``negative_is_money_out``, the usual) or a positive one (``positive_is_money_out``, as some
  card providers show spending) is money out; or ``money_out`` and ``money_in``, two columns of
  which each row fills one (a minus sign in either is ignored: the column says the direction);
* optional ``description`` (one or more columns, joined with a space), ``merchant``,
  ``merchant_category_code``, ``balance``, ``account_reference`` (else the caller names the
  account) and ``transaction_id`` (a provider's unique id: only map a column that really is
  unique per transaction, because it becomes the dedup key);
* ``encoding`` (default UTF-8; a UTF-8 byte-order mark is always accepted), ``delimiter``
  (default comma), ``skip_lines`` (lines of preamble before the header) and ``header`` (the
  column names, for a file that has no header row).

Errors name the file, the line and the column: a missing column, a row with the wrong number of
values, a bad date, an amount with a fraction of a penny, bytes that are not text in the
encoding. A file cut at the end of a row cannot be told from a complete one (there is no
trailer); one cut inside a row gives a short row or an unfinished quoted value.

Reading streams: one row at a time, memory flat in file size.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import IO, Any, Literal

from dp.core.errors import ValidationFailed
from dp.monitoring.domain.statements.base import (
    DedupKeys,
    StatementFormatError,
    StatementLine,
    Where,
    clean_text,
    parse_date_formats,
    parse_mcc,
    parse_pounds,
    show,
)
from dp.monitoring.domain.statements.textfile import check_decoded, csv_rows, text_lines

AmountSign = Literal["negative_is_money_out", "positive_is_money_out"]
AMOUNT_SIGNS: tuple[AmountSign, ...] = ("negative_is_money_out", "positive_is_money_out")

MAX_SKIP_LINES = 50
MAX_ACCOUNT_REFERENCE = 64
_SAMPLE_DATE = dt.date(2026, 11, 23)


def _require_text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"{field} must name a column", field=field)
    return value.strip()


@dataclass(frozen=True)
class ColumnMapping:
    """Where each field is in a provider's CSV layout (see the module docstring)."""

    posted_on: str
    date_formats: tuple[str, ...] = ("%d/%m/%Y",)
    amount: str | None = None
    amount_sign: AmountSign = "negative_is_money_out"
    money_out: str | None = None
    money_in: str | None = None
    description: tuple[str, ...] = ()
    merchant: str | None = None
    merchant_category_code: str | None = None
    balance: str | None = None
    account_reference: str | None = None
    transaction_id: str | None = None
    encoding: str = "utf-8"
    delimiter: str = ","
    skip_lines: int = 0
    header: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        _require_text(self.posted_on, "posted_on")
        for name in ("amount", "money_out", "money_in", "merchant", "merchant_category_code", "balance"):
            value = getattr(self, name)
            if value is not None:
                _require_text(value, name)
        for name in ("account_reference", "transaction_id"):
            value = getattr(self, name)
            if value is not None:
                _require_text(value, name)
        for i, column in enumerate(self.description):
            _require_text(column, f"description[{i}]")
        if self.amount is not None and (self.money_out is not None or self.money_in is not None):
            raise ValidationFailed(
                "Map either one amount column or money out and money in columns, not both", field="amount"
            )
        if self.amount is None and (self.money_out is None or self.money_in is None):
            raise ValidationFailed("Map an amount column, or both a money out and a money in column", field="amount")
        if self.amount_sign not in AMOUNT_SIGNS:
            raise ValidationFailed(f"amount_sign must be one of {', '.join(AMOUNT_SIGNS)}", field="amount_sign")
        if not self.date_formats:
            raise ValidationFailed("Give at least one date format", field="date_formats")
        for i, fmt in enumerate(self.date_formats):
            _check_date_format(fmt, f"date_formats[{i}]")
        try:
            codecs.lookup(self.encoding)
        except (LookupError, TypeError):
            raise ValidationFailed(f"{self.encoding!r} is not a known text encoding", field="encoding") from None
        if not isinstance(self.delimiter, str) or len(self.delimiter) != 1 or self.delimiter in '"\r\n':
            raise ValidationFailed("The delimiter must be one character (not a quote or line break)", field="delimiter")
        if isinstance(self.skip_lines, bool) or not isinstance(self.skip_lines, int):
            raise ValidationFailed("skip_lines must be a whole number", field="skip_lines")
        if not 0 <= self.skip_lines <= MAX_SKIP_LINES:
            raise ValidationFailed(f"skip_lines must be between 0 and {MAX_SKIP_LINES}", field="skip_lines")
        if self.header is not None:
            if not self.header:
                raise ValidationFailed("A header needs at least one column name", field="header")
            missing = [c for c in self.columns() if c.casefold() not in {h.strip().casefold() for h in self.header}]
            if missing:
                raise ValidationFailed(f"The header does not name the mapped column {missing[0]!r}", field="header")

    def columns(self) -> list[str]:
        """Every column the mapping reads, in field order."""
        names = [self.posted_on]
        for name in ("amount", "money_out", "money_in"):
            value = getattr(self, name)
            if value is not None:
                names.append(value)
        names.extend(self.description)
        for name in ("merchant", "merchant_category_code", "balance", "account_reference", "transaction_id"):
            value = getattr(self, name)
            if value is not None:
                names.append(value)
        return names

    # -- stored as JSON ---------------------------------------------------------------------------

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> ColumnMapping:
        """A mapping from its stored JSON object; unknown keys are an error (a typo must not be ignored)."""
        if not isinstance(data, Mapping):
            raise ValidationFailed("A column mapping must be a JSON object", field="")
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ValidationFailed(f"{key!r} is not part of a column mapping", field=str(key))
        values: dict[str, Any] = dict(data)
        for key in ("date_formats", "description", "header"):
            value = values.get(key)
            if isinstance(value, str):
                values[key] = (value,)
            elif isinstance(value, list | tuple):
                if not all(isinstance(v, str) for v in value):
                    raise ValidationFailed(f"{key} must be a list of text", field=key)
                values[key] = tuple(value)
            elif value is not None:
                raise ValidationFailed(f"{key} must be a list of text", field=key)
        if "posted_on" not in values:
            raise ValidationFailed("posted_on must name a column", field="posted_on")
        return cls(**values)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out


def _check_date_format(fmt: object, field: str) -> None:
    if not isinstance(fmt, str) or not fmt:
        raise ValidationFailed("A date format must be text such as %d/%m/%Y", field=field)
    try:
        back = dt.datetime.strptime(_SAMPLE_DATE.strftime(fmt), fmt).date()
    except ValueError:
        back = None
    if back != _SAMPLE_DATE:
        raise ValidationFailed(
            f"{fmt!r} is not a date format with a day, a month and a year (such as %d/%m/%Y)", field=field
        )


class _Columns:
    """The header of a file: which position each named column is in."""

    def __init__(self, names: Sequence[str], *, file_name: str, line: int, encoding: str) -> None:
        self.names = [n.strip() for n in names]
        self.line = line
        self._index: dict[str, int] = {}
        for i, name in enumerate(self.names):
            check_decoded(name, Where(file_name, line, "header"), encoding)
            key = name.casefold()
            if key in self._index and key:
                raise StatementFormatError(file_name, line, "header", f"the column {name!r} appears twice")
            self._index[key] = i

    def find(self, name: str) -> int | None:
        return self._index.get(name.strip().casefold())

    def listing(self) -> str:
        return ", ".join(n for n in self.names if n) or "no column names"


@dataclass(frozen=True)
class _Plan:
    """The mapping resolved against one file's header: positions instead of names."""

    posted_on: int
    amount: int | None
    money_out: int | None
    money_in: int | None
    description: tuple[int, ...]
    merchant: int | None
    mcc: int | None
    balance: int | None
    account: int | None
    transaction_id: int | None


def _resolve(mapping: ColumnMapping, columns: _Columns, file_name: str) -> _Plan:
    def position(name: str | None) -> int | None:
        if name is None:
            return None
        index = columns.find(name)
        if index is None:
            raise StatementFormatError(
                file_name,
                columns.line,
                name,
                f"the column {name!r} is missing from the header (the header has: {columns.listing()})",
            )
        return index

    posted_on = position(mapping.posted_on)
    assert posted_on is not None
    return _Plan(
        posted_on=posted_on,
        amount=position(mapping.amount),
        money_out=position(mapping.money_out),
        money_in=position(mapping.money_in),
        description=tuple(p for p in (position(c) for c in mapping.description) if p is not None),
        merchant=position(mapping.merchant),
        mcc=position(mapping.merchant_category_code),
        balance=position(mapping.balance),
        account=position(mapping.account_reference),
        transaction_id=position(mapping.transaction_id),
    )


def check_account_reference(value: str, where: Where) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise where.error("is empty: the account is needed")
    if len(cleaned) > MAX_ACCOUNT_REFERENCE:
        raise where.error(f"{show(value)} is longer than {MAX_ACCOUNT_REFERENCE} characters")
    return cleaned


def parse_rows(
    rows: Iterator[tuple[int, list[str]]],
    *,
    columns: _Columns,
    mapping: ColumnMapping,
    file_name: str,
    account_reference: str | None,
) -> Iterator[StatementLine]:
    """The data rows of a file whose header has been read, as statement lines."""
    plan = _resolve(mapping, columns, file_name)
    if plan.account is None and account_reference is None:
        raise ValidationFailed(
            "The file has no account column, so the account it belongs to must be given", field="account_reference"
        )
    width = len(columns.names)
    names = columns.names
    encoding = mapping.encoding
    keys = DedupKeys(file_name)
    sign = -1 if mapping.amount_sign == "positive_is_money_out" else 1

    for line, row in rows:
        if len(row) != width:
            raise StatementFormatError(
                file_name,
                line,
                "columns",
                f"has {len(row)} values but the header has {width} columns "
                "(a row cut short, or a value with an unquoted delimiter)",
            )
        cells = [
            (check_decoded(text, where, encoding), where)
            for text, where in (
                (text, Where(file_name, line, names[i] or f"column {i + 1}")) for i, text in enumerate(row)
            )
        ]
        text, where = cells[plan.posted_on]
        posted_on = parse_date_formats(text, mapping.date_formats, where)
        if plan.amount is not None:
            text, where = cells[plan.amount]
            amount = sign * parse_pounds(text, where)
        else:
            assert plan.money_out is not None
            assert plan.money_in is not None
            out_text, out_where = cells[plan.money_out]
            in_text, in_where = cells[plan.money_in]
            if not out_text.strip() and not in_text.strip():
                raise out_where.error("is empty, and so is the money in column: an amount is needed")
            out_pence = abs(parse_pounds(out_text, out_where)) if out_text.strip() else 0
            in_pence = abs(parse_pounds(in_text, in_where)) if in_text.strip() else 0
            if out_pence and in_pence:
                raise out_where.error(
                    f"both money out ({show(out_text)}) and money in ({show(in_text)}) have an amount"
                )
            amount = in_pence - out_pence
        description = " ".join(part for part in (clean_text(*cells[i]) for i in plan.description) if part)
        merchant = clean_text(*cells[plan.merchant]) if plan.merchant is not None else ""
        mcc = parse_mcc(*cells[plan.mcc]) if plan.mcc is not None else None
        balance: int | None = None
        if plan.balance is not None:
            text, where = cells[plan.balance]
            balance = parse_pounds(text, where) if text.strip() else None
        if plan.account is not None:
            account = check_account_reference(*cells[plan.account])
        else:
            assert account_reference is not None
            account = account_reference
        transaction_id: str | None = None
        if plan.transaction_id is not None:
            transaction_id = clean_text(*cells[plan.transaction_id], limit=128) or None
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


def skip_preamble(lines: Iterator[str], count: int) -> int:
    """Drop `count` lines; the number of the next line."""
    for _ in range(count):
        if next(lines, None) is None:
            break
    return count + 1


def parse_mapped_csv(
    stream: IO[Any],
    *,
    file_name: str,
    mapping: ColumnMapping,
    account_reference: str | None = None,
) -> Iterator[StatementLine]:
    """Statement lines from a CSV file in a provider's own layout (see the module docstring).

    `account_reference` names the account when the mapping has no account column.
    """
    if account_reference is not None:
        account_reference = check_account_reference(account_reference, Where(file_name, 1, "account_reference"))
    lines = text_lines(stream, encoding=mapping.encoding, file_name=file_name)
    first = skip_preamble(lines, mapping.skip_lines)
    rows = csv_rows(lines, delimiter=mapping.delimiter, file_name=file_name, first_line=first)
    if mapping.header is None:
        head = next(rows, None)
        if head is None:
            raise StatementFormatError(file_name, first, "header", "the file is empty: the header row is missing")
        columns = _Columns(head[1], file_name=file_name, line=head[0], encoding=mapping.encoding)
    else:
        columns = _Columns(mapping.header, file_name=file_name, line=first, encoding=mapping.encoding)
    yield from parse_rows(
        rows, columns=columns, mapping=mapping, file_name=file_name, account_reference=account_reference
    )
