"""Monitoring rules: one class of tests per rule code, then the registry, thresholds and `evaluate_all`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.assessments.domain.national_figures import MinimumWageRates
from dp.core.errors import PolicyMissing, ValidationFailed
from dp.monitoring.domain.categorise import SpendCategory
from dp.monitoring.domain.rules import (
    RULES,
    AccountFacts,
    AccountTransaction,
    CashPolicy,
    ContributionDue,
    EvidenceItem,
    Finding,
    PaPayFacts,
    PlanLineFacts,
    Rule,
    Thresholds,
    _registry,
    evaluate_all,
    evidence_key,
    thresholds_in_force,
)
from dp.monitoring.domain.surplus import Commitment, SurplusPolicy

D = dt.date
AS_OF = D(2026, 6, 1)

RATES_2025 = MinimumWageRates(
    rates_year="2025/26",
    effective_from=D(2025, 4, 1),
    national_living_wage_from_age=21,
    national_living_wage_pence=1221,
    age_18_to_20_pence=1000,
    under_18_pence=755,
    apprentice_pence=755,
)
RATES_2026 = MinimumWageRates(
    rates_year="2026/27",
    effective_from=D(2026, 4, 1),
    national_living_wage_from_age=21,
    national_living_wage_pence=1271,
    age_18_to_20_pence=1085,
    under_18_pence=800,
    apprentice_pence=800,
)

THRESHOLDS = Thresholds(
    effective_from=D(2025, 4, 1),
    prohibited_categories=frozenset({SpendCategory.GAMBLING, SpendCategory.ALCOHOL}),
    cash=CashPolicy("limited", limit_pence=10000, period_days=28),
    cash_receipt_days=14,
    surplus=SurplusPolicy(allowed_weeks=8),
    contribution_arrears_weeks=4,
    no_spend_weeks=8,
    line_overspend_percent=Decimal(20),
    duplicate_payment_days=3,
    minimum_wage_rates=(RATES_2025, RATES_2026),
)


def txn(i: int, on: dt.date, pence: int, **kwargs: object) -> AccountTransaction:
    return AccountTransaction(id=str(i), posted_on=on, amount_pence=pence, **kwargs)  # type: ignore[arg-type]


def facts(**changes: object) -> AccountFacts:
    base = AccountFacts(
        account_id="acc-1",
        as_of=AS_OF,
        period_start=D(2026, 3, 2),
        period_end=AS_OF,
        balance_pence=50000,
        balance_on=D(2026, 5, 31),
        weekly_payment_pence=10000,
        first_payment_on=D(2025, 1, 6),
        transactions=(txn(1, D(2026, 5, 20), -1000, merchant="Corner Shop", status="plan_line", plan_line_id="x"),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def evaluate(code: str, account: AccountFacts, thresholds: Thresholds = THRESHOLDS) -> Finding | None:
    return RULES[code].evaluate(account, thresholds)


class TestProhibitedSpend:
    """DP-PROHIBITED-SPEND"""

    def test_flags_spending_in_prohibited_categories(self):
        account = facts(
            transactions=(
                txn(1, D(2026, 5, 1), -2500, merchant="Lucky Star Bingo", category=SpendCategory.GAMBLING),
                txn(2, D(2026, 5, 2), -3210, merchant="The Crown Inn", category=SpendCategory.ALCOHOL),
                txn(3, D(2026, 5, 3), -1000, merchant="Lucky Star Bingo", category=SpendCategory.GAMBLING),
                txn(4, D(2026, 5, 4), 500, merchant="Lucky Star Bingo", category=SpendCategory.GAMBLING),  # winnings in
                txn(5, D(2026, 5, 5), -700, merchant="Corner Shop", category=SpendCategory.GROCERIES),
            )
        )
        finding = evaluate("DP-PROHIBITED-SPEND", account)
        assert finding is not None
        assert (finding.code, finding.severity, finding.amount_pence) == ("DP-PROHIBITED-SPEND", "high", 6710)
        assert finding.evidence_refs == ("transaction:1", "transaction:2", "transaction:3")
        assert finding.explanation == (
            "3 payments (£67.10) were for things the council's direct payment policy does not allow: "
            "Alcohol (bars and off-licences) (1), Gambling (2)."
        )
        assert finding.evidence[0] == EvidenceItem(
            "transaction:1", "Lucky Star Bingo, £25.00: Gambling", D(2026, 5, 1), -2500
        )

    def test_nothing_prohibited(self):
        assert evaluate("DP-PROHIBITED-SPEND", facts()) is None
        allowing = replace(THRESHOLDS, prohibited_categories=frozenset())
        gambling = facts(transactions=(txn(1, D(2026, 5, 1), -2500, category=SpendCategory.GAMBLING),))
        assert evaluate("DP-PROHIBITED-SPEND", gambling, allowing) is None


class TestCashWithdrawal:
    """DP-CASH-WITHDRAWAL"""

    CASH = (
        txn(1, D(2026, 5, 1), -4000, category=SpendCategory.CASH_WITHDRAWAL, status="cash"),
        txn(2, D(2026, 5, 10), -4000, status="cash"),
        txn(3, D(2026, 5, 20), -4000, category=SpendCategory.CASH_WITHDRAWAL, status="cash"),
        txn(4, D(2026, 3, 1), -9000, status="cash"),
    )

    def test_allowed(self):
        thresholds = replace(THRESHOLDS, cash=CashPolicy("allowed"))
        assert evaluate("DP-CASH-WITHDRAWAL", facts(transactions=self.CASH), thresholds) is None

    def test_not_allowed(self):
        thresholds = replace(THRESHOLDS, cash=CashPolicy("not_allowed"))
        finding = evaluate("DP-CASH-WITHDRAWAL", facts(transactions=self.CASH), thresholds)
        assert finding is not None
        assert finding.amount_pence == 21000
        assert finding.evidence_refs == ("transaction:1", "transaction:2", "transaction:3", "transaction:4")
        assert "policy does not allow cash withdrawals" in finding.explanation

    def test_limited_per_rolling_period(self):
        finding = evaluate("DP-CASH-WITHDRAWAL", facts(transactions=self.CASH))
        assert finding is not None
        # £120 between 1 and 20 May (within 28 days), over the £100 limit; 1 March is on its own.
        assert finding.evidence_refs == ("transaction:1", "transaction:2", "transaction:3")
        assert finding.amount_pence == 2000
        assert finding.explanation == (
            "Cash withdrawals reached £120.00 within 28 days, above the council's limit of £100.00 for 28 days."
        )

    def test_limited_but_within_the_limit(self):
        spread = (self.CASH[0], replace(self.CASH[2], posted_on=D(2026, 5, 29)))
        assert evaluate("DP-CASH-WITHDRAWAL", facts(transactions=spread)) is None
        assert evaluate("DP-CASH-WITHDRAWAL", facts(transactions=())) is None

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"mode": "sometimes"}, "cash.mode"),
            ({"mode": "limited"}, "cash.limit_pence"),
            ({"mode": "limited", "limit_pence": 100}, "cash.period_days"),
            ({"mode": "limited", "limit_pence": -1, "period_days": 7}, "cash.limit_pence"),
            ({"mode": "allowed", "limit_pence": 100}, "cash.limit_pence"),
        ],
    )
    def test_policy_is_checked(self, kwargs, field):
        with pytest.raises(ValidationFailed) as info:
            CashPolicy(**kwargs)
        assert info.value.field == field


class TestSurplus:
    """DP-SURPLUS"""

    def test_a_surplus_after_commitments_with_the_refund_first(self):
        account = facts(
            balance_pence=150000, commitments=(Commitment("Invoice", 20000),), overpaid_contribution_pence=5000
        )
        finding = evaluate("DP-SURPLUS", account)
        assert finding is not None
        assert finding.amount_pence == 50000  # 1500 - 200 - 8 x 100
        assert finding.evidence_refs == ("allowed:8:10000", "balance:2026-05-31:150000", "owed:20000")
        assert finding.explanation == (
            "On 31 May 2026 the balance was £1,500.00; less £200.00 already owed, that is £500.00 more than the "
            "8 weeks of payments (£800.00) the council allows. Of it, £50.00 is contribution the person overpaid "
            "and goes back to them first. The council may recover £450.00."
        )

    def test_within_limits(self):
        assert evaluate("DP-SURPLUS", facts(balance_pence=80000)) is None

    def test_the_key_changes_with_every_figure_the_amount_depends_on(self):
        def key(**kwargs):  # type: ignore[no-untyped-def]
            finding = evaluate("DP-SURPLUS", facts(**{"balance_pence": 150000, **kwargs}))
            assert finding is not None
            return finding.evidence_key

        keys = {
            key(),
            key(balance_pence=150001),
            key(commitments=(Commitment("Invoice", 20000),)),
            key(weekly_payment_pence=9000),
        }
        assert len(keys) == 4
        assert key(commitments=(Commitment("Invoice", 5000), Commitment("Wages", 15000))) == key(
            commitments=(Commitment("Invoice", 20000),)
        )

    def test_no_policy_means_the_rule_cannot_run(self):
        with pytest.raises(PolicyMissing):
            evaluate("DP-SURPLUS", facts(), replace(THRESHOLDS, surplus=None))

    def test_a_new_balance_is_new_evidence(self):
        one = evaluate("DP-SURPLUS", facts(balance_pence=150000))
        two = evaluate("DP-SURPLUS", facts(balance_pence=150001))
        assert one is not None
        assert two is not None
        assert one.evidence_key != two.evidence_key


class TestContributionArrears:
    """DP-CONTRIBUTION-ARREARS"""

    DUE = tuple(
        ContributionDue(f"c{i}", D(2026, 3, 2) + dt.timedelta(weeks=4 * i), 8000, paid)
        for i, paid in enumerate([8000, 0, 3000, 0])
    )

    def test_arrears_over_the_weeks(self):
        account = facts(weekly_contribution_pence=2000, contributions=self.DUE)
        finding = evaluate("DP-CONTRIBUTION-ARREARS", account)
        assert finding is not None
        assert finding.amount_pence == 21000
        assert finding.evidence_refs == ("contribution:c1", "contribution:c2", "contribution:c3")
        assert finding.explanation.startswith("£210.00 of assessed contribution is unpaid, about 10.5 weeks")
        assert finding.evidence[1].note == "Due 27 April 2026: £80.00, paid £30.00"

    def test_not_yet_due_does_not_count_and_at_the_limit_is_not_flagged(self):
        future = (ContributionDue("f", AS_OF + dt.timedelta(days=1), 99999),)
        at_limit = (ContributionDue("a", D(2026, 4, 1), 8000),)
        account = facts(weekly_contribution_pence=2000, contributions=future + at_limit)
        assert evaluate("DP-CONTRIBUTION-ARREARS", account) is None

    def test_no_contribution(self):
        assert evaluate("DP-CONTRIBUTION-ARREARS", facts(contributions=self.DUE)) is None


class TestNoSpend:
    """DP-NO-SPEND"""

    def test_no_spending_for_the_weeks(self):
        account = facts(
            transactions=(
                txn(1, D(2026, 3, 10), -1000, merchant="Corner Shop"),
                txn(2, D(2026, 5, 1), 50000),  # money in is not spending
                txn(3, D(2026, 5, 2), -500, category=SpendCategory.BANK_CHARGES),  # neither are bank charges
            )
        )
        finding = evaluate("DP-NO-SPEND", account)
        assert finding is not None
        assert finding.evidence_refs == ("transaction:1",)
        assert finding.explanation.startswith("The last spending was on 10 March 2026, 11 weeks before 1 June 2026")

    def test_never_spent(self):
        account = facts(transactions=(), first_payment_on=D(2026, 3, 20))
        finding = evaluate("DP-NO-SPEND", account)
        assert finding is not None
        assert finding.evidence_refs == ("no-spending-since:2026-03-20",)

    def test_recent_spending_or_no_payments(self):
        assert evaluate("DP-NO-SPEND", facts()) is None
        assert evaluate("DP-NO-SPEND", facts(first_payment_on=None, transactions=())) is None
        assert evaluate("DP-NO-SPEND", facts(first_payment_on=D(2026, 7, 1), transactions=())) is None
        assert evaluate("DP-NO-SPEND", facts(transactions=(), first_payment_on=D(2026, 4, 7))) is None


class TestLineOverspend:
    """DP-LINE-OVERSPEND"""

    LINES = (
        PlanLineFacts("pa", "Personal Assistant", "personal_assistant", weekly_pence=10000),
        PlanLineFacts("kit", "Bath seat", "equipment", weekly_pence=0, one_off_pence=5000),
        PlanLineFacts("swim", "Swimming", "activity", weekly_pence=0),
    )

    def test_a_line_well_over_its_plan(self):
        # 13 weeks (2 March to 1 June) of £100 = £1,300 planned; £1,600 is 23% over. The bath seat's
        # £59 against a £50 one-off is 18% over, within the 20% tolerance.
        spending = (
            txn(1, D(2026, 3, 9), -80000, plan_line_id="pa"),
            txn(2, D(2026, 4, 9), -80000, plan_line_id="pa"),
            txn(3, D(2026, 4, 1), -5900, plan_line_id="kit"),
        )
        finding = evaluate("DP-LINE-OVERSPEND", facts(plan_lines=self.LINES, transactions=spending))
        assert finding is not None
        assert finding.evidence_refs == ("plan_line:pa", "transaction:1", "transaction:2")
        assert finding.amount_pence == 30000

    def test_tolerance(self):
        within = (txn(1, D(2026, 4, 1), -156000, plan_line_id="pa"),)  # £1,560 = 1,300 + 20%
        assert evaluate("DP-LINE-OVERSPEND", facts(plan_lines=self.LINES[:1], transactions=within)) is None
        over = (txn(1, D(2026, 4, 1), -156001, plan_line_id="pa"),)
        finding = evaluate("DP-LINE-OVERSPEND", facts(plan_lines=self.LINES[:1], transactions=over))
        assert finding is not None
        assert finding.amount_pence == 26001
        assert finding.explanation == (
            "Between 2 March 2026 and 31 May 2026, Personal Assistant: £1,560.01 spent against £1,300.00 planned, "
            "more than 20% over."
        )

    def test_spending_outside_the_period_or_on_an_unplanned_line(self):
        outside = (txn(1, D(2026, 2, 1), -999999, plan_line_id="pa"), txn(2, D(2026, 4, 1), 999999, plan_line_id="pa"))
        assert evaluate("DP-LINE-OVERSPEND", facts(plan_lines=self.LINES[:1], transactions=outside)) is None
        nothing_planned = (txn(1, D(2026, 4, 1), -1, plan_line_id="swim"),)
        finding = evaluate("DP-LINE-OVERSPEND", facts(plan_lines=self.LINES, transactions=nothing_planned))
        assert finding is not None
        assert finding.evidence_refs == ("plan_line:swim", "transaction:1")


class TestUnknownPayee:
    """DP-UNKNOWN-PAYEE"""

    def test_transfers_to_unknown_payees(self):
        account = facts(
            transactions=(
                txn(1, D(2026, 5, 1), -20000, description="TRANSFER TO J SMITH"),
                txn(2, D(2026, 5, 2), -2000, merchant="Mystery Ltd", merchant_category_code="0001"),  # a card purchase
                txn(3, D(2026, 5, 3), -24000, description="A MORGAN", payee_id="p1", status="plan_line"),
                txn(4, D(2026, 5, 4), -700, category=SpendCategory.GROCERIES),
                txn(5, D(2026, 5, 5), 100, description="REFUND"),
            )
        )
        finding = evaluate("DP-UNKNOWN-PAYEE", account)
        assert finding is not None
        assert finding.evidence_refs == ("transaction:1",)
        assert finding.explanation == (
            "1 payment (£200.00) went to payees the council has no record of: TRANSFER TO J SMITH."
        )

    def test_none(self):
        assert evaluate("DP-UNKNOWN-PAYEE", facts()) is None


class TestDuplicatePayment:
    """DP-DUPLICATE-PAYMENT"""

    def test_same_payee_and_amount_within_the_days(self):
        account = facts(
            transactions=(
                txn(1, D(2026, 5, 1), -24000, payee_id="p1", description="A MORGAN"),
                txn(2, D(2026, 5, 3), -24000, payee_id="p1", description="A MORGAN"),
                txn(3, D(2026, 5, 10), -24000, payee_id="p1", description="A MORGAN"),  # a week later: wages
                txn(4, D(2026, 5, 1), -1840, merchant="Willow Taxis"),
                txn(5, D(2026, 5, 1), -1840, merchant="WILLOW TAXIS"),
                txn(6, D(2026, 5, 1), -2000, status="cash"),
                txn(7, D(2026, 5, 1), -2000, status="cash"),
                txn(8, D(2026, 5, 1), -100),
                txn(9, D(2026, 5, 1), -100),  # no payee or merchant to compare
            )
        )
        finding = evaluate("DP-DUPLICATE-PAYMENT", account)
        assert finding is not None
        assert finding.evidence_refs == ("transaction:1", "transaction:2", "transaction:4", "transaction:5")
        assert finding.amount_pence == 25840
        assert "Check it was not paid twice" in finding.explanation

    def test_none(self):
        assert evaluate("DP-DUPLICATE-PAYMENT", facts()) is None


class TestPaBelowMinimumWage:
    """DP-PA-BELOW-MIN-WAGE"""

    def pay(self, i: int, on: dt.date, hours: str, pence: int, age: int = 30, **kw: object) -> PaPayFacts:
        return PaPayFacts(f"w{i}", f"PA {i}", on, age, Decimal(hours), pence, **kw)  # type: ignore[arg-type]

    def test_below_the_rate_in_force_on_the_day(self):
        account = facts(
            pa_pay=(
                self.pay(1, D(2026, 3, 31), "10", 12210),  # £12.21 in March 2026: fine
                self.pay(2, D(2026, 4, 1), "10", 12210),  # the 2026 rate is £12.71: £5.00 short
                self.pay(3, D(2026, 4, 8), "7.5", 9532),  # 7.5 x 12.71 = 95.325 -> 95.33: 1p short
                self.pay(4, D(2026, 4, 8), "7.5", 9533),  # exactly enough
                self.pay(5, D(2026, 4, 8), "0", 0),  # no hours: nothing to check
                self.pay(6, D(2026, 4, 8), "10", 8000, age=19, apprentice_first_year=True),  # apprentice £8.00
            )
        )
        finding = evaluate("DP-PA-BELOW-MIN-WAGE", account)
        assert finding is not None
        assert finding.evidence_refs == ("pa_pay:w2", "pa_pay:w3")
        assert finding.amount_pence == 501
        assert finding.explanation.startswith(
            "PA 2 was paid £122.10 for 10 hours to 1 April 2026, £5.00 less than the National Living Wage "
            "of £12.71 an hour"
        )

    def test_missing_rates(self):
        account = facts(pa_pay=(self.pay(1, D(2024, 4, 1), "1", 1),))
        with pytest.raises(PolicyMissing):
            evaluate("DP-PA-BELOW-MIN-WAGE", account)

    def test_none(self):
        assert evaluate("DP-PA-BELOW-MIN-WAGE", facts()) is None


class TestCashNoReceipt:
    """DP-CASH-NO-RECEIPT"""

    def test_old_withdrawals_without_receipts(self):
        account = facts(
            transactions=(
                txn(1, D(2026, 5, 1), -4000, status="cash"),
                txn(2, D(2026, 5, 2), -4000, status="cash", has_receipt=True),
                txn(3, D(2026, 5, 18), -4000, status="cash"),  # 14 days: still within time
                txn(4, D(2026, 5, 17), -2000, category=SpendCategory.CASH_WITHDRAWAL),
            )
        )
        finding = evaluate("DP-CASH-NO-RECEIPT", account)
        assert finding is not None
        assert finding.evidence_refs == ("transaction:1", "transaction:4")
        assert finding.explanation == (
            "2 cash withdrawals (£60.00) have no receipt or record of what the cash paid for, more than 14 days "
            "after they were made."
        )

    def test_none(self):
        assert evaluate("DP-CASH-NO-RECEIPT", facts()) is None


class TestRegistry:
    EXPECTED = {
        "DP-PROHIBITED-SPEND",
        "DP-CASH-WITHDRAWAL",
        "DP-SURPLUS",
        "DP-CONTRIBUTION-ARREARS",
        "DP-NO-SPEND",
        "DP-LINE-OVERSPEND",
        "DP-UNKNOWN-PAYEE",
        "DP-DUPLICATE-PAYMENT",
        "DP-PA-BELOW-MIN-WAGE",
        "DP-CASH-NO-RECEIPT",
    }

    def test_every_rule_is_registered_under_a_stable_code(self):
        assert set(RULES) == self.EXPECTED
        for code, rule in RULES.items():
            assert rule.code == code
            assert re.fullmatch(r"DP(-[A-Z0-9]+)+", code)

    @pytest.mark.parametrize("code", sorted(EXPECTED))
    def test_every_rule_is_described_and_cites_its_source(self, code):
        rule = RULES[code]
        assert rule.title
        assert rule.description
        assert rule.severity in ("low", "medium", "high")
        assert "Source:" in rule.source()
        assert re.search(r"Care Act|RULES\.md|Regulations|Regs|Act 1998", rule.source())

    def test_every_rule_has_a_test_class(self):
        documented = {
            cls.__doc__ for cls in globals().values() if isinstance(cls, type) and cls.__name__.startswith("Test")
        }
        assert documented >= self.EXPECTED

    def test_codes_must_be_unique(self):
        with pytest.raises(ValueError, match="Two rules"):
            _registry(RULES["DP-SURPLUS"], RULES["DP-SURPLUS"])


class TestThresholds:
    def test_the_thresholds_in_force_on_a_date(self):
        later = replace(THRESHOLDS, effective_from=D(2026, 4, 1), no_spend_weeks=12)
        table = [later, THRESHOLDS]
        assert thresholds_in_force(D(2026, 3, 31), table) is THRESHOLDS
        assert thresholds_in_force(D(2026, 4, 1), table) is later
        with pytest.raises(PolicyMissing):
            thresholds_in_force(D(2025, 3, 31), table)

    def test_last_years_thresholds_give_last_years_answer(self):
        stricter = replace(THRESHOLDS, effective_from=D(2026, 4, 1), cash=CashPolicy("not_allowed"))
        cash = (txn(1, D(2026, 3, 1), -1000, status="cash"),)
        last_year = facts(as_of=D(2026, 3, 31), period_end=D(2026, 3, 31), transactions=cash)
        table = [THRESHOLDS, stricter]
        assert evaluate("DP-CASH-WITHDRAWAL", last_year, thresholds_in_force(last_year.as_of, table)) is None
        assert evaluate("DP-CASH-WITHDRAWAL", facts(transactions=cash), thresholds_in_force(AS_OF, table)) is not None

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"prohibited_categories": frozenset({"casinos"})}, "prohibited_categories"),
            ({"no_spend_weeks": -1}, "no_spend_weeks"),
            ({"cash_receipt_days": True}, "cash_receipt_days"),
            ({"line_overspend_percent": 20}, "line_overspend_percent"),
            ({"line_overspend_percent": Decimal(-1)}, "line_overspend_percent"),
        ],
    )
    def test_bad_thresholds(self, changes, field):
        with pytest.raises(ValidationFailed) as info:
            replace(THRESHOLDS, **changes)
        assert info.value.field == field

    def test_categories_given_as_text_become_enums(self):
        assert replace(THRESHOLDS, prohibited_categories=frozenset({"gambling"})).prohibited_categories == {
            SpendCategory.GAMBLING
        }

    def test_minimum_wage_rates_by_date(self):
        assert THRESHOLDS.minimum_wage_on(D(2026, 3, 31)) is RATES_2025
        assert THRESHOLDS.minimum_wage_on(D(2027, 1, 1)) is RATES_2026

    def test_facts_need_a_period(self):
        with pytest.raises(ValidationFailed):
            facts(period_start=AS_OF)


class TestFindingsAndEvaluateAll:
    BAD = facts(
        balance_pence=200000,
        transactions=(
            txn(1, D(2026, 5, 1), -2500, merchant="Lucky Star Bingo", category=SpendCategory.GAMBLING),
            txn(2, D(2026, 5, 2), -20000, description="TRANSFER TO J SMITH"),
        ),
    )

    def test_evidence_key_is_the_code_and_the_sorted_evidence(self):
        a = EvidenceItem("transaction:2", "x")
        b = EvidenceItem("transaction:1", "y")
        assert evidence_key("DP-X", [a, b]) == evidence_key("DP-X", [b, a, b])
        assert evidence_key("DP-X", [a]) != evidence_key("DP-Y", [a])
        finding = Finding("DP-X", "t", "low", "e", (a, b))
        assert finding.evidence_key == evidence_key("DP-X", [a, b])
        with pytest.raises(ValueError, match="evidence"):
            Finding("DP-X", "t", "low", "e", ())

    def test_every_rule_that_fires(self):
        result = evaluate_all(self.BAD, THRESHOLDS)
        assert [f.code for f in result.findings] == ["DP-PROHIBITED-SPEND", "DP-SURPLUS", "DP-UNKNOWN-PAYEE"]
        assert result.dismissed == ()
        assert result.skipped == ()

    def test_a_dismissed_finding_with_the_same_evidence_is_held_back(self):
        first = evaluate_all(self.BAD, THRESHOLDS)
        dismissed = {first.findings[0].evidence_key}
        again = evaluate_all(self.BAD, THRESHOLDS, dismissed)
        assert [f.code for f in again.findings] == ["DP-SURPLUS", "DP-UNKNOWN-PAYEE"]
        assert [f.code for f in again.dismissed] == ["DP-PROHIBITED-SPEND"]
        more = replace(
            self.BAD,
            transactions=(*self.BAD.transactions, txn(3, D(2026, 5, 3), -500, category=SpendCategory.GAMBLING)),
        )
        assert "DP-PROHIBITED-SPEND" in [f.code for f in evaluate_all(more, THRESHOLDS, dismissed).findings]

    def test_a_rule_that_cannot_run_is_skipped_not_fatal(self):
        result = evaluate_all(self.BAD, replace(THRESHOLDS, surplus=None))
        assert [s.code for s in result.skipped] == ["DP-SURPLUS"]
        assert result.skipped[0].reason == "The council has not set its surplus policy"
        assert [f.code for f in result.findings] == ["DP-PROHIBITED-SPEND", "DP-UNKNOWN-PAYEE"]

    def test_evaluation_does_not_change_the_facts(self):
        before = repr(self.BAD)
        evaluate_all(self.BAD, THRESHOLDS)
        assert repr(self.BAD) == before

    def test_a_custom_registry(self):
        class Always(Rule):
            """Always fires. Source: a test (RULES.md)."""

            code = "DP-TEST"
            title = "Test"
            description = "Test"
            severity = "low"

            def evaluate(self, facts, thresholds):  # type: ignore[no-untyped-def]
                return self.finding("Always", [EvidenceItem("x:1", "x")])

        result = evaluate_all(self.BAD, THRESHOLDS, rules={"DP-TEST": Always()})
        assert [f.code for f in result.findings] == ["DP-TEST"]

    @given(
        st.lists(
            st.tuples(
                st.integers(min_value=-100000, max_value=100000),
                st.sampled_from([None, *SpendCategory]),
                st.sampled_from(["plan_line", "cash", "unexplained", "money_in"]),
                st.integers(min_value=0, max_value=90),
            ),
            max_size=12,
        )
    )
    def test_every_finding_has_evidence_and_a_stable_key(self, rows):
        transactions = tuple(
            txn(i, AS_OF - dt.timedelta(days=days), pence, category=category, status=status)
            for i, (pence, category, status, days) in enumerate(rows)
        )
        account = facts(transactions=transactions, balance_pence=sum(r[0] for r in rows))
        first = evaluate_all(account, THRESHOLDS)
        second = evaluate_all(account, THRESHOLDS)
        assert first == second
        for finding in first.findings:
            assert finding.evidence
            assert finding.evidence_key == evidence_key(finding.code, finding.evidence)
            assert finding.explanation.endswith(".")
