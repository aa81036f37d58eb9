"""Direct payment eligibility, route by route and condition by condition (RULES.md §1.1, §3)."""

from __future__ import annotations

import pytest

from dp.assessments.domain.eligibility import (
    AuthorisedPersonBasis,
    EligibilityDecision,
    EligibilityFacts,
    ExclusionOrder,
    Outcome,
    RecipientType,
    Route,
    decide_eligibility,
)
from dp.core.errors import ValidationFailed

COMMON_MET: dict[str, object] = {
    "needs_to_be_met_by_council": True,
    "requested": True,
    "resident_in_area": True,
    "excluded_by_criminal_justice_order": False,
    "capable_of_managing": True,
    "appropriate_way_to_meet_needs": True,
}

ROUTE_MET: dict[Route, dict[str, object]] = {
    Route.ADULT_WITH_CAPACITY: {"age": 40, "has_capacity": True},
    Route.CARER: {"age": 45, "has_capacity": True},
    Route.ADULT_LACKING_CAPACITY: {
        "age": 80,
        "has_capacity": False,
        "authorised_person_basis": AuthorisedPersonBasis.MCA_AUTHORISED,
        "mca_authorised_person_exists": True,
        "will_act_in_best_interests": True,
    },
    Route.PARENT_OF_DISABLED_CHILD: {
        "age": 38,
        "has_parental_responsibility": True,
        "child_age": 9,
        "child_is_disabled": True,
    },
    Route.DISABLED_PARENT: {
        "age": 33,
        "has_parental_responsibility": True,
        "child_age": 4,
        "requester_is_disabled": True,
    },
    Route.DISABLED_YOUNG_PERSON: {"age": 16, "requester_is_disabled": True},
}


def facts(route: Route, **changes: object) -> EligibilityFacts:
    values: dict[str, object] = {"route": route, **COMMON_MET, **ROUTE_MET[route], **changes}
    return EligibilityFacts(**values)  # type: ignore[arg-type]


def decide(route: Route, **changes: object) -> EligibilityDecision:
    return decide_eligibility(facts(route, **changes))


def condition(decision: EligibilityDecision, code: str):
    matches = [c for c in decision.conditions if c.code == code]
    assert len(matches) == 1, code
    return matches[0]


class TestEveryRoute:
    @pytest.mark.parametrize("route", list(Route))
    def test_all_conditions_met(self, route: Route) -> None:
        decision = decide(route)
        assert decision.outcome is Outcome.ELIGIBLE
        assert all(c.met is True for c in decision.conditions)
        assert all(c.explanation and c.source for c in decision.conditions)
        assert decision.failed == ()
        assert decision.undecided == ()

    @pytest.mark.parametrize("route", list(Route))
    @pytest.mark.parametrize(
        "code_and_fact",
        [
            ("NEEDS_TO_BE_MET", "needs_to_be_met_by_council"),
            ("REQUESTED", "requested"),
            ("RESIDENT_IN_AREA", "resident_in_area"),
            ("CAPABLE_OF_MANAGING", "capable_of_managing"),
            ("APPROPRIATE", "appropriate_way_to_meet_needs"),
        ],
    )
    def test_each_common_condition(self, route: Route, code_and_fact: tuple[str, str]) -> None:
        code, fact = code_and_fact
        refused = decide(route, **{fact: False})
        assert refused.outcome is Outcome.NOT_ELIGIBLE
        assert condition(refused, code).met is False
        assert condition(refused, code).explanation in refused.explanation
        assert "in writing" in refused.explanation
        unknown = decide(route, **{fact: None})
        assert unknown.outcome is Outcome.UNDECIDED
        assert condition(unknown, code).met is None
        assert unknown.explanation == "1 condition(s) still need a decision or a fact recorded."

    @pytest.mark.parametrize("route", list(Route))
    def test_excluded_persons(self, route: Route) -> None:
        decision = decide(
            route,
            excluded_by_criminal_justice_order=True,
            exclusion_order=ExclusionOrder.DRUG_REHABILITATION_REQUIREMENT,
        )
        assert decision.outcome is Outcome.NOT_ELIGIBLE
        excluded = condition(decision, "NOT_EXCLUDED")
        assert excluded.met is False
        assert "drug rehabilitation requirement (Criminal Justice Act 2003 s.209)" in excluded.explanation
        assert "DP-ELIG-06" in excluded.source
        assert condition(decide(route, excluded_by_criminal_justice_order=None), "NOT_EXCLUDED").met is None

    @pytest.mark.parametrize(
        ("route", "source_part"),
        [
            (Route.ADULT_WITH_CAPACITY, "s.31 Condition 3"),
            (Route.CARER, "s.31 Condition 3"),
            (Route.ADULT_LACKING_CAPACITY, "s.32 Condition 4"),
            (Route.PARENT_OF_DISABLED_CHILD, "s.17A"),
        ],
    )
    def test_sources_follow_the_route(self, route: Route, source_part: str) -> None:
        assert source_part in condition(decide(route), "CAPABLE_OF_MANAGING").source

    @pytest.mark.parametrize(
        ("route", "changes", "recipient"),
        [
            (Route.ADULT_WITH_CAPACITY, {}, RecipientType.ADULT),
            (Route.ADULT_WITH_CAPACITY, {"has_nominee": True, "nominee_agrees": True}, RecipientType.NOMINATED_PERSON),
            (Route.CARER, {}, RecipientType.ADULT),
            (Route.ADULT_LACKING_CAPACITY, {}, RecipientType.AUTHORISED_PERSON),
            (Route.PARENT_OF_DISABLED_CHILD, {}, RecipientType.PERSON_WITH_PARENTAL_RESPONSIBILITY),
            (Route.DISABLED_PARENT, {}, RecipientType.PERSON_WITH_PARENTAL_RESPONSIBILITY),
            (Route.DISABLED_YOUNG_PERSON, {}, RecipientType.YOUNG_PERSON),
        ],
    )
    def test_recipient_type(self, route: Route, changes: dict[str, object], recipient: RecipientType) -> None:
        assert decide(route, **changes).recipient_type is recipient

    def test_eligible_explanations_name_the_duty(self) -> None:
        assert "s.31" in decide(Route.ADULT_WITH_CAPACITY).explanation
        assert "s.32" in decide(Route.ADULT_LACKING_CAPACITY).explanation
        assert "s.17A" in decide(Route.DISABLED_YOUNG_PERSON).explanation


class TestAdultWithCapacity:
    """Care Act s.31 (DP-ELIG-02)."""

    @pytest.mark.parametrize(("age", "met"), [(17, False), (18, True)])
    def test_adult(self, age: int, met: bool) -> None:
        assert condition(decide(Route.ADULT_WITH_CAPACITY, age=age), "AGE").met is met

    def test_lacking_capacity_points_to_s32(self) -> None:
        decision = decide(Route.ADULT_WITH_CAPACITY, has_capacity=False)
        assert decision.outcome is Outcome.NOT_ELIGIBLE
        assert "s.32" in condition(decision, "HAS_CAPACITY").explanation

    def test_capacity_not_recorded(self) -> None:
        assert decide(Route.ADULT_WITH_CAPACITY, has_capacity=None).outcome is Outcome.UNDECIDED

    @pytest.mark.parametrize(
        ("agrees", "outcome"),
        [(True, Outcome.ELIGIBLE), (False, Outcome.NOT_ELIGIBLE), (None, Outcome.UNDECIDED)],
    )
    def test_nominee_must_agree(self, agrees: bool | None, outcome: Outcome) -> None:
        decision = decide(Route.ADULT_WITH_CAPACITY, has_nominee=True, nominee_agrees=agrees)
        assert decision.outcome is outcome
        assert condition(decision, "NOMINEE_AGREES").met is agrees

    def test_no_nominee_no_nominee_condition(self) -> None:
        assert "NOMINEE_AGREES" not in {c.code for c in decide(Route.ADULT_WITH_CAPACITY).conditions}


class TestCarer:
    """CAR-01 (18+ under the Care Act), CAR-02 (16 and 17, basis unverified)."""

    @pytest.mark.parametrize(
        ("age", "met", "outcome"),
        [
            (15, False, Outcome.NOT_ELIGIBLE),
            (16, None, Outcome.UNDECIDED),
            (17, None, Outcome.UNDECIDED),
            (18, True, Outcome.ELIGIBLE),
        ],
    )
    def test_age(self, age: int, met: bool | None, outcome: Outcome) -> None:
        decision = decide(Route.CARER, age=age)
        assert condition(decision, "AGE").met is met
        assert decision.outcome is outcome

    def test_young_carer_needs_a_managers_decision(self) -> None:
        assert "manager" in condition(decide(Route.CARER, age=17), "AGE").explanation


class TestAdultLackingCapacity:
    """Care Act s.32 (DP-ELIG-03, DP-ELIG-04)."""

    def test_adult_with_capacity_uses_s31(self) -> None:
        decision = decide(Route.ADULT_LACKING_CAPACITY, has_capacity=True)
        assert condition(decision, "LACKS_CAPACITY").met is False
        assert decision.outcome is Outcome.NOT_ELIGIBLE

    def test_capacity_not_recorded(self) -> None:
        assert condition(decide(Route.ADULT_LACKING_CAPACITY, has_capacity=None), "LACKS_CAPACITY").met is None

    def test_under_18(self) -> None:
        assert condition(decide(Route.ADULT_LACKING_CAPACITY, age=17), "AGE").met is False

    @pytest.mark.parametrize(
        ("basis", "exists", "supports", "authorised", "support_met"),
        [
            # (a) the attorney or deputy asks: no one else's support is needed.
            (AuthorisedPersonBasis.MCA_AUTHORISED, True, None, True, True),
            # (b) someone the attorney or deputy agrees is suitable, with their support.
            (AuthorisedPersonBasis.AGREED_BY_MCA_AUTHORISED, True, True, True, True),
            (AuthorisedPersonBasis.AGREED_BY_MCA_AUTHORISED, True, False, True, False),
            (AuthorisedPersonBasis.AGREED_BY_MCA_AUTHORISED, True, None, True, None),
            (AuthorisedPersonBasis.AGREED_BY_MCA_AUTHORISED, False, None, False, True),
            (AuthorisedPersonBasis.AGREED_BY_MCA_AUTHORISED, None, None, None, None),
            # (c) no attorney or deputy: the council considers the requester suitable.
            (AuthorisedPersonBasis.COUNCIL_CONSIDERS_SUITABLE, False, None, True, True),
            (AuthorisedPersonBasis.COUNCIL_CONSIDERS_SUITABLE, True, True, False, True),
            (AuthorisedPersonBasis.COUNCIL_CONSIDERS_SUITABLE, True, False, False, False),
            (AuthorisedPersonBasis.COUNCIL_CONSIDERS_SUITABLE, None, None, None, None),
            (None, None, None, None, None),
        ],
    )
    def test_authorised_person_and_support(
        self,
        basis: AuthorisedPersonBasis | None,
        exists: bool | None,
        supports: bool | None,
        authorised: bool | None,
        support_met: bool | None,
    ) -> None:
        decision = decide(
            Route.ADULT_LACKING_CAPACITY,
            authorised_person_basis=basis,
            mca_authorised_person_exists=exists,
            mca_authorised_person_supports=supports,
        )
        assert condition(decision, "AUTHORISED_PERSON").met is authorised
        assert condition(decision, "ATTORNEY_OR_DEPUTY_SUPPORTS").met is support_met

    @pytest.mark.parametrize(("best", "outcome"), [(False, Outcome.NOT_ELIGIBLE), (None, Outcome.UNDECIDED)])
    def test_best_interests(self, best: bool | None, outcome: Outcome) -> None:
        assert decide(Route.ADULT_LACKING_CAPACITY, will_act_in_best_interests=best).outcome is outcome

    def test_payee_wording(self) -> None:
        decision = decide(Route.ADULT_LACKING_CAPACITY, capable_of_managing=False)
        assert "the authorised person" in condition(decision, "CAPABLE_OF_MANAGING").explanation


class TestChildren:
    """Children Act 1989 s.17A (CHD-01)."""

    @pytest.mark.parametrize(
        ("changes", "code", "met"),
        [
            ({"has_parental_responsibility": False}, "PARENTAL_RESPONSIBILITY", False),
            ({"has_parental_responsibility": None}, "PARENTAL_RESPONSIBILITY", None),
            ({"child_age": 17}, "CHILD_UNDER_18", True),
            ({"child_age": 18}, "CHILD_UNDER_18", False),
            ({"child_age": None}, "CHILD_UNDER_18", None),
            ({"child_is_disabled": False}, "CHILD_DISABLED", False),
            ({"child_is_disabled": None}, "CHILD_DISABLED", None),
        ],
    )
    def test_parent_of_disabled_child(self, changes: dict[str, object], code: str, met: bool | None) -> None:
        assert condition(decide(Route.PARENT_OF_DISABLED_CHILD, **changes), code).met is met

    @pytest.mark.parametrize(("disabled", "met"), [(True, True), (False, False), (None, None)])
    def test_disabled_parent(self, disabled: bool | None, met: bool | None) -> None:
        decision = decide(Route.DISABLED_PARENT, requester_is_disabled=disabled)
        assert condition(decision, "PARENT_DISABLED").met is met
        assert "CHILD_DISABLED" not in {c.code for c in decision.conditions}

    @pytest.mark.parametrize(("age", "met"), [(15, False), (16, True), (17, True), (18, False)])
    def test_young_person_age(self, age: int, met: bool) -> None:
        assert condition(decide(Route.DISABLED_YOUNG_PERSON, age=age), "AGE").met is met

    def test_young_person_must_be_disabled(self) -> None:
        assert condition(decide(Route.DISABLED_YOUNG_PERSON, requester_is_disabled=False), "DISABLED").met is False

    def test_consent_and_s17_wording(self) -> None:
        decision = decide(Route.PARENT_OF_DISABLED_CHILD, requested=False, needs_to_be_met_by_council=False)
        assert "consent" in condition(decision, "REQUESTED").explanation
        assert "s.17" in condition(decision, "NEEDS_TO_BE_MET").source


class TestFactsValidation:
    def test_strings_become_enums(self) -> None:
        decision = decide_eligibility(
            EligibilityFacts(
                route="adult_lacking_capacity",  # type: ignore[arg-type]
                age=70,
                authorised_person_basis="mca_authorised",  # type: ignore[arg-type]
                excluded_by_criminal_justice_order=True,
                exclusion_order="drug_treatment_and_testing_order",  # type: ignore[arg-type]
            )
        )
        assert decision.route is Route.ADULT_LACKING_CAPACITY
        assert decision.outcome is Outcome.NOT_ELIGIBLE

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"route": "adult"}, "route"),
            ({"route": 3}, "route"),
            ({"age": -1}, "age"),
            ({"age": "40"}, "age"),
            ({"child_age": 2.5}, "child_age"),
            ({"has_nominee": None}, "has_nominee"),
            ({"requested": "yes"}, "requested"),
            ({"capable_of_managing": 1}, "capable_of_managing"),
            ({"authorised_person_basis": "friend"}, "authorised_person_basis"),
            ({"exclusion_order": "parking_ticket", "excluded_by_criminal_justice_order": True}, "exclusion_order"),
            ({"excluded_by_criminal_justice_order": True}, "exclusion_order"),
            (
                {
                    "excluded_by_criminal_justice_order": False,
                    "exclusion_order": ExclusionOrder.ALCOHOL_TREATMENT_REQUIREMENT,
                },
                "exclusion_order",
            ),
            (
                {
                    "excluded_by_criminal_justice_order": None,
                    "exclusion_order": ExclusionOrder.ALCOHOL_TREATMENT_REQUIREMENT,
                },
                "exclusion_order",
            ),
        ],
    )
    def test_refuses_bad_facts(self, changes: dict[str, object], field: str) -> None:
        values: dict[str, object] = {"route": Route.ADULT_WITH_CAPACITY, "age": 40, **changes}
        with pytest.raises(ValidationFailed) as exc:
            EligibilityFacts(**values)  # type: ignore[arg-type]
        assert exc.value.field == field

    @pytest.mark.parametrize("order", list(ExclusionOrder))
    def test_every_order_type_is_explained(self, order: ExclusionOrder) -> None:
        decision = decide(Route.ADULT_WITH_CAPACITY, excluded_by_criminal_justice_order=True, exclusion_order=order)
        assert condition(decision, "NOT_EXCLUDED").explanation.startswith("The person is subject to ")

    def test_nothing_recorded_is_undecided(self) -> None:
        decision = decide_eligibility(EligibilityFacts(route=Route.ADULT_WITH_CAPACITY, age=40))
        assert decision.outcome is Outcome.UNDECIDED
        assert {c.code for c in decision.undecided} == {
            "HAS_CAPACITY",
            "NEEDS_TO_BE_MET",
            "REQUESTED",
            "RESIDENT_IN_AREA",
            "NOT_EXCLUDED",
            "CAPABLE_OF_MANAGING",
            "APPROPRIATE",
        }
