"""axe (WCAG 2.2 AA) on every page each role can open, on each form after an empty submit, and on the sign-in,
"page not found" and "you cannot use this page" pages.

The list of pages comes from the URL matrix (tests/test_url_matrix.py), so a new page is checked as soon as it is
added there.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from dp.queues.definitions import queues_for
from dp.staff.roles import Role
from tests.browser.axe import assert_no_axe_violations, assert_reflows
from tests.browser.conftest import sign_in
from tests.test_url_matrix import EXPECTED, KWARGS, PUBLIC, all_patterns
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Not HTML pages: sign-out is POST only; the health check and the OpenAPI schema are JSON.
NOT_PAGES = {"staff:logout", "core:health", "api:schema"}


def pages_for(role: str, world: World) -> list[tuple[str, str]]:
    """(label, url) of every GET page `role` may open, with sample objects from `world`."""
    roles = frozenset({role})
    pages = []
    for name, _pattern in all_patterns():
        expected = EXPECTED[name]
        if name in NOT_PAGES or not (expected == PUBLIC or role in expected):
            continue
        if name == "queues:queue":
            for queue in queues_for(roles):
                pages.append((f"{name} {queue.slug}", reverse(name, kwargs={"slug": queue.slug})))
            continue
        pages.append((name, reverse(name, kwargs=KWARGS.get(name, lambda w: {})(world))))
    return pages


def submit_empty_and_check(page: Page, label: str) -> None:
    """Clear every text box of the page's main form, submit it, and check the errors are shown accessibly."""
    form = page.locator("main form[method=post]")
    boxes = form.locator(
        "input[type=text], input[type=email], input[type=password], input[type=number], input[type=tel], textarea"
    )
    for i in range(boxes.count()):
        boxes.nth(i).fill("")
    form.locator("button[type=submit]").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary, f"{label}: an empty submit should show the error summary").to_be_visible()
    assert page.title().startswith("Error: "), f"{label}: the title should start 'Error: ' ({page.title()!r})"
    # Each link in the summary must lead to a field on the page.
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert href.startswith("#") and page.locator(f"[id='{href[1:]}']").count() == 1, f"{label}: link {href}"
    # Each field in error has its message tied to the control.
    for message_id in page.locator(".govuk-error-message").evaluate_all("ps => ps.map(p => p.id)"):
        assert message_id, f"{label}: error message without an id"
        described = page.locator(f"[aria-describedby~='{message_id}']")
        assert described.count() >= 1, f"{label}: nothing is described by {message_id}"
    assert_no_axe_violations(page, f"{label} after an empty submit")
    assert_reflows(page, f"{label} after an empty submit")


@pytest.mark.parametrize("role", Role.values)
def test_every_page_a_role_can_see_is_accessible(page: Page, live_server, staff, role: str) -> None:  # type: ignore[no-untyped-def]
    world = build_world(staff)
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, staff[role].username)
    assert_no_axe_violations(page, f"{role} landing page")
    for label, url in pages_for(role, world):
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, f"{label} {url}: {response and response.status}"
        assert_no_axe_violations(page, f"{label} as {role}")
        assert_reflows(page, f"{label} as {role}")
        if page.locator("main form[method=post]").count():
            submit_empty_and_check(page, f"{label} as {role}")


def test_sign_in_page_is_accessible_with_and_without_errors(page: Page, live_server, staff) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}{reverse('staff:login')}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_no_axe_violations(page, "sign-in page")
    submit_empty_and_check(page, "sign-in page")
    page.get_by_label("Username").fill(staff[Role.SOCIAL_WORKER].username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct username and password")
    assert_no_axe_violations(page, "sign-in page after a wrong password")


def test_error_pages_are_accessible(page: Page, live_server, staff) -> None:  # type: ignore[no-untyped-def]
    world = build_world(staff)
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_no_axe_violations(page, "404 page (signed out)")

    sign_in(page, live_server.url, staff[Role.SOCIAL_WORKER].username)
    response = page.goto(f"{live_server.url}{reverse('people:detail', args=[world.restricted_person.pk])}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_no_axe_violations(page, "404 page (restricted record)")

    response = page.goto(f"{live_server.url}{reverse('staff:list')}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="You cannot use this page")).to_be_visible()
    assert_no_axe_violations(page, "403 page")


def test_search_errors_are_accessible(page: Page, live_server, staff) -> None:  # type: ignore[no-untyped-def]
    """The search form is a GET form: check its errors with an impossible date of birth."""
    sign_in(page, live_server.url, staff[Role.DP_SUPPORT].username)
    page.goto(f"{live_server.url}{reverse('people:search')}")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("1960")
    page.get_by_role("button", name="Search").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date of birth must be a real date")
    assert page.title().startswith("Error: ")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Day")).to_be_focused()
    assert_no_axe_violations(page, "person search with an impossible date")
