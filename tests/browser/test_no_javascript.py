"""With JavaScript switched off the core tasks still work: sign in, find a person, record a referral, sign out."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from dp.councils.tests.factories import CouncilFactory
from dp.people.tests.factories import PersonFactory
from dp.staff.roles import Role
from tests.browser.conftest import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_core_tasks_work_without_javascript(no_js_page: Page, live_server, staff) -> None:  # type: ignore[no-untyped-def]
    page = no_js_page
    CouncilFactory()
    person = PersonFactory(given_name="Omar", family_name="Fairbairn")

    sign_in(page, live_server.url, staff[Role.DP_SUPPORT].username)
    assert "js-enabled" not in (page.get_attribute("body", "class") or "")

    # Find the person (a GET form), by name and by date of birth.
    page.get_by_role("link", name="People").first.click()
    page.get_by_label("Name").fill("fairbairn")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table")).to_contain_text("1 person found")
    page.get_by_label("Name").fill("")
    page.get_by_label("Day").fill(str(person.date_of_birth.day))
    page.get_by_label("Month").fill(str(person.date_of_birth.month))
    page.get_by_label("Year").fill(str(person.date_of_birth.year))
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Omar Fairbairn").click()
    expect(page.get_by_role("heading", name="Omar Fairbairn", level=1)).to_be_visible()

    # Record a referral: first with nothing filled in (errors shown), then properly.
    page.get_by_role("link", name="Record a referral").click()
    page.get_by_role("button", name="Send to triage").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(4)  # route, referrer, type of support, support wanted
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("The person themselves").check()
    page.get_by_label("Carer", exact=True).check()
    page.get_by_label("What support do they think would help?").fill("A short break from caring each month")
    page.get_by_label("Urgent", exact=True).check()
    page.get_by_role("button", name="Send to triage").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        re.compile(r"Referral R\d+ is in the triage queue")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for triage")
    expect(page.locator(".govuk-summary-list")).to_contain_text("A short break from caring each month")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Urgent")

    sign_out(page)
