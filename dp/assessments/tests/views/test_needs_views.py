from __future__ import annotations

import pytest
from django.urls import reverse

from dp.assessments.models import NeedsAssessment
from dp.cases.constants import CaseStatus
from dp.staff.roles import Role

FORM = {
    "assessed_on_0": "2",
    "assessed_on_1": "3",
    "assessed_on_2": "2026",
    "needs_description": "Needs help to wash and to prepare meals",
    "personal_outcomes": "Keep going to the choir",
    "arises_from_condition": "yes",
    "outcomes_not_achieved": ["nutrition", "personal_hygiene"],
    "significant_impact": "yes",
    "carer_support": "no_carer",
}


@pytest.mark.django_db
class TestNeedsJourney:
    def test_start_check_and_complete(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        form_page = client.get(reverse("assessments:needs_new", args=[case.pk])).content.decode()
        assert "Managing and maintaining nutrition" in form_page
        assert "takes significantly longer" in form_page
        response = client.post(reverse("assessments:needs_new", args=[case.pk]), FORM)
        assessment = NeedsAssessment.objects.get()
        assert response.url == reverse("assessments:needs_detail", args=[case.pk, assessment.pk])
        detail = client.get(response.url).content.decode()
        assert "Eligible needs." in detail
        assert "Keep going to the choir" in detail
        complete = reverse("assessments:needs_complete", args=[case.pk, assessment.pk])
        page = client.get(complete).content.decode()
        assert "Move the case to “Financial assessment”" in page
        response = client.post(complete, {"offer_answer": "accepted", "move_case_to": CaseStatus.FINANCIAL_ASSESSMENT})
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.status == CaseStatus.FINANCIAL_ASSESSMENT
        case_page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
        assert "Completed, 2 March 2026" in case_page

    def test_errors_on_an_empty_form(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        response = client.post(reverse("assessments:needs_new", args=[case.pk]), {"needs_description": ""})
        html = response.content.decode()
        assert "Enter the person&#x27;s needs" in html or "Enter the person's needs" in html
        assert not NeedsAssessment.objects.exists()

    def test_completion_needs_a_choice(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        client.post(reverse("assessments:needs_new", args=[case.pk]), FORM)
        assessment = NeedsAssessment.objects.get()
        response = client.post(reverse("assessments:needs_complete", args=[case.pk, assessment.pk]), {})
        assert "There is a problem" in response.content.decode()
        assessment.refresh_from_db()
        assert assessment.is_draft

    def test_edit_keeps_the_answers(self, client, staff, case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        client.post(reverse("assessments:needs_new", args=[case.pk]), FORM)
        assessment = NeedsAssessment.objects.get()
        html = client.get(reverse("assessments:needs_edit", args=[case.pk, assessment.pk])).content.decode()
        assert 'value="nutrition" checked' in html
        assert "Keep going to the choir" in html
