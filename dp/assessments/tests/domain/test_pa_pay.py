"""The PA pay check against the minimum wage (PA-WAGE-01..05; CALCULATE.md `pa-pay-check`)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dp.assessments.domain.national_figures import MinimumWageRates, load_national_figure_tables, minimum_wage_for
from dp.assessments.domain.pa_pay import PaPayRequest, check_pa_pay, minimum_hourly_rate
from dp.core.domain.breakdown import BreakdownLine
from dp.core.errors import PolicyMissing, ValidationFailed

TABLES = load_national_figure_tables()
D = dt.date


def check(worked_on: dt.date, age: int, rate: int, apprentice: bool = False):
    request = PaPayRequest(worked_on=worked_on, age=age, hourly_rate_pence=rate, apprentice_first_year=apprentice)
    return check_pa_pay(request, minimum_wage_for(worked_on, TABLES))


class TestRates:
    @pytest.mark.parametrize(
        ("worked_on", "age", "apprentice", "minimum", "name"),
        [
            (D(2025, 6, 1), 21, False, 1221, "National Living Wage"),
            (D(2025, 6, 1), 67, False, 1221, "National Living Wage"),
            (D(2025, 6, 1), 20, False, 1000, "National Minimum Wage (18 to 20)"),
            (D(2025, 6, 1), 18, False, 1000, "National Minimum Wage (18 to 20)"),
            (D(2025, 6, 1), 17, False, 755, "National Minimum Wage (under 18)"),
            (D(2025, 6, 1), 16, False, 755, "National Minimum Wage (under 18)"),
            (D(2025, 6, 1), 30, True, 755, "Apprentice rate"),
            (D(2026, 4, 1), 21, False, 1271, "National Living Wage"),
            (D(2026, 4, 1), 19, False, 1085, "National Minimum Wage (18 to 20)"),
            (D(2026, 4, 1), 17, False, 800, "National Minimum Wage (under 18)"),
            (D(2026, 4, 1), 19, True, 800, "Apprentice rate"),
            (D(2025, 3, 31), 21, False, 1144, "National Living Wage"),  # the day before the 2025 rise
            (D(2025, 3, 31), 20, False, 860, "National Minimum Wage (18 to 20)"),
            (D(2024, 4, 1), 16, False, 640, "National Minimum Wage (under 18)"),
            (D(2024, 4, 1), 25, True, 640, "Apprentice rate"),
        ],
    )
    def test_rate_by_age_and_date(
        self, worked_on: dt.date, age: int, apprentice: bool, minimum: int, name: str
    ) -> None:
        result = check(worked_on, age, minimum, apprentice)
        assert (result.minimum_hourly_rate_pence, result.rate_name) == (minimum, name)
        assert result.compliant is True
        assert result.shortfall_per_hour_pence == 0

    def test_national_living_wage_age_comes_from_the_table(self) -> None:
        rates = MinimumWageRates(
            rates_year="2020/21",
            effective_from=D(2020, 4, 1),
            national_living_wage_from_age=25,
            national_living_wage_pence=872,
            age_18_to_20_pence=655,
        )
        assert minimum_hourly_rate(24, apprentice_first_year=False, rates=rates).name.startswith("National Minimum")
        assert minimum_hourly_rate(25, apprentice_first_year=False, rates=rates).hourly_pence == 872

    def test_missing_rate_is_named(self) -> None:
        rates = MinimumWageRates(rates_year="2025/26", effective_from=D(2025, 4, 1), national_living_wage_from_age=21)
        with pytest.raises(PolicyMissing) as exc:
            minimum_hourly_rate(17, apprentice_first_year=False, rates=rates)
        assert exc.value.field == "under_18_pence"


class TestCompliance:
    def test_one_penny_short(self) -> None:
        result = check(D(2025, 6, 1), 30, 1220)
        assert result.compliant is False
        assert result.shortfall_per_hour_pence == 1
        assert BreakdownLine.money("Shortfall per hour", 1) in result.breakdown

    def test_paid_well_above(self) -> None:
        result = check(D(2025, 6, 1), 30, 1500)
        assert result.compliant is True
        assert result.shortfall_per_hour_pence == 0

    def test_the_2025_rate_fails_from_april_2026(self) -> None:
        assert check(D(2026, 3, 31), 40, 1221).compliant is True
        result = check(D(2026, 4, 1), 40, 1221)
        assert result.compliant is False
        assert result.shortfall_per_hour_pence == 50

    def test_breakdown(self) -> None:
        result = check(D(2025, 6, 1), 19, 950)
        assert result.rates_year == "2025/26"
        assert result.breakdown == [
            BreakdownLine.text("Day worked", "1 June 2025"),
            BreakdownLine.text("Rates in force", "from 1 April 2025 (2025/26)"),
            BreakdownLine.text("Rate that applies", "National Minimum Wage (18 to 20), for a worker aged 19"),
            BreakdownLine.money("National Minimum Wage (18 to 20) per hour", 1000),
            BreakdownLine.money("Hourly rate paid", 950),
            BreakdownLine.money("Shortfall per hour", 50),
            BreakdownLine.text(
                "Result", "the pay is £0.50 an hour below the minimum wage, which the employer must pay"
            ),
        ]

    def test_apprentice_breakdown_names_the_apprenticeship(self) -> None:
        result = check(D(2025, 6, 1), 30, 755, apprentice=True)
        assert (
            BreakdownLine.text("Rate that applies", "Apprentice rate, for a first-year apprentice") in result.breakdown
        )
        assert result.breakdown[-1] == BreakdownLine.text("Result", "the pay meets the minimum wage")

    @given(st.integers(16, 90), st.booleans(), st.integers(0, 5000))
    def test_shortfall_and_compliance_agree(self, age: int, apprentice: bool, rate: int) -> None:
        result = check(D(2025, 9, 1), age, rate, apprentice)
        assert result.shortfall_per_hour_pence == max(0, result.minimum_hourly_rate_pence - rate)
        assert result.compliant is (result.shortfall_per_hour_pence == 0)


class TestValidation:
    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"age": 15}, "age"),
            ({"age": 121}, "age"),
            ({"age": 20.5}, "age"),
            ({"hourly_rate_pence": -1}, "hourly_rate_pence"),
            ({"hourly_rate_pence": 12.21}, "hourly_rate_pence"),
            ({"apprentice_first_year": "no"}, "apprentice_first_year"),
            ({"worked_on": "2025-06-01"}, "worked_on"),
        ],
    )
    def test_request(self, values: dict[str, object], field: str) -> None:
        arguments: dict[str, object] = {"worked_on": D(2025, 6, 1), "age": 30, "hourly_rate_pence": 1300, **values}
        with pytest.raises(ValidationFailed) as exc:
            PaPayRequest(**arguments)  # type: ignore[arg-type]
        assert exc.value.field == field

    def test_rates_must_be_in_force(self) -> None:
        request = PaPayRequest(worked_on=D(2025, 3, 31), age=30, hourly_rate_pence=1300)
        with pytest.raises(ValueError, match="not in force"):
            check_pa_pay(request, minimum_wage_for(D(2025, 4, 1), TABLES))
