"""The intake journey in the browser, each step by the role that does it, with axe on every page on the way:

DP support officer searches (no one found), adds the person and records a referral; the team manager allocates it
from "Referrals to triage"; the social worker finds the case in "My caseload", moves it to "Needs assessment" and
adds a note; the person's timeline shows the referral, the allocation and the note.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dp.councils.tests.factories import CouncilFactory
from dp.staff.roles import Role
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referral_to_allocated_case_with_a_note(page: Page, live_server, staff) -> None:  # type: ignore[no-untyped-def]
    CouncilFactory()
    social_worker = staff[Role.SOCIAL_WORKER]
    page.set_default_timeout(10_000)

    # DP support officer: search first, then add the person and record the referral.
    sign_in(page, live_server.url, staff[Role.DP_SUPPORT].username)
    assert_no_axe_violations(page, "DP support landing page")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="Find a person", level=1)).to_be_visible()
    assert_no_axe_violations(page, "person search")
    page.get_by_label("Name").fill("Zara Quinnell")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No one found")).to_be_visible()
    assert_no_axe_violations(page, "person search with no result")

    page.get_by_role("link", name="Add a new person").click()
    expect(page.get_by_role("heading", name="Add a new person", level=1)).to_be_visible()
    assert_no_axe_violations(page, "add a new person")
    page.get_by_label("First name").fill("Zara")
    page.get_by_label("Last name").fill("Quinnell")
    date_of_birth = page.get_by_role("group", name="Date of birth")
    date_of_birth.get_by_label("Day").fill("14")
    date_of_birth.get_by_label("Month").fill("7")
    date_of_birth.get_by_label("Year").fill("1951")
    page.get_by_label("Address line 1", exact=True).fill("3 Mill Lane")
    page.get_by_label("Town or city").fill("Northmoor")
    page.get_by_label("Postcode").fill("NM1 4AB")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Record a referral", level=1)).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Record created for Zara Quinnell")
    expect(page.get_by_text("NM1 4AB is in the council's area")).to_be_visible()
    assert_no_axe_violations(page, "record a referral")
    page.get_by_role("group", name="How did they get in touch?").get_by_label("Phone call").check()
    page.get_by_role("group", name="Who made the referral?").get_by_label("GP or health professional").check()
    page.get_by_label("Referrer's name (if not the person)").fill("Dr Patel")
    page.get_by_role("group", name="What kind of support is it about?").get_by_label("Adult").check()
    page.get_by_label("What support do they think would help?").fill("Help with washing and getting out to the shops")
    page.get_by_role("button", name="Send to triage").click()

    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(re.compile(r"Referral R\d+ is in the triage queue"))
    reference = re.search(r"R\d+", banner.inner_text())
    assert reference is not None
    referral_reference = reference.group(0)
    expect(page.get_by_role("heading", name=re.compile("Zara Quinnell"), level=1)).to_contain_text("Waiting for triage")
    assert_no_axe_violations(page, "referral detail (after recording)")
    sign_out(page)

    # Team manager: find it in "Referrals to triage" and allocate it.
    sign_in(page, live_server.url, staff[Role.TEAM_MANAGER].username)
    expect(page.get_by_role("heading", name="Referrals to triage", level=1)).to_be_visible()
    assert_no_axe_violations(page, "referrals to triage")
    row = page.get_by_role("row").filter(has_text=referral_reference)
    expect(row).to_contain_text("Zara Quinnell")
    row.get_by_role("link", name=referral_reference).click()
    expect(page.get_by_role("heading", name="Triage", exact=True)).to_be_visible()
    assert_no_axe_violations(page, "referral detail (team manager)")
    page.get_by_role("link", name="Allocate to a worker").click()
    expect(page.get_by_role("heading", name="Allocate referral", level=1)).to_be_visible()
    assert_no_axe_violations(page, "allocate referral")
    page.get_by_label("Allocate to").select_option(label=f"{social_worker.display_name} ({social_worker.team})")
    page.get_by_role("button", name="Allocate").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text(f"allocated to {social_worker.display_name}")
    case_reference = re.search(r"Case (C\d+) opened", banner.inner_text())
    assert case_reference is not None
    expect(page.get_by_role("row").filter(has_text=referral_reference)).to_have_count(0)
    assert_no_axe_violations(page, "referrals to triage (after allocating)")
    sign_out(page)

    # Social worker: the case is in "My caseload"; move it to "Needs assessment" and add a note.
    sign_in(page, live_server.url, social_worker.username)
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    assert_no_axe_violations(page, "my caseload")
    row = page.get_by_role("row").filter(has_text="Zara Quinnell")
    expect(row).to_contain_text("Allocated")
    row.get_by_role("link", name=case_reference.group(1)).click()
    expect(page.get_by_role("heading", name=re.compile("Zara Quinnell"), level=1)).to_contain_text("Allocated")
    assert_no_axe_violations(page, "case detail")

    page.get_by_role("link", name="Change status").click()
    expect(page.get_by_role("heading", name="Change the case status", level=1)).to_be_visible()
    assert_no_axe_violations(page, "change the case status")
    page.get_by_role("group", name="Move the case to").get_by_label("Needs assessment").check()
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Case status changed")
    expect(page.get_by_role("heading", name=re.compile("Zara Quinnell"), level=1)).to_contain_text("Needs assessment")
    assert_no_axe_violations(page, "case detail (needs assessment)")

    page.get_by_role("link", name="Add a note", exact=True).click()
    expect(page.get_by_role("heading", name="Add a note", level=1)).to_be_visible()
    assert_no_axe_violations(page, "add a note")
    page.get_by_label("Note").fill("Visited Zara at home; assessment booked for next week.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Note added")
    expect(page.locator(".govuk-summary-card").filter(has_text="assessment booked for next week")).to_be_visible()
    assert_no_axe_violations(page, "case detail (with the note)")

    # The person's timeline shows the referral, the allocation and the note.
    page.get_by_role("main").get_by_role("link", name="Zara Quinnell").first.click()
    expect(page.get_by_role("heading", name="Zara Quinnell", level=1)).to_be_visible()
    timeline = page.locator(".app-timeline")
    expect(timeline).to_contain_text("Contact or referral received")
    expect(timeline).to_contain_text("Referral allocated to a worker")
    expect(timeline).to_contain_text(f"Referral {referral_reference} allocated to {social_worker.display_name}")
    expect(timeline).to_contain_text("Case status changed")
    expect(timeline).to_contain_text("Case note added")
    expect(timeline).to_contain_text("assessment booked for next week")
    assert_no_axe_violations(page, "person detail with timeline")
