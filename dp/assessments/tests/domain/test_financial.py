"""From the officer's record to the contribution request (joint capital, itemised or standard DRE)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dp.assessments.domain.charging import ChargingPolicy
from dp.assessments.domain.financial import (
    FinancialInputs,
    contribution_request,
    figures_from_json,
    figures_to_json,
    own_share_pence,
    policy_from_json,
    policy_to_json,
)
from dp.assessments.domain.national_figures import figures_for, load_national_figure_tables
from dp.core.errors import ValidationFailed


class TestJointCapital:
    def test_half_for_two_owners(self) -> None:
        assert own_share_pence(2_000_000, 2) == 1_000_000

    def test_odd_penny_rounds_half_up(self) -> None:
        assert own_share_pence(101, 2) == 51

    def test_three_owners(self) -> None:
        assert own_share_pence(300_000, 3) == 100_000

    def test_one_owner_is_not_joint(self) -> None:
        with pytest.raises(ValidationFailed):
            own_share_pence(100, 1)

    def test_capital_adds_own_and_share(self) -> None:
        inputs = FinancialInputs(
            cost_of_care_weekly_pence=1, capital_sole_pence=500_000, capital_joint_total_pence=1_000_000
        )
        assert inputs.capital_pence == 1_000_000


class TestDisabilityRelatedExpenditure:
    def test_standard_allowance_leaves_the_request_unset(self) -> None:
        assert FinancialInputs(cost_of_care_weekly_pence=1).dre_weekly_pence is None

    def test_itemised_total(self) -> None:
        inputs = FinancialInputs(
            cost_of_care_weekly_pence=1, dre_itemised=True, dre_items=[("heating", 500), ("laundry", 548)]
        )
        assert inputs.dre_weekly_pence == 1_048

    def test_itemised_needs_an_item(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            FinancialInputs(cost_of_care_weekly_pence=1, dre_itemised=True)
        assert exc.value.field == "dre_items"

    def test_items_with_standard_is_a_mistake(self) -> None:
        with pytest.raises(ValidationFailed):
            FinancialInputs(cost_of_care_weekly_pence=1, dre_items=[("heating", 500)])

    def test_unknown_item(self) -> None:
        with pytest.raises(ValidationFailed):
            FinancialInputs(cost_of_care_weekly_pence=1, dre_itemised=True, dre_items=[("holidays", 500)])


class TestRequest:
    def test_carries_every_input(self) -> None:
        inputs = FinancialInputs(
            cost_of_care_weekly_pence=30_000,
            income=[("state_pension", 23_025)],
            disregards=[("No night care", 3_650)],
            capital_joint_total_pence=2_000_000,
            housing_costs_weekly_pence=900,
            couple=True,
            dependent_children=1,
            premiums=["carer"],
            pension_credit_age=True,
        )
        request = contribution_request(inputs, assessed_on=dt.date(2025, 6, 2), age=70)
        assert request.capital_pence == 1_000_000
        assert request.income[0].weekly_pence == 23_025
        assert request.disregards[0].reason == "No night care"
        assert request.couple
        assert request.dependent_children == 1
        assert request.premiums == ("carer",)
        assert request.pension_credit_age is True
        assert request.disability_related_expenditure_weekly_pence is None


class TestSnapshots:
    def test_figures_round_trip(self) -> None:
        figures = figures_for(dt.date(2025, 6, 2), load_national_figure_tables())
        assert figures_from_json(figures_to_json(figures)) == figures

    def test_policy_round_trip(self) -> None:
        policy = ChargingPolicy(
            minimum_income_guarantee_weekly_pence=25_000,
            taper_percent=Decimal("87.5"),
            disregarded_income_types=frozenset({"dla_care"}),
        )
        assert policy_from_json(policy_to_json(policy)) == policy
