"""Queues kept on another app's page are in the queue menu and lead there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dp.queues.definitions import queues_for
from dp.staff.roles import Role


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.TEAM_MANAGER])
def test_reviews_due_are_in_the_care_roles_queue_menu(role: str) -> None:
    assert "reviews" in [q.slug for q in queues_for(frozenset({role}))]


@pytest.mark.parametrize("role", [Role.PAYMENTS_OFFICER, Role.FINANCIAL_ASSESSOR, Role.AUDITOR])
def test_reviews_are_not_offered_to_roles_that_cannot_do_them(role: str) -> None:
    assert "reviews" not in [q.slug for q in queues_for(frozenset({role}))]


@pytest.mark.django_db
def test_the_reviews_queue_leads_to_the_review_page(client, staff) -> None:  # type: ignore[no-untyped-def]
    client.force_login(staff[Role.SOCIAL_WORKER])
    caseload = client.get(reverse("queues:queue", args=["caseload"])).content.decode()
    assert reverse("queues:queue", args=["reviews"]) in caseload
    response = client.get(reverse("queues:queue", args=["reviews"]))
    assert response.status_code == 302
    assert response.url == reverse("agreements:review_queue")
    client.force_login(staff[Role.PAYMENTS_OFFICER])
    assert client.get(reverse("queues:queue", args=["reviews"])).status_code == 404
