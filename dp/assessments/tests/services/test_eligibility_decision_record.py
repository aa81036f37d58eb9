from __future__ import annotations

import datetime as dt

import pytest

from dp.assessments import services
from dp.assessments.models import EligibilityDecision
from dp.assessments.selectors import eligibility_record_facts
from dp.assessments.tests.factories import DirectPaymentOfferFactory
from dp.audit_log.models import Event
from dp.cases.constants import CaseType
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.core.errors import ValidationFailed
from dp.people.constants import RelationshipKind
from dp.people.models import CapacityAssessment, Relationship
from dp.people.tests.factories import ChildFactory, OutOfAreaPersonFactory, PersonFactory
from dp.staff.roles import Role

ON = dt.date(2026, 3, 2)
ALL_MET = {
    "needs_to_be_met_by_council": True,
    "requested": True,
    "resident_in_area": True,
    "excluded_by_criminal_justice_order": False,
    "exclusion_order": "",
    "capable_of_managing": True,
    "appropriate_way_to_meet_needs": True,
    "has_capacity": True,
    "has_nominee": False,
}


def decide(staff, case, **changes):  # type: ignore[no-untyped-def]
    facts = {**ALL_MET, **changes.pop("facts", {})}
    return services.eligibility_decision_record(
        actor=staff[Role.SOCIAL_WORKER],
        case=case,
        decided_on=ON,
        route=changes.pop("route", "adult_with_capacity"),
        facts=facts,
        **changes,
    )


@pytest.mark.django_db
class TestDecision:
    def test_eligible_adult_with_every_condition_and_its_source(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        decision = decide(staff, case)
        assert decision.outcome == "eligible"
        assert decision.age == 65
        assert decision.recipient_type == "adult"
        assert all(c["met"] is True for c in decision.conditions)
        assert all(c["source"] for c in decision.conditions)
        event = Event.objects.get(event_type="assessment.eligibility_decided")
        assert event.data["after"] == {"route": "adult_with_capacity", "outcome": "eligible", "failed": []}

    def test_excluded_person_is_refused_with_the_order_type(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        decision = decide(
            staff,
            case,
            facts={"excluded_by_criminal_justice_order": True, "exclusion_order": "alcohol_treatment_requirement"},
        )
        assert decision.outcome == "not_eligible"
        assert decision.is_refusal
        assert decision.exclusion_order == "alcohol_treatment_requirement"
        failed = [c for c in decision.conditions if c["met"] is False]
        assert failed[0]["code"] == "NOT_EXCLUDED"
        assert "alcohol treatment requirement" in failed[0]["explanation"]

    def test_excluded_without_the_order_is_refused_input(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as caught:
            decide(staff, case, facts={"excluded_by_criminal_justice_order": True})
        assert caught.value.field == "exclusion_order"
        assert not EligibilityDecision.objects.exists()

    def test_unknown_fact_leaves_it_undecided(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        decision = decide(staff, case, facts={"capable_of_managing": None})
        assert decision.outcome == "undecided"

    def test_nominee_who_agrees(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        nominee = PersonFactory()
        decision = decide(staff, case, related_person=nominee, facts={"has_nominee": True, "nominee_agrees": True})
        assert decision.outcome == "eligible"
        assert decision.recipient_type == "nominated_person"
        assert decision.related_person == nominee

    def test_lacking_capacity_attorney_must_support_someone_else(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        decision = decide(
            staff,
            case,
            route="adult_lacking_capacity",
            facts={
                "has_capacity": False,
                "authorised_person_basis": "agreed_by_mca_authorised",
                "mca_authorised_person_exists": True,
                "mca_authorised_person_supports": False,
                "will_act_in_best_interests": True,
            },
        )
        assert decision.outcome == "not_eligible"
        assert any(c["code"] == "ATTORNEY_OR_DEPUTY_SUPPORTS" and c["met"] is False for c in decision.conditions)

    def test_parent_of_a_disabled_child_uses_the_parents_age(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        child = ChildFactory()
        parent = PersonFactory(date_of_birth=dt.date(1985, 1, 1))
        case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], person=child, case_type=CaseType.CHILD_FAMILY)
        decision = decide(
            staff,
            case,
            route="parent_of_disabled_child",
            related_person=parent,
            facts={"has_capacity": None, "has_parental_responsibility": True, "child_is_disabled": True},
        )
        assert decision.outcome == "eligible"
        assert decision.age == 41
        assert decision.child_age == child.age(ON)

    def test_children_route_needs_the_parent(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as caught:
            decide(staff, case, route="parent_of_disabled_child")
        assert caught.value.field == "related_person"

    def test_decision_date_cannot_be_in_the_future(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed) as caught:
            services.eligibility_decision_record(
                actor=staff[Role.SOCIAL_WORKER],
                case=case,
                decided_on=dt.date(2999, 1, 1),
                route="adult_with_capacity",
                facts=ALL_MET,
            )
        assert caught.value.field == "decided_on"

    def test_unknown_fact_name(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed):
            decide(staff, case, facts={"likes_cats": True})

    def test_atomic_when_the_audit_write_fails(self, staff, case, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        def broken(**kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("audit log unavailable")

        monkeypatch.setattr(services, "audit_event_record", broken)
        with pytest.raises(RuntimeError):
            decide(staff, case)
        assert not EligibilityDecision.objects.exists()


@pytest.mark.django_db
class TestPrefill:
    def test_reads_capacity_relationships_residence_and_the_offer(self, staff, case) -> None:  # type: ignore[no-untyped-def]
        attorney = PersonFactory(given_name="Sam")
        Relationship.objects.create(
            from_person=attorney,
            to_person=case.person,
            kind=RelationshipKind.AUTHORISED_PERSON_FOR,
            authority_basis="lpa",
            started_on=dt.date(2020, 1, 1),
        )
        CapacityAssessment.objects.create(
            person=case.person,
            assessed_on=dt.date(2026, 1, 5),
            assessed_by=staff[Role.SOCIAL_WORKER],
            has_capacity=False,
        )
        DirectPaymentOfferFactory(case=case, recorded_by=staff[Role.SOCIAL_WORKER], answer="accepted")
        record = eligibility_record_facts(case, on=ON)
        assert record.has_capacity is False
        assert "5 January 2026" in record.capacity_evidence
        assert record.resident_in_area is True
        assert "NM1 2AB" in record.residence_evidence
        assert record.requested is True
        assert record.related[0].authority_basis == "lpa"

    def test_out_of_area_postcode(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], person=OutOfAreaPersonFactory())
        assert eligibility_record_facts(case, on=ON).resident_in_area is False
