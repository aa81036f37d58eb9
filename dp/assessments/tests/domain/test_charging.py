"""The non-residential financial assessment (RULES.md §2), rule by rule, with boundaries,
worked examples and property tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dp.assessments.domain.charging import (
    DISREGARDED_BY_LAW,
    INCOME_TYPES,
    ChargingPolicy,
    ContributionRequest,
    ContributionResult,
    Disregard,
    IncomeItem,
    calculate_contribution,
    capital_limits,
    is_full_cost,
    national_minimum_income_guarantee,
    tariff_income_weekly_pence,
)
from dp.assessments.domain.national_figures import (
    NationalFigures,
    figures_for,
    load_national_figure_tables,
    with_entered_figures,
)
from dp.core.domain.breakdown import BreakdownLine
from dp.core.errors import PolicyMissing, ValidationFailed

TABLES = load_national_figure_tables()
ON = dt.date(2025, 6, 2)
SHIPPED_2025 = figures_for(ON, TABLES)

# 2025/26 with the figures RULES.md marks [D] entered as an administrator would, and couple amounts
# that RULES.md did not find at all. The couple amounts are TEST VALUES, not real figures.
COMPLETE_2025 = with_entered_figures(
    SHIPPED_2025,
    {
        "mig_single_pension_credit_age_pence": 23260,  # [D]
        "mig_lone_parent_pence": 11250,  # [D]
        "carer_premium_pence": 5325,  # [D]
        "dependent_child_pence": 10295,  # [D]
        "mig_couple_per_member_pence": 8800,  # test value
        "mig_couple_pension_credit_age_per_member_pence": 17700,  # test value
        "disability_premium_couple_per_member_pence": 3550,  # test value
        "enhanced_disability_premium_couple_per_member_pence": 1750,  # test value
    },
)

LCL = 1_425_000
UCL = 2_325_000


def request(**changes: object) -> ContributionRequest:
    """A single person of 40 with no income, capital or costs; cost of care £300 a week."""
    values: dict[str, object] = {"assessed_on": ON, "age": 40, "cost_of_care_weekly_pence": 30000}
    values.update(changes)
    return ContributionRequest(**values)  # type: ignore[arg-type]


def contribution(figures: NationalFigures = COMPLETE_2025, policy: ChargingPolicy | None = None, **changes: object):
    return calculate_contribution(request(**changes), figures, policy or ChargingPolicy())


def labels(result: ContributionResult) -> list[str]:
    return [line.label for line in result.breakdown]


def amount(result: ContributionResult, label_start: str) -> int | None:
    for line in result.breakdown:
        if line.label.startswith(label_start):
            return line.amount_pence
    raise AssertionError(f"no line starting {label_start!r}")


class TestTariffIncome:
    """CH-CAP-05: £1 a week for every £250, or part of £250, above the lower limit."""

    @pytest.mark.parametrize(
        ("capital", "tariff"),
        [
            (0, 0),
            (LCL - 1, 0),
            (LCL, 0),  # exactly £14,250
            (LCL + 1, 100),  # £14,250.01
            (LCL + 25_000, 100),  # £14,500
            (LCL + 25_001, 200),  # £14,500.01
            (1_600_000, 700),  # £16,000: £1,750 above = 7 x £250
            (UCL - 1, 3600),
            (UCL, 3600),  # exactly £23,250: £36 (CH-CAP-03)
        ],
    )
    def test_tariff(self, capital: int, tariff: int) -> None:
        assert tariff_income_weekly_pence(capital, lower_limit_pence=LCL) == tariff

    @pytest.mark.parametrize(
        ("capital", "full_cost"),
        [(UCL - 1, False), (UCL, False), (UCL + 1, True), (10_000_000, True)],
    )
    def test_full_cost_boundary(self, capital: int, full_cost: bool) -> None:
        assert is_full_cost(capital, upper_limit_pence=UCL) is full_cost


class TestCapitalInTheAssessment:
    @pytest.mark.parametrize(
        ("capital", "tariff"),
        [(LCL, 0), (LCL + 1, 100), (UCL - 1, 3600), (UCL, 3600)],
    )
    def test_means_tested_up_to_and_including_the_upper_limit(self, capital: int, tariff: int) -> None:
        result = contribution(capital_pence=capital)
        assert result.full_cost is False
        assert result.tariff_income_weekly_pence == tariff
        assert result.assessable_income_weekly_pence == tariff

    def test_one_penny_above_the_upper_limit_is_full_cost(self) -> None:
        result = contribution(capital_pence=UCL + 1, income=[IncomeItem("state_pension", 23025)])
        assert result.full_cost is True
        assert result.weekly_contribution_pence == 30000
        assert result.tariff_income_weekly_pence is None
        assert result.minimum_income_guarantee_weekly_pence is None
        assert result.assessable_income_weekly_pence is None
        assert result.disposable_income_weekly_pence is None
        assert result.breakdown[-1] == BreakdownLine.money("Your weekly contribution (the full cost)", 30000)
        assert "Capital above the upper limit" in labels(result)

    def test_full_cost_needs_no_income_figures(self) -> None:
        only_capital = NationalFigures(
            rates_year="2026/27",
            effective_from=dt.date(2026, 4, 1),
            capital_lower_limit_pence=LCL,
            capital_upper_limit_pence=UCL,
        )
        result = calculate_contribution(
            request(assessed_on=dt.date(2026, 5, 1), capital_pence=5_000_000), only_capital, ChargingPolicy()
        )
        assert result.full_cost is True
        assert result.rates_year == "2026/27"

    def test_full_cost_is_not_waived_by_a_minimum_charge(self) -> None:
        # CALCULATE.md: a full-cost payer's contribution "is then the cost of care".
        result = contribution(
            capital_pence=UCL + 1, cost_of_care_weekly_pence=100, policy=ChargingPolicy(minimum_charge_weekly_pence=125)
        )
        assert result.weekly_contribution_pence == 100

    def test_no_capital_needs_no_capital_limits(self) -> None:
        figures = replace(COMPLETE_2025, capital_lower_limit_pence=None, capital_upper_limit_pence=None)
        result = calculate_contribution(request(capital_pence=0), figures, ChargingPolicy())
        assert result.tariff_income_weekly_pence == 0
        assert "Lower capital limit" not in labels(result)
        assert "Tariff income from capital (there is no capital)" in labels(result)

    def test_capital_without_limits_names_the_missing_figure(self) -> None:
        figures = replace(COMPLETE_2025, capital_lower_limit_pence=None, capital_upper_limit_pence=None)
        with pytest.raises(PolicyMissing) as exc:
            calculate_contribution(request(capital_pence=1), figures, ChargingPolicy())
        assert exc.value.field == "capital_lower_limit_pence"

    def test_council_may_set_higher_limits(self) -> None:
        policy = ChargingPolicy(capital_lower_limit_pence=2_000_000, capital_upper_limit_pence=3_000_000)
        result = contribution(capital_pence=2_500_000, policy=policy)
        assert result.full_cost is False
        assert result.tariff_income_weekly_pence == 2000  # £5,000 above £20,000 = 20 x £250
        assert amount(result, "Upper capital limit") == 3_000_000

    @pytest.mark.parametrize(
        ("policy_values", "field"),
        [
            ({"capital_upper_limit_pence": UCL - 1}, "policy.capital_upper_limit_pence"),
            ({"capital_lower_limit_pence": LCL - 1}, "policy.capital_lower_limit_pence"),
            ({"capital_lower_limit_pence": UCL + 2}, "policy.capital_lower_limit_pence"),
        ],
    )
    def test_council_may_not_set_lower_limits(self, policy_values: dict[str, int], field: str) -> None:
        with pytest.raises(ValidationFailed) as exc:
            contribution(capital_pence=1, policy=ChargingPolicy(**policy_values))  # type: ignore[arg-type]
        assert exc.value.field == field

    def test_council_limits_are_used_when_national_ones_are_missing(self) -> None:
        figures = replace(COMPLETE_2025, capital_lower_limit_pence=None, capital_upper_limit_pence=None)
        policy = ChargingPolicy(capital_lower_limit_pence=1_000_000, capital_upper_limit_pence=1_100_000)
        assert capital_limits(figures, policy) == (1_000_000, 1_100_000)
        assert calculate_contribution(request(capital_pence=1_100_001), figures, policy).full_cost is True


class TestIncome:
    """CH-INC-01/02: mobility components and earnings are disregarded; the rest counts."""

    @pytest.mark.parametrize("income_type", sorted(set(INCOME_TYPES) - set(DISREGARDED_BY_LAW)))
    def test_counted(self, income_type: str) -> None:
        result = contribution(income=[IncomeItem(income_type, 1234)])
        assert result.assessable_income_weekly_pence == 1234
        assert f"{INCOME_TYPES[income_type]} (counted)" in labels(result)

    @pytest.mark.parametrize("income_type", sorted(DISREGARDED_BY_LAW))
    def test_disregarded_by_law(self, income_type: str) -> None:
        result = contribution(income=[IncomeItem(income_type, 1234)])
        assert result.assessable_income_weekly_pence == 0
        assert any(label.startswith(f"{INCOME_TYPES[income_type]} (not counted:") for label in labels(result))

    def test_council_policy_can_disregard_a_type(self) -> None:
        policy = ChargingPolicy(disregarded_income_types=frozenset({"attendance_allowance"}))
        result = contribution(
            income=[IncomeItem("attendance_allowance", 11040), IncomeItem("state_pension", 100)], policy=policy
        )
        assert result.assessable_income_weekly_pence == 100
        assert "Attendance Allowance (not counted: the council's policy disregards this income)" in labels(result)

    def test_several_incomes_of_one_type_add_up(self) -> None:
        result = contribution(income=[IncomeItem("private_pension", 1000), IncomeItem("private_pension", 2000)])
        assert result.assessable_income_weekly_pence == 3000
        assert amount(result, "Total income counted") == 3000

    def test_further_disregards_come_off_counted_income(self) -> None:
        # CH-INC-04: AA higher rate with no night care: £110.40 - £73.90 = £36.50 disregarded.
        result = contribution(
            age=70,
            income=[IncomeItem("attendance_allowance", 11040)],
            disregards=[Disregard("No night care: difference between higher and lower rates", 3650)],
        )
        assert result.assessable_income_weekly_pence == 7390
        assert amount(result, "Less: No night care") == 3650

    def test_disregards_cannot_make_income_negative(self) -> None:
        result = contribution(
            income=[IncomeItem("esa", 1000)], disregards=[Disregard("test", 5000)], capital_pence=LCL + 1
        )
        assert result.assessable_income_weekly_pence == 100  # income £0 + tariff £1
        assert BreakdownLine.text(
            "Note", "the amounts disregarded are more than the income counted, so income is £0.00"
        ) in (result.breakdown)


class TestMinimumIncomeGuarantee:
    """Charging Regs reg 7 (RULES.md §2.3): base by age band / couple, children and premiums."""

    @pytest.mark.parametrize(
        ("changes", "expected"),
        [
            ({"age": 18}, 8915),
            ({"age": 24}, 8915),
            ({"age": 25}, 11250),
            ({"age": 65}, 11250),
            ({"age": 66}, 23260),  # pension credit age by default at 66
            ({"age": 60, "pension_credit_age": True}, 23260),
            ({"age": 70, "pension_credit_age": False}, 11250),
            ({"age": 20, "dependent_children": 1}, 11250 + 10295),  # lone parent
            ({"age": 30, "dependent_children": 2}, 11250 + 2 * 10295),
            ({"age": 70, "dependent_children": 1}, 23260 + 10295),  # pension age rate, not lone parent
            ({"age": 30, "couple": True}, 8800),
            ({"age": 30, "couple": True, "dependent_children": 1}, 8800 + 10295),
            ({"age": 70, "couple": True}, 17700),
            ({"age": 40, "premiums": ["disability"]}, 11250 + 4965),
            ({"age": 40, "premiums": ["disability", "enhanced_disability"]}, 11250 + 4965 + 2425),
            ({"age": 40, "premiums": ["carer"]}, 11250 + 5325),
            ({"age": 40, "couple": True, "premiums": ["disability", "enhanced_disability"]}, 8800 + 3550 + 1750),
            ({"age": 40, "couple": True, "premiums": ["carer"]}, 8800 + 5325),
        ],
    )
    def test_components(self, changes: dict[str, object], expected: int) -> None:
        assert national_minimum_income_guarantee(request(**changes), COMPLETE_2025).weekly_pence == expected
        assert contribution(**changes).minimum_income_guarantee_weekly_pence == expected

    def test_breakdown_names_each_component(self) -> None:
        result = contribution(age=30, dependent_children=2, premiums=["disability"])
        assert result.breakdown[
            result.breakdown.index(BreakdownLine.money("Minimum Income Guarantee, lone parent aged 18 or over", 11250))
            + 1
        ] == BreakdownLine.money("Plus 2 dependent children at £102.95 each", 20590)
        assert BreakdownLine.money("Plus disability premium (single)", 4965) in result.breakdown
        assert BreakdownLine.money("Minimum Income Guarantee (total)", 11250 + 20590 + 4965) in result.breakdown
        one_child = contribution(age=30, dependent_children=1)
        assert BreakdownLine.money("Plus 1 dependent child at £102.95 each", 10295) in one_child.breakdown

    @pytest.mark.parametrize(
        ("changes", "missing"),
        [
            ({"age": 66}, "mig_single_pension_credit_age_pence"),  # [D] in 2025/26
            ({"age": 30, "dependent_children": 1}, "mig_lone_parent_pence"),
            ({"age": 30, "couple": True}, "mig_couple_per_member_pence"),
            ({"age": 30, "premiums": ["carer"]}, "carer_premium_pence"),
        ],
    )
    def test_missing_component_is_named(self, changes: dict[str, object], missing: str) -> None:
        with pytest.raises(PolicyMissing) as exc:
            contribution(figures=SHIPPED_2025, **changes)
        assert exc.value.field == missing

    def test_shipped_2025_figures_assess_a_single_disabled_adult(self) -> None:
        result = contribution(figures=SHIPPED_2025, premiums=["disability", "enhanced_disability"])
        assert result.minimum_income_guarantee_weekly_pence == 11250 + 4965 + 2425

    def test_leeds_2024_25_pension_age_single(self) -> None:
        # RULES.md §2.3: Leeds worked example, 2024/25 single of pension credit age £228.70 [V].
        figures = figures_for(dt.date(2024, 9, 1), TABLES)
        mig = national_minimum_income_guarantee(request(assessed_on=dt.date(2024, 9, 1), age=80), figures)
        assert mig.weekly_pence == 22870

    def test_devon_2023_24_check_total(self) -> None:
        # RULES.md §2.3: Devon 2023/24, single 25+, with disability and enhanced disability premiums,
        # £171.75 [V] = £103.65 [V] + £45.75 [D] + £22.35 [D]; the premiums entered as an administrator would.
        on = dt.date(2023, 10, 2)
        figures = with_entered_figures(
            figures_for(on, TABLES),
            {"disability_premium_single_pence": 4575, "enhanced_disability_premium_single_pence": 2235},
        )
        mig = national_minimum_income_guarantee(
            request(assessed_on=on, age=45, premiums=["disability", "enhanced_disability"]), figures
        )
        assert mig.weekly_pence == 17175

    def test_knowsley_2024_25_check_total(self) -> None:
        # RULES.md §2.3: Knowsley 2024/25, single 18-24, with both disability premiums, £160.30 [V]
        # = £87.65 [D] + £48.80 [D] + £23.85 [D].
        on = dt.date(2024, 7, 1)
        figures = with_entered_figures(
            figures_for(on, TABLES),
            {
                "mig_single_18_to_24_pence": 8765,
                "disability_premium_single_pence": 4880,
                "enhanced_disability_premium_single_pence": 2385,
            },
        )
        mig = national_minimum_income_guarantee(
            request(assessed_on=on, age=22, premiums=["disability", "enhanced_disability"]), figures
        )
        assert mig.weekly_pence == 16030

    def test_2021_22_couple_of_pension_age_with_disability_premium(self) -> None:
        on = dt.date(2021, 6, 1)
        figures = figures_for(on, TABLES)
        mig = national_minimum_income_guarantee(
            request(assessed_on=on, age=70, couple=True, premiums=["disability"]), figures
        )
        assert mig.weekly_pence == 14430 + 2875


class TestLocalMinimumIncomeGuarantee:
    def test_council_amount_replaces_the_table(self) -> None:
        result = contribution(policy=ChargingPolicy(minimum_income_guarantee_weekly_pence=16425))
        assert result.minimum_income_guarantee_weekly_pence == 16425
        assert (
            BreakdownLine.money("National amount for comparison (the council's must not be lower)", 11250)
            in result.breakdown
        )

    def test_equal_to_the_national_amount_is_allowed(self) -> None:
        result = contribution(policy=ChargingPolicy(minimum_income_guarantee_weekly_pence=11250))
        assert result.minimum_income_guarantee_weekly_pence == 11250

    def test_below_the_national_floor_is_refused(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            contribution(policy=ChargingPolicy(minimum_income_guarantee_weekly_pence=11249))
        assert exc.value.field == "policy.minimum_income_guarantee_weekly_pence"

    def test_used_when_national_figures_are_missing(self) -> None:
        figures_2026 = figures_for(dt.date(2026, 6, 1), TABLES)
        result = calculate_contribution(
            request(assessed_on=dt.date(2026, 6, 1), income=[IncomeItem("state_pension", 24130)], age=70),
            figures_2026,
            ChargingPolicy(minimum_income_guarantee_weekly_pence=23500),
        )
        assert result.weekly_contribution_pence == 630
        assert (
            BreakdownLine.text(
                "National amount for comparison",
                "not checked: a national figure for this household has not been entered",
            )
            in result.breakdown
        )


class TestAllowances:
    def test_housing_costs_and_itemised_dre(self) -> None:
        result = contribution(
            income=[IncomeItem("esa", 30000)],
            housing_costs_weekly_pence=2500,
            disability_related_expenditure_weekly_pence=1200,
        )
        assert result.disposable_income_weekly_pence == 30000 - 11250 - 2500 - 1200
        assert amount(result, "Disability-related expenditure (assessed)") == 1200

    def test_standard_dre_when_none_is_itemised(self) -> None:
        policy = ChargingPolicy(standard_disability_related_expenditure_weekly_pence=1700)  # Kent £17
        result = contribution(income=[IncomeItem("esa", 30000)], policy=policy)
        assert result.disposable_income_weekly_pence == 30000 - 11250 - 1700
        assert amount(result, "Disability-related expenditure (the council's standard allowance)") == 1700

    def test_itemised_dre_replaces_the_standard_allowance(self) -> None:
        policy = ChargingPolicy(standard_disability_related_expenditure_weekly_pence=1700)
        result = contribution(
            income=[IncomeItem("esa", 30000)], disability_related_expenditure_weekly_pence=0, policy=policy
        )
        assert result.disposable_income_weekly_pence == 30000 - 11250

    def test_prompts_when_disability_benefit_is_counted_without_dre(self) -> None:
        result = contribution(income=[IncomeItem("pip_daily_living", 11040)])
        assert any(line.label == "Check" for line in result.breakdown)
        with_dre = contribution(
            income=[IncomeItem("pip_daily_living", 11040)], disability_related_expenditure_weekly_pence=500
        )
        assert not any(line.label == "Check" for line in with_dre.breakdown)

    def test_disposable_income_is_never_negative(self) -> None:
        result = contribution(income=[IncomeItem("esa", 5000)], housing_costs_weekly_pence=9999)
        assert result.disposable_income_weekly_pence == 0
        assert result.weekly_contribution_pence == 0


class TestCharge:
    def test_full_taper_charges_all_disposable_income(self) -> None:
        result = contribution(income=[IncomeItem("esa", 12000)])
        assert result.weekly_contribution_pence == 750
        assert BreakdownLine.text("Share of disposable income charged", "100%") in result.breakdown

    @pytest.mark.parametrize(
        ("disposable", "taper", "charge"),
        [
            (1000, Decimal(75), 750),
            (1, Decimal(50), 1),  # half a penny rounds up
            (3, Decimal(50), 2),  # 1.5p rounds up
            (999, Decimal("33.33"), 333),  # 332.9667p
            (1000, Decimal(0), 0),
        ],
    )
    def test_taper_is_rounded_half_up_once(self, disposable: int, taper: Decimal, charge: int) -> None:
        result = contribution(
            income=[IncomeItem("other", 11250 + disposable)], policy=ChargingPolicy(taper_percent=taper)
        )
        assert result.disposable_income_weekly_pence == disposable
        assert result.weekly_contribution_pence == charge

    def test_integer_taper_is_accepted(self) -> None:
        assert ChargingPolicy(taper_percent=75).taper_percent == Decimal(75)  # type: ignore[arg-type]

    def test_capped_at_the_cost_of_care(self) -> None:
        result = contribution(income=[IncomeItem("esa", 50000)], cost_of_care_weekly_pence=12000)
        assert result.disposable_income_weekly_pence == 50000 - 11250
        assert result.weekly_contribution_pence == 12000
        assert any(line.label == "Limit" for line in result.breakdown)

    @pytest.mark.parametrize(("disposable", "charge"), [(0, 0), (1, 0), (124, 0), (125, 125), (126, 126)])
    def test_minimum_charge_waives_smaller_charges(self, disposable: int, charge: int) -> None:
        # CH-ALW-05: Reading waives contributions under £1.25 a week.
        policy = ChargingPolicy(minimum_charge_weekly_pence=125)
        result = contribution(income=[IncomeItem("other", 11250 + disposable)], policy=policy)
        assert result.weekly_contribution_pence == charge
        assert any(line.label == "Minimum charge" for line in result.breakdown) is (0 < disposable < 125)

    def test_minimum_charge_applies_after_the_cap(self) -> None:
        policy = ChargingPolicy(minimum_charge_weekly_pence=125)
        result = contribution(income=[IncomeItem("esa", 50000)], cost_of_care_weekly_pence=100, policy=policy)
        assert result.weekly_contribution_pence == 0


class TestWorkedExamples:
    """Figures worked by hand from the rules and the 2025/26 [V] amounts."""

    def test_working_age_disabled_adult_2025_26(self) -> None:
        # Single, 40, ESA £140.00, PIP daily living enhanced £110.40 [V], PIP mobility enhanced £77.05 [V];
        # £16,000 capital; housing £10.00; standard DRE £17.00; council taper 87.5%, minimum charge £1.25.
        # Counted income £250.40; tariff: £1,750 above £14,250 = 7 x £250 -> £7.00; assessable £257.40.
        # MIG £112.50 + £49.65 + £24.25 = £186.40; allowances £186.40 + £10.00 + £17.00 = £213.40.
        # Disposable £44.00; 87.5% = £38.50; under the £300.00 cost of care.
        policy = ChargingPolicy(
            taper_percent=Decimal("87.5"),
            minimum_charge_weekly_pence=125,
            standard_disability_related_expenditure_weekly_pence=1700,
        )
        result = calculate_contribution(
            request(
                premiums=["disability", "enhanced_disability"],
                income=[
                    IncomeItem("esa", 14000),
                    IncomeItem("pip_daily_living", 11040),
                    IncomeItem("pip_mobility", 7705),
                ],
                capital_pence=1_600_000,
                housing_costs_weekly_pence=1000,
            ),
            SHIPPED_2025,
            policy,
        )
        assert result == ContributionResult(
            weekly_contribution_pence=3850,
            full_cost=False,
            tariff_income_weekly_pence=700,
            minimum_income_guarantee_weekly_pence=18640,
            assessable_income_weekly_pence=25740,
            disposable_income_weekly_pence=4400,
            rates_year="2025/26",
            breakdown=result.breakdown,
        )
        assert [line.as_dict() for line in result.breakdown] == [
            {"label": "National figures used", "value": "2025/26 rates year"},
            {"label": "Capital (your own share of any jointly held capital)", "amount_pence": 1_600_000},
            {"label": "Lower capital limit", "amount_pence": 1_425_000},
            {"label": "Upper capital limit", "amount_pence": 2_325_000},
            {"label": "Employment and Support Allowance (counted)", "amount_pence": 14000},
            {"label": "Personal Independence Payment daily living component (counted)", "amount_pence": 11040},
            {
                "label": "Personal Independence Payment mobility component (not counted: mobility components are "
                "disregarded, Charging Regs Sched 1 para 8)",
                "amount_pence": 7705,
            },
            {"label": "Total income counted", "amount_pence": 25040},
            {
                "label": "Tariff income from capital (£1 a week for every £250, or part of £250, above £14,250.00)",
                "amount_pence": 700,
            },
            {"label": "Assessable income", "amount_pence": 25740},
            {"label": "Minimum Income Guarantee, single person aged 25 to pension credit age", "amount_pence": 11250},
            {"label": "Plus disability premium (single)", "amount_pence": 4965},
            {"label": "Plus enhanced disability premium (single)", "amount_pence": 2425},
            {"label": "Minimum Income Guarantee (total)", "amount_pence": 18640},
            {"label": "Housing costs (after Housing Benefit and Council Tax Reduction)", "amount_pence": 1000},
            {"label": "Disability-related expenditure (the council's standard allowance)", "amount_pence": 1700},
            {"label": "Total allowances", "amount_pence": 21340},
            {"label": "Disposable income (assessable income less allowances, not below £0)", "amount_pence": 4400},
            {"label": "Share of disposable income charged (the council's taper)", "value": "87.5%"},
            {"label": "87.5% of disposable income, to the nearest penny", "amount_pence": 3850},
            {"label": "Weekly cost of your care and support", "amount_pence": 30000},
            {"label": "Your weekly contribution", "amount_pence": 3850},
        ]

    def test_young_adult_with_earnings_2025_26(self) -> None:
        # Single, 22: Universal Credit £90.00, earnings £150.00 (disregarded), DLA care £73.90 with
        # itemised DRE £20.00, disability premium. MIG £89.15 + £49.65 = £138.80.
        # Assessable £163.90; allowances £158.80; disposable and charge £5.10.
        result = calculate_contribution(
            request(
                age=22,
                premiums=["disability"],
                income=[
                    IncomeItem("universal_credit", 9000),
                    IncomeItem("earnings", 15000),
                    IncomeItem("dla_care", 7390),
                ],
                disability_related_expenditure_weekly_pence=2000,
            ),
            SHIPPED_2025,
        )
        assert result.assessable_income_weekly_pence == 16390
        assert result.minimum_income_guarantee_weekly_pence == 13880
        assert result.disposable_income_weekly_pence == 510
        assert result.weekly_contribution_pence == 510

    def test_capital_at_the_upper_limit_2025_26(self) -> None:
        # CH-CAP-03: £23,250 exactly is means-tested with £36 tariff income; nothing else, so the
        # £36.00 is all below the MIG and the charge is £0.
        result = calculate_contribution(request(capital_pence=UCL), SHIPPED_2025)
        assert (result.full_cost, result.tariff_income_weekly_pence, result.weekly_contribution_pence) == (
            False,
            3600,
            0,
        )


class TestValidation:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"age": 17}, "age"),
            ({"age": 131}, "age"),
            ({"age": "40"}, "age"),
            ({"age": True}, "age"),
            ({"assessed_on": "2025-06-02"}, "assessed_on"),
            ({"assessed_on": dt.datetime(2025, 6, 2, 12, 0)}, "assessed_on"),
            ({"cost_of_care_weekly_pence": -1}, "cost_of_care_weekly_pence"),
            ({"cost_of_care_weekly_pence": 300.0}, "cost_of_care_weekly_pence"),
            ({"pension_credit_age": 1}, "pension_credit_age"),
            ({"couple": None}, "couple"),
            ({"dependent_children": -1}, "dependent_children"),
            ({"premiums": ["disabled"]}, "premiums[0]"),
            ({"premiums": ["carer", "carer"]}, "premiums[1]"),
            ({"income": [IncomeItem("state_pension", 1), IncomeItem("pip_mobilty", 1)]}, "income[1].type"),
            ({"income": [IncomeItem("esa", -5)]}, "income[0].weekly_pence"),
            ({"income": [IncomeItem("esa", 5.5)]}, "income[0].weekly_pence"),  # type: ignore[arg-type]
            ({"income": [{"type": "esa", "weekly_pence": 5}]}, "income[0]"),
            ({"disregards": [Disregard("  ", 5)]}, "disregards[0].reason"),
            ({"disregards": [Disregard("ok", -5)]}, "disregards[0].weekly_pence"),
            ({"disregards": [("ok", 5)]}, "disregards[0]"),
            ({"capital_pence": -1}, "capital_pence"),
            ({"housing_costs_weekly_pence": -1}, "housing_costs_weekly_pence"),
            ({"disability_related_expenditure_weekly_pence": -1}, "disability_related_expenditure_weekly_pence"),
        ],
    )
    def test_request_fields(self, changes: dict[str, object], field: str) -> None:
        with pytest.raises(ValidationFailed) as exc:
            request(**changes)
        assert exc.value.field == field
        assert exc.value.message

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"taper_percent": Decimal(101)}, "policy.taper_percent"),
            ({"taper_percent": Decimal(-1)}, "policy.taper_percent"),
            ({"taper_percent": 0.75}, "policy.taper_percent"),
            ({"taper_percent": Decimal("NaN")}, "policy.taper_percent"),
            ({"taper_percent": True}, "policy.taper_percent"),
            ({"minimum_charge_weekly_pence": -1}, "policy.minimum_charge_weekly_pence"),
            ({"minimum_income_guarantee_weekly_pence": -1}, "policy.minimum_income_guarantee_weekly_pence"),
            ({"capital_lower_limit_pence": 2, "capital_upper_limit_pence": 1}, "policy.capital_lower_limit_pence"),
            ({"disregarded_income_types": frozenset({"lottery"})}, "policy.disregarded_income_types"),
            (
                {"standard_disability_related_expenditure_weekly_pence": -1},
                "policy.standard_disability_related_expenditure_weekly_pence",
            ),
        ],
    )
    def test_policy_fields(self, values: dict[str, object], field: str) -> None:
        with pytest.raises(ValidationFailed) as exc:
            ChargingPolicy(**values)  # type: ignore[arg-type]
        assert exc.value.field == field

    def test_sequences_become_tuples(self) -> None:
        req = request(premiums=["carer"], income=[IncomeItem("esa", 1)], disregards=[Disregard("x", 1)])
        assert req.premiums == ("carer",)
        assert isinstance(req.income, tuple)
        assert isinstance(req.disregards, tuple)

    def test_figures_must_be_in_force_on_the_assessment_date(self) -> None:
        with pytest.raises(ValueError, match="not in force"):
            calculate_contribution(request(assessed_on=dt.date(2025, 4, 5)), SHIPPED_2025)

    def test_pension_credit_age_default(self) -> None:
        assert request(age=65).is_pension_credit_age is False
        assert request(age=66).is_pension_credit_age is True
        assert request(age=66, pension_credit_age=False).is_pension_credit_age is False


# ---------------------------------------------------------------------------------------------
# Properties

income_items = st.lists(
    st.builds(IncomeItem, st.sampled_from(sorted(INCOME_TYPES)), st.integers(0, 60_000)), max_size=5
)
requests = st.builds(
    ContributionRequest,
    assessed_on=st.just(ON),
    age=st.integers(18, 110),
    cost_of_care_weekly_pence=st.integers(0, 200_000),
    pension_credit_age=st.one_of(st.none(), st.booleans()),
    couple=st.booleans(),
    dependent_children=st.integers(0, 4),
    premiums=st.lists(st.sampled_from(["disability", "enhanced_disability", "carer"]), unique=True),
    income=income_items,
    disregards=st.lists(st.builds(Disregard, st.just("no night care"), st.integers(0, 5_000)), max_size=2),
    capital_pence=st.one_of(st.integers(0, 3_000_000), st.sampled_from([LCL, LCL + 1, UCL, UCL + 1])),
    housing_costs_weekly_pence=st.integers(0, 40_000),
    disability_related_expenditure_weekly_pence=st.one_of(st.none(), st.integers(0, 10_000)),
)
policies = st.builds(
    ChargingPolicy,
    minimum_income_guarantee_weekly_pence=st.one_of(st.none(), st.integers(80_000, 120_000)),
    taper_percent=st.decimals(min_value=0, max_value=100, places=2),
    minimum_charge_weekly_pence=st.integers(0, 500),
    disregarded_income_types=st.frozensets(st.sampled_from(sorted(INCOME_TYPES)), max_size=2),
    standard_disability_related_expenditure_weekly_pence=st.integers(0, 3_000),
)


class TestProperties:
    @settings(max_examples=300)
    @given(requests, policies)
    def test_never_negative_and_never_above_the_cost_of_care(
        self, req: ContributionRequest, policy: ChargingPolicy
    ) -> None:
        result = calculate_contribution(req, COMPLETE_2025, policy)
        assert 0 <= result.weekly_contribution_pence <= req.cost_of_care_weekly_pence
        assert isinstance(result.weekly_contribution_pence, int)
        assert result.full_cost is (req.capital_pence > UCL)
        assert result.breakdown[-1].amount_pence == result.weekly_contribution_pence
        assert all(line.amount_pence is None or line.amount_pence >= 0 for line in result.breakdown)

    @settings(max_examples=300)
    @given(requests, policies, st.sampled_from(sorted(INCOME_TYPES)), st.integers(0, 50_000))
    def test_never_falls_when_income_rises(
        self, req: ContributionRequest, policy: ChargingPolicy, income_type: str, extra: int
    ) -> None:
        before = calculate_contribution(req, COMPLETE_2025, policy)
        richer = replace(req, income=(*req.income, IncomeItem(income_type, extra)))
        after = calculate_contribution(richer, COMPLETE_2025, policy)
        assert after.weekly_contribution_pence >= before.weekly_contribution_pence

    @settings(max_examples=200)
    @given(requests, policies, st.integers(0, 1_000_000))
    def test_never_falls_when_capital_rises(self, req: ContributionRequest, policy: ChargingPolicy, extra: int) -> None:
        before = calculate_contribution(req, COMPLETE_2025, policy)
        after = calculate_contribution(replace(req, capital_pence=req.capital_pence + extra), COMPLETE_2025, policy)
        assert after.weekly_contribution_pence >= before.weekly_contribution_pence

    @settings(max_examples=200)
    @given(requests, policies)
    def test_figures_agree_with_the_formula(self, req: ContributionRequest, policy: ChargingPolicy) -> None:
        result = calculate_contribution(req, COMPLETE_2025, policy)
        if result.full_cost:
            return
        assert result.disposable_income_weekly_pence is not None
        assert result.assessable_income_weekly_pence is not None
        assert result.tariff_income_weekly_pence is not None
        assert 0 <= result.tariff_income_weekly_pence <= 3600
        assert result.disposable_income_weekly_pence >= 0
        # The contribution never takes income below the MIG and allowances (reg 7).
        assert result.weekly_contribution_pence <= result.disposable_income_weekly_pence

    @given(st.integers(0, 5_000_000))
    def test_tariff_matches_the_published_rule(self, capital: int) -> None:
        # Count whole £250 steps by repeated subtraction, the way the rule is written.
        above, steps = capital - LCL, 0
        while above > 0:
            steps += 1
            above -= 25_000
        assert tariff_income_weekly_pence(capital, lower_limit_pence=LCL) == steps * 100

    @settings(max_examples=300)
    @given(requests, policies)
    def test_without_the_explanation_the_figures_are_the_same(
        self, req: ContributionRequest, policy: ChargingPolicy
    ) -> None:
        explained = calculate_contribution(req, COMPLETE_2025, policy)
        bare = calculate_contribution(req, COMPLETE_2025, policy, explain=False)
        assert bare == replace(explained, breakdown=[])
