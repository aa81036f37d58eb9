"""The payroll bureau file layout: every line checked, each fault naming the file, line and column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dp.employment.domain.payroll_file import (
    PayrollFileError,
    PayrollLine,
    age_on,
    parse_date,
    parse_hours,
    parse_payroll_file,
)

HEADER = "account,payee,period_start,period_end,hours,gross_pay,date_of_birth"


def parse(*lines: str, header: str = HEADER) -> list:  # type: ignore[type-arg]
    return parse_payroll_file([header, *lines], "bureau.csv")


def fault(*lines: str, header: str = HEADER) -> PayrollFileError:
    with pytest.raises(PayrollFileError) as caught:
        parse(*lines, header=header)
    return caught.value


class TestGoodFile:
    def test_a_line_becomes_a_half_open_period_judged_on_its_last_day(self) -> None:
        (line,) = parse("7,12,2025-03-01,31/03/2025,86.5,1034.54,1990-05-01")
        assert (line.account_id, line.payee_id, line.line) == (7, 12, 2)
        assert (line.period_start_on, line.period_end_on) == (dt.date(2025, 3, 1), dt.date(2025, 4, 1))
        assert line.worked_on == dt.date(2025, 3, 31)
        assert (line.hours_worked, line.gross_pay_pence) == (Decimal("86.50"), 103454)
        assert line.pa_date_of_birth == dt.date(1990, 5, 1)
        assert line.apprentice_first_year is False

    def test_optional_columns_in_any_order_and_blank_lines_skipped(self) -> None:
        header = "apprentice_first_year,worked_on," + HEADER
        lines = parse("yes,2025-03-15,7,12,2025-03-01,2025-03-31,10,100,2006-01-01", "", header=header)
        assert lines[0].apprentice_first_year is True
        assert lines[0].worked_on == dt.date(2025, 3, 15)

    def test_a_byte_order_mark_and_capitals_in_the_header_are_fine(self) -> None:
        assert len(parse("7,12,2025-03-01,2025-03-31,10,100,1990-01-01", header="\ufeff" + HEADER.upper())) == 1


class TestFaultsNameFileLineAndColumn:
    @pytest.mark.parametrize(
        ("line", "column", "words"),
        [
            ("x,12,2025-03-01,2025-03-31,10,100,1990-01-01", "account", "not a council reference"),
            ("7,0,2025-03-01,2025-03-31,10,100,1990-01-01", "payee", "not a council reference"),
            ("7,12,2025-13-01,2025-03-31,10,100,1990-01-01", "period_start", "not a date"),
            ("7,12,2025-03-31,2025-03-01,10,100,1990-01-01", "period_end", "ends before it starts"),
            ("7,12,2025-03-01,2025-03-31,0,100,1990-01-01", "hours", "more than 0"),
            ("7,12,2025-03-01,2025-03-31,1.255,100,1990-01-01", "hours", "two decimal places"),
            ("7,12,2025-03-01,2025-03-31,ten,100,1990-01-01", "hours", "number of hours"),
            ("7,12,2025-03-01,2025-03-31,10,100.005,1990-01-01", "gross_pay", "fraction of a penny"),
            ("7,12,2025-03-01,2025-03-31,10,-5,1990-01-01", "gross_pay", "negative"),
            ("7,12,2025-03-01,2025-03-31,10,100,2025-04-01", "date_of_birth", "before the day worked"),
            ("7,12,9999-12-01,9999-12-31,10,100,1990-01-01", "period_end", "not a pay period"),
        ],
    )
    def test_a_bad_value(self, line: str, column: str, words: str) -> None:
        error = fault("7,12,2025-03-01,2025-03-31,10,100,1990-01-01", line)
        assert (error.file_name, error.line, error.column) == ("bureau.csv", 3, column)
        assert error.message.startswith(f"bureau.csv, line 3, column {column}: ")
        assert words in error.message

    def test_worked_on_outside_the_period(self) -> None:
        error = fault("7,12,2025-03-01,2025-03-31,10,100,1990-01-01,2025-04-02", header=HEADER + ",worked_on")
        assert (error.line, error.column) == (2, "worked_on")

    def test_apprentice_must_be_yes_or_no(self) -> None:
        error = fault("7,12,2025-03-01,2025-03-31,10,100,1990-01-01,maybe", header=HEADER + ",apprentice_first_year")
        assert error.column == "apprentice_first_year"

    def test_the_same_pa_and_period_twice(self) -> None:
        error = fault("7,12,2025-03-01,2025-03-31,10,100,1990-01-01", "7,12,2025-03-01,2025-03-31,11,110,1990-01-01")
        assert (error.line, error.column) == (3, "period_start")
        assert "line 2" in error.message

    @pytest.mark.parametrize(
        ("header", "column"),
        [
            ("account,payee,period_start,period_end,hours,gross_pay", "date_of_birth"),
            (HEADER + ",bonus", "bonus"),
        ],
    )
    def test_a_wrong_header(self, header: str, column: str) -> None:
        error = fault("7,12,2025-03-01,2025-03-31,10,100,1990-01-01", header=header)
        assert (error.line, error.column) == (1, column)

    def test_a_short_line(self) -> None:
        error = fault("7,12,2025-03-01")
        assert (error.line, error.column) == (2, "")
        assert "3 values" in error.message

    def test_an_empty_file_and_a_file_with_only_a_header(self) -> None:
        with pytest.raises(PayrollFileError, match="empty"):
            parse_payroll_file([], "empty.csv")
        assert "no pay lines" in fault().message


class TestValues:
    @pytest.mark.parametrize(
        ("born", "on", "age"),
        [
            (dt.date(2000, 3, 1), dt.date(2021, 2, 28), 20),
            (dt.date(2000, 3, 1), dt.date(2021, 3, 1), 21),
            (dt.date(2004, 2, 29), dt.date(2025, 2, 28), 20),
            (dt.date(2004, 2, 29), dt.date(2025, 3, 1), 21),
        ],
    )
    def test_age_on(self, born: dt.date, on: dt.date, age: int) -> None:
        assert age_on(born, on) == age

    def test_dates(self) -> None:
        assert parse_date("01/02/2025") == parse_date("2025-02-01") == dt.date(2025, 2, 1)
        for bad in ("1/2/25", "2025-02-30", "", "yesterday"):
            with pytest.raises(ValueError):
                parse_date(bad)

    def test_hours(self) -> None:
        assert parse_hours(" 7.5 ") == Decimal("7.50")
        for bad in ("NaN", "Infinity", "-1", "100000"):
            with pytest.raises(ValueError):
                parse_hours(bad)


class TestAnyText:
    """Whatever a file holds, it is read or refused with a `PayrollFileError`: never another exception."""

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(
            st.one_of(
                st.text(max_size=80),
                st.lists(st.text(alphabet='0123456789-/.,e£ abcNn\x00"', max_size=12), min_size=7, max_size=7).map(
                    ",".join
                ),
            ),
            max_size=6,
        )
    )
    def test_read_or_refused(self, lines: list[str]) -> None:
        outcome: list[PayrollLine] | str
        try:
            outcome = parse_payroll_file([HEADER, *lines], "any.csv")
        except PayrollFileError as exc:
            outcome = exc.message
        if isinstance(outcome, str):
            assert outcome.startswith("any.csv, line ")
        else:
            assert all(p.hours_worked > 0 and p.gross_pay_pence >= 0 for p in outcome)
