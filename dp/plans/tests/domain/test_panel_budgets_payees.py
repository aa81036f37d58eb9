"""The funding panel, effective-dated budgets, payee consistency and RAS answer lines (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from dp.assessments.domain.plan_checks import Relationship
from dp.core.errors import ValidationFailed
from dp.plans.domain.budgets import BudgetPeriod, periods_to_close
from dp.plans.domain.panel import NextStep, PanelOutcome, decide_panel
from dp.plans.domain.payees import relationship_conflict
from dp.plans.domain.ras_config import parse_answer_lines
from dp.plans.domain.workflow import PLAN_TRANSITIONS


class TestPanel:
    def test_agreed_goes_on_at_the_plan_cost(self) -> None:
        result = decide_panel(
            outcome=PanelOutcome.AGREED,
            plan_cost_weekly_pence=20000,
            indicative_weekly_pence=15000,
            agreed_weekly_pence=None,
            reasons="Complex needs",
        )
        assert result.next_step is NextStep.PLAN_APPROVAL
        assert result.budget_limit_weekly_pence == 20000

    def test_agreed_different_amount_that_covers_the_plan(self) -> None:
        result = decide_panel(
            outcome=PanelOutcome.AGREED_DIFFERENT_AMOUNT,
            plan_cost_weekly_pence=18000,
            indicative_weekly_pence=15000,
            agreed_weekly_pence=18500,
            reasons="Agreed",
        )
        assert result.next_step is NextStep.PLAN_APPROVAL
        assert result.budget_limit_weekly_pence == 18500

    def test_agreed_different_amount_lower_than_the_plan_goes_back(self) -> None:
        result = decide_panel(
            outcome=PanelOutcome.AGREED_DIFFERENT_AMOUNT,
            plan_cost_weekly_pence=20000,
            indicative_weekly_pence=15000,
            agreed_weekly_pence=17000,
            reasons="Part agreed",
        )
        assert result.next_step is NextStep.SUPPORT_PLANNING
        assert "£170.00" in result.explanation

    def test_refused_keeps_the_indicative_budget(self) -> None:
        result = decide_panel(
            outcome=PanelOutcome.REFUSED,
            plan_cost_weekly_pence=20000,
            indicative_weekly_pence=15000,
            agreed_weekly_pence=None,
            reasons="Needs can be met for less",
        )
        assert result.next_step is NextStep.SUPPORT_PLANNING
        assert result.budget_limit_weekly_pence == 15000

    def test_reasons_are_required(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            decide_panel(
                outcome=PanelOutcome.AGREED,
                plan_cost_weekly_pence=1,
                indicative_weekly_pence=0,
                agreed_weekly_pence=None,
                reasons=" ",
            )
        assert exc.value.field == "reasons"

    def test_different_amount_needs_an_amount(self) -> None:
        with pytest.raises(ValidationFailed):
            decide_panel(
                outcome=PanelOutcome.AGREED_DIFFERENT_AMOUNT,
                plan_cost_weekly_pence=1,
                indicative_weekly_pence=0,
                agreed_weekly_pence=None,
                reasons="x",
            )


class TestBudgetPeriods:
    def test_new_budget_ends_the_open_one(self) -> None:
        existing = [BudgetPeriod(dt.date(2025, 1, 1), dt.date(2025, 6, 1)), BudgetPeriod(dt.date(2025, 6, 1))]
        assert periods_to_close(existing, dt.date(2026, 1, 1)) == [1]

    def test_new_budget_inside_a_closed_period_shortens_it(self) -> None:
        existing = [BudgetPeriod(dt.date(2025, 1, 1), dt.date(2026, 6, 1))]
        assert periods_to_close(existing, dt.date(2026, 1, 1)) == [0]

    def test_no_budget_yet(self) -> None:
        assert periods_to_close([], dt.date(2026, 1, 1)) == []

    @pytest.mark.parametrize("start", [dt.date(2025, 6, 1), dt.date(2025, 1, 1)])
    def test_refuses_rewriting_history(self, start: dt.date) -> None:
        with pytest.raises(ValidationFailed):
            periods_to_close([BudgetPeriod(dt.date(2025, 6, 1))], start)

    def test_period_must_end_after_start(self) -> None:
        with pytest.raises(ValidationFailed):
            BudgetPeriod(dt.date(2025, 6, 1), dt.date(2025, 6, 1))


class TestPayeeAgainstRecord:
    def test_partner_on_record_cannot_be_not_related(self) -> None:
        assert relationship_conflict(
            record_kind="partner_of",
            payee_is_from_person=True,
            record_same_household=False,
            relationship=Relationship.NOT_RELATED,
            lives_in_same_household=False,
        )

    def test_household_on_record_cannot_be_elsewhere(self) -> None:
        problem = relationship_conflict(
            record_kind="carer_of",
            payee_is_from_person=True,
            record_same_household=True,
            relationship=Relationship.FRIEND,
            lives_in_same_household=False,
        )
        assert problem is not None
        assert "same household" in problem

    @pytest.mark.parametrize(
        ("from_person", "relationship", "ok"),
        [
            (True, Relationship.PARENT_OR_PARENT_IN_LAW, True),
            (True, Relationship.SON_OR_DAUGHTER, False),
            (False, Relationship.SON_OR_DAUGHTER, True),
            (False, Relationship.PARENT_OR_PARENT_IN_LAW, False),
        ],
    )
    def test_parent_direction(self, from_person: bool, relationship: Relationship, ok: bool) -> None:
        problem = relationship_conflict(
            record_kind="parent_of",
            payee_is_from_person=from_person,
            record_same_household=False,
            relationship=relationship,
            lives_in_same_household=False,
        )
        assert (problem is None) is ok

    def test_close_relative_must_be_a_relative(self) -> None:
        kwargs = {"record_kind": "relative_of", "payee_is_from_person": True, "record_same_household": False}
        assert relationship_conflict(**kwargs, relationship=Relationship.FRIEND, lives_in_same_household=False)
        assert (
            relationship_conflict(**kwargs, relationship=Relationship.GRANDPARENT, lives_in_same_household=False)
            is None
        )


class TestAnswerLines:
    def test_parses_points_and_labels(self) -> None:
        assert parse_answer_lines("0, None\n\n 10 , Some, with commas\n") == [(0, "None"), (10, "Some, with commas")]

    @pytest.mark.parametrize(
        "text", ["0 None\n1, Some", "x, None\n1, Some", "-1, None\n1, Some", "0, Only one", "0, A\n1, a"]
    )
    def test_refuses_bad_lines(self, text: str) -> None:
        with pytest.raises(ValidationFailed):
            parse_answer_lines(text)


def test_plan_workflow_every_state_has_a_row() -> None:
    from dp.plans.constants import PlanStatus

    assert set(PLAN_TRANSITIONS) == set(PlanStatus.values)
    for targets in PLAN_TRANSITIONS.values():
        assert targets <= set(PlanStatus.values)
