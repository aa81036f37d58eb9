"""The employment pages (PAs' pay, payroll files, money owed) in Chromium with axe: every one for every role that
may use it (the same check as test_every_page_axe, limited to these pages so it can be run on its own), each form
after an empty submit, and the case page with its "Employing and money owed" panel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from dp.staff.roles import CARE_ROLES, Role
from tests.browser.axe import assert_no_axe_violations, assert_reflows
from tests.browser.conftest import sign_in
from tests.browser.test_every_page_axe import (
    MAIN_FORM,
    empty_submit_role,
    is_web_page,
    pages_for,
    status_of,
    submit_empty_and_check,
)
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [role for role in Role.values if role in CARE_ROLES]  # every role that may open a person


@pytest.mark.parametrize("role", ROLES)
def test_every_employment_page_is_accessible(page: Page, live_server, staff, role: str) -> None:  # type: ignore[no-untyped-def]
    world = build_world(staff)
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, staff[role].username)
    client = Client()
    client.force_login(staff[role])
    visited = 0
    for label, url in pages_for(role, world):
        if not label.startswith("employment:") or not is_web_page(client, url):
            continue
        assert status_of(page, live_server.url + url) == 200, f"{label} {url}"
        assert_no_axe_violations(page, f"{label} as {role}")
        assert_reflows(page, f"{label} as {role}")
        if page.locator(MAIN_FORM).count() and empty_submit_role(label) == role:
            submit_empty_and_check(page, f"{label} as {role}")
        visited += 1
    assert visited >= 2
    if role == Role.SOCIAL_WORKER:
        assert status_of(page, live_server.url + reverse("cases:case_detail", args=[world.case.pk])) == 200
        assert page.get_by_role("heading", name="Employing and money owed").count() == 1
        assert_no_axe_violations(page, "case page with the employment panel")
