"""Properties of every statement parser, on generated files.

For each format: a generated file reads back exactly; reading it twice gives the same dedup keys;
two overlapping files share exactly the keys of the lines they share; and a file that is cut short,
has a bad date, an amount with a fraction of a penny, bytes that are not text in its encoding or a
missing column gives a `StatementFormatError` naming the file, the line and the field. Finally,
reading is streaming: a 200,000-line file is read with a small, flat memory peak.
"""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dp.monitoring.domain.statements import parse_bank_csv, parse_card_csv
from dp.monitoring.domain.statements.base import DedupKeys, StatementFormatError
from dp.monitoring.tests.domain.statement_files import (
    HERON_MAPPING,
    Txn,
    bank_csv,
    camt053,
    card_csv,
    heron_csv,
    mt940,
    ofx,
    parse,
    parse_error,
)

FORMATS = ("card_csv", "mapped_csv", "bank_csv", "ofx", "camt053", "mt940")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
descriptions = st.lists(words, min_size=1, max_size=3).map(" ".join)
dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31))
amounts = st.integers(min_value=-500000, max_value=500000)


@st.composite
def transactions(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 12, ids: bool = False) -> list[Txn]:
    start = draw(dates)
    gaps = draw(st.lists(st.integers(min_value=0, max_value=3), min_size=min_size, max_size=max_size))
    out: list[Txn] = []
    day = start
    for i, gap in enumerate(gaps):
        day += dt.timedelta(days=gap)
        out.append(
            Txn(
                posted_on=day,
                amount_pence=draw(amounts),
                description=draw(descriptions),
                merchant=draw(descriptions),
                ident=f"ID{i:04d}" if ids else None,
                mcc=draw(st.sampled_from([None, "5411", "6011"])),
            )
        )
    return out


def build(statement_format: str, txns: list[Txn], *, opening: int = 100001) -> bytes:
    """A file of `txns`; the opening balance makes every closing balance end in a non-zero digit."""
    closing = opening + sum(t.amount_pence for t in txns)
    if closing % 10 == 0:
        opening += 1
    if statement_format == "card_csv":
        return card_csv([t if t.ident else Txn(**{**t.__dict__, "ident": f"T{i}"}) for i, t in enumerate(txns)])
    if statement_format == "mapped_csv":
        return heron_csv(txns, opening=opening)
    if statement_format == "bank_csv":
        return bank_csv(txns, opening=opening)
    if statement_format == "ofx":
        return ofx([t if t.ident else Txn(**{**t.__dict__, "ident": f"F{i}"}) for i, t in enumerate(txns)])
    if statement_format == "camt053":
        return camt053(txns, opening=opening)
    return mt940(txns, opening=opening)


OPTIONS: dict[str, dict[str, object]] = {
    "mapped_csv": {"mapping": HERON_MAPPING},
    "bank_csv": {"account_reference": "40-12-34 12345678"},
}


def read(statement_format: str, data: bytes):  # type: ignore[no-untyped-def]
    return parse(statement_format, data, **OPTIONS.get(statement_format, {}))


def error(statement_format: str, data: bytes) -> StatementFormatError:
    return parse_error(
        statement_format, data, file_name=f"generated.{statement_format}", **OPTIONS.get(statement_format, {})
    )


def transaction_lines(statement_format: str, data: bytes) -> list[int]:
    """The line where each generated transaction starts, in order."""
    marker = {
        "card_csv": b"\nTXN,",
        "mapped_csv": b"\nHCS-1,",
        "bank_csv": b",POS,",
        "ofx": b"<STMTTRN>",
        "camt053": b"<Ntry>",
        "mt940": b"\n:61:",
    }[statement_format]
    lines = []
    index = data.find(marker)
    while index != -1:
        start = index + 1 if marker.startswith(b"\n") else index
        lines.append(data.count(b"\n", 0, start) + 1)
        index = data.find(marker, index + 1)
    return lines


def nth_line(data: bytes, number: int) -> tuple[int, int]:
    """(start, end) byte offsets of line `number` (1-based), without its line break."""
    start = 0
    for _ in range(number - 1):
        start = data.index(b"\n", start) + 1
    end = data.find(b"\n", start)
    return start, (len(data) if end == -1 else end).__index__()


def replace_in_line(data: bytes, number: int, old: bytes, new: bytes) -> bytes:
    start, end = nth_line(data, number)
    line = data[start:end]
    assert old in line, (old, line)
    return data[:start] + line.replace(old, new, 1) + data[end:]


# -- reading back -------------------------------------------------------------------------------------


class TestRoundTrip:
    @pytest.mark.parametrize("statement_format", FORMATS)
    @SETTINGS
    @given(txns=transactions())
    def test_a_generated_file_reads_back_exactly(self, statement_format, txns):
        lines = read(statement_format, build(statement_format, txns))
        assert [(x.posted_on, x.amount_pence) for x in lines] == [(t.posted_on, t.amount_pence) for t in txns]
        assert [x.line_number for x in lines] == transaction_lines(statement_format, build(statement_format, txns))
        if statement_format in ("card_csv", "mapped_csv", "bank_csv", "ofx"):
            assert all(x.description == t.description for x, t in zip(lines, txns, strict=True))

    @pytest.mark.parametrize("statement_format", FORMATS)
    @SETTINGS
    @given(txns=transactions())
    def test_the_same_file_read_twice_gives_the_same_dedup_keys_and_they_are_distinct(self, statement_format, txns):
        data = build(statement_format, txns)
        first = [x.dedup_key for x in read(statement_format, data)]
        assert first == [x.dedup_key for x in read(statement_format, data)]
        assert len(set(first)) == len(first)
        assert all(len(k) == 32 and int(k, 16) >= 0 for k in first)

    @pytest.mark.parametrize("statement_format", FORMATS)
    @SETTINGS
    @given(txns=transactions(min_size=2, max_size=14, ids=True), data=st.data())
    def test_overlapping_files_share_exactly_the_keys_of_the_lines_they_share(self, statement_format, txns, data):
        """Two statements over overlapping whole days: importing both adds each transaction once."""
        if statement_format in ("mapped_csv", "bank_csv", "camt053", "mt940"):
            txns = [Txn(**{**t.__dict__, "ident": None}) for t in txns]  # exercise the keys without ids
        day_starts = [i for i in range(len(txns)) if i == 0 or txns[i].posted_on != txns[i - 1].posted_on]
        day_ends = [*day_starts[1:], len(txns)]
        second_from = data.draw(st.sampled_from(day_starts))
        first_to = data.draw(st.sampled_from([e for e in day_ends if e >= second_from]))
        opening = 100001
        before_second = opening + sum(t.amount_pence for t in txns[:second_from])
        first = read(statement_format, build_exact(statement_format, txns[:first_to], opening))
        second = read(statement_format, build_exact(statement_format, txns[second_from:], before_second))
        shared = {x.dedup_key for x in first} & {x.dedup_key for x in second}
        assert len(shared) == max(0, first_to - second_from)
        assert len({x.dedup_key for x in first} | {x.dedup_key for x in second}) == len(txns)


def build_exact(statement_format: str, txns: list[Txn], opening: int) -> bytes:
    """As `build`, with exactly this opening balance (overlapping files must agree on balances)."""
    if statement_format == "mapped_csv":
        return heron_csv(txns, opening=opening)
    if statement_format == "bank_csv":
        return bank_csv(txns, opening=opening)
    if statement_format == "camt053":
        return camt053(txns, opening=opening)
    if statement_format == "mt940":
        return mt940(txns, opening=opening)
    return build(statement_format, txns)


# -- malformed files --------------------------------------------------------------------------------


def content_end(statement_format: str, data: bytes) -> int:
    """Cutting the file anywhere before this offset loses content the format can detect is missing."""
    if statement_format == "mt940":
        return data.index(b"\n", data.rindex(b":62F:"))
    return len(data.rstrip())


class TestTruncated:
    @pytest.mark.parametrize("statement_format", ["card_csv", "ofx", "camt053", "mt940"])
    @SETTINGS
    @given(txns=transactions(min_size=0), cut=st.floats(min_value=0, max_value=1, exclude_max=True))
    def test_a_file_cut_anywhere_is_refused(self, statement_format, txns, cut):
        """Formats with an end marker (trailer, </OFX>, </Document>, closing balance) catch any cut."""
        assume(txns or statement_format != "mt940")
        data = build(statement_format, txns)
        error(statement_format, data[: int(cut * content_end(statement_format, data))])

    @pytest.mark.parametrize("statement_format", ["mapped_csv", "bank_csv"])
    @SETTINGS
    @given(txns=transactions(), cut=st.floats(min_value=0, max_value=1, exclude_max=True))
    def test_a_file_cut_inside_its_last_row_is_refused(self, statement_format, txns, cut):
        """Without a trailer, a cut inside the last row (before its last value) leaves it short."""
        data = build(statement_format, txns).rstrip(b"\r\n")
        row_start = data.rindex(b"\n") + 1
        # The last delimiter outside quotes: a balance such as "£1,000.01" holds a comma of its own.
        outside = [
            i for i in range(row_start, len(data)) if data[i] == ord(",") and not data[row_start:i].count(b'"') % 2
        ]
        last_delimiter = outside[-1]
        exc = error(statement_format, data[: row_start + 1 + int(cut * (last_delimiter - row_start))])
        assert exc.line == data.count(b"\n") + 1
        assert exc.field in ("columns", "row")


BAD_DATES = {
    "card_csv": [
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "01/05/2026",
        "2026/05/01",
        "20260501",
        "yesterday",
        "1999-12-31",
    ],
    "mapped_csv": ["31/02/2026", "00/05/2026", "13/13/2026", "2026-05-01", "1/5", "31/12/1999", "soon"],
    "bank_csv": ["31/02/2026", "32/01/2026", "05/31/2026", "2026-13-01", "tomorrow", "31/12/1999"],
    "ofx": ["20260230", "20261301", "2026XX01", "19991231"],
    "camt053": ["2026-02-30", "2026-13-01", "01/05/2026", "1999-12-31", "2026-05"],
    "mt940": ["261301", "26AB01", "260132", "260431"],  # 30 February is read as 28th (see swift_mt940)
}
DATE_FIELDS = {
    "card_csv": "posted_on",
    "mapped_csv": "Date",
    "bank_csv": "Date",
    "ofx": "DTPOSTED",
    "camt053": "BookgDt",
    "mt940": ":61: statement line",
}


def date_text(statement_format: str, on: dt.date) -> bytes:
    return {
        "card_csv": on.isoformat(),
        "mapped_csv": on.strftime("%d/%m/%Y"),
        "bank_csv": on.strftime("%d/%m/%Y"),
        "ofx": on.strftime("%Y%m%d"),
        "camt053": on.isoformat(),
        "mt940": on.strftime("%y%m%d"),
    }[statement_format].encode()


def field_line(statement_format: str, data: bytes, index: int, needle: bytes) -> int:
    """The line of transaction `index` that holds `needle` (for XML and OFX, a line inside the element)."""
    start_line = transaction_lines(statement_format, data)[index]
    number = start_line
    while True:
        start, end = nth_line(data, number)
        if needle in data[start:end]:
            return number
        number += 1


class TestBadValues:
    @pytest.mark.parametrize("statement_format", FORMATS)
    @SETTINGS
    @given(txns=transactions(), data=st.data())
    def test_a_bad_date_names_its_line_and_field(self, statement_format, txns, data):
        index = data.draw(st.integers(min_value=0, max_value=len(txns) - 1))
        bad = data.draw(st.sampled_from(BAD_DATES[statement_format])).encode()
        file = build(statement_format, txns)
        good = date_text(statement_format, txns[index].posted_on)
        needle = {"ofx": b"<DTPOSTED>" + good, "camt053": b"<BookgDt><Dt>" + good, "mt940": b":61:" + good}.get(
            statement_format, good
        )
        line = field_line(statement_format, file, index, needle)
        exc = error(statement_format, replace_in_line(file, line, needle, needle.replace(good, bad)))
        assert (exc.line, exc.field) == (line, DATE_FIELDS[statement_format])

    @pytest.mark.parametrize("statement_format", FORMATS)
    @SETTINGS
    @given(txns=transactions(), data=st.data())
    def test_a_fraction_of_a_penny_names_its_line_and_field(self, statement_format, txns, data):
        index = data.draw(st.integers(min_value=0, max_value=len(txns) - 1))
        extra = str(data.draw(st.integers(min_value=1, max_value=9))).encode()
        file = build(statement_format, txns)
        pence = abs(txns[index].amount_pence)
        whole, rem = divmod(pence, 100)
        separator = b"," if statement_format == "mt940" else b"."
        good = f"{whole:,}" if statement_format == "mapped_csv" else str(whole)
        amount = good.encode() + separator + f"{rem:02d}".encode()
        prefix = {
            "card_csv": b",-" if txns[index].amount_pence < 0 else b",",
            "mapped_csv": b"\xc2\xa3",
            "bank_csv": b",",
            "ofx": b"<TRNAMT>-" if txns[index].amount_pence < 0 else b"<TRNAMT>",
            "camt053": b'<Amt Ccy="GBP">',
            "mt940": b"D" if txns[index].amount_pence < 0 else b"C",
        }[statement_format]
        needle = prefix + amount
        line = field_line(statement_format, file, index, needle)
        exc = error(statement_format, replace_in_line(file, line, needle, needle + extra))
        expected_field = {
            "card_csv": "amount",
            "mapped_csv": "Debit" if txns[index].amount_pence < 0 else "Credit",
            "bank_csv": "Paid out" if txns[index].amount_pence < 0 else "Paid in",
            "ofx": "TRNAMT",
            "camt053": "Amt",
            "mt940": ":61: statement line",
        }[statement_format]
        assert (exc.line, exc.field) == (line, expected_field)
        assert "fraction of a penny" in exc.problem

    @pytest.mark.parametrize("statement_format", ["card_csv", "mapped_csv", "bank_csv", "ofx", "camt053", "mt940"])
    @SETTINGS
    @given(txns=transactions(), data=st.data())
    def test_bytes_not_in_the_files_encoding_name_their_line(self, statement_format, txns, data):
        index = data.draw(st.integers(min_value=0, max_value=len(txns) - 1))
        # OFX here declares Windows-1252, where 0x81, 0x8D, 0x8F, 0x90 and 0x9D mean nothing;
        # the other formats are UTF-8, where a lone 0x80 to 0xFF is never valid.
        byte = data.draw(
            st.sampled_from([b"\x81", b"\x8d", b"\x90"] if statement_format == "ofx" else [b"\xa3", b"\xe9", b"\xff"])
        )
        file = build(statement_format, txns)
        description = txns[index].description.encode()
        before, after = {
            "card_csv": (b",", b""),
            "mapped_csv": (b",", b","),
            "bank_csv": (b",", b","),
            "ofx": (b"<MEMO>", b""),
            "camt053": (b"<Ustrd>", b"<"),
            "mt940": (b":86:", b""),
        }[statement_format]
        line = field_line(statement_format, file, index, before + description + after)
        start, end = nth_line(file, line)
        text = file[start:end].rstrip(b"\r")
        if statement_format == "card_csv":
            assert text.endswith(before + description)
        at = text.rindex(before + description + after) + len(before) + 1
        exc = error(statement_format, file[: start + at] + byte + file[start + at :])
        assert exc.line == line
        assert (
            exc.field
            == {
                "card_csv": "description",
                "mapped_csv": "Details",
                "bank_csv": "Description",
                "ofx": "encoding",
                "camt053": "XML",
                "mt940": ":86: details",
            }[statement_format]
        )

    @pytest.mark.parametrize("statement_format", FORMATS)
    @SETTINGS
    @given(txns=transactions(), data=st.data())
    def test_a_missing_column_or_element_is_named(self, statement_format, txns, data):
        file = build(statement_format, txns)
        if statement_format == "card_csv":
            column = data.draw(st.sampled_from(["transaction_id", "posted_on", "amount", "balance", "description"]))
            exc = error(statement_format, file.replace(column.encode(), b"x" + column.encode(), 1))
            assert (exc.line, exc.field) == (1, "header")
            assert column in exc.problem
        elif statement_format == "mapped_csv":
            column = data.draw(st.sampled_from(["Date", "Debit", "Credit", "Details", "Balance", "Card"]))
            exc = error(statement_format, replace_in_line(file, 2, column.encode(), b"x" + column.encode()))
            assert (exc.line, exc.field) == (2, column)
        elif statement_format == "bank_csv":
            column = data.draw(st.sampled_from([b"Date,", b"Paid out,", b"Paid in,"]))
            exc = error(statement_format, file.replace(column, b"Nothing,", 1))
            assert (exc.line, exc.field) == (1, "header")
        else:
            index = data.draw(st.integers(min_value=0, max_value=len(txns) - 1))
            element, field = data.draw(
                st.sampled_from(
                    {
                        "ofx": [(b"<DTPOSTED>", "DTPOSTED"), (b"<TRNAMT>", "TRNAMT"), (b"<FITID>", "FITID")],
                        "camt053": [(b"<BookgDt>", "BookgDt"), (b"<CdtDbtInd>", "CdtDbtInd")],
                        "mt940": [(b":25:", ":61: statement line"), (b":60F:", ":61: statement line")],
                    }[statement_format]
                )
            )
            if statement_format == "mt940":
                start, end = nth_line(
                    file, field_line(statement_format, file, 0, b":61:") - (3 if element == b":25:" else 1)
                )
                assert file[start:end].startswith(element)
                exc = error(statement_format, file[:start] + file[end + 1 :])
                assert exc.field == field
                return
            line = field_line(statement_format, file, index, element)
            start, end = nth_line(file, line)
            text = file[start:end]
            if statement_format == "camt053":
                closing = element.replace(b"<", b"</")
                cut_from = text.index(element)
                cut_to = text.index(closing) + len(closing)
                broken = file[: start + cut_from] + file[start + cut_to :]
            else:
                broken = file[:start] + file[end + 1 :]
            exc = error(statement_format, broken)
            assert exc.field == field
            assert exc.line >= transaction_lines(statement_format, file)[index] - 1


# -- streaming ----------------------------------------------------------------------------------------


class GeneratedFile(io.RawIOBase):
    """A binary file made up as it is read, so the test itself holds no more than one chunk."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        while not len(self._current):
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._current = memoryview(chunk)
        n = min(len(buffer), len(self._current))
        buffer[:n] = self._current[:n]
        self._current = self._current[n:]
        return n


def generated(header: bytes, row: Callable[[int], bytes], count: int, trailer: bytes = b"") -> GeneratedFile:
    def chunks() -> Iterator[bytes]:
        yield header
        for start in range(0, count, 1000):
            yield b"".join(row(i) for i in range(start, min(count, start + 1000)))
        yield trailer

    return GeneratedFile(chunks())


def peak_while_reading(lines: Iterator[object]) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in lines)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


START = dt.date(2020, 1, 1)
MEMORY_BOUND = 4 * 1024 * 1024  # a 200,000-line file is about 10 MB; holding its lines would be far more


class TestStreaming:
    def test_a_200000_line_card_file_is_read_with_a_small_flat_memory_peak(self):
        rows = 200_000

        def row(i: int) -> bytes:
            return f"TXN,T{i},C{i % 50},{START + dt.timedelta(days=i // 100)},-1.25,,Shop,5411,Buy\n".encode()

        header = b"record_type,transaction_id,card_account_reference,posted_on,amount,balance,merchant_name,merchant_category_code,description\n"  # noqa: E501
        trailer = f"TRAILER,{rows},,,-{rows * 125 // 100}.{rows * 125 % 100:02d},,,,\n".encode()
        count, peak = peak_while_reading(parse_card_csv(generated(header, row, rows, trailer), file_name="big.csv"))
        assert count == rows
        assert peak < MEMORY_BOUND

    def test_a_file_without_transaction_ids_keeps_only_recent_days(self):
        rows = 10_000

        def row(i: int) -> bytes:
            day = START + dt.timedelta(days=i // 20)
            return f"{day:%d/%m/%Y},Shop {i % 20},-1.25\n".encode()

        count, peak = peak_while_reading(
            parse_bank_csv(
                generated(b"Date,Description,Amount\n", row, rows), file_name="big.csv", account_reference="A"
            )
        )
        assert count == rows
        assert peak < MEMORY_BOUND


class TestDedupKeys:
    def test_identical_lines_on_a_day_are_numbered(self):
        keys = DedupKeys("f")
        common = {"account_reference": "A", "amount_pence": -125, "transaction_id": None, "balance_pence": None}
        first = keys.key(line_number=1, posted_on=START, description="Tea", **common)
        second = keys.key(line_number=2, posted_on=START, description=" Tea ", **common)
        other_day = keys.key(line_number=3, posted_on=START + dt.timedelta(days=1), description="Tea", **common)
        assert len({first, second, other_day}) == 3
        again = DedupKeys("f")
        assert again.key(line_number=9, posted_on=START, description="Tea", **common) == first

    def test_a_day_that_returns_after_the_window_is_refused(self):
        keys = DedupKeys("f", window_days=2)
        common = {"account_reference": "A", "amount_pence": 1, "transaction_id": None, "balance_pence": 5}
        for day in range(3):
            keys.key(line_number=day + 1, posted_on=START + dt.timedelta(days=day), description="x", **common)
        keys.key(line_number=4, posted_on=START + dt.timedelta(days=1), description="x", **common)  # still kept
        with pytest.raises(StatementFormatError) as info:
            keys.key(line_number=5, posted_on=START, description="x", **common)
        assert (info.value.line, info.value.field) == (5, "date")
        assert "must be in date order" in info.value.problem

    def test_ids_do_not_need_the_window(self):
        keys = DedupKeys("f", window_days=1)
        for day in (0, 5, 0, 5):
            keys.key(
                line_number=1,
                account_reference="A",
                posted_on=START + dt.timedelta(days=day),
                amount_pence=1,
                transaction_id=f"T{day}",
                description="",
                balance_pence=None,
            )
