"""axe (WCAG 2.2 AA) on every page each role can open, on each form after an empty submit, and on the sign-in,
"page not found" and "you cannot use this page" pages.

The list of pages comes from the URL matrix (tests/test_url_matrix.py), so a new page is checked as soon as it is
added there.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from dp.queues.definitions import queues_for
from dp.staff.roles import Role
from tests.browser.axe import assert_no_axe_violations, assert_reflows
from tests.browser.conftest import sign_in, sign_out
from tests.test_url_matrix import EXPECTED, KWARGS, PUBLIC, all_patterns, set_password_kwargs
from tests.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "Make a new set-password link" is a POST action whose GET only redirects to the staff page; it is checked in
# test_new_member_of_staff_sets_a_password. Other URLs that are not web pages (POST only, JSON, files) are found
# by asking for them first (see `is_web_page`).
NOT_PAGES = {"staff:password_link"}
# The page's form with fields to fill in (not a one-button form such as "Make a new set-password link").
MAIN_FORM = "main form[method=post]:has(input:not([type=hidden]), textarea, select)"


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
        if name == "staff:set_password":
            # A link for someone who is not signing in here (signing in makes a person's own link stale).
            kwargs = set_password_kwargs(world.user("second_payments_officer"))
        else:
            kwargs = KWARGS.get(name, lambda w: {})(world)
        pages.append((name, reverse(name, kwargs=kwargs)))
    return pages


def is_web_page(client: Client, url: str) -> bool:
    """False for URLs that are not pages to look at: POST only (405), JSON, files."""
    response = client.get(url)
    return response.status_code != 405 and response.get("Content-Type", "").startswith("text/html")


def empty_submit_role(name: str) -> str:
    """Each form is submitted empty once, by the first role (in Role order) that may use it: the errors look the
    same to every role, so once keeps the suite quick."""
    expected = EXPECTED[name.split(" ")[0]]
    return next(role for role in Role.values if expected == PUBLIC or role in expected)


def status_of(page: Page, url: str) -> int:
    """Open `url` and give the HTTP status of the page that ends up shown."""
    response = page.goto(url)
    assert response is not None, url
    return response.status


def submit_empty_and_check(page: Page, label: str) -> None:
    """Clear every text box of the page's main form, submit it, and check the errors are shown accessibly."""
    form = page.locator(MAIN_FORM).first
    boxes = form.locator(
        "input[type=text], input[type=email], input[type=password], input[type=number], input[type=tel], textarea"
    )
    for i in range(boxes.count()):
        boxes.nth(i).fill("")
    form.locator("button[type=submit]").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary, f"{label}: an empty submit should show the error summary").to_be_visible()
    expect(summary, f"{label}: the error summary should take the focus").to_be_focused()
    assert page.title().startswith("Error: "), f"{label}: the title should start 'Error: ' ({page.title()!r})"
    # Each link in the summary must lead to a field on the page.
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert href.startswith("#"), f"{label}: link {href}"
        assert page.locator(f"[id='{href[1:]}']").count() == 1, f"{label}: link {href} leads nowhere"
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
    client = Client()
    client.force_login(staff[role])
    for label, url in pages_for(role, world):
        if not is_web_page(client, url):
            continue
        assert status_of(page, live_server.url + url) == 200, f"{label} {url}"
        assert_no_axe_violations(page, f"{label} as {role}")
        assert_reflows(page, f"{label} as {role}")
        if page.locator(MAIN_FORM).count() and empty_submit_role(label) == role:
            submit_empty_and_check(page, f"{label} as {role}")


def test_sign_in_page_is_accessible_with_and_without_errors(page: Page, live_server, staff) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}{reverse('staff:login')}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_no_axe_violations(page, "sign-in page")
    # The first Tab reaches the skip link, which moves the focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    submit_empty_and_check(page, "sign-in page")
    page.get_by_label("Username").fill(staff[Role.SOCIAL_WORKER].username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct username and password")
    assert_no_axe_violations(page, "sign-in page after a wrong password")


def test_error_pages_are_accessible(page: Page, live_server, staff) -> None:  # type: ignore[no-untyped-def]
    world = build_world(staff)
    assert status_of(page, f"{live_server.url}/no-such-page/") == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_no_axe_violations(page, "404 page (signed out)")

    sign_in(page, live_server.url, staff[Role.SOCIAL_WORKER].username)
    assert status_of(page, f"{live_server.url}{reverse('people:detail', args=[world.restricted_person.pk])}") == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_no_axe_violations(page, "404 page (restricted record)")

    assert status_of(page, f"{live_server.url}{reverse('staff:list')}") == 403
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


def test_new_member_of_staff_sets_a_password(page: Page, live_server, staff) -> None:  # type: ignore[no-untyped-def]
    """The administrator adds someone and makes their one-time link; they choose a password and sign in."""
    build_world(staff)
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, staff[Role.SYSTEM_ADMIN].username)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Staff").click()
    page.get_by_role("link", name="Add a member of staff").click()
    submit_empty_and_check(page, "add a member of staff")
    summary = page.locator(".govuk-error-summary")
    for message in ("Enter username", "Enter first name", "Enter last name", "Enter email address"):
        expect(summary.get_by_role("link", name=message)).to_be_visible()

    page.get_by_label("Username").fill("jo.newton")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Newton")
    page.get_by_label("Email address").fill("jo.newton@council.example")
    page.get_by_label("Team", exact=True).select_option(label="Adults North")
    page.get_by_role("group", name="Roles").get_by_label("Social worker / case manager").check()
    page.get_by_role("button", name="Save").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Account created. Give Jo Newton this one-time link")
    assert_no_axe_violations(page, "staff account just created, with its link")
    assert_reflows(page, "staff account just created, with its link")

    page.get_by_role("button", name="Make a new set-password link").click()
    expect(banner).to_contain_text("Give Jo Newton this one-time link to choose a new password")
    assert_no_axe_violations(page, "staff account with a new set-password link")
    assert_reflows(page, "staff account with a new set-password link")
    link = re.search(r"https?://\S+/set-password/\S+/", banner.inner_text())
    assert link is not None
    sign_out(page)

    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Choose your password", level=1)).to_be_visible()
    assert_no_axe_violations(page, "choose your password")
    submit_empty_and_check(page, "choose your password")
    page.get_by_label("New password", exact=True).fill("quiet meadow lantern 42")
    page.get_by_label("Confirm new password").fill("quiet meadow lantern 42")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password is set")
    sign_in(page, live_server.url, "jo.newton", "quiet meadow lantern 42")
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()

    sign_out(page)
    assert status_of(page, link.group(0)) == 404
    expect(page.get_by_role("heading", name="This link does not work", level=1)).to_be_visible()
    assert_no_axe_violations(page, "set-password link used up")
