"""The national eligibility criteria (SI 2015/313 regs 2 and 3) and the children's s.17 decision."""

from __future__ import annotations

import pytest

from dp.assessments.domain.needs import (
    ADULT_OUTCOMES,
    CARER_OUTCOMES,
    NeedsFacts,
    NeedsKind,
    decide_needs,
    needs_kind_for_case_type,
    outcomes_for,
)
from dp.core.errors import ValidationFailed


def adult(**changes: object) -> NeedsFacts:
    values: dict[str, object] = {
        "kind": NeedsKind.ADULT,
        "arises_from_condition": True,
        "outcomes_not_achieved": frozenset({"nutrition", "personal_hygiene"}),
        "significant_impact": True,
        **changes,
    }
    return NeedsFacts(**values)  # type: ignore[arg-type]


def carer(**changes: object) -> NeedsFacts:
    values: dict[str, object] = {
        "kind": NeedsKind.CARER,
        "arises_from_condition": True,
        "outcomes_not_achieved": frozenset({"recreation"}),
        "carer_health_at_risk": False,
        "significant_impact": True,
        **changes,
    }
    return NeedsFacts(**values)  # type: ignore[arg-type]


class TestOutcomeLists:
    def test_adults_have_the_ten_outcomes_of_reg_2_2(self) -> None:
        assert len(ADULT_OUTCOMES) == 10
        assert next(iter(ADULT_OUTCOMES.values())) == "Managing and maintaining nutrition"

    def test_carers_have_the_eight_outcomes_of_reg_3_2(self) -> None:
        assert len(CARER_OUTCOMES) == 8
        assert "recreation" in CARER_OUTCOMES

    def test_children_have_none(self) -> None:
        assert outcomes_for("child") == {}

    @pytest.mark.parametrize(
        ("case_type", "kind"),
        [("adult", "adult"), ("transition", "adult"), ("carer", "carer"), ("child_family", "child")],
    )
    def test_kind_follows_the_case_type(self, case_type: str, kind: str) -> None:
        assert needs_kind_for_case_type(case_type) == kind


class TestAdults:
    def test_all_three_conditions_met_is_eligible(self) -> None:
        decision = decide_needs(adult())
        assert decision.eligible is True
        assert [c.code for c in decision.conditions] == ["IMPAIRMENT_OR_ILLNESS", "OUTCOMES", "SIGNIFICANT_IMPACT"]
        assert all(
            c.source.startswith("Care and Support (Eligibility Criteria) Regulations 2015") for c in decision.conditions
        )

    def test_one_outcome_is_not_enough(self) -> None:
        decision = decide_needs(adult(outcomes_not_achieved=frozenset({"nutrition"})))
        assert decision.eligible is False
        assert "only one" in decision.failed[0].explanation

    def test_no_outcomes(self) -> None:
        decision = decide_needs(adult(outcomes_not_achieved=frozenset()))
        assert decision.eligible is False
        assert "Able to achieve all" in decision.failed[0].explanation

    def test_no_impairment(self) -> None:
        assert decide_needs(adult(arises_from_condition=False)).eligible is False

    def test_no_significant_impact(self) -> None:
        assert decide_needs(adult(significant_impact=False)).eligible is False

    def test_unrecorded_fact_leaves_it_undecided(self) -> None:
        decision = decide_needs(adult(significant_impact=None))
        assert decision.eligible is None
        assert "still need" in decision.explanation

    def test_a_failure_wins_over_an_unknown(self) -> None:
        assert decide_needs(adult(significant_impact=None, arises_from_condition=False)).eligible is False

    def test_outcomes_are_named_in_the_regulations_order(self) -> None:
        decision = decide_needs(adult(outcomes_not_achieved=frozenset({"toilet_needs", "nutrition"})))
        assert "managing and maintaining nutrition; managing toilet needs" in decision.conditions[1].explanation


class TestCarers:
    def test_one_outcome_is_enough(self) -> None:
        assert decide_needs(carer()).eligible is True

    def test_health_at_risk_is_enough_without_outcomes(self) -> None:
        decision = decide_needs(carer(outcomes_not_achieved=frozenset(), carer_health_at_risk=True))
        assert decision.eligible is True
        assert "health" in decision.conditions[1].explanation

    def test_health_and_outcomes_both_named(self) -> None:
        decision = decide_needs(carer(carer_health_at_risk=True))
        assert "health" in decision.conditions[1].explanation
        assert "recreational" in decision.conditions[1].explanation

    def test_neither_is_not_eligible(self) -> None:
        decision = decide_needs(carer(outcomes_not_achieved=frozenset(), carer_health_at_risk=False))
        assert decision.eligible is False

    def test_unknown_health_and_no_outcomes_is_undecided(self) -> None:
        decision = decide_needs(carer(outcomes_not_achieved=frozenset(), carer_health_at_risk=None))
        assert decision.eligible is None

    def test_needs_not_from_caring(self) -> None:
        assert decide_needs(carer(arises_from_condition=False)).eligible is False

    def test_adult_outcome_code_refused_for_a_carer(self) -> None:
        with pytest.raises(ValidationFailed) as exc:
            carer(outcomes_not_achieved=frozenset({"toilet_needs"}))
        assert exc.value.field == "outcomes_not_achieved"


class TestChildren:
    @pytest.mark.parametrize(("answer", "eligible"), [(True, True), (False, False), (None, None)])
    def test_section_17_decision(self, answer: bool | None, eligible: bool | None) -> None:
        decision = decide_needs(NeedsFacts(kind=NeedsKind.CHILD, child_needs_call_for_service=answer))
        assert decision.eligible is eligible
        assert decision.conditions[0].source.startswith("Children Act 1989")


class TestValidation:
    def test_unknown_kind(self) -> None:
        with pytest.raises(ValidationFailed):
            NeedsFacts(kind="pet")  # type: ignore[arg-type]

    def test_non_bool_answer(self) -> None:
        with pytest.raises(ValidationFailed):
            adult(significant_impact="yes")
