from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from dp.assessments.models import FinancialAssessment
from dp.assessments.tests.factories import CurrentFinancialAssessmentFactory
from dp.staff.roles import Role

FORM = {
    "assessed_on_0": "2",
    "assessed_on_1": "6",
    "assessed_on_2": "2025",
    "cost_of_care": "300.00",
    "couple": "no",
    "dependent_children": "0",
    "pension_credit_age": "age",
    "premiums": ["disability"],
    "income_esa": "130.00",
    "income_pip_daily_living": "73.90",
    "income_pip_mobility": "29.20",
    "income_other": "90",
    "capital_sole": "15,000",
    "capital_joint_owners": "2",
    "housing_costs": "12.00",
    "dre_basis": "standard",
}


@pytest.mark.django_db
class TestFinancialJourney:
    def test_calculate_check_confirm_and_letter(self, client, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        response = client.post(reverse("assessments:financial_new", args=[finance_case.pk]), FORM)
        assessment = FinancialAssessment.objects.get()
        assert response.url == reverse("assessments:financial_detail", args=[finance_case.pk, assessment.pk])
        detail = client.get(response.url).content.decode()
        assert "£122.75 a week" in detail
        assert "Tariff income from capital" in detail
        assert "Personal Independence Payment mobility component (not counted" in detail
        complete = reverse("assessments:financial_complete", args=[finance_case.pk, assessment.pk])
        client.post(complete, {"move_case_to": "support_planning"})
        assessment.refresh_from_db()
        finance_case.refresh_from_db()
        assert assessment.is_current
        assert finance_case.status == "support_planning"
        letter = reverse("assessments:financial_letter", args=[finance_case.pk, assessment.pk])
        html = client.get(letter).content.decode()
        assert "You will pay £122.75 a week" in html
        assert "Your weekly contribution, step by step" in html
        pdf = client.get(letter + "?format=pdf")
        assert pdf.content.startswith(b"%PDF")

    def test_missing_national_figure_is_explained_with_a_link(self, client, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        response = client.post(
            reverse("assessments:financial_new", args=[finance_case.pk]), {**FORM, "assessed_on_2": "2026"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "A national figure is missing" in html
        assert "for 2026/27 has not been entered" in html
        assert reverse("assessments:national_figures") in html
        assert not FinancialAssessment.objects.exists()

    def test_form_errors(self, client, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        response = client.post(
            reverse("assessments:financial_new", args=[finance_case.pk]),
            {**FORM, "cost_of_care": "abc", "disregard_0_amount": "10", "dre_basis": "itemised"},
        )
        html = response.content.decode()
        assert "must be an amount of money" in html
        assert "Enter why this amount is disregarded" in html
        assert not FinancialAssessment.objects.exists()

    def test_itemised_without_items_is_shown_on_the_choice(self, client, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        response = client.post(
            reverse("assessments:financial_new", args=[finance_case.pk]), {**FORM, "dre_basis": "itemised"}
        )
        assert 'href="#id_dre_basis_0"' in response.content.decode()

    def test_reassessment_starts_from_the_current_one(self, client, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        CurrentFinancialAssessmentFactory(case=finance_case, calculated_by=staff[Role.FINANCIAL_ASSESSOR])
        client.force_login(staff[Role.FINANCIAL_ASSESSOR])
        html = client.get(reverse("assessments:financial_new", args=[finance_case.pk])).content.decode()
        assert 'name="income_esa" type="text" value="130.00"' in html

    def test_social_worker_sees_the_contribution_on_the_case(self, client, staff, finance_case) -> None:  # type: ignore[no-untyped-def]
        CurrentFinancialAssessmentFactory(case=finance_case, calculated_by=staff[Role.FINANCIAL_ASSESSOR])
        client.force_login(staff[Role.SOCIAL_WORKER])
        html = client.get(reverse("cases:case_detail", args=[finance_case.pk])).content.decode()
        assert "£122.75 a week" in html
        assert reverse("assessments:financial_new", args=[finance_case.pk]) not in html


@pytest.mark.django_db
def test_contribution_letter_template_has_the_key_figures(staff, finance_case, council) -> None:  # type: ignore[no-untyped-def]
    assessment = CurrentFinancialAssessmentFactory(case=finance_case, calculated_by=staff[Role.FINANCIAL_ASSESSOR])
    html = render_to_string(
        "assessments/letters/contribution.html",
        {
            "council": council,
            "case": finance_case,
            "assessment": assessment,
            "addressee": finance_case.person,
            "letter_title": "Your contribution",
            "today": finance_case.opened_on,
            "body_template": "assessments/letters/_contribution_body.html",
        },
    )
    for text in (
        "£122.75 a week",
        "£300.00 a week",
        "2025/26",
        "£162.15",
        "Tariff income",
        finance_case.reference,
        council.name,
    ):
        assert text in html, text
