"""A payroll bureau's file of Personal Assistants' pay: one line per PA per pay period.

Design overview
---------------
Payroll bureaus run PAs' payroll for people who employ them and can send the council a CSV of what each PA
was paid for the hours worked. The layout is ours (dp/employment/README.md "Payroll bureau file"): a header
row naming the columns, in any order, then one line per PA per period:

* ``account`` the council's number of the direct payment account (shown on its page);
* ``payee`` the council's number of the PA on the person's support plan (shown on the pay page);
* ``period_start`` and ``period_end``: the first and the last day of the pay period (both worked days);
* ``worked_on`` (optional): the day the minimum wage is judged on; blank means the last day of the period;
* ``hours``: hours worked, at most two decimal places;
* ``gross_pay``: gross pay in pounds and pence (``1234.56``; a fraction of a penny is an error);
* ``date_of_birth``: the PA's, for the age band of the minimum wage;
* ``apprentice_first_year`` (optional): ``yes`` or ``no`` (blank is no).

Dates are ``YYYY-MM-DD`` or ``DD/MM/YYYY``. Any fault is a `PayrollFileError` naming the file, the line (the
header is line 1) and the column, so the whole file can be refused with nothing written. Two lines for the
same PA and period are an error too: a file must say once what was paid.

Pure: no Django, no database, no clock. Checks that need the database (does the account exist, is the payee
on the person's plan, was the period already recorded) are the service's.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dp.core.errors import MoneyFormatError, ValidationFailed
from dp.core.money import pounds_to_pence

REQUIRED_COLUMNS = ("account", "payee", "period_start", "period_end", "hours", "gross_pay", "date_of_birth")
OPTIONAL_COLUMNS = ("worked_on", "apprentice_first_year")
MAX_HOURS = Decimal("99999.99")
MAX_LINES = 100_000


class PayrollFileError(ValidationFailed):
    """A fault in a payroll file: the message names the file, the line and the column."""

    def __init__(self, file_name: str, line: int, column: str, problem: str) -> None:
        self.file_name, self.line, self.column, self.problem = file_name, line, column, problem
        where = f"{file_name}, line {line}" + (f", column {column}" if column else "")
        super().__init__(f"{where}: {problem}", field="file")


@dataclass(frozen=True)
class PayrollLine:
    """One PA's pay for one period, as the file gives it (`period_end_on` exclusive, as stored)."""

    line: int
    account_id: int
    payee_id: int
    period_start_on: dt.date
    period_end_on: dt.date
    worked_on: dt.date
    hours_worked: Decimal
    gross_pay_pence: int
    pa_date_of_birth: dt.date
    apprentice_first_year: bool

    @property
    def key(self) -> tuple[int, dt.date, dt.date]:
        return (self.payee_id, self.period_start_on, self.period_end_on)


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``; ValueError otherwise."""
    text = text.strip()
    if "/" in text:
        day, month, year = text.split("/")
        if len(year) != 4:
            raise ValueError(text)
        return dt.date(int(year), int(month), int(day))
    return dt.date.fromisoformat(text)


def parse_hours(text: str) -> Decimal:
    """Hours worked: more than 0, at most two decimal places; ValueError otherwise."""
    try:
        hours = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError("must be a number of hours, like 37.5") from None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        raise ValueError("must be more than 0 and less than 100,000")
    if hours != hours.quantize(Decimal("0.01")):
        raise ValueError("may have at most two decimal places")
    return hours.quantize(Decimal("0.01"))


def age_on(born_on: dt.date, on: dt.date) -> int:
    """Age in whole years on a day (someone born on 29 February is a year older on 1 March)."""
    return on.year - born_on.year - ((on.month, on.day) < (born_on.month, born_on.day))


def parse_payroll_file(rows: Iterable[str], file_name: str) -> list[PayrollLine]:
    """Every line of the file, checked; the first fault raises `PayrollFileError`."""
    reader = csv.reader(rows)
    try:
        header = next(reader)
    except StopIteration:
        raise PayrollFileError(file_name, 1, "", "the file is empty; it needs a header row") from None
    except csv.Error as exc:
        raise PayrollFileError(file_name, 1, "", f"not a CSV file ({exc})") from None
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise PayrollFileError(file_name, 1, missing[0], "this column is missing from the header row")
    unknown = [n for n in names if n not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise PayrollFileError(file_name, 1, unknown[0], "not a column of the payroll file layout")
    if len(set(names)) != len(names):
        raise PayrollFileError(file_name, 1, "", "a column is named twice")
    found: list[PayrollLine] = []
    seen: dict[tuple[int, dt.date, dt.date], int] = {}
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise PayrollFileError(file_name, number + 1, "", f"not a CSV line ({exc})") from None
        number = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            raise PayrollFileError(
                file_name, number, "", f"has {len(cells)} values; the header row has {len(names)} columns"
            )
        if len(found) >= MAX_LINES:
            raise PayrollFileError(file_name, number, "", f"a file may have at most {MAX_LINES:,} lines")
        line = _line(dict(zip(names, cells, strict=True)), number, file_name)
        if line.key in seen:
            raise PayrollFileError(
                file_name, number, "period_start", f"the same PA and period is already on line {seen[line.key]}"
            )
        seen[line.key] = number
        found.append(line)
    if not found:
        raise PayrollFileError(file_name, 2, "", "the file has a header row but no pay lines")
    return found


def _line(values: dict[str, str], number: int, file_name: str) -> PayrollLine:
    def fail(column: str, problem: str) -> PayrollFileError:
        return PayrollFileError(file_name, number, column, problem)

    def whole(column: str) -> int:
        text = values[column].strip()
        if not text.isdigit() or int(text) < 1:
            raise fail(column, f"{text!r} is not a council reference number")
        return int(text)

    def date(column: str) -> dt.date:
        text = values[column].strip()
        try:
            return parse_date(text)
        except ValueError:
            raise fail(column, f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)") from None

    account_id, payee_id = whole("account"), whole("payee")
    start, last = date("period_start"), date("period_end")
    if last < start:
        raise fail("period_end", "the period ends before it starts")
    if last == dt.date.max:  # stored half-open: the day after must exist
        raise fail("period_end", "not a pay period's last day")
    worked_on = date("worked_on") if values.get("worked_on", "").strip() else last
    if not start <= worked_on <= last:
        raise fail("worked_on", "must be a day of the pay period")
    try:
        hours = parse_hours(values["hours"])
    except ValueError as exc:
        raise fail("hours", f"{values['hours'].strip()!r} {exc}") from None
    try:
        gross = pounds_to_pence(values["gross_pay"])
    except MoneyFormatError as exc:
        raise fail("gross_pay", exc.message) from None
    if gross < 0:
        raise fail("gross_pay", "must not be negative")
    born_on = date("date_of_birth")
    if born_on >= worked_on:
        raise fail("date_of_birth", "must be before the day worked")
    apprentice_text = values.get("apprentice_first_year", "").strip().lower()
    if apprentice_text not in ("", "yes", "no", "y", "n", "true", "false"):
        raise fail("apprentice_first_year", f"{apprentice_text!r} must be yes or no")
    return PayrollLine(
        line=number,
        account_id=account_id,
        payee_id=payee_id,
        period_start_on=start,
        period_end_on=last + dt.timedelta(days=1),
        worked_on=worked_on,
        hours_worked=hours,
        gross_pay_pence=gross,
        pa_date_of_birth=born_on,
        apprentice_first_year=apprentice_text in ("yes", "y", "true"),
    )
