"""The pay page's minimum wage check agrees with the monitoring rule DP-PA-BELOW-MIN-WAGE, penny for penny."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dp.assessments.domain.national_figures import MinimumWageRates
from dp.employment.domain.pay import check_pay
from dp.monitoring.domain.rules import AccountFacts, CashPolicy, PaBelowMinimumWage, PaPayFacts, Thresholds

RATES = MinimumWageRates(
    rates_year="2026/27",
    effective_from=dt.date(2026, 4, 1),
    national_living_wage_from_age=21,
    national_living_wage_pence=1271,
    age_18_to_20_pence=1085,
    under_18_pence=800,
    apprentice_pence=800,
)
ON = dt.date(2026, 6, 30)


def rule_shortfall(hours: Decimal, gross: int, age: int, apprentice: bool) -> int:
    thresholds = Thresholds(
        effective_from=dt.date(2026, 1, 1),
        prohibited_categories=frozenset(),
        cash=CashPolicy(mode="allowed"),
        cash_receipt_days=14,
        surplus=None,
        contribution_arrears_weeks=4,
        no_spend_weeks=8,
        line_overspend_percent=Decimal(10),
        duplicate_payment_days=3,
        minimum_wage_rates=(RATES,),
    )
    facts = AccountFacts(
        account_id="1",
        as_of=ON,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 7, 1),
        balance_pence=0,
        balance_on=ON,
        weekly_payment_pence=0,
        pa_pay=(PaPayFacts("1", "Jo", ON, age, hours, gross, apprentice),),
    )
    finding = PaBelowMinimumWage().evaluate(facts, thresholds)
    return finding.amount_pence or 0 if finding else 0


class TestCheckPay:
    def test_a_period_below_and_one_at_the_minimum(self) -> None:
        low = check_pay(hours=Decimal("80"), gross_pay_pence=80000, age=30, apprentice_first_year=False, rates=RATES)
        assert (low.minimum_pence, low.shortfall_pence, low.rate_name) == (101680, 21680, "National Living Wage")
        assert low.below_minimum
        fair = check_pay(hours=Decimal("80"), gross_pay_pence=101680, age=30, apprentice_first_year=False, rates=RATES)
        assert not fair.below_minimum

    @settings(max_examples=200, deadline=None)
    @given(
        hours=st.decimals(min_value=Decimal("0.01"), max_value=Decimal(400), places=2),
        gross=st.integers(min_value=0, max_value=700_000),
        age=st.integers(min_value=16, max_value=80),
        apprentice=st.booleans(),
    )
    def test_agrees_with_the_monitoring_rule(self, hours: Decimal, gross: int, age: int, apprentice: bool) -> None:
        mine = check_pay(hours=hours, gross_pay_pence=gross, age=age, apprentice_first_year=apprentice, rates=RATES)
        assert mine.shortfall_pence == rule_shortfall(hours, gross, age, apprentice)
