"""Suggesting a direct payment decision's facts from the person's record."""

from __future__ import annotations

import pytest

from dp.assessments.domain.eligibility import Route
from dp.assessments.domain.eligibility_facts import RecordFacts, RelatedPerson, suggest_facts, suggest_route


class TestRoute:
    @pytest.mark.parametrize(
        ("case_type", "age", "capacity", "route"),
        [
            ("adult", 40, True, Route.ADULT_WITH_CAPACITY),
            ("adult", 40, None, Route.ADULT_WITH_CAPACITY),
            ("adult", 80, False, Route.ADULT_LACKING_CAPACITY),
            ("carer", 17, None, Route.CARER),
            ("child_family", 9, None, Route.PARENT_OF_DISABLED_CHILD),
            ("transition", 16, None, Route.DISABLED_YOUNG_PERSON),
            ("transition", 18, True, Route.ADULT_WITH_CAPACITY),
        ],
    )
    def test_from_case_type_age_and_capacity(
        self, case_type: str, age: int, capacity: bool | None, route: Route
    ) -> None:
        assert suggest_route(case_type, age, capacity) is route


class TestFacts:
    def test_capacity_residence_and_request_come_with_their_evidence(self) -> None:
        suggested = suggest_facts(
            RecordFacts(
                case_type="adult",
                age=70,
                has_capacity=True,
                capacity_evidence="Capacity assessment of 1 May 2026: has capacity",
                resident_in_area=True,
                residence_evidence="Postcode NM1 2AB is in the council's area",
                requested=True,
                request_evidence="Offered on 2 May 2026: wants direct payments",
            )
        )
        assert suggested.values["route"] == "adult_with_capacity"
        assert suggested.values["has_capacity"] is True
        assert suggested.values["resident_in_area"] is True
        assert suggested.values["requested"] is True
        assert suggested.values["has_nominee"] is False
        assert "NM1 2AB" in suggested.evidence["resident_in_area"]

    def test_nominated_person_is_suggested(self) -> None:
        suggested = suggest_facts(
            RecordFacts(case_type="adult", age=70, related=[RelatedPerson(7, "Jo Bloggs", "nominated_for", 45)])
        )
        assert suggested.values["has_nominee"] is True
        assert suggested.values["related_person"] == 7
        assert "Jo Bloggs" in suggested.evidence["has_nominee"]

    @pytest.mark.parametrize(
        ("basis", "expected", "mca"),
        [
            ("lpa", "mca_authorised", True),
            ("deputy", "mca_authorised", True),
            ("suitable", "council_considers_suitable", False),
        ],
    )
    def test_authorised_person_and_their_basis(self, basis: str, expected: str, mca: bool) -> None:
        suggested = suggest_facts(
            RecordFacts(
                case_type="adult",
                age=85,
                has_capacity=False,
                related=[RelatedPerson(9, "Sam Bloggs", "authorised_for", 55, basis)],
            )
        )
        assert suggested.values["route"] == "adult_lacking_capacity"
        assert suggested.values["authorised_person_basis"] == expected
        assert suggested.values["mca_authorised_person_exists"] is mca
        assert suggested.values["related_person"] == 9

    def test_attorney_preferred_over_someone_suitable(self) -> None:
        suggested = suggest_facts(
            RecordFacts(
                case_type="adult",
                age=85,
                has_capacity=False,
                related=[
                    RelatedPerson(9, "Suitable Friend", "authorised_for", 55, "suitable"),
                    RelatedPerson(10, "Attorney Son", "authorised_for", 50, "lpa"),
                ],
            )
        )
        assert suggested.values["related_person"] == 10

    def test_parent_of_a_child(self) -> None:
        suggested = suggest_facts(
            RecordFacts(case_type="child_family", age=9, related=[RelatedPerson(3, "Pat Parent", "parent_of", 38)])
        )
        assert suggested.values["related_person"] == 3
        assert suggested.values["has_parental_responsibility"] is True

    def test_nothing_known_suggests_only_the_route(self) -> None:
        suggested = suggest_facts(RecordFacts(case_type="child_family", age=9))
        assert set(suggested.values) == {"route"}
