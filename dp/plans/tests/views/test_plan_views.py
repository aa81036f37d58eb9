"""Plans pages through the test client: forms with errors and the happy paths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dp.cases.constants import CaseStatus
from dp.plans.constants import PlanStatus, RasSchemeStatus
from dp.plans.models import IndicativeBudget, PlanLine, PlanPayee, RasScheme, SupportPlan
from dp.plans.tests.factories import AtPanelSupportPlanFactory, DraftRasSchemeFactory, DraftSupportPlanFactory
from dp.staff.roles import Role

pytestmark = pytest.mark.django_db


def _date(prefix: str, on: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(on.day), f"{prefix}_1": str(on.month), f"{prefix}_2": str(on.year)}


class TestSchemePages:
    def test_create_with_errors_then_properly(self, client, staff, scheme) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SYSTEM_ADMIN])
        url = reverse("plans:ras_create")
        page = client.get(url)
        assert page.status_code == 200
        assert 'value="5"' in page.content.decode()  # starts from the scheme in force (£5 a point)
        response = client.post(url, {"name": "", "price_per_point": "abc", "pension_percent": "101"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in body
        assert "Enter name of the scheme" in body
        assert "Enter a percentage from 0 to 100" in body
        data = {
            "name": "Adults RAS 2027",
            **_date("effective_from", dt.date.today() + dt.timedelta(days=40)),
            "price_per_point": "5.125",
            "holiday_pay_percent": "12.07",
            "employer_ni_percent": "0",
            "pension_percent": "3",
            "insurance_weekly": "3.50",
            "reason": "Uplift",
            "copy_questions": "on",
        }
        response = client.post(url, data)
        draft = RasScheme.objects.get(name="Adults RAS 2027")
        assert response.status_code == 302
        assert draft.pence_per_point == 512.5
        assert draft.insurance_weekly_pence == 350
        assert draft.questions.count() == 2
        assert draft.price_per_point_display == "£5.125"

    def test_question_form_explains_bad_answers(self, client, staff) -> None:  # type: ignore[no-untyped-def]
        draft = DraftRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN])
        client.force_login(staff[Role.SYSTEM_ADMIN])
        url = reverse("plans:ras_question_add", args=[draft.pk])
        response = client.post(url, {"text": "Night care", "answers": "none\n10, Some"})
        assert "Answer line 1 must be points, a comma" in response.content.decode()
        response = client.post(url, {"text": "Night care", "answers": "0, None\n10, Some"})
        assert response.status_code == 302
        assert draft.questions.count() == 3

    def test_publish(self, client, staff) -> None:  # type: ignore[no-untyped-def]
        draft = DraftRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN])
        client.force_login(staff[Role.SYSTEM_ADMIN])
        assert client.post(reverse("plans:ras_publish", args=[draft.pk])).status_code == 302
        draft.refresh_from_db()
        assert draft.status == RasSchemeStatus.PUBLISHED


class TestIndicativeBudgetPage:
    def test_errors_then_result_with_explanation(self, client, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        url = reverse("plans:indicative_budget", args=[planning_case.pk])
        response = client.post(url, {"q_q1": "a3"})
        assert "There is a problem" in response.content.decode()
        assert "Select an option: Help to get out and about" in response.content.decode()
        response = client.post(url, {"q_q1": "a3", "q_q2": "a1", "pa_share_percent": "0"}, follow=True)
        assert "£200.00 a week" in response.content.decode()
        assert IndicativeBudget.objects.filter(case=planning_case).count() == 2

    def test_other_teams_case_is_not_found(self, client, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff["other_social_worker"])
        assert client.get(reverse("plans:indicative_budget", args=[planning_case.pk])).status_code == 404


class TestWritingThroughPages:
    def test_start_add_outcome_line_and_send(self, client, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.SOCIAL_WORKER])
        response = client.post(reverse("plans:plan_start", args=[planning_case.pk]))
        plan = SupportPlan.objects.get(case=planning_case)
        assert response.url == reverse("plans:plan_detail", args=[plan.pk])
        outcome_url = reverse("plans:outcome_add", args=[plan.pk])
        assert "There is a problem" in client.post(outcome_url, {"outcome": ""}).content.decode()
        client.post(outcome_url, {"need_code": "nutrition", "outcome": "Cook a hot meal each day"})
        outcome = plan.outcomes.get()
        line_url = reverse("plans:line_add", args=[plan.pk])
        assert "What kind of support is it?" in client.get(line_url).content.decode()
        form_page = client.get(line_url, {"kind": "care_agency"}).content.decode()
        assert "Agency&#x27;s hourly rate (£)" in form_page
        response = client.post(line_url, {"kind": "care_agency", "description": "Teatime calls", "quantity": "0"})
        assert "Hours a week must be more than 0" in response.content.decode()
        response = client.post(
            line_url,
            {
                "kind": "care_agency",
                "description": "Teatime calls",
                "funding": "direct_payment",
                "quantity": "5",
                "unit_cost": "24.50",
                "meets_outcomes": [str(outcome.pk)],
            },
        )
        assert response.status_code == 302
        line = PlanLine.objects.get(plan=plan)
        assert line.weekly_cost_pence == 12250
        detail = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
        assert "PLAN-WITHIN-BUDGET" in detail
        assert "Care Act 2014 s.26" in detail
        response = client.post(reverse("plans:plan_submit", args=[plan.pk]))
        plan.refresh_from_db()
        assert plan.status == PlanStatus.AWAITING_APPROVAL

    def test_blocked_plan_says_why(self, client, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        plan = DraftSupportPlanFactory(case=planning_case)
        PlanPayee.objects.create(
            plan=plan, name="Sam", relationship="spouse_or_civil_partner", lives_in_same_household=True
        )
        client.force_login(staff[Role.SOCIAL_WORKER])
        response = client.post(reverse("plans:plan_submit", args=[plan.pk]))
        assert response.status_code == 200
        assert "only if the council records that it is necessary" in response.content.decode()

    def test_payee_from_relationships_and_necessary_decision(self, client, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        from dp.people.models import Relationship
        from dp.people.tests.factories import PersonFactory

        plan = DraftSupportPlanFactory(case=planning_case)
        daughter = PersonFactory(given_name="Dora")
        rel = Relationship.objects.create(
            from_person=daughter,
            to_person=planning_case.person,
            kind="relative_of",
            same_household=True,
            started_on=dt.date(2000, 1, 1),
        )
        client.force_login(staff[Role.SOCIAL_WORKER])
        url = reverse("plans:payee_add", args=[plan.pk])
        assert "Dora" in client.get(url).content.decode()
        response = client.post(
            url, {"who": f"rel_{rel.pk}", "relationship": "friend", "lives_in_same_household": "yes"}
        )
        assert "close relative" in response.content.decode()
        client.post(url, {"who": f"rel_{rel.pk}", "relationship": "son_or_daughter", "lives_in_same_household": "yes"})
        payee = plan.payees.get()
        client.force_login(staff[Role.TEAM_MANAGER])
        necessary_url = reverse("plans:payee_necessary", args=[plan.pk, payee.pk])
        assert "There is a problem" in client.post(necessary_url, {"note": ""}).content.decode()
        client.post(necessary_url, {"reason": "palliative_care", "purpose": "care", "note": "End of life care"})
        payee.refresh_from_db()
        assert payee.has_necessary_decision


class TestDecisionPages:
    def test_panel_form_needs_amount_for_different_amount(self, client, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        planning_case.status = CaseStatus.FUNDING_PANEL
        planning_case.save()
        plan = AtPanelSupportPlanFactory(case=planning_case)
        client.force_login(staff[Role.TEAM_MANAGER])
        url = reverse("plans:plan_panel", args=[plan.pk])
        response = client.post(url, {"outcome": "agreed_different", "reasons": "Partly"})
        assert "Enter the weekly amount the panel agreed" in response.content.decode()
        response = client.post(url, {"outcome": "agreed", "reasons": "Two carers needed"})
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.status == PlanStatus.AWAITING_APPROVAL

    def test_author_sees_they_cannot_approve(self, client, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        planning_case.status = CaseStatus.PLAN_APPROVAL
        planning_case.save()
        plan = DraftSupportPlanFactory(case=planning_case, author=staff[Role.TEAM_MANAGER], status="awaiting_approval")
        client.force_login(staff[Role.TEAM_MANAGER])
        url = reverse("plans:plan_approve", args=[plan.pk])
        assert "You wrote this plan" in client.get(url).content.decode()
        response = client.post(url, _date("budget_effective_from", dt.date.today()))
        assert "cannot also approve" in response.content.decode()

    def test_approve(self, client, staff, planning_case) -> None:  # type: ignore[no-untyped-def]
        planning_case.status = CaseStatus.PLAN_APPROVAL
        planning_case.save()
        plan = DraftSupportPlanFactory(case=planning_case, status="awaiting_approval")
        client.force_login(staff[Role.TEAM_MANAGER])
        url = reverse("plans:plan_approve", args=[plan.pk])
        assert "There is a problem" in client.post(url, {"x": ""}).content.decode()
        response = client.post(url, _date("budget_effective_from", dt.date.today()))
        assert response.status_code == 302
        planning_case.refresh_from_db()
        assert planning_case.status == CaseStatus.AGREEMENT
        page = client.get(reverse("cases:case_detail", args=[planning_case.pk])).content.decode()
        assert "Budget and support plan" in page
        assert "Direct payment agreement and reviews" in page
