"""Each role gets what the assessments URL table says (the project-wide matrix does the same for
every app; this keeps the check beside the pages), and objects of cases outside a user's scope
are not found."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dp.assessments.tests.factories import CurrentFinancialAssessmentFactory, RefusedDecisionFactory
from dp.assessments.tests.url_policies import EXPECTED, KWARGS
from dp.staff.roles import Role
from tests.world import build_world


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_gets_what_it_should(client, staff, role: str) -> None:  # type: ignore[no-untyped-def]
    world = build_world(staff)
    client.force_login(world.user(role))
    failures = []
    for name, roles in EXPECTED.items():
        url = reverse(name, kwargs=KWARGS.get(name, lambda w: {})(world))
        response = client.get(url)
        ok = response.status_code in (200, 302) if role in roles else response.status_code == 403
        if not ok:
            failures.append(f"{name} {url}: {response.status_code}")
    assert failures == []


@pytest.mark.django_db
def test_records_of_another_teams_case_are_not_found(client, staff) -> None:  # type: ignore[no-untyped-def]
    world = build_world(staff)
    other = world.other_team_case
    decision = RefusedDecisionFactory(case=other, decided_by=staff["other_social_worker"])
    assessment = CurrentFinancialAssessmentFactory(case=other, calculated_by=staff[Role.FINANCIAL_ASSESSOR])
    client.force_login(world.user(Role.SOCIAL_WORKER))
    for url in (
        reverse("assessments:eligibility_detail", args=[other.pk, decision.pk]),
        reverse("assessments:eligibility_letter", args=[other.pk, decision.pk]),
        reverse("assessments:eligibility_new", args=[other.pk]),
        reverse("assessments:financial_detail", args=[other.pk, assessment.pk]),
        # the right record under the wrong case is not found either
        reverse("assessments:eligibility_detail", args=[world.case.pk, decision.pk]),
    ):
        assert client.get(url).status_code == 404, url
