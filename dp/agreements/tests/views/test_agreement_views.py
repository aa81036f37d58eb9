"""Agreement and review pages, and the printed agreement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from dp.agreements.constants import AgreementStatus, ReviewStatus
from dp.agreements.models import Agreement
from dp.agreements.tests.factories import DraftAgreementFactory, OverdueReviewFactory, SignedAgreementFactory
from dp.agreements.views import agreement_context
from dp.cases.constants import CaseStatus
from dp.cases.tests.factories import ActiveCaseFactory
from dp.core.pdf import render_pdf
from dp.plans.tests.factories import ApprovedSupportPlanFactory, PersonalBudgetFactory
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _date(prefix: str, on: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(on.day), f"{prefix}_1": str(on.month), f"{prefix}_2": str(on.year)}


class TestAgreementPages:
    def test_draw_up_with_errors_then_sign(self, client, staff, agreement_case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.DP_SUPPORT])
        url = reverse("agreements:agreement_create", args=[agreement_case.pk])
        response = client.post(url, {"x": ""})
        body = response.content.decode()
        assert "There is a problem" in body
        assert "Select an answer: Who will hold the money" in body
        response = client.post(
            url, {"holder": "recipient", "account_type": "prepaid_card", **_date("first_payment_on", TODAY)}
        )
        agreement = Agreement.objects.get(case=agreement_case)
        assert response.url == reverse("agreements:agreement_detail", args=[agreement.pk])
        detail = client.get(response.url).content.decode()
        assert "£480.00" in detail
        sign_url = reverse("agreements:agreement_sign", args=[agreement.pk])
        assert "There is a problem" in client.post(sign_url, {"x": ""}).content.decode()
        response = client.post(sign_url, {"signed_by": str(agreement_case.person.pk), **_date("signed_on", TODAY)})
        assert response.status_code == 302
        agreement.refresh_from_db()
        agreement_case.refresh_from_db()
        assert agreement.status == AgreementStatus.SIGNED
        assert agreement_case.status == CaseStatus.PAYMENT_SETUP

    def test_not_at_agreement_stage_goes_back_to_the_case(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        client.force_login(staff[Role.SOCIAL_WORKER])
        response = client.get(reverse("agreements:agreement_create", args=[case.pk]))
        assert response.url == reverse("cases:case_detail", args=[case.pk])


class TestPrintedAgreement:
    @pytest.fixture
    def agreement(self, staff, agreement_case):  # type: ignore[no-untyped-def]
        return DraftAgreementFactory(
            case=agreement_case,
            plan=agreement_case.support_plans.get(),
            budget=agreement_case.personal_budgets.get(),
            weekly_contribution_pence=2000,
            cycle_contribution_pence=8000,
            cycle_council_payment_pence=40000,
            surplus_allowed_weeks=8,
        )

    def test_pdf_bytes(self, client, staff, agreement) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.AUDITOR])
        response = client.get(reverse("agreements:agreement_pdf", args=[agreement.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert render_pdf("agreements/agreement_pdf.html", agreement_context(agreement)).startswith(b"%PDF")

    def test_letter_says_what_the_agreement_says(self, agreement, council) -> None:  # type: ignore[no-untyped-def]
        context = agreement_context(agreement)
        assert [line.description for line in context["dp_lines"]] == ["Personal Assistant for morning routine"]
        html = render_to_string("agreements/agreement_pdf.html", {"council": council, **context})
        assert agreement.holder_person.full_name in html
        assert "Prepaid card" in html or "prepaid card" in html
        assert "£480.00" in html  # every 4 weeks, gross
        assert "£80.00" in html  # contribution to pay in every 4 weeks
        assert "£400.00" in html  # from the council
        assert "Personal Assistant for morning routine" in html
        assert "8 weeks of payments" in html
        assert "within 6 months of the first payment" in html
        assert "Employing someone" in html
        assert "regulation 3" in html
        assert "_____" in html  # not signed yet: signature lines


class TestReviewPages:
    @pytest.fixture
    def overdue(self, staff, council):  # type: ignore[no-untyped-def]
        case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
        plan = ApprovedSupportPlanFactory(case=case, approved_by=staff[Role.TEAM_MANAGER])
        agreement = SignedAgreementFactory(case=case, plan=plan, budget=PersonalBudgetFactory(case=case, plan=plan))
        return OverdueReviewFactory(case=case, agreement=agreement)

    def test_queue_lists_overdue_reviews(self, client, staff, overdue) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.DP_SUPPORT])
        body = client.get(reverse("agreements:review_queue")).content.decode()
        assert overdue.case.reference in body
        assert "Overdue" in body

    def test_complete_with_errors_then_properly(self, client, staff, overdue) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        url = reverse("agreements:review_complete", args=[overdue.pk])
        assert "There is a problem" in client.post(url, {"x": ""}).content.decode()
        response = client.post(
            url,
            {
                **_date("completed_on", TODAY),
                "outcome": "continue",
                "dp_offered": "yes",
                "dp_answer": "not_asked",
                "notes": "Fine",
            },
        )
        assert "choose what the person said" in response.content.decode()
        response = client.post(
            url,
            {
                **_date("completed_on", TODAY),
                "outcome": "continue",
                "dp_offered": "yes",
                "dp_answer": "keep",
                "notes": "Fine",
            },
        )
        assert response.status_code == 302
        overdue.refresh_from_db()
        assert overdue.status == ReviewStatus.COMPLETED

    def test_request(self, client, staff, overdue) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.DP_SUPPORT])
        url = reverse("agreements:review_request", args=[overdue.case.pk])
        assert "There is a problem" in client.post(url, {"x": ""}).content.decode()
        response = client.post(
            url, {"trigger": "capacity_change", "details": "Dementia diagnosis", **_date("due_by", TODAY)}
        )
        assert response.status_code == 302
        overdue.case.refresh_from_db()
        assert overdue.case.status == CaseStatus.REVIEW
