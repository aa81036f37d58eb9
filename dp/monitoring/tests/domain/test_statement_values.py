"""Reading values from statement files: money, dates, text, codes, and lines of text and CSV."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.core.domain.calculation_io import MAX_PENCE
from dp.monitoring.domain.statements import textfile
from dp.monitoring.domain.statements.base import (
    StatementFormatError,
    Where,
    clean_text,
    decimal_to_pence,
    describe_date_format,
    parse_date_formats,
    parse_iso_date,
    parse_mcc,
    parse_pounds,
    show,
)

W = Where("f.csv", 7, "amount")


def problem(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(StatementFormatError) as info:
        call()
    assert info.value.message.startswith("f.csv, line 7, amount: ")
    return info.value.problem


class TestMoney:
    @pytest.mark.parametrize(
        ("text", "pence"),
        [
            ("-12.34", -1234),
            ("12.3", 1230),
            ("12", 1200),
            ("+5.00", 500),
            ("(12.00)", -1200),
            ("£1,234.50", 123450),
            ("-£3", -300),
            (" 7.10 ", 710),
            ("12.340", 1234),
            ("0.00", 0),
        ],
    )
    def test_amounts(self, text, pence):
        assert parse_pounds(text, W) == pence

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("12.345", "'12.345' has a fraction of a penny"),
            ("", "is empty: an amount of money is needed"),
            ("1.2.3", "'1.2.3' is not an amount of money in pounds and pence"),
            ("12p", "not an amount of money"),
            ("99999999999999", "is more than £10,000,000,000.00"),
        ],
    )
    def test_bad_amounts(self, text, words):
        assert words in problem(lambda: parse_pounds(text, W))

    @given(st.integers(min_value=-MAX_PENCE, max_value=MAX_PENCE))
    def test_pence_written_as_pounds_read_back(self, pence):
        sign = "-" if pence < 0 else ""
        assert parse_pounds(f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}", W) == pence

    def test_decimals(self):
        assert decimal_to_pence(Decimal("-12.50"), "-12.50", W) == -1250
        assert "fraction of a penny" in problem(lambda: decimal_to_pence(Decimal("1.005"), "1.005", W))
        assert "not an amount" in problem(lambda: decimal_to_pence(Decimal("NaN"), "NaN", W))
        assert "not an amount" in problem(lambda: decimal_to_pence(Decimal("Infinity"), "Infinity", W))
        assert "is more than" in problem(lambda: decimal_to_pence(Decimal("1e20"), "1e20", W))


class TestDates:
    def test_iso(self):
        assert parse_iso_date(" 2026-05-01 ", W) == dt.date(2026, 5, 1)
        assert parse_iso_date("2026-05-01T10:00:00+01:00", W, allow_time=True) == dt.date(2026, 5, 1)
        assert "YYYY-MM-DD" in problem(lambda: parse_iso_date("2026-05-01T10:00", W))
        assert "YYYY-MM-DD" in problem(lambda: parse_iso_date("2026-5-1", W))
        assert "not a real date" in problem(lambda: parse_iso_date("2026-04-31", W))
        assert "not a real date" in problem(lambda: parse_iso_date("2026-04-31T00:00", W, allow_time=True))
        assert "outside the years 2000 to 2099" in problem(lambda: parse_iso_date("2100-01-01", W))

    def test_formats(self):
        formats = ("%d/%m/%Y", "%d %b %Y")
        assert parse_date_formats("07 Apr 2026", formats, W) == dt.date(2026, 4, 7)
        assert problem(lambda: parse_date_formats(" ", formats, W)) == "is empty: a date is needed"
        assert problem(lambda: parse_date_formats("31/04/2026", formats, W)) == "'31/04/2026' is not a real date"
        assert problem(lambda: parse_date_formats("2026-04-07", formats, W)) == (
            "'2026-04-07' is not a date in the form DD/MM/YYYY or DD Mon YYYY"
        )
        assert describe_date_format("%d-%B-%y") == "DD-Month-YY"


class TestText:
    def test_clean_text(self):
        assert clean_text("Card purchase", W) == "Card purchase"
        assert clean_text("  Home care,\n week\t18 ", W) == "Home care, week 18"
        assert clean_text("", W) == ""
        assert "control characters" in problem(lambda: clean_text("bell\x07", W))
        assert "control characters" in problem(lambda: clean_text("nul\x00", W))
        assert problem(lambda: clean_text("x" * 11, W, limit=10)) == "is longer than 10 characters"

    def test_mcc(self):
        assert parse_mcc(" 742 ", W) == "0742"
        assert parse_mcc("", W) is None
        assert "not a merchant category code" in problem(lambda: parse_mcc("5411x", W))

    def test_show(self):
        assert show("abc") == "'abc'"
        assert show("x" * 50) == repr("x" * 37 + "...")
        assert show("caf\udce9") == repr("caf\\xe9")


class TestTextLines:
    def read(self, data, encoding: str = "utf-8") -> list[str]:  # type: ignore[no-untyped-def]
        stream = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
        return list(textfile.text_lines(stream, encoding=encoding, file_name="f.csv"))

    def test_binary_and_text_streams_with_byte_order_marks(self):
        assert self.read(b"\xef\xbb\xbfa\r\nb") == ["a\r\n", "b"]
        assert self.read("\ufeffa\nb\n") == ["a\n", "b\n"]
        assert self.read("a\nb\n".encode("utf-16"), encoding="utf-16") == ["a\n", "b\n"]
        assert self.read(b"") == []

    def test_a_multibyte_character_split_across_chunks(self, monkeypatch):
        monkeypatch.setattr(textfile, "CHUNK_BYTES", 3)
        assert self.read("é€\nü".encode()) == ["é€\n", "ü"]
        assert self.read("\ufeffabc\ndef") == ["abc\n", "def"]

    def test_a_cut_multibyte_character_at_the_end_is_undecodable(self):
        (line,) = self.read("caf\u00e9".encode()[:-1])
        with pytest.raises(StatementFormatError, match="byte 0xC3"):
            textfile.check_decoded(line, W, "UTF-8")

    def test_a_line_too_long(self, monkeypatch):
        monkeypatch.setattr(textfile, "MAX_LINE_CHARS", 10)
        with pytest.raises(StatementFormatError) as info:
            self.read(b"ok\n" + b"x" * 100)
        assert (info.value.line, info.value.field) == (2, "line")

    def test_nul_characters(self):
        with pytest.raises(StatementFormatError) as info:
            self.read(b"a\nb\x00")
        assert (info.value.line, info.value.field) == (2, "encoding")

    def test_codec_names(self):
        assert textfile.codec_for("UTF8") == "utf-8-sig"
        assert textfile.codec_for("latin-1") == "iso8859-1"


class TestCsvRows:
    def rows(self, text: str, **kwargs: object) -> list[tuple[int, list[str]]]:
        return list(textfile.csv_rows(io.StringIO(text), delimiter=",", file_name="f.csv", **kwargs))  # type: ignore[arg-type]

    def test_line_numbers_span_quoted_line_breaks_and_skip_blank_rows(self):
        assert self.rows('a,b\n"x\ny",z\n\n , \nlast,row\n', first_line=3) == [
            (3, ["a", "b"]),
            (4, ["x\ny", "z"]),
            (8, ["last", "row"]),
        ]

    @pytest.mark.parametrize(
        ("text", "line", "words"),
        [
            ('a,b\n"x"y,z\n', 2, "quotation mark in the wrong place"),
            ('a,b\nc,"open\nmore\n', 2, "quoted value that never ends"),
        ],
    )
    def test_malformed_rows(self, text, line, words):
        with pytest.raises(StatementFormatError) as info:
            self.rows(text)
        assert (info.value.line, info.value.field) == (line, "row")
        assert words in info.value.problem

    def test_a_value_beyond_the_csv_field_limit(self, monkeypatch):
        import csv

        old = csv.field_size_limit(10)
        try:
            with pytest.raises(StatementFormatError, match="far too long"):
                self.rows("a\n" + "x" * 50 + "\n")
        finally:
            csv.field_size_limit(old)
