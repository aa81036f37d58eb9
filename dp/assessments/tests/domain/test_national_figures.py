"""National figures: the shipped YAML holds exactly the [V] figures of RULES.md, and the table in
force is chosen by date."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from dp.assessments.domain.national_figures import (
    CHARGING_FIGURE_LABELS,
    DEFAULT_DATA_PATH,
    MINIMUM_WAGE_FIGURE_LABELS,
    MinimumWageRates,
    NationalFigures,
    NationalFigureTables,
    figures_for,
    load_national_figure_tables,
    minimum_wage_for,
    parse_national_figure_tables,
    rates_year_label,
    rates_year_of,
    with_entered_figures,
)
from dp.core.errors import PolicyMissing, ValidationFailed

TABLES = load_national_figure_tables()
BY_YEAR = {figures.rates_year: figures for figures in TABLES.charging}
WAGES_BY_YEAR = {rates.rates_year: rates for rates in TABLES.minimum_wage}

# Every figure RULES.md marks [V], by rates year (§2.2, §2.3).
VERIFIED_CHARGING = {
    "2021/22": {
        "capital_upper_limit_pence": 2_325_000,
        "capital_lower_limit_pence": 1_425_000,
        "mig_single_18_to_24_pence": 7240,
        "mig_single_25_to_pension_credit_age_pence": 9140,
        "mig_single_pension_credit_age_pence": 18900,
        "mig_lone_parent_pence": 9140,
        "mig_couple_per_member_pence": 7180,
        "mig_couple_pension_credit_age_per_member_pence": 14430,
        "disability_premium_single_pence": 4035,
        "disability_premium_couple_per_member_pence": 2875,
        "enhanced_disability_premium_single_pence": 1970,
        "dependent_child_pence": 8365,
    },
    "2022/23": {
        "capital_upper_limit_pence": 2_325_000,
        "capital_lower_limit_pence": 1_425_000,
    },
    "2023/24": {
        "capital_upper_limit_pence": 2_325_000,
        "capital_lower_limit_pence": 1_425_000,
        "mig_single_18_to_24_pence": 8215,
        "mig_single_25_to_pension_credit_age_pence": 10365,
        "mig_single_pension_credit_age_pence": 21435,
        "carer_premium_pence": 4905,
        "dependent_child_pence": 9490,
        "personal_expenses_allowance_pence": 2825,
    },
    "2024/25": {
        "capital_upper_limit_pence": 2_325_000,
        "capital_lower_limit_pence": 1_425_000,
        "mig_single_pension_credit_age_pence": 22870,
        "carer_premium_pence": 5235,
        "dependent_child_pence": 10125,
        "personal_expenses_allowance_pence": 3015,
    },
    "2025/26": {
        "capital_upper_limit_pence": 2_325_000,
        "capital_lower_limit_pence": 1_425_000,
        "mig_single_18_to_24_pence": 8915,
        "mig_single_25_to_pension_credit_age_pence": 11250,
        "disability_premium_single_pence": 4965,
        "enhanced_disability_premium_single_pence": 2425,
        "personal_expenses_allowance_pence": 3065,
    },
    "2026/27": {},
}

VERIFIED_WAGES = {
    "2024/25": (dt.date(2024, 4, 1), 1144, 860, 640, 640, None),
    "2025/26": (dt.date(2025, 4, 1), 1221, 1000, 755, 755, 1066),
    "2026/27": (dt.date(2026, 4, 1), 1271, 1085, 800, 800, 1110),
}


def _charging(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {"rates_year": "2025/26", "effective_from": dt.date(2025, 4, 6)}
    entry.update(changes)
    return entry


def _wage(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "rates_year": "2025/26",
        "effective_from": dt.date(2025, 4, 1),
        "national_living_wage_from_age": 21,
    }
    entry.update(changes)
    return entry


class TestShippedFigures:
    """The YAML holds every [V] figure and nothing else."""

    def test_years_are_listed_in_order(self) -> None:
        assert list(BY_YEAR) == ["2021/22", "2022/23", "2023/24", "2024/25", "2025/26", "2026/27"]
        assert list(WAGES_BY_YEAR) == ["2024/25", "2025/26", "2026/27"]

    @pytest.mark.parametrize("rates_year", VERIFIED_CHARGING)
    def test_each_charging_figure_is_verified_or_null(self, rates_year: str) -> None:
        figures = BY_YEAR[rates_year]
        expected = VERIFIED_CHARGING[rates_year]
        for name in CHARGING_FIGURE_LABELS:
            assert getattr(figures, name) == expected.get(name), name

    def test_derived_figures_are_not_shipped(self) -> None:
        # RULES.md §2.3 [D]: 2025/26 pension-credit-age single £232.60, carer £53.25, child £102.95.
        figures = BY_YEAR["2025/26"]
        assert figures.mig_single_pension_credit_age_pence is None
        assert figures.carer_premium_pence is None
        assert figures.dependent_child_pence is None
        assert BY_YEAR["2024/25"].mig_single_25_to_pension_credit_age_pence is None  # [D] £110.60

    def test_2026_27_charging_figures_are_all_missing(self) -> None:
        figures = BY_YEAR["2026/27"]
        assert figures.missing() == list(CHARGING_FIGURE_LABELS)

    def test_2025_26_takes_effect_on_6_april(self) -> None:
        assert BY_YEAR["2025/26"].effective_from == dt.date(2025, 4, 6)
        assert BY_YEAR["2024/25"].effective_from == dt.date(2024, 4, 1)

    @pytest.mark.parametrize("rates_year", VERIFIED_WAGES)
    def test_minimum_wage_rates(self, rates_year: str) -> None:
        rates = WAGES_BY_YEAR[rates_year]
        effective, nlw, age_18_20, under_18, apprentice, offset = VERIFIED_WAGES[rates_year]
        assert rates.effective_from == effective
        assert rates.national_living_wage_from_age == 21
        assert (rates.national_living_wage_pence, rates.age_18_to_20_pence) == (nlw, age_18_20)
        assert (rates.under_18_pence, rates.apprentice_pence) == (under_18, apprentice)
        assert rates.accommodation_offset_daily_pence == offset

    def test_every_year_names_its_sources_except_the_unknown_one(self) -> None:
        assert all(f.sources for f in TABLES.charging if f.rates_year != "2026/27")
        assert all(r.sources for r in TABLES.minimum_wage)

    def test_the_yaml_lists_every_figure_explicitly(self) -> None:
        data = yaml.safe_load(DEFAULT_DATA_PATH.read_text(encoding="utf-8"))
        for entry in data["charging"]:
            assert set(CHARGING_FIGURE_LABELS) <= set(entry), entry["rates_year"]


class TestRatesYear:
    @pytest.mark.parametrize(
        ("on", "label"),
        [
            (dt.date(2025, 3, 31), "2024/25"),
            (dt.date(2025, 4, 1), "2025/26"),
            (dt.date(2026, 1, 1), "2025/26"),
            (dt.date(1999, 4, 1), "1999/00"),
        ],
    )
    def test_rates_year_of(self, on: dt.date, label: str) -> None:
        assert rates_year_of(on) == label

    def test_rates_year_label(self) -> None:
        assert rates_year_label(2025) == "2025/26"
        assert rates_year_label(2099) == "2099/00"


class TestFiguresFor:
    @pytest.mark.parametrize(
        ("on", "rates_year"),
        [
            (dt.date(2021, 4, 1), "2021/22"),
            (dt.date(2022, 3, 31), "2021/22"),
            (dt.date(2024, 4, 1), "2024/25"),
            (dt.date(2025, 4, 1), "2024/25"),
            (dt.date(2025, 4, 5), "2024/25"),
            (dt.date(2025, 4, 6), "2025/26"),
            (dt.date(2026, 3, 31), "2025/26"),
            (dt.date(2026, 4, 1), "2026/27"),
            (dt.date(2027, 3, 31), "2026/27"),
        ],
    )
    def test_chooses_the_year_in_force(self, on: dt.date, rates_year: str) -> None:
        assert figures_for(on, TABLES).rates_year == rates_year

    @pytest.mark.parametrize("on", [dt.date(2021, 3, 31), dt.date(2027, 4, 1), dt.date(2030, 1, 1)])
    def test_no_figures_outside_the_tables(self, on: dt.date) -> None:
        with pytest.raises(PolicyMissing) as exc:
            figures_for(on, TABLES)
        assert rates_year_of(on) in exc.value.message

    def test_last_year_starting_on_29_february_runs_a_year(self) -> None:
        leap = NationalFigures(rates_year="2027/28", effective_from=dt.date(2028, 2, 29))
        tables = NationalFigureTables(charging=(leap,), minimum_wage=())
        assert figures_for(dt.date(2029, 2, 28), tables) is leap
        with pytest.raises(PolicyMissing):
            figures_for(dt.date(2029, 3, 1), tables)

    @pytest.mark.parametrize(
        ("on", "rates_year"),
        [(dt.date(2024, 4, 1), "2024/25"), (dt.date(2025, 3, 31), "2024/25"), (dt.date(2025, 4, 1), "2025/26")],
    )
    def test_minimum_wage_for(self, on: dt.date, rates_year: str) -> None:
        assert minimum_wage_for(on, TABLES).rates_year == rates_year

    def test_no_minimum_wage_before_the_tables(self) -> None:
        with pytest.raises(PolicyMissing):
            minimum_wage_for(dt.date(2024, 3, 31), TABLES)


class TestRequire:
    def test_returns_an_entered_figure(self) -> None:
        assert BY_YEAR["2025/26"].require("mig_single_18_to_24_pence") == 8915

    def test_names_a_missing_figure(self) -> None:
        with pytest.raises(PolicyMissing) as exc:
            BY_YEAR["2025/26"].require("carer_premium_pence")
        assert exc.value.field == "carer_premium_pence"
        assert "carer premium" in exc.value.message
        assert "2025/26" in exc.value.message

    def test_minimum_wage_require(self) -> None:
        rates = WAGES_BY_YEAR["2024/25"]
        assert rates.require("under_18_pence") == 640
        with pytest.raises(PolicyMissing) as exc:
            rates.require("accommodation_offset_daily_pence")
        assert exc.value.field == "accommodation_offset_daily_pence"
        assert "1 April 2024" in exc.value.message


class TestEnteredFigures:
    def test_fills_missing_figures(self) -> None:
        figures = with_entered_figures(BY_YEAR["2025/26"], {"carer_premium_pence": 5325, "dependent_child_pence": None})
        assert figures.carer_premium_pence == 5325
        assert figures.dependent_child_pence is None

    def test_same_value_as_shipped_is_accepted(self) -> None:
        figures = with_entered_figures(BY_YEAR["2025/26"], {"mig_single_18_to_24_pence": 8915})
        assert figures == BY_YEAR["2025/26"]

    def test_cannot_change_a_verified_figure(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            with_entered_figures(BY_YEAR["2025/26"], {"mig_single_18_to_24_pence": 9000})
        assert exc.value.field == "mig_single_18_to_24_pence"
        assert "£89.15" in exc.value.message

    def test_unknown_figure(self) -> None:
        with pytest.raises(ValidationFailed):
            with_entered_figures(BY_YEAR["2025/26"], {"mig_martian_pence": 1})

    def test_entered_figures_are_validated(self) -> None:
        with pytest.raises(ValidationFailed):
            with_entered_figures(BY_YEAR["2025/26"], {"carer_premium_pence": -1})


class TestParsing:
    def test_loads_from_a_path(self, tmp_path: Path) -> None:
        path = tmp_path / "figures.yaml"
        path.write_text(
            "charging:\n  - rates_year: '2025/26'\n    effective_from: 2025-04-06\n"
            "    capital_upper_limit_pence: 2325000\n"
            "minimum_wage: []\n",
            encoding="utf-8",
        )
        tables = load_national_figure_tables(path)
        assert tables.charging[0].capital_upper_limit_pence == 2_325_000
        assert tables.charging[0].sources == ()
        assert tables.minimum_wage == ()

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"charging": []}, None),
            ([], None),
            ({"charging": {}, "minimum_wage": []}, "charging"),
            ({"charging": ["x"], "minimum_wage": []}, "charging[0]"),
            ({"charging": [_charging(mig_martian_pence=1)], "minimum_wage": []}, "charging[0].mig_martian_pence"),
            ({"charging": [_charging(rates_year="2025/2026")], "minimum_wage": []}, "charging[0].rates_year"),
            ({"charging": [_charging(rates_year="2025/27")], "minimum_wage": []}, "charging[0].rates_year"),
            ({"charging": [_charging(rates_year=2025)], "minimum_wage": []}, "charging[0].rates_year"),
            (
                {"charging": [_charging(effective_from=dt.date(2025, 3, 31))], "minimum_wage": []},
                "charging[0].effective_from",
            ),
            ({"charging": [_charging(effective_from="2025-04-06")], "minimum_wage": []}, "charging[0].effective_from"),
            (
                {"charging": [_charging(carer_premium_pence=53.25)], "minimum_wage": []},
                "charging[0].carer_premium_pence",
            ),
            ({"charging": [_charging(carer_premium_pence=-1)], "minimum_wage": []}, "charging[0].carer_premium_pence"),
            (
                {"charging": [_charging(carer_premium_pence=True)], "minimum_wage": []},
                "charging[0].carer_premium_pence",
            ),
            (
                {
                    "charging": [_charging(capital_lower_limit_pence=3, capital_upper_limit_pence=2)],
                    "minimum_wage": [],
                },
                "charging[0].capital_lower_limit_pence",
            ),
            ({"charging": [{"rates_year": "2025/26"}], "minimum_wage": []}, "charging[0]"),
            (
                {"charging": [], "minimum_wage": [_wage(national_living_wage_from_age=18)]},
                "minimum_wage[0].national_living_wage_from_age",
            ),
            (
                {"charging": [], "minimum_wage": [_wage(national_living_wage_from_age="21")]},
                "minimum_wage[0].national_living_wage_from_age",
            ),
            (
                {"charging": [], "minimum_wage": [_wage(under_18_pence=7.55)]},
                "minimum_wage[0].under_18_pence",
            ),
        ],
    )
    def test_refuses_bad_data(self, data: object, field: str | None) -> None:
        with pytest.raises(ValidationFailed) as exc:
            parse_national_figure_tables(data)
        assert exc.value.field == field

    def test_years_must_be_in_date_order(self) -> None:
        later = _charging()
        earlier = _charging(rates_year="2024/25", effective_from=dt.date(2024, 4, 1))
        with pytest.raises(ValidationFailed) as exc:
            parse_national_figure_tables({"charging": [later, earlier], "minimum_wage": []})
        assert exc.value.field == "charging[1].effective_from"

    def test_a_year_cannot_be_listed_twice(self) -> None:
        with pytest.raises(ValidationFailed):
            parse_national_figure_tables({"charging": [_charging(), _charging()], "minimum_wage": []})

    def test_minimum_wage_years_in_order(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            parse_national_figure_tables({"charging": [], "minimum_wage": [_wage(), _wage()]})
        assert exc.value.field == "minimum_wage[1].effective_from"

    def test_dataclasses_are_frozen(self) -> None:
        figures = BY_YEAR["2025/26"]
        with pytest.raises(AttributeError):
            figures.carer_premium_pence = 1  # type: ignore[misc]
        assert replace(figures, carer_premium_pence=1).carer_premium_pence == 1

    def test_labels_cover_every_figure(self) -> None:
        money_fields = {name for name in MinimumWageRates.__dataclass_fields__ if name.endswith("_pence")}
        assert money_fields == set(MINIMUM_WAGE_FIGURE_LABELS)
        money_fields = {name for name in NationalFigures.__dataclass_fields__ if name.endswith("_pence")}
        assert money_fields == set(CHARGING_FIGURE_LABELS)
