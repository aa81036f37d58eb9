"""The card-load CSV: the documented layout, its checks, and reading it back."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dp.payments.domain.card_load import (
    HEADER,
    CardLoad,
    CardLoadFile,
    CardLoadFileError,
    normalise_load,
    parse_card_load_file,
    write_card_load_file,
)

D = dt.date
HEADER_ROW = "record_type,card_account_reference,amount_pence,currency,payment_date,payment_reference,payee_name"


def load(**overrides: object) -> CardLoad:
    values: dict[str, object] = {
        "card_account_reference": "CARD-0001234",
        "amount_pence": 45000,
        "payment_on": D(2025, 4, 7),
        "payment_reference": "DP-2025-000042-01",
        "payee_name": "Jane Smith",
    }
    values.update(overrides)
    return CardLoad(**values)  # type: ignore[arg-type]


def file_of(*rows: str) -> str:
    return "\r\n".join(rows) + "\r\n"


class TestWriter:
    def test_the_documented_example(self):
        text = write_card_load_file(
            [
                load(),
                load(
                    card_account_reference="CARD-0009876",
                    amount_pence=12050,
                    payment_reference="DP-2025-000043-01",
                    payee_name="Smith, John",
                ),
            ]
        )
        assert text == file_of(
            HEADER_ROW,
            "LOAD,CARD-0001234,45000,GBP,2025-04-07,DP-2025-000042-01,Jane Smith",
            'LOAD,CARD-0009876,12050,GBP,2025-04-07,DP-2025-000043-01,"Smith, John"',
            "TRAILER,2,57050,GBP,,,",
        )
        assert ",".join(HEADER) == HEADER_ROW

    def test_quotes_are_doubled_and_names_trimmed(self):
        text = write_card_load_file([load(payee_name='  Jo "JJ" Bloggs ')])
        assert 'Jo ""JJ"" Bloggs"' in text
        assert parse_card_load_file(text).loads[0].payee_name == 'Jo "JJ" Bloggs'

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"card_account_reference": ""}, "card_account_reference"),
            ({"card_account_reference": "-CARD"}, "card_account_reference"),
            ({"card_account_reference": "CARD 1"}, "card_account_reference"),
            ({"card_account_reference": "C" * 36}, "card_account_reference"),
            ({"card_account_reference": "CARD1\n"}, "card_account_reference"),
            ({"amount_pence": 0}, "amount_pence"),
            ({"amount_pence": -5}, "amount_pence"),
            ({"payment_reference": "ref with spaces"}, "payment_reference"),
            ({"payment_reference": "R" * 65}, "payment_reference"),
            ({"payee_name": "   "}, "payee_name"),
            ({"payee_name": "N" * 71}, "payee_name"),
            ({"payee_name": "Jane\nSmith"}, "payee_name"),
            ({"payee_name": "Jane\u2028Smith"}, "payee_name"),
            ({"payee_name": "Jane\u200bSmith"}, "payee_name"),
            ({"payee_name": "=HYPERLINK(1)"}, "payee_name"),
            ({"payee_name": "+44"}, "payee_name"),
            ({"payee_name": "-1"}, "payee_name"),
            ({"payee_name": "@SUM"}, "payee_name"),
        ],
    )
    def test_refuses_bad_loads(self, overrides, field):
        with pytest.raises(CardLoadFileError) as info:
            write_card_load_file([load(), load(**{"payment_reference": "OTHER-1", **overrides})])
        assert info.value.field == f"loads[1].{field}"

    def test_refuses_an_empty_file(self):
        with pytest.raises(CardLoadFileError) as info:
            write_card_load_file([])
        assert info.value.field == "loads"

    def test_refuses_a_payment_reference_used_twice(self):
        with pytest.raises(CardLoadFileError, match="used twice") as info:
            write_card_load_file([load(), load(card_account_reference="CARD-2")])
        assert info.value.field == "loads[1].payment_reference"

    def test_normalise_load_keeps_good_values(self):
        assert normalise_load(load()) == load()


class TestParser:
    def test_reads_the_example(self):
        parsed = parse_card_load_file(
            file_of(
                HEADER_ROW,
                "LOAD,CARD-0001234,45000,GBP,2025-04-07,DP-2025-000042-01,Jane Smith",
                "TRAILER,1,45000,GBP,,,",
            )
        )
        assert parsed == CardLoadFile(loads=(load(),))
        assert (parsed.count, parsed.total_pence) == (1, 45000)

    def test_accepts_lf_and_no_final_newline(self):
        text = "\n".join(
            [
                HEADER_ROW,
                "LOAD,CARD-0001234,45000,GBP,2025-04-07,DP-2025-000042-01,Jane Smith",
                "TRAILER,1,45000,GBP,,,",
            ]
        )
        assert parse_card_load_file(text).count == 1

    GOOD = "LOAD,CARD-0001234,45000,GBP,2025-04-07,DP-2025-000042-01,Jane Smith"

    @pytest.mark.parametrize(
        ("rows", "message", "row"),
        [
            ([], "header", 1),
            (["record_type,card_account_reference"], "header", 1),
            ([HEADER_ROW, GOOD], "no trailer", 3),
            ([HEADER_ROW, "TRAILER,0,0,GBP,,,"], "at least one load", 2),
            ([HEADER_ROW, GOOD, "TRAILER,1,45000,GBP,,,", GOOD], "follow the trailer", 4),
            ([HEADER_ROW, GOOD, "TRAILER,2,45000,GBP,,,"], "declares 2 loads", 3),
            ([HEADER_ROW, GOOD, "TRAILER,1,45001,GBP,,,"], "45001", 3),
            ([HEADER_ROW, GOOD, "TRAILER,1,45000,EUR,,,"], "TRAILER,<count>", 3),
            ([HEADER_ROW, GOOD, "TRAILER,one,45000,GBP,,,"], "TRAILER,<count>", 3),
            ([HEADER_ROW, GOOD, "TRAILER,1,45000,GBP,,,x"], "TRAILER,<count>", 3),
            ([HEADER_ROW, GOOD, "TRAILER,1,45000"], "7 columns", 3),
            ([HEADER_ROW, "CREDIT" + GOOD[4:], "TRAILER,1,45000,GBP,,,"], "record_type", 2),
            ([HEADER_ROW, GOOD.replace("45000", "045000"), "TRAILER,1,45000,GBP,,,"], "amount_pence", 2),
            ([HEADER_ROW, GOOD.replace("45000", "450.00"), "TRAILER,1,45000,GBP,,,"], "amount_pence", 2),
            ([HEADER_ROW, GOOD.replace("GBP", "EUR"), "TRAILER,1,45000,GBP,,,"], "currency", 2),
            ([HEADER_ROW, GOOD.replace("2025-04-07", "07/04/2025"), "TRAILER,1,45000,GBP,,,"], "YYYY-MM-DD", 2),
            ([HEADER_ROW, GOOD.replace("2025-04-07", "2025-02-30"), "TRAILER,1,45000,GBP,,,"], "real date", 2),
            ([HEADER_ROW, GOOD.replace("CARD-0001234", "CARD 1"), "TRAILER,1,45000,GBP,,,"], "card account", 2),
            ([HEADER_ROW, GOOD.replace("Jane Smith", " Jane Smith"), "TRAILER,1,45000,GBP,,,"], "spaces", 2),
            ([HEADER_ROW, GOOD, GOOD, "TRAILER,2,90000,GBP,,,"], "used twice", 3),
            ([HEADER_ROW, GOOD + ',"unterminated', "TRAILER,1,45000,GBP,,,"], "CSV", 1),
        ],
    )
    def test_refuses(self, rows, message, row):
        with pytest.raises(CardLoadFileError, match=message) as info:
            parse_card_load_file(file_of(*rows) if rows else "")
        assert info.value.field == f"row {row}"


names = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=70
    )
    .map(str.strip)
    .filter(lambda t: t and not t.startswith(("=", "+", "-", "@")))
)
loads = st.builds(
    CardLoad,
    card_account_reference=st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_/-]{0,34}\Z"),
    amount_pence=st.integers(min_value=1, max_value=10**12),
    payment_on=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
    payment_reference=st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_./-]{0,63}\Z"),
    payee_name=names,
)


class TestRoundTrip:
    @settings(max_examples=200, deadline=None)
    @given(st.lists(loads, min_size=1, max_size=20, unique_by=lambda x: x.payment_reference))
    def test_write_then_parse_gives_the_loads_back_and_the_total_matches(self, batch):
        text = write_card_load_file(batch)
        parsed = parse_card_load_file(text)
        assert parsed.loads == tuple(batch)
        assert parsed.total_pence == sum(x.amount_pence for x in batch)
        assert text.splitlines()[-1] == f"TRAILER,{len(batch)},{parsed.total_pence},GBP,,,"
