from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dp.assessments.models import EligibilityDecision
from dp.assessments.tests.factories import EligibleDecisionFactory, RefusedDecisionFactory
from dp.people.constants import RelationshipKind
from dp.people.models import CapacityAssessment, Relationship
from dp.people.tests.factories import PersonFactory
from dp.staff.roles import Role

ANSWERS = {
    "decided_on_0": "2",
    "decided_on_1": "3",
    "decided_on_2": "2026",
    "route": "adult_with_capacity",
    "related_person": "",
    "needs_to_be_met_by_council": "yes",
    "requested": "yes",
    "resident_in_area": "yes",
    "excluded_by_criminal_justice_order": "no",
    "exclusion_order": "",
    "capable_of_managing": "yes",
    "appropriate_way_to_meet_needs": "yes",
    "has_capacity": "yes",
    "has_nominee": "no",
    "notes": "",
}


@pytest.mark.django_db
class TestEligibilityForm:
    def test_prefilled_from_the_record(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        nominee = PersonFactory(given_name="Nina")
        Relationship.objects.create(
            from_person=nominee,
            to_person=case.person,
            kind=RelationshipKind.NOMINATED_PERSON_FOR,
            started_on=dt.date(2020, 1, 1),
        )
        CapacityAssessment.objects.create(
            person=case.person,
            assessed_on=dt.date(2026, 1, 5),
            assessed_by=staff[Role.SOCIAL_WORKER],
            has_capacity=True,
        )
        client.force_login(staff[Role.SOCIAL_WORKER])
        html = client.get(reverse("assessments:eligibility_new", args=[case.pk])).content.decode()
        assert 'id="id_has_capacity_0" name="has_capacity" type="radio" value="yes" checked' in html
        assert 'id="id_has_nominee_0" name="has_nominee" type="radio" value="yes" checked' in html
        assert 'id="id_resident_in_area_0" name="resident_in_area" type="radio" value="yes" checked' in html
        assert "From the record: Capacity assessment of 5 January 2026" in html
        assert f'<option value="{nominee.pk}" selected>' in html

    def test_decides_and_shows_each_condition_with_its_source(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        response = client.post(reverse("assessments:eligibility_new", args=[case.pk]), ANSWERS)
        decision = EligibilityDecision.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("assessments:eligibility_detail", args=[case.pk, decision.pk])
        html = client.get(response.url).content.decode()
        assert "Direct payments can be made" in html
        assert "Care Act 2014 s.31 Condition 1 (DP-ELIG-02)" in html
        assert html.count('govuk-tag--green">Met<') == len(decision.conditions)

    def test_form_errors_are_shown(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        response = client.post(
            reverse("assessments:eligibility_new", args=[case.pk]), {**ANSWERS, "decided_on_0": "", "route": ""}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html
        assert "<title>Error:" in html
        assert 'href="#id_route_0"' in html
        assert not EligibilityDecision.objects.exists()

    def test_service_refusal_lands_on_its_field(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        response = client.post(
            reverse("assessments:eligibility_new", args=[case.pk]),
            {**ANSWERS, "excluded_by_criminal_justice_order": "yes"},
        )
        assert 'href="#id_exclusion_order"' in response.content.decode()
        assert "Say which order or requirement" in response.content.decode()


@pytest.mark.django_db
class TestRefusalLetter:
    def test_preview_lists_the_reasons_and_how_to_challenge(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        decision = RefusedDecisionFactory(case=case, decided_by=staff[Role.SOCIAL_WORKER])
        client.force_login(staff[Role.SOCIAL_WORKER])
        html = client.get(reverse("assessments:eligibility_letter", args=[case.pk, decision.pk])).content.decode()
        assert "The person is subject to a drug rehabilitation requirement." in html
        assert "Care and Support (Direct Payments) Regulations 2014 reg 2 and Schedule" in html
        assert "Local Government and Social Care Ombudsman" in html
        assert "We will look again when the requirement ends." in html
        assert "?format=pdf" in html

    def test_pdf(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        decision = RefusedDecisionFactory(case=case, decided_by=staff[Role.SOCIAL_WORKER])
        client.force_login(staff[Role.TEAM_MANAGER])
        response = client.get(reverse("assessments:eligibility_letter", args=[case.pk, decision.pk]) + "?format=pdf")
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")

    def test_no_letter_when_eligible(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        decision = EligibleDecisionFactory(case=case, decided_by=staff[Role.SOCIAL_WORKER])
        client.force_login(staff[Role.SOCIAL_WORKER])
        assert client.get(reverse("assessments:eligibility_letter", args=[case.pk, decision.pk])).status_code == 404


@pytest.mark.django_db
class TestOfferForm:
    def test_records_an_offer(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        response = client.post(
            reverse("assessments:offer_new", args=[case.pk]),
            {
                "occasion": "review",
                "offered_on_0": "2",
                "offered_on_1": "3",
                "offered_on_2": "2026",
                "answer": "accepted",
            },
        )
        assert response.status_code == 302
        page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
        assert "2 March 2026 (review): wants direct payments" in page

    def test_errors(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        response = client.post(reverse("assessments:offer_new", args=[case.pk]), {})
        assert "Select an answer: What did the person say?" in response.content.decode()
