"""The card CSV's fast path gives exactly what the general value functions give.

`card_csv_records` tries each value against a quick exact check before the general function
(`parse_iso_date`, `parse_pounds`, `clean_text`, `parse_mcc`, `DedupKeys.key`). Hypothesis writes
one-line files whose values are often awkward (spaces, tabs, non-ASCII, control characters, fractions
of a penny, huge amounts, bad dates) and checks the line read, or the error raised, against the
general functions applied one field after another in the documented order.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dp.monitoring.domain.statements import parse_card_csv
from dp.monitoring.domain.statements.base import (
    DedupKeys,
    StatementFormatError,
    StatementLine,
    Where,
    clean_text,
    parse_iso_date,
    parse_mcc,
    parse_pounds,
)
from dp.monitoring.domain.statements.card_csv import HEADER, MAX_MERCHANT_LENGTH, card_csv_records

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

awkward_text = st.one_of(
    st.from_regex(r"\A[A-Za-z]{1,10}( [A-Za-z]{1,10})?\Z"),
    st.text(alphabet="ab \t\\é\x01\x85\u00a0\u2028", max_size=8),
    st.sampled_from(["", " ", "Card purchase", "Corner  Shop", " lead", "trail ", "x" * 201, "y" * 501]),
)
# Mostly good values (so that the later fields are reached), often awkward ones.
dates = st.one_of(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)).map(lambda on: on.isoformat()),
    st.dates().map(lambda on: on.isoformat()),
    st.sampled_from(["2026-05-01", " 2026-05-01", "2026-02-30", "1999-12-31", "2026-5-1", "", "20260501"]),
)
amounts = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6).map(
        lambda p: f"{'-' if p < 0 else ''}{abs(p) // 100}.{abs(p) % 100:02d}"
    ),
    st.integers(min_value=-(10**14), max_value=10**14).map(
        lambda p: f"{'-' if p < 0 else ''}{abs(p) // 100}.{abs(p) % 100:02d}"
    ),
    st.sampled_from(["12.345", "-0.00", "+5", "(12.00)", " 1.00", "£1,234.50", "", " ", "abc", "10000000000.01"]),
)
mccs = st.one_of(st.from_regex(r"\A[0-9]{0,5}\Z"), st.sampled_from(["", " ", " 541", "٣٣٣٣", "54 1", "abcd"]))


def reference(values: dict[str, str], *, line: int = 2) -> StatementLine:
    """The line as the general functions read it (the order of the checks is the parser's)."""

    def where(name: str) -> Where:
        return Where("f.csv", line, name)

    posted_on = parse_iso_date(values["posted_on"], where("posted_on"))
    amount = parse_pounds(values["amount"], where("amount"))
    text = values["balance"]
    balance = parse_pounds(text, where("balance")) if text.strip() else None
    merchant = clean_text(values["merchant_name"], where("merchant_name"), limit=MAX_MERCHANT_LENGTH)
    mcc = parse_mcc(values["merchant_category_code"], where("merchant_category_code"))
    description = clean_text(values["description"], where("description"))
    key = DedupKeys("f.csv").key(
        line_number=line,
        account_reference=values["card_account_reference"],
        posted_on=posted_on,
        amount_pence=amount,
        transaction_id=values["transaction_id"],
        description=description,
        balance_pence=balance,
    )
    return StatementLine(
        line_number=line,
        posted_on=posted_on,
        amount_pence=amount,
        description=description,
        merchant=merchant,
        merchant_category_code=mcc,
        balance_pence=balance,
        account_reference=values["card_account_reference"],
        dedup_key=key,
        provider_transaction_id=values["transaction_id"],
    )


def one_line_file(values: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerow([values.get(name, "") for name in HEADER])
    return out.getvalue().encode("utf-8")


def outcome(read: Callable[[], StatementLine]) -> StatementLine | str:
    """The line read, or the message of the error reading it."""
    try:
        return read()
    except StatementFormatError as exc:
        return exc.message


def read_first(data: bytes) -> StatementLine:
    return next(parse_card_csv(io.BytesIO(data), file_name="f.csv"))


class TestTheFastPathIsTheGeneralPath:
    @SETTINGS
    @example("2026-05-01", "-1.00", "", "a\x01", "", "x")
    @example("2026-05-01", "-1.00", "", "a\tb", "", "x")
    @example("2026-05-01", "-1.00", "", "a" * 201, "", "x")
    @example("2026-05-01", "-1.00", "", "a", "541", "x")
    @example("2026-05-01", "-1.00", " ", "a", "", " x")
    @example("2026-05-01", "10000000000.01", "", "a", "", "x")
    @example("2026-05-01", "-1.00", "-10000000000.01", "a", "", "x")
    @example(" 2026-05-01", "-1.00", "1.5", "a", "", "x\u2028")
    @given(
        posted_on=dates,
        amount=amounts,
        balance=st.one_of(st.just(""), amounts),
        merchant=awkward_text,
        mcc=mccs,
        description=awkward_text,
    )
    def test_each_value_or_error_is_the_general_functions(
        self, posted_on: str, amount: str, balance: str, merchant: str, mcc: str, description: str
    ) -> None:
        values = {
            "record_type": "TXN",
            "transaction_id": "TX-1",
            "card_account_reference": "CARD-1",
            "posted_on": posted_on,
            "amount": amount,
            "balance": balance,
            "merchant_name": merchant,
            "merchant_category_code": mcc,
            "description": description,
        }
        data = one_line_file(values)
        assert outcome(lambda: read_first(data)) == outcome(lambda: reference(values))

    def test_remembered_values_are_checked_again_on_every_line_that_differs(self) -> None:
        """A date or account seen before is reused; a different, bad one on a later line still fails."""
        rows = [
            "TXN,TX-1,CARD-1,2026-05-01,-1.00,,Shop,5411,Card purchase",
            "TXN,TX-2,CARD-1,2026-05-01,-1.00,,Shop,5411,Card purchase",
            "TXN,TX-3,CARD 1,2026-05-01,-1.00,,Shop,5411,Card purchase",
        ]
        data = ("\r\n".join([",".join(HEADER), *rows, "TRAILER,3,,,-3.00,,,,"]) + "\r\n").encode()
        with pytest.raises(StatementFormatError, match=r"f\.csv, line 4, card_account_reference"):
            list(card_csv_records(io.BytesIO(data), file_name="f.csv"))
        data = data.replace(b"TX-3,CARD 1,2026-05-01", b"TX-3,CARD-1,2026-05-32")
        with pytest.raises(StatementFormatError, match=r"f\.csv, line 4, posted_on: '2026-05-32' is not a real date"):
            list(card_csv_records(io.BytesIO(data), file_name="f.csv"))


class TestDedupKeysAreStable:
    def test_a_card_line_keeps_the_key_it_was_stored_with(self) -> None:
        """Keys already in the database stay valid: v1's formula, byte for byte, cut to the 128 bits stored
        (migration 0004 cut the stored keys the same way)."""
        values = {
            "record_type": "TXN",
            "transaction_id": "TX-0002",
            "card_account_reference": "CARD-0001234",
            "posted_on": "2026-05-02",
            "amount": "-12.50",
            "balance": "437.50",
            "merchant_name": "Brambles Pharmacy",
            "merchant_category_code": "5912",
            "description": "Card purchase",
        }
        v1 = hashlib.sha256(b"v1\x1fid\x1fCARD-0001234\x1f2026-05-02\x1f-1250\x1fTX-0002").hexdigest()[:32]
        assert read_first(one_line_file(values)).dedup_key == v1
