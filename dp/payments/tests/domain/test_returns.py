"""The pure rules for returned payments: reason codes, the workflow table, the returns file and the journals."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.payments.domain import returns
from dp.payments.domain.ledger import is_balanced, net_movements

TODAY = dt.date(2026, 3, 26)
HEADER = "payment_reference,amount,returned_on,reason_code,bank_reference,reason_text\n"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("B", "account_closed"),
        ("b", "account_closed"),
        ("0", "refer_to_payer"),
        ("2", "beneficiary_deceased"),
        ("5", "no_account"),
        ("no_account", "no_account"),
        (" Account_Closed ", "account_closed"),
        ("9", None),
        ("", None),
    ],
)
def test_reason_codes(code, reason) -> None:  # type: ignore[no-untyped-def]
    assert returns.reason_from_code(code) == reason


def test_the_workflow_table() -> None:
    assert returns.can_move("returned", "held")
    assert returns.can_move("held", "reissued")
    assert returns.can_move("held", "written_back")
    assert not returns.can_move("held", "held")
    assert not any(
        returns.can_move(end, target) for end in ("reissued", "written_back") for target in returns.RETURN_TRANSITIONS
    )


def test_a_good_file() -> None:
    lines, errors = returns.parse_returns_file(
        "\ufeff" + HEADER + 'DP0000000012,"£1,000.50",2026-03-25,B,R1,Closed\n\n', today=TODAY
    )
    assert errors == []
    assert lines == [
        returns.ReturnLine(
            line=2,
            payment_id=12,
            amount_pence=100050,
            returned_on=dt.date(2026, 3, 25),
            reason="account_closed",
            bank_reference="R1",
            reason_text="Closed",
        )
    ]


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out() -> None:
    lines, errors = returns.parse_returns_file(
        "reason_code,returned_on,amount,payment_reference\n5,2026-03-25,10,DP0000000001\n", today=TODAY
    )
    assert errors == []
    assert (lines[0].payment_id, lines[0].amount_pence, lines[0].reason) == (1, 1000, "no_account")


@pytest.mark.parametrize(
    ("row", "fields"),
    [
        ("DP12,10.00,2026-03-25,B,,", ["payment_reference"]),
        ("DP0000000012,0,2026-03-25,B,,", ["amount"]),
        ("DP0000000012,1.005,2026-03-25,B,,", ["amount"]),
        ("DP0000000012,10.00,2026-03-27,B,,", ["returned_on"]),
        ("DP0000000012,10.00,25/03/2026,B,,", ["returned_on"]),
        ("DP0000000012,10.00,2026-03-25,Z,,", ["reason_code"]),
        ("DP0000000012,10.00,2026-03-25,B," + "x" * 41 + ",", ["bank_reference"]),
        ("DP0000000012,10.00", ["row"]),
    ],
)
def test_each_error_names_its_line_and_field(row, fields) -> None:  # type: ignore[no-untyped-def]
    lines, errors = returns.parse_returns_file(HEADER + "DP0000000001,1.00,2026-03-25,0,,\n" + row + "\n", today=TODAY)
    assert [(e.line, e.field) for e in errors] == [(3, field) for field in fields]
    assert [line.line for line in lines] == [2]


def test_the_same_payment_twice_and_bad_headers() -> None:
    _, errors = returns.parse_returns_file(
        HEADER + "DP0000000001,1,2026-03-25,0,,\nDP0000000001,1,2026-03-25,0,,\n", today=TODAY
    )
    assert [str(e) for e in errors] == ["line 3, payment_reference: The same payment as line 2"]
    for text in ("", "payment_reference,amount\n", HEADER.strip() + ",extra\n", HEADER):
        lines, errors = returns.parse_returns_file(text, today=TODAY)
        assert lines == []
        assert [(e.line, e.field) for e in errors] == [(1, "header")]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HEADER + "DP0000000001,1.00,2026-03-25,B,,\rDP0000000002,1.00,2026-03-25,B,,\n", 2),
        (HEADER + "DP0000000001,1.00,2026-03-25,B,,\n" + '"' + "x" * 200_000 + '",1,2,3,,\n', 3),
    ],
)
def test_a_file_csv_cannot_read_is_refused_naming_the_line(text, line) -> None:  # type: ignore[no-untyped-def]
    """A bare carriage return or an enormous field is an error on its line, not an exception."""
    lines, errors = returns.parse_returns_file(text, today=TODAY)
    assert lines == []
    assert [(e.line, e.field) for e in errors] == [(line, "row")]


def test_the_journals_take_the_money_out_of_the_persons_account_back_to_the_council() -> None:
    drafts = returns.return_journals(person=7, amount_pence=2500, channel="bank", reference="DP0000000001")
    assert all(is_balanced(d) for d in drafts)
    assert net_movements(drafts) == {"council:dp_funding": 2500, "person:7:dp_account": -2500}
