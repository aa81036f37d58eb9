"""Remittance advices, monthly statements and the running contribution position."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.payments.domain import documents as d

D = dt.date


class TestRemittance:
    def test_lists_each_payment_and_its_adjustment(self):
        advice = d.RemittanceAdvice(
            payee_name="Steady Money",
            pay_on=D(2026, 4, 6),
            payer="Northmoor City Council",
            run_reference="PR00012",
            lines=(
                d.RemittanceLine(
                    "DP0000000001", "Direct payment for 6 Apr 2026 to 3 May 2026", 100000, client="Ada Example (CL1)"
                ),
                d.RemittanceLine(
                    "DP0000000002",
                    "Direct payment",
                    50000,
                    adjustment_pence=-2500,
                    adjustment_reason="The budget went down from 20 April.",
                ),
            ),
        )
        text = d.remittance_text(advice)
        assert "To: Steady Money" in text
        assert "Ada Example (CL1): Direct payment for 6 Apr 2026" in text
        assert "£25.00 taken off: The budget went down from 20 April." in text
        assert text.rstrip().endswith("Total: £1,500.00")
        assert advice.total_pence == 150000

    def test_says_what_was_taken_off_to_repay_the_council(self):
        advice = d.RemittanceAdvice(
            payee_name="Ada Example",
            pay_on=D(2026, 4, 6),
            payer="Northmoor City Council",
            run_reference="PR00012",
            lines=(
                d.RemittanceLine(
                    "DP0000000003",
                    "Direct payment for 6 Apr 2026 to 3 May 2026",
                    80000,
                    recovery_pence=20000,
                    recovery_reason="Money not spent on care.",
                ),
            ),
        )
        text = d.remittance_text(advice)
        assert "DP0000000003  Direct payment for 6 Apr 2026 to 3 May 2026: £800.00" in text
        assert "    £200.00 taken off to repay the council: Money not spent on care." in text
        assert text.rstrip().endswith("Total: £800.00")


class TestStatement:
    def test_money_repaid_by_a_smaller_payment_is_said_in_words(self):
        statement = d.build_statement(
            year=2026,
            month=4,
            opening_pence=0,
            movements=[
                d.Movement(D(2026, 4, 1), "Set aside", -30000, d.SET_ASIDE),
                d.Movement(D(2026, 4, 6), "Paid in by the council", 80000, d.COUNCIL),
                d.Movement(D(2026, 4, 6), "Repaid", 20000, d.REPAID_BY_DEDUCTION),
            ],
        )
        assert statement.repaid_by_deduction_pence == 20000
        assert statement.other_in_pence == 0
        summary = statement.summary()
        assert "£200.00 set aside to pay back to the council was repaid by taking it off" in " ".join(summary)
        assert not any(line.startswith("Other money in") for line in summary)

    def test_opening_plus_movements_is_closing(self):
        statement = d.build_statement(
            year=2026,
            month=4,
            opening_pence=12000,
            movements=[
                d.Movement(D(2026, 4, 6), "Paid in by the council", 100000, d.COUNCIL),
                d.Movement(D(2026, 4, 10), "Your contribution", 20000, d.CONTRIBUTION),
                d.Movement(D(2026, 4, 30), "Set aside", -5000, d.SET_ASIDE),
            ],
        )
        assert statement.closing_pence == 127000
        assert statement.council_in_pence == 100000
        assert statement.contribution_in_pence == 20000
        assert statement.spending_pence == 0
        assert statement.other_out_pence == 5000
        summary = " ".join(statement.summary())
        assert "On 1 April 2026 there was £120.00 in the account." in summary
        assert "No spending is shown yet" in summary
        assert "On 30 April 2026 there was £1,270.00 in the account." in summary

    def test_a_movement_outside_the_month_is_refused(self):
        with pytest.raises(ValueError, match="not in April 2026"):
            d.build_statement(year=2026, month=4, opening_pence=0, movements=[d.Movement(D(2026, 5, 1), "x", 1)])

    @given(st.integers(-(10**6), 10**6), st.lists(st.integers(-(10**6), 10**6), max_size=20))
    def test_balance_always_adds_up(self, opening, amounts):
        statement = d.build_statement(
            year=2026,
            month=2,
            opening_pence=opening,
            movements=[d.Movement(D(2026, 2, 1 + i % 28), "m", a, d.COUNCIL) for i, a in enumerate(amounts)],
        )
        assert statement.closing_pence == opening + sum(amounts)


class TestContributionPosition:
    def test_running_amount_owed_and_arrears(self):
        position = d.contribution_position(
            [
                d.ContributionItem(D(2026, 4, 6), "Contribution for April", due_pence=20000),
                d.ContributionItem(D(2026, 4, 20), "Payment received", received_pence=15000),
                d.ContributionItem(D(2026, 5, 4), "Contribution for May", due_pence=20000),
            ]
        )
        assert [row.owed_after_pence for row in position.rows] == [20000, 5000, 25000]
        assert position.arrears_pence == 25000
        assert position.credit_pence == 0

    def test_paying_ahead_is_credit(self):
        position = d.contribution_position(
            [
                d.ContributionItem(D(2026, 4, 6), "Payment received", received_pence=30000),
                d.ContributionItem(D(2026, 4, 6), "Contribution", due_pence=20000),
            ]
        )
        assert position.rows[0].item.due_pence == 20000  # dues first on the same day
        assert position.credit_pence == 10000
        assert position.arrears_pence == 0


def test_the_quick_single_payment_advice_reads_like_the_general_one():
    one = d.RemittanceLine("DP0000000009", "Direct payment for 6 Apr 2026 to 3 May 2026", 81234)
    advice = d.RemittanceAdvice("Ada Example", D(2026, 4, 6), "Northmoor City Council", "PR00001", (one,))
    general = d.remittance_text(
        d.RemittanceAdvice("Ada Example", D(2026, 4, 6), "Northmoor City Council", "PR00001", (one, one))
    )
    text = d.remittance_text(advice)
    assert text.splitlines()[:7] == general.splitlines()[:7]
    assert text.rstrip().endswith("Total: £812.34")


_lines = st.builds(
    d.RemittanceLine,
    reference=st.from_regex(r"DP[0-9]{10}\Z"),
    description=st.one_of(st.just("Direct payment for 6 Jan 2030 to 2 Feb 2030"), st.text(max_size=30)),
    amount_pence=st.integers(min_value=0, max_value=10**11),
    adjustment_pence=st.one_of(st.just(0), st.integers(min_value=-(10**6), max_value=10**6)),
    adjustment_reason=st.text(max_size=20),
    client=st.one_of(st.just(""), st.text(max_size=20)),
    recovery_pence=st.one_of(st.just(0), st.integers(min_value=0, max_value=10**6)),
    recovery_reason=st.text(max_size=20),
)


class TestRemittanceTexts:
    """A run's advices written together are exactly `remittance_text` of each advice."""

    @given(
        payer=st.text(max_size=30),
        run_reference=st.from_regex(r"PR[0-9]{5}\Z"),
        pay_on=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
        payees=st.lists(st.tuples(st.text(max_size=30), st.lists(_lines, min_size=1, max_size=3)), max_size=6),
    )
    def test_the_same_text_as_one_advice_at_a_time(self, payer, run_reference, pay_on, payees):
        expected = [
            d.remittance_text(
                d.RemittanceAdvice(
                    payee_name=name, pay_on=pay_on, payer=payer, run_reference=run_reference, lines=tuple(lines)
                )
            )
            for name, lines in payees
        ]
        assert d.remittance_texts(payer=payer, run_reference=run_reference, pay_on=pay_on, payees=payees) == expected

    def test_a_fixed_varied_run(self):
        plain = d.RemittanceLine("DP0000000001", "Direct payment for 6 Jan 2030 to 2 Feb 2030", 123456)
        payees = [
            ("Ann Lee", [plain]),
            ("Zoë, O'Brien", [d.RemittanceLine("DP0000000002", "Direct payment", 5)]),
            ("Managed Money", [d.RemittanceLine("DP0000000003", "Direct payment", 700, client="Bo (CL9)"), plain]),
            ("Top Up", [d.RemittanceLine("DP0000000004", "Direct payment", 900, 200, "Backdated rise")]),
            (
                "Repays",
                [d.RemittanceLine("DP0000000005", "Direct payment", 800, recovery_pence=100, recovery_reason="X")],
            ),
        ]
        texts = d.remittance_texts(
            payer="Northmoor City Council", run_reference="PR00001", pay_on=D(2030, 1, 7), payees=payees
        )
        assert texts[0] == (
            "REMITTANCE ADVICE\nFrom: Northmoor City Council\nTo: Ann Lee\nPayment run: PR00001\n"
            "The money arrives on 7 January 2030.\n\n"
            "DP0000000001  Direct payment for 6 Jan 2030 to 2 Feb 2030: £1,234.56\n\nTotal: £1,234.56\n"
        )
        for (name, lines), text in zip(payees, texts, strict=True):
            assert text == d.remittance_text(
                d.RemittanceAdvice(name, D(2030, 1, 7), "Northmoor City Council", "PR00001", tuple(lines))
            )
