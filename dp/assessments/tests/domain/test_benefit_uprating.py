"""Benefit income moved to the new year's national rates in the annual uprating (RULES.md §7)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.assessments.domain.benefit_uprating import (
    BenefitRates,
    IncomeChange,
    IncomeUprating,
    IncomeUpratings,
    benefit_rates_from_json,
    benefit_rates_to_json,
    describe_changes,
    income_uprating,
    load_benefit_rates,
    parse_benefit_rates,
    uprate_income,
)
from dp.assessments.domain.charging import INCOME_TYPES
from dp.core.errors import ValidationFailed

SHIPPED = load_benefit_rates()


def test_shipped_rates_are_the_verified_rules_md_figures() -> None:
    assert SHIPPED["2025/26"].rates["attendance_allowance"] == (11_040, 7_390)
    assert SHIPPED["2026/27"].rates["attendance_allowance"] == (11_460, 7_670)
    assert SHIPPED["2026/27"].rates["pip_mobility"] == (8_000, 3_030)
    assert SHIPPED["2024/25"].rates["state_pension"] == (22_120,)
    # Pension Credit is a top-up, never a national single amount: not uprated by rate.
    assert all("pension_credit" not in year.rates for year in SHIPPED.values())


def test_rates_pair_by_position_between_years() -> None:
    uprating = income_uprating(SHIPPED["2025/26"], SHIPPED["2026/27"])
    assert uprating.changes["attendance_allowance"] == {11_040: 11_460, 7_390: 7_670}
    assert uprating.changes["state_pension"] == {23_025: 24_130}


def test_only_exact_national_rates_move() -> None:
    uprating = income_uprating(SHIPPED["2025/26"], SHIPPED["2026/27"])
    income = (
        ("attendance_allowance", 11_040),  # higher rate
        ("state_pension", 19_000),  # a part pension: not a national rate
        ("private_pension", 11_040),  # same amount, but not a benefit the tables know
        ("earnings", 5_000),
    )
    uprated, changes = uprate_income(income, uprating)
    assert uprated == (
        ("attendance_allowance", 11_460),
        ("state_pension", 19_000),
        ("private_pension", 11_040),
        ("earnings", 5_000),
    )
    assert changes == (
        IncomeChange("attendance_allowance", 11_040, 11_460),
        IncomeChange("state_pension", 19_000, None),
    )
    assert describe_changes([c.as_dict() for c in changes]) == [
        "Attendance Allowance £110.40 → £114.60",
        "State Pension £190.00 left as recorded: not a national rate",
    ]


def test_a_rate_not_verified_for_either_year_is_never_guessed() -> None:
    old = BenefitRates("2025/26", {"attendance_allowance": (11_040, 7_390)})
    new = BenefitRates("2026/27", {"attendance_allowance": (None, 7_670)})
    uprating = income_uprating(old, new)
    assert uprating.changes == {"attendance_allowance": {7_390: 7_670}}
    uprated, changes = uprate_income((("attendance_allowance", 11_040),), uprating)
    assert uprated == (("attendance_allowance", 11_040),)
    assert changes == (IncomeChange("attendance_allowance", 11_040, None),)


def test_no_table_for_a_year_changes_nothing() -> None:
    uprating = income_uprating(SHIPPED["2026/27"], None)
    assert uprating.changes == {}
    assert uprate_income((("attendance_allowance", 11_460),), uprating) == ((("attendance_allowance", 11_460),), ())


def test_an_assessment_from_two_years_ago_moves_to_this_years_rate() -> None:
    upratings = IncomeUpratings(SHIPPED, "2026/27")
    uprated, _ = uprate_income((("pip_daily_living", 10_855),), upratings.from_year("2024/25"))
    assert uprated == (("pip_daily_living", 11_460),)
    # Already at this year's figures: nothing to do.
    assert upratings.from_year("2026/27").changes == {}


def test_rates_listed_differently_between_years_are_refused() -> None:
    old = BenefitRates("2025/26", {"attendance_allowance": (11_040, 7_390)})
    new = BenefitRates("2026/27", {"attendance_allowance": (11_460,)})
    with pytest.raises(ValidationFailed, match="same order every year"):
        income_uprating(old, new)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"benefit_rates": [{"rates_year": "2025/26", "bingo": [1]}]}, "benefit_rates[0].bingo"),
        ({"benefit_rates": [{"rates_year": "2025/26", "state_pension": [-1]}]}, "benefit_rates[0].state_pension[0]"),
        ({"benefit_rates": [{"rates_year": "2025/26", "state_pension": [10.5]}]}, "benefit_rates[0].state_pension[0]"),
        ({"benefit_rates": [{"rates_year": "2025/26", "state_pension": 100}]}, "benefit_rates[0]"),
        ({"benefit_rates": [{"state_pension": [1]}]}, "benefit_rates[0]"),
    ],
)
def test_bad_files_are_refused_naming_the_field(data: object, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_benefit_rates(data)
    assert caught.value.field == field


def test_a_year_listed_twice_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="listed twice"):
        parse_benefit_rates({"benefit_rates": [{"rates_year": "2025/26"}, {"rates_year": "2025/26"}]})


def test_the_snapshot_round_trips() -> None:
    assert benefit_rates_from_json(benefit_rates_to_json(SHIPPED)) == {
        year: BenefitRates(year, rates.rates) for year, rates in SHIPPED.items()
    }
    uprating = income_uprating(SHIPPED["2025/26"], SHIPPED["2026/27"])
    assert IncomeUprating.from_json(uprating.to_json()) == uprating


@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(INCOME_TYPES)), st.integers(min_value=0, max_value=10_000_000)), max_size=8
    )
)
def test_uprating_keeps_every_line_and_never_lowers_a_benefit(income: list[tuple[str, int]]) -> None:
    """National rates only ever rise in these tables, so no one's income falls by uprating."""
    uprated, changes = uprate_income(income, income_uprating(SHIPPED["2025/26"], SHIPPED["2026/27"]))
    assert [t for t, _ in uprated] == [t for t, _ in income]
    assert all(new >= old for (_, old), (_, new) in zip(income, uprated, strict=True))
    assert all(c.new_pence is None or c.new_pence > c.old_pence for c in changes)
