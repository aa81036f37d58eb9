"""Each statement format: the sample files read exactly, and each kind of bad file gives a clear error."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from dp.core.errors import ValidationFailed
from dp.monitoring.domain.statements import (
    ColumnMapping,
    StatementFormatError,
    guess_format,
    parse_bank_csv,
    parse_camt053,
    parse_card_csv,
    parse_mapped_csv,
    parse_mt940,
    parse_ofx,
    parse_statement,
)
from dp.monitoring.domain.statements.bank_csv import detect_mapping, normalise_column_name
from dp.monitoring.tests.domain.statement_files import (
    FIXTURES,
    HERON_MAPPING,
    Txn,
    bank_csv,
    camt053,
    card_csv,
    heron_csv,
    line_of,
    mt940,
    ofx,
    parse,
    parse_error,
)

D = dt.date


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def summary(lines):  # type: ignore[no-untyped-def]
    return [
        (
            line.line_number,
            line.posted_on,
            line.amount_pence,
            line.description,
            line.merchant,
            line.merchant_category_code,
            line.balance_pence,
            line.account_reference,
            line.provider_transaction_id,
        )
        for line in lines
    ]


class TestCardCsv:
    """Our documented card-provider layout (card_csv module docstring)."""

    def test_sample_file(self):
        with (FIXTURES / "card-2026-05.csv").open("rb") as fh:
            lines = list(parse_card_csv(fh, file_name="card-2026-05.csv"))
        assert summary(lines) == [
            (2, D(2026, 5, 1), 45000, "Load from Northshire Council", "", None, 45000, "CARD-0001234", "TX-0001"),
            (3, D(2026, 5, 2), -1250, "Card purchase", "Brambles Pharmacy", "5912", 43750, "CARD-0001234", "TX-0002"),
            (
                3 + 1,
                D(2026, 5, 3),
                -4000,
                "Cash withdrawal",
                "Kestrel Lane ATM",
                "6011",
                39750,
                "CARD-0001234",
                "TX-0003",
            ),
            (
                5,
                D(2026, 5, 5),
                -12000,
                "Home care, week 18",
                "Oakfield Care Agency",
                "8050",
                27750,
                "CARD-0001234",
                "TX-0004",
            ),
            (6, D(2026, 5, 5), 30000, "Load from Northshire Council", "", None, 30000, "CARD-0005678", "TX-0005"),
            (7, D(2026, 5, 6), -2500, "Card purchase", "Lucky Star Bingo", "7995", 27500, "CARD-0005678", "TX-0006"),
        ]
        assert len({line.dedup_key for line in lines}) == 6

    def test_text_stream_bom_lf_endings_and_columns_in_any_order(self):
        text = (
            "\ufeffdescription,record_type,transaction_id,card_account_reference,posted_on,amount,balance,"
            "merchant_name,merchant_category_code\n"
            '"Multi\nline",TXN,T1,C1,2026-05-01,-1.00,,Shop,742\n'
            ",TRAILER,1,,,-1.00,,,\n\n"
        )
        (line,) = parse_card_csv(io.StringIO(text), file_name="f.csv")
        assert (line.description, line.merchant_category_code, line.balance_pence) == ("Multi line", "0742", None)

    def test_an_empty_file_of_transactions(self):
        assert parse("card_csv", card_csv([])) == []

    def test_example_error_message(self):
        data = fixture("card-2026-05.csv").replace(b"-12.50", b"12.345")
        exc = parse_error("card_csv", data, file_name="card-2026-05.csv")
        assert exc.message == "card-2026-05.csv, line 3, amount: '12.345' has a fraction of a penny"
        assert isinstance(exc, ValidationFailed)
        assert exc.field == "amount"

    @pytest.mark.parametrize(
        ("old", "new", "line", "field", "words"),
        [
            (b"2026-05-03", b"2026-02-30", 4, "posted_on", "not a real date"),
            (b"2026-05-03", b"03/05/2026", 4, "posted_on", "YYYY-MM-DD"),
            (b"2026-05-03", b"1999-05-03", 4, "posted_on", "outside the years"),
            (b"2026-05-03", b"", 4, "posted_on", "YYYY-MM-DD"),
            (b"Brambles", b"Br\xa3mbles", 3, "merchant_name", "not UTF-8 text (byte 0xA3)"),
            (b"TXN,TX-0002", b"TNX,TX-0002", 3, "record_type", "not a record type"),
            (b"TXN,TX-0002", b"TXN,-TX-0002", 3, "transaction_id", "not a transaction id"),
            (b"TX-0002,CARD-0001234", b"TX-0002,CARD 1234", 3, "card_account_reference", "not a card account"),
            (b"-12.50", b"-12.50p", 3, "amount", "not an amount"),
            (b"-12.50", b"", 3, "amount", "is empty"),
            (b"437.50", b"437.5.0", 3, "balance", "not an amount"),
            (b"5912", b"59120", 3, "merchant_category_code", "not a merchant category code"),
            (b"Card purchase\r\nTXN,TX-0003", b"Card\x07purchase\r\nTXN,TX-0003", 3, "description", "control"),
            (b"TRAILER,6", b"TRAILER,5", 8, "transaction_id", "counts 5 transactions but the file has 6"),
            (b"TRAILER,6", b"TRAILER,six", 8, "transaction_id", "not the count"),
            (b"552.50", b"552.51", 8, "amount", "not the sum of the transactions, £552.50"),
            (b"TRAILER,6,,,", b"TRAILER,6,X,,", 8, "card_account_reference", "must be empty"),
            (b"Lucky Star Bingo,7995", b"Lucky Star Bingo", 7, "columns", "has 8 values but the header has 9"),
            (b'Home care, week 18"', b"Home care, week 18", 5, "row", "quoted value that never ends"),
        ],
    )
    def test_bad_values(self, old, new, line, field, words):
        data = fixture("card-2026-05.csv")
        assert old in data
        exc = parse_error("card_csv", data.replace(old, new, 1), file_name="card.csv")
        assert (exc.line, exc.field) == (line, field)
        assert words in exc.problem

    def test_missing_unknown_and_repeated_columns(self):
        data = fixture("card-2026-05.csv")
        exc = parse_error("card_csv", data.replace(b",balance,", b",", 1))
        assert (exc.line, exc.field, exc.problem) == (1, "header", "the column 'balance' is missing")
        exc = parse_error("card_csv", data.replace(b",balance,", b",balanse,", 1))
        assert "'balanse' is not a column of this file" in exc.problem
        exc = parse_error("card_csv", data.replace(b",balance,", b",amount,", 1))
        assert exc.problem == "the column 'amount' appears twice"

    def test_truncated_and_trailing_rows(self):
        data = fixture("card-2026-05.csv")
        exc = parse_error("card_csv", data[: data.index(b"TRAILER")])
        assert (exc.line, exc.field) == (8, "record_type")
        assert "ends without its TRAILER row" in exc.problem
        exc = parse_error("card_csv", data + b"TXN,TX-0007,CARD-1,2026-05-07,-1.00,,,,\r\n")
        assert (exc.line, exc.problem) == (9, "nothing may follow the TRAILER row")
        assert parse_error("card_csv", b"").problem == "the file is empty: the header row is missing"

    def test_wrong_encoding(self):
        exc = parse_error("card_csv", fixture("card-2026-05.csv").decode().encode("utf-16"))
        assert (exc.line, exc.field) == (1, "encoding")
        assert "UTF-16" in exc.problem
        exc = parse_error("card_csv", fixture("card-2026-05.csv").replace(b"amount", b"amo\xffunt", 1))
        assert (exc.line, exc.field) == (1, "header")


class TestMappedCsv:
    def test_sample_file_with_its_stored_mapping(self):
        mapping = ColumnMapping.from_json(json.loads((FIXTURES / "heron-mapping.json").read_text()))
        assert mapping == HERON_MAPPING
        with (FIXTURES / "heron-2026-05.csv").open("rb") as fh:
            lines = list(parse_mapped_csv(fh, file_name="heron.csv", mapping=mapping))
        assert summary(lines) == [
            (3, D(2026, 5, 1), 30000, "Load, Northshire Council", "", None, 30000, "HCS-77001", None),
            (4, D(2026, 5, 3), -1840, "Taxi to day centre", "Willow Taxis", "4121", 28160, "HCS-77001", None),
            (5, D(2026, 5, 3), -1840, "Taxi to day centre", "Willow Taxis", "4121", 26320, "HCS-77001", None),
            (6, D(2026, 5, 9), -3210, "Card purchase", "The Crown Inn", "5813", 23110, "HCS-77001", None),
        ]
        assert lines[1].dedup_key != lines[2].dedup_key

    def test_positive_is_money_out_header_supplied_other_encoding_and_delimiter(self):
        mapping = ColumnMapping(
            posted_on="when",
            date_formats=("%Y%m%d", "%d %b %Y"),
            amount="spend",
            amount_sign="positive_is_money_out",
            description=("what", "ref"),
            transaction_id="id",
            header=("id", "when", "what", "ref", "spend"),
            encoding="cp1252",
            delimiter=";",
        )
        data = "A1;20260501;Caf\xe9 visit;x1;4.50\nA2;02 May 2026;Refund;;-4.50\n".encode("cp1252")
        lines = list(
            parse_mapped_csv(io.BytesIO(data), file_name="p.csv", mapping=mapping, account_reference=" Acc  1 ")
        )
        assert [(x.line_number, x.posted_on, x.amount_pence, x.description, x.account_reference) for x in lines] == [
            (1, D(2026, 5, 1), -450, "Café visit x1", "Acc 1"),
            (2, D(2026, 5, 2), 450, "Refund", "Acc 1"),
        ]
        assert [x.provider_transaction_id for x in lines] == ["A1", "A2"]

    def test_an_account_is_needed(self):
        mapping = ColumnMapping(posted_on="Date", amount="Amount")
        with pytest.raises(ValidationFailed) as info:
            list(parse_mapped_csv(io.BytesIO(b"Date,Amount\n01/05/2026,1.00\n"), file_name="p.csv", mapping=mapping))
        assert info.value.field == "account_reference"
        exc = parse_error("mapped_csv", b"Date,Amount\n", mapping=mapping, account_reference="")
        assert (exc.field, exc.problem) == ("account_reference", "is empty: the account is needed")
        exc = parse_error("mapped_csv", b"Date,Amount\n", mapping=mapping, account_reference="x" * 65)
        assert "longer than 64" in exc.problem

    @pytest.mark.parametrize(
        ("old", "new", "line", "field", "words"),
        [
            (b"03/05/2026", b"31/02/2026", 4, "Date", "not a real date"),
            (b"03/05/2026", b"2026-05-03", 4, "Date", "DD/MM/YYYY"),
            (b"\xc2\xa318.40,,", b"\xc2\xa318.405,,", 4, "Debit", "fraction of a penny"),
            (b"\xc2\xa318.40,,", b",,", 4, "Debit", "is empty, and so is the money in column"),
            (b"\xc2\xa318.40,,", b"\xc2\xa318.40,\xc2\xa31.00,", 4, "Debit", "both money out"),
            (b"Willow", b"W\xe9llow", 4, "Merchant", "not utf-8 text (byte 0xE9)"),
            (b"4121,Taxi", b"41x1,Taxi", 4, "MCC", "merchant category code"),
            (b"HCS-77001,03/05", b",03/05", 4, "Card", "is empty"),
            (b"\xc2\xa3263.20", b"\xc2\xa3263.2.0", 5, "Balance", "not an amount"),
            (b"Card purchase,", b"Card purchase,,", 6, "columns", "has 9 values but the header has 8"),
        ],
    )
    def test_bad_values(self, old, new, line, field, words):
        data = fixture("heron-2026-05.csv")
        assert old in data
        exc = parse_error("mapped_csv", data.replace(old, new, 1), mapping=HERON_MAPPING)
        assert (exc.line, exc.field) == (line, field)
        assert words in exc.problem

    def test_missing_column_and_empty_file(self):
        data = fixture("heron-2026-05.csv").replace(b",Balance", b"", 1)
        exc = parse_error("mapped_csv", data, mapping=HERON_MAPPING)
        assert (exc.line, exc.field) == (2, "Balance")
        assert exc.problem.startswith("the column 'Balance' is missing from the header (the header has: Card, Date")
        exc = parse_error("mapped_csv", b"only a preamble line\n", mapping=HERON_MAPPING)
        assert (exc.line, exc.field) == (2, "header")
        exc = parse_error("mapped_csv", b"Date,Date\n", mapping=ColumnMapping(posted_on="Date", amount="Date"))
        assert exc.problem == "the column 'Date' appears twice"


class TestColumnMapping:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"posted_on": " "}, "posted_on"),
            ({"amount": None}, "amount"),
            ({"money_out": "Out", "money_in": "In"}, "amount"),
            ({"amount_sign": "sometimes"}, "amount_sign"),
            ({"date_formats": ()}, "date_formats"),
            ({"date_formats": ("%d/%m",)}, "date_formats[0]"),
            ({"date_formats": ("nonsense",)}, "date_formats[0]"),
            ({"encoding": "klingon"}, "encoding"),
            ({"delimiter": ",,"}, "delimiter"),
            ({"delimiter": '"'}, "delimiter"),
            ({"skip_lines": -1}, "skip_lines"),
            ({"skip_lines": True}, "skip_lines"),
            ({"header": ()}, "header"),
            ({"header": ("Date",)}, "header"),
            ({"merchant": ""}, "merchant"),
            ({"transaction_id": ""}, "transaction_id"),
            ({"description": ("",)}, "description[0]"),
        ],
    )
    def test_refuses_a_bad_mapping(self, changes, field):
        values = {"posted_on": "Date", "amount": "Amount", **changes}
        with pytest.raises(ValidationFailed) as info:
            ColumnMapping(**values)
        assert info.value.field == field

    def test_json_round_trip_and_errors(self):
        assert ColumnMapping.from_json(HERON_MAPPING.to_json()) == HERON_MAPPING
        assert ColumnMapping.from_json({"posted_on": "D", "amount": "A", "description": "X"}).description == ("X",)
        for bad, field in [
            ({"posted_on": "D", "amount": "A", "colour": "red"}, "colour"),
            ({"amount": "A"}, "posted_on"),
            ({"posted_on": "D", "amount": "A", "header": [1]}, "header"),
            ({"posted_on": "D", "amount": "A", "date_formats": 3}, "date_formats"),
            ([], ""),
        ]:
            with pytest.raises(ValidationFailed) as info:
                ColumnMapping.from_json(bad)  # type: ignore[arg-type]
            assert info.value.field == field

    def test_columns_lists_every_mapped_column(self):
        assert HERON_MAPPING.columns() == ["Date", "Debit", "Credit", "Details", "Merchant", "MCC", "Balance", "Card"]


class TestBankCsv:
    def test_sample_file(self):
        with (FIXTURES / "bank-2026-05.csv").open("rb") as fh:
            lines = list(parse_bank_csv(fh, file_name="bank.csv", account_reference="40-12-34 12345678"))
        assert [(x.line_number, x.posted_on, x.amount_pence, x.description, x.balance_pence) for x in lines] == [
            (5, D(2026, 5, 1), 100000, "NORTHSHIRE COUNCIL DP", 150000),
            (6, D(2026, 5, 2), -24000, "A MORGAN WAGES", 126000),
            (7, D(2026, 5, 2), -3520, "HMRC PAYE", 122480),
            (8, D(2026, 5, 5), -450, "CORNER SHOP", 122030),
            (9, D(2026, 5, 5), -450, "CORNER SHOP", 121580),
            (10, D(2026, 5, 9), -24000, "A MORGAN WAGES", 97580),
        ]
        assert len({x.dedup_key for x in lines}) == 6

    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            (
                [
                    "Transaction Date",
                    "Transaction Type",
                    "Sort Code",
                    "Account Number",
                    "Transaction Description",
                    "Debit Amount",
                    "Credit Amount",
                    "Balance",
                ],
                {
                    "posted_on": "Transaction Date",
                    "money_out": "Debit Amount",
                    "money_in": "Credit Amount",
                    "description": ("Transaction Description",),
                    "account_reference": "Account Number",
                    "balance": "Balance",
                },
            ),
            (
                ["Number", "Date", "Account", "Amount", "Subcategory", "Memo"],
                {"posted_on": "Date", "amount": "Amount", "description": ("Memo",), "account_reference": "Account"},
            ),
            (
                ["Transaction ID", "Date", "Name", "Amount", "Money Out", "Money In", "Description", "Notes"],
                {
                    "posted_on": "Date",
                    "money_out": "Money Out",
                    "money_in": "Money In",
                    "merchant": "Name",
                    "transaction_id": "Transaction ID",
                    "description": ("Description",),
                },
            ),
            (
                ["Date", "Details", "Reference", "Value (£)", "MCC"],
                {
                    "posted_on": "Date",
                    "amount": "Value (£)",
                    "description": ("Details", "Reference"),
                    "merchant_category_code": "MCC",
                },
            ),
        ],
    )
    def test_recognises_real_world_layouts(self, header, expected):
        mapping = detect_mapping(header)
        assert mapping is not None
        for field, value in expected.items():
            assert getattr(mapping, field) == value, field

    def test_unrecognised_layouts(self):
        assert detect_mapping(["Date", "Description"]) is None
        assert detect_mapping(["When", "Amount"]) is None
        assert detect_mapping(["Date", "Paid out", "Description"]) is None
        assert normalise_column_name(" Paid out (£) ") == "paid out"
        exc = parse_error("bank_csv", b"When,What,How much\n01/05/2026,Tea,1.00\n", account_reference="A")
        assert (exc.line, exc.field) == (1, "header")
        assert "set up a column mapping" in exc.problem
        exc = parse_error("bank_csv", b"", account_reference="A")
        assert exc.field == "header"

    def test_other_date_forms_and_encoding(self):
        data = "Date,Amount,Description\n1 May 2026,-1.00,Caf\xe9\n2026-05-02,-2.00,Tea\n03/05/26,-3.00,Tea\n"
        lines = parse("bank_csv", data.encode("cp1252"), account_reference="A", encoding="cp1252")
        assert [(x.posted_on, x.description) for x in lines] == [
            (D(2026, 5, 1), "Café"),
            (D(2026, 5, 2), "Tea"),
            (D(2026, 5, 3), "Tea"),
        ]
        exc = parse_error("bank_csv", b"Date,Amount\n05/31/2026,-1.00\n", account_reference="A")
        assert (exc.line, exc.field) == (2, "Date")
        assert "DD/MM/YYYY or DD/MM/YY or YYYY-MM-DD" in exc.problem


class TestOfx:
    def test_sample_sgml_file(self):
        with (FIXTURES / "statement-2026-05.ofx").open("rb") as fh:
            lines = list(parse_ofx(fh, file_name="s.ofx"))
        assert summary(lines) == [
            (
                33,
                D(2026, 5, 2),
                -4500,
                "Invoice 1001",
                "Oakfield Care Agency",
                None,
                None,
                "401234:12345678",
                "2026050201",
            ),
            (
                41,
                D(2026, 5, 3),
                -1235,
                "Brambles Pharmacy",
                "Brambles Pharmacy",
                "5912",
                None,
                "401234:12345678",
                "2026050301",
            ),
        ]

    def test_sample_xml_card_file(self):
        lines = parse("ofx", fixture("statement-2026-05-v2.ofx"))
        assert summary(lines) == [
            (21, D(2026, 5, 1), 40000, "Card load", "Northshire Council", None, None, "CARD-0009999", "C-1"),
            (
                29,
                D(2026, 5, 4),
                -6000,
                "Swimming sessions",
                "Riverside Leisure Club",
                "7997",
                None,
                "CARD-0009999",
                "C-2",
            ),
        ]

    def test_a_london_date_not_a_utc_one(self):
        """20260502000000[+1:BST] is 23:00 on 1 May in UTC, but the bank means 2 May."""
        assert parse("ofx", fixture("statement-2026-05.ofx"))[0].posted_on == D(2026, 5, 2)

    @pytest.mark.parametrize(
        ("old", "new", "field", "words"),
        [
            (b"<TRNAMT>-12.35", b"<TRNAMT>-12.345", "TRNAMT", "fraction of a penny"),
            (b"<TRNAMT>-12.35", b"<TRNAMT>twelve", "TRNAMT", "not an amount"),
            (b"<TRNAMT>-12.35", b"<TRNAMT>NaN", "TRNAMT", "not an amount"),
            (b"<DTPOSTED>20260503", b"<DTPOSTED>20261303", "DTPOSTED", "not an OFX date"),
            (b"<DTPOSTED>20260503", b"<DTPOSTED>19990503", "DTPOSTED", "outside the years"),
            (b"<FITID>2026050301", b"<FITID>", "FITID", "is missing"),
            (b"<SIC>5912", b"<SIC>59a2", "SIC", "not a standard industry code"),
            (b"<SIC>5912", b"<SIC>59121", "SIC", "not a merchant category code"),
        ],
    )
    def test_bad_values(self, old, new, field, words):
        data = fixture("statement-2026-05.ofx").replace(old, new, 1)
        exc = parse_error("ofx", data)
        second = data.index(b"<STMTTRN>", data.index(b"<STMTTRN>") + 1)
        assert (exc.line, exc.field) == (data.count(b"\n", 0, data.index(f"<{field}>".encode(), second)) + 1, field)
        assert exc.line > 41  # the line of the value, below the transaction's <STMTTRN> on line 41
        assert words in exc.problem

    def test_bad_files(self):
        data = fixture("statement-2026-05.ofx")
        exc = parse_error("ofx", data[:700])
        assert (exc.field, exc.problem) == ("OFX", "the file ends before </OFX>, so it is cut short")
        assert parse_error("ofx", b"").problem == "the file is empty"
        assert parse_error("ofx", b"Date,Amount\n").field == "header"
        assert parse_error("ofx", data.replace(b"<CURDEF>GBP", b"<CURDEF>EUR")).field == "CURDEF"
        assert parse_error("ofx", data.replace(b"<ACCTID>12345678", b"<ACCTID>")).field == "ACCTID"
        exc = parse_error("ofx", data.replace(b"<BANKMSGSRSV1>", b"<BANKMSGSRSVX>").replace(b"STMTRS>", b"STMTRX>"))
        assert "no bank or card statement" in exc.problem
        exc = parse_error("ofx", data.replace(b"<LANGUAGE>ENG", b"<LANGUAGE>ENG</LANGUAGE>junk"))
        assert (exc.field, exc.line) == ("OFX", line_of(data, b"<LANGUAGE>"))
        with pytest.raises(StatementFormatError) as info:
            list(parse_ofx(io.BytesIO(b"x" * 2000), file_name="big.ofx", max_bytes=1024))
        assert (info.value.line, info.value.field) == (1, "file")
        assert "ask for statements covering shorter periods" in info.value.problem
        with pytest.raises(TypeError):
            list(parse_ofx(io.StringIO("x"), file_name="t.ofx"))

    def test_wrong_encoding_in_an_xml_ofx(self):
        data = fixture("statement-2026-05-v2.ofx").replace(b"Riverside", b"River\xffside")
        exc = parse_error("ofx", data)
        assert (exc.line, exc.field) == (line_of(data, b"River"), "encoding")

    def test_card_statement_without_currency(self):
        data = fixture("statement-2026-05-v2.ofx").replace(b"<CURDEF>GBP</CURDEF>", b"")
        assert len(parse("ofx", data)) == 2


class TestCamt053:
    def test_sample_file(self):
        with (FIXTURES / "statement-2026-05.camt053.xml").open("rb") as fh:
            lines = list(parse_camt053(fh, file_name="s.xml"))
        iban = "GB33BUKB20201555555555"
        assert summary(lines) == [
            (27, D(2026, 5, 1), 50000, "Direct payment May", "Northshire Council", None, 150000, iban, "REF-0001"),
            (39, D(2026, 5, 3), -4500, "Invoice 1001", "Oakfield Care Agency", None, 145500, iban, "REF-0002"),
            (50, D(2026, 5, 8), -12000, "Wages week 19", "Alex Morgan", None, 133500, iban, "REF-0003/1"),
            (50, D(2026, 5, 8), -12000, "Wages week 19", "Sam Patel", None, 121500, iban, "REF-0003/2"),
        ]

    @pytest.mark.parametrize(
        ("old", "new", "field", "words"),
        [
            (b">45.00<", b">45.005<", "Amt", "fraction of a penny"),
            (b">45.00<", b">-45.00<", "Amt", "must not have a sign"),
            (b'Ccy="GBP">45.00', b'Ccy="EUR">45.00', "Amt", "only pounds"),
            (b"<Dt>2026-05-03</Dt>", b"<Dt>2026-02-30</Dt>", "BookgDt", "not a real date"),
            (b"<Dt>2026-05-03</Dt>", b"<Dt>03/05/2026</Dt>", "BookgDt", "YYYY-MM-DD"),
            (b"<BookgDt><Dt>2026-05-03</Dt></BookgDt>", b"", "BookgDt", "is missing"),
            (
                b"DBIT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-05-03",
                b"DEBIT</CdtDbtInd>\n        <Sts>BOOK</Sts>\n        <BookgDt><Dt>2026-05-03",
                "CdtDbtInd",
                "not CRDT",
            ),
        ],
    )
    def test_bad_values(self, old, new, field, words):
        data = fixture("statement-2026-05.camt053.xml")
        assert old in data
        exc = parse_error("camt053", data.replace(old, new, 1))
        assert exc.field == field
        assert words in exc.problem
        assert 39 <= exc.line <= 48

    def test_bad_files(self):
        data = fixture("statement-2026-05.camt053.xml")
        exc = parse_error("camt053", data[:1500])
        assert (exc.field, exc.line) == ("XML", data[:1500].count(b"\n") + 1)
        assert "cut short" in exc.problem
        assert parse_error("camt053", b"").problem == "the file is empty"
        exc = parse_error("camt053", data.replace(b"Oakfield", b"Oakf\xe9ld"))
        assert (exc.field, exc.line) == ("XML", line_of(data, b"Oakfield"))
        assert "encoding" in exc.problem
        exc = parse_error("camt053", data.replace(b"1215.00", b"1216.00"))
        assert (exc.field, exc.line) == ("Bal", line_of(data, b"<Bal>", 1))
        assert (
            "closing balance £1,216.00 is not the opening balance £1,000.00 plus the entries (£215.00)" in exc.problem
        )
        exc = parse_error("camt053", data.replace(b"camt.053.001.02", b"camt.052.001.02"))
        assert (exc.field, exc.line) == ("Document", 2)
        exc = parse_error("camt053", data.replace(b"<Ccy>GBP</Ccy>", b"<Ccy>USD</Ccy>"))
        assert exc.field == "Ccy"
        exc = parse_error("camt053", data.replace(b"<IBAN>GB33BUKB20201555555555</IBAN>", b""))
        assert exc.field == "Acct"
        exc = parse_error("camt053", data.replace(b'<Amt Ccy="GBP">1000.00</Amt>', b'<Amt Ccy="EUR">1000.00</Amt>'))
        assert exc.field == "Amt"
        exc = parse_error("camt053", data.replace(b'<Amt Ccy="GBP">1000.00</Amt>', b""))
        assert exc.field == "Amt"
        no_statement = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt/></Document>'
        assert parse_error("camt053", no_statement).field == "Stmt"
        entry_first = data.replace(b"<Acct>", b"<Acct2>").replace(b"</Acct>", b"</Acct2>")
        assert parse_error("camt053", entry_first).field == "Acct"

    def test_other_account_ids_debit_balances_and_no_balances(self):
        txns = [Txn(D(2026, 5, 1), -500, ident="R1"), Txn(D(2026, 5, 2), 200)]
        data = camt053(txns, opening=-1000).replace(
            b"<IBAN>GB33BUKB20201555555555</IBAN>", b"<Othr><Id>12345678</Id></Othr>"
        )
        lines = parse("camt053", data)
        assert [(x.account_reference, x.balance_pence, x.provider_transaction_id) for x in lines] == [
            ("12345678", -1500, "R1"),
            ("12345678", -1300, None),
        ]
        unbalanced = data.replace(b"OPBD", b"ITBD").replace(b"CLBD", b"ITBD")
        assert [x.balance_pence for x in parse("camt053", unbalanced)] == [None, None]

    def test_pending_entries_are_left_for_when_they_are_booked(self):
        lines = parse("camt053", fixture("statement-2026-05.camt053.xml"))
        assert "REF-0004" not in {x.provider_transaction_id for x in lines}


class TestMt940:
    def test_sample_file(self):
        with (FIXTURES / "statement-2026-05.sta").open("rb") as fh:
            lines = list(parse_mt940(fh, file_name="s.sta"))
        acct = "401234/12345678"
        assert summary(lines) == [
            (6, D(2026, 5, 1), 50000, "NORTHSHIRE COUNCIL DIRECT PAYMENT", "", None, 150000, acct, "B2605010001"),
            (8, D(2026, 5, 3), -4500, "OAKFIELD CARE AGENCY INVOICE 1001", "", None, 145500, acct, "B2605030001"),
            (11, D(2026, 5, 4), -1250, "BRAMBLES PHARMACY", "", None, 144250, acct, None),
            (13, D(2026, 5, 4), -1250, "BRAMBLES PHARMACY", "", None, 143000, acct, None),
        ]
        assert lines[2].dedup_key != lines[3].dedup_key

    def test_several_statements_text_stream_and_statement_information(self):
        first = mt940([Txn(D(2026, 5, 1), -100)]).decode()
        second = mt940([Txn(D(2026, 6, 1), -200)], opening=99900).decode().replace(":20:STMT1", ":20:STMT2")
        text = first.replace("-\n", ":64:C260531GBP999,00\n:86:Statement note\n") + second
        lines = list(parse_mt940(io.StringIO(text), file_name="t.sta"))
        assert [(x.amount_pence, x.balance_pence) for x in lines] == [(-100, 99900), (-200, 99700)]

    def test_reversals_and_customer_reference_as_description(self):
        text = (
            ":20:S\n:25:ACC\n:60F:C260430GBP10,00\n"
            ":61:2605010501RC1,00NMSCREF42\n"
            ":61:2605020502RD2,00NMSCNONREF\nfree text\n"
            ":62F:C260531GBP11,00\n"
        )
        lines = parse("mt940", text.encode())
        assert [(x.amount_pence, x.description) for x in lines] == [(-100, "REF42"), (200, "free text")]

    @pytest.mark.parametrize(
        ("old", "new", "line", "field", "words"),
        [
            (b"D45,00", b"D45,005", 8, ":61: statement line", "fraction of a penny"),
            (b":61:2605030503", b":61:2613030503", 8, ":61: statement line", "not a real date"),
            (b":61:2605030503", b":61:2602300230", 8, ":61: statement line", "not a real date"),
            (b":61:2605030503D", b":61:2605030503X", 8, ":61: statement line", "does not follow the SWIFT layout"),
            (b"OAKFIELD", b"OAKF\xc9ELD", 9, ":86: details", "not utf-8 text (byte 0xC9)"),
            (b"1430,00", b"1430,01", 15, ":62F: closing balance", "not the opening balance"),
            (b"C260430GBP1000,00", b"C260430EUR1000,00", 5, ":60F: opening balance", "only pounds"),
            (b":25:401234/12345678\n", b"", 5, ":61: statement line", "comes before the statement's account"),
            (b":20:STMT260531\n", b"", 2, ":25: account", "comes before the statement's transaction reference"),
            (
                b"D12,50NMSCNONREF\n:86:BRAMBLES PHARMACY\n:61:",
                b"D12,50\n:86:BRAMBLES PHARMACY\n:61:",
                11,
                ":61: statement line",
                "no transaction type code",
            ),
            (b":62F:", b":20:NEXT\n:62F:", 15, ":20: transaction reference", "a new statement starts before"),
            (
                b"-}\n",
                b"-}\n:61:2605040504D12,50NMSCNONREF\n",
                17,
                ":61: statement line",
                "comes before the statement's transaction reference",
            ),
            (
                b":62F:C260531GBP1430,00",
                b":62F:C260531GBP1430,00\n:62F:C260531GBP1430,00",
                16,
                ":62F: closing balance",
                "comes before the statement's transaction reference",
            ),
        ],
    )
    def test_bad_values(self, old, new, line, field, words):
        data = fixture("statement-2026-05.sta")
        assert old in data
        exc = parse_error("mt940", data.replace(old, new, 1))
        assert (exc.line, exc.field) == (line, field)
        assert words in exc.problem

    def test_bad_files(self):
        data = fixture("statement-2026-05.sta")
        exc = parse_error("mt940", data[: data.index(b":62F:")])
        assert (exc.field, exc.line) == (":62F: closing balance", 15)
        assert "cut short" in exc.problem
        assert parse_error("mt940", b"").field == ":20: transaction reference"
        exc = parse_error("mt940", b"Date,Amount\n")
        assert (exc.line, exc.field) == (1, "line")
        exc = parse_error("mt940", b"Caf\xe9\n")
        assert "not utf-8 text" in exc.problem
        exc = parse_error("mt940", b":20:S\n:25:A\n:62F:C260531GBP1,00\n")
        assert exc.field == ":62F: closing balance"


class TestDispatchAndGuessing:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("card-2026-05.csv", "card_csv"),
            ("heron-2026-05.csv", None),
            ("bank-2026-05.csv", "bank_csv"),
            ("statement-2026-05.ofx", "ofx"),
            ("statement-2026-05-v2.ofx", "ofx"),
            ("statement-2026-05.camt053.xml", "camt053"),
            ("statement-2026-05.sta", "mt940"),
        ],
    )
    def test_guess_format(self, name, expected):
        assert guess_format(fixture(name)[:1024]) == expected

    def test_guess_format_gives_up(self):
        assert guess_format(b"hello") is None
        assert guess_format(b"\xef\xbb\xbf:20:X\n") == "mt940"

    def test_parse_statement_needs_a_mapping_and_a_known_format(self):
        with pytest.raises(ValidationFailed) as info:
            parse_statement("mapped_csv", io.BytesIO(b""), file_name="x")
        assert info.value.field == "mapping"
        with pytest.raises(ValidationFailed) as info:
            parse_statement("pdf", io.BytesIO(b""), file_name="x")  # type: ignore[arg-type]
        assert info.value.field == "format"

    def test_every_format_parses_its_sample(self):
        mapping = ColumnMapping.from_json(json.loads((FIXTURES / "heron-mapping.json").read_text()))
        assert len(parse("card_csv", fixture("card-2026-05.csv"))) == 6
        assert len(parse("mapped_csv", fixture("heron-2026-05.csv"), mapping=mapping)) == 4
        assert len(parse("bank_csv", fixture("bank-2026-05.csv"), account_reference="A")) == 6
        assert len(parse("ofx", fixture("statement-2026-05.ofx"))) == 2
        assert len(parse("camt053", fixture("statement-2026-05.camt053.xml"))) == 4
        assert len(parse("mt940", fixture("statement-2026-05.sta"))) == 4

    def test_builders_round_trip(self):
        txns = [Txn(D(2026, 5, 1), -125, ident="X1", mcc="5411"), Txn(D(2026, 5, 2), 5000, "Load", "")]
        assert [x.amount_pence for x in parse("card_csv", card_csv(txns))] == [-125, 5000]
        assert [x.amount_pence for x in parse("mapped_csv", heron_csv(txns), mapping=HERON_MAPPING)] == [-125, 5000]
        assert [x.amount_pence for x in parse("bank_csv", bank_csv(txns), account_reference="A")] == [-125, 5000]
        assert [x.amount_pence for x in parse("ofx", ofx(txns))] == [-125, 5000]
        assert [x.amount_pence for x in parse("camt053", camt053(txns))] == [-125, 5000]
        assert [x.amount_pence for x in parse("mt940", mt940(txns))] == [-125, 5000]


class TestEdgesOfEachFormat:
    """Less common but valid (or clearly invalid) files."""

    def test_bank_csv_with_an_account_column_and_repeated_names(self):
        data = (
            b"Transaction Date,Date,Account Number,Description,Description,Amount\n"
            b"01/05/2026,02/05/2026,12345678,Tea,Cake,-1.00\n"
        )
        exc = parse_error("bank_csv", data)
        assert exc.problem == "the column 'Description' appears twice"
        data = b"Transaction Date,Date,Account Number,Description,Amount\n01/05/2026,02/05/2026,12345678,Tea,-1.00\n"
        (line,) = parse("bank_csv", data)
        assert (line.posted_on, line.account_reference) == (D(2026, 5, 1), "12345678")

    def test_mapped_csv_preamble_longer_than_the_file(self):
        mapping = ColumnMapping(posted_on="Date", amount="Amount", skip_lines=3)
        exc = parse_error("mapped_csv", b"one line\n", mapping=mapping, account_reference="A")
        assert (exc.line, exc.field) == (4, "header")

    def test_mapped_csv_date_format_checks(self):
        with pytest.raises(ValidationFailed) as info:
            ColumnMapping(posted_on="Date", amount="Amount", date_formats=(1,))  # type: ignore[arg-type]
        assert info.value.field == "date_formats[0]"
        with pytest.raises(ValidationFailed):
            ColumnMapping(posted_on="Date", amount="Amount", date_formats=("%d/%m/%Y%z %%%",))

    def test_ofx_header_problems(self):
        data = fixture("statement-2026-05.ofx")
        exc = parse_error("ofx", data.replace(b"DATA:OFXSGML", b"DATA:XML"))
        assert exc.problem.startswith("the OFX header is not valid (")
        exc = parse_error("ofx", b"\n\n" + data.replace(b"<LANGUAGE>ENG", b"<LANGUAGE>ENG</LANGUAGE>junk"))
        assert exc.line == line_of(data, b"<LANGUAGE>") + 2
        v2 = fixture("statement-2026-05-v2.ofx")
        exc = parse_error("ofx", v2.replace(b"<LANGUAGE>ENG</LANGUAGE>", b"<LANGUAGE>ENG</LANGUAGE>junk"))
        assert (exc.field, exc.line) == ("OFX", line_of(v2, b"<LANGUAGE>"))
        assert exc.problem == "the OFX markup is damaged (\"Tail text 'junk'\")"
        exc = parse_error("ofx", b"OFXHEADER:100\n<OFX></OF")
        assert exc.field == "header"

    def test_camt_later_opening_balances_and_empty_amounts(self):
        data = fixture("statement-2026-05.camt053.xml")
        prcd = (
            b'</Bal>\n<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">5.00</Amt>'
            b"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-04-30</Dt></Dt></Bal>"
        )
        lines = parse("camt053", data.replace(b"</Bal>", prcd, 1))
        assert lines[0].balance_pence == 150000  # the first opening balance (OPBD) counts
        exc = parse_error("camt053", data.replace(b'<Amt Ccy="GBP">45.00</Amt>', b'<Amt Ccy="GBP"></Amt>'))
        assert (exc.field, exc.problem) == ("Amt", "is missing: every entry needs its amount")

    def test_mt940_envelopes_separators_blank_lines_and_repeated_balances(self):
        text = (
            "-\n{1:F01BANKGB2LAXXX0000000000}{4::20:S\n\n:25:A\n:60F:C260430GBP10,00\n:60M:C260430GBP99,00\n"
            ":61:2605010501D1,00NMSCNONREF\n:62F:C260531GBP9,00\n-}\n-\n"
        )
        (line,) = parse("mt940", text.encode())
        assert (line.line_number, line.balance_pence) == (7, 900)

    def test_mt940_an_amount_that_is_not_a_number(self):
        text = ":20:S\n:25:A\n:60F:C260430GBP10,00\n:61:2605010501D1,2,3NMSCNONREF\n:62F:C260531GBP9,00\n"
        exc = parse_error("mt940", text.encode())
        assert (exc.line, exc.problem.endswith("has an amount that is not a number")) == (4, True)
