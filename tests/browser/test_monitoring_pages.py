"""The monitoring pages in Chromium with axe: every monitoring page for every role that may use it (the same
check as test_every_page_axe, limited to these pages so it can be run on its own), and an officer importing a
card statement from the upload page, following its progress page to the counts and the transactions."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from dp.monitoring.tests.domain.statement_files import Txn, card_csv
from dp.staff.roles import Role
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

ROLES = [Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.AUDITOR]


@pytest.mark.parametrize("role", ROLES)
def test_every_monitoring_page_is_accessible(page: Page, live_server, staff, role: str) -> None:  # type: ignore[no-untyped-def]
    world = build_world(staff)
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, staff[role].username)
    client = Client()
    client.force_login(staff[role])
    visited = 0
    for label, url in pages_for(role, world):
        if not label.startswith("monitoring:") or not is_web_page(client, url):
            continue
        assert status_of(page, live_server.url + url) == 200, f"{label} {url}"
        assert_no_axe_violations(page, f"{label} as {role}")
        assert_reflows(page, f"{label} as {role}")
        if page.locator(MAIN_FORM).count() and empty_submit_role(label) == role:
            submit_empty_and_check(page, f"{label} as {role}")
        visited += 1
    assert visited >= 1


def test_an_officer_imports_a_card_statement_and_follows_it_to_the_transactions(  # type: ignore[no-untyped-def]
    page: Page, live_server, staff, tmp_path
) -> None:
    from dp.payments.tests.factories import PrepaidCardAccountFactory
    from dp.people.tests.factories import PersonFactory

    account = PrepaidCardAccountFactory(person=PersonFactory(given_name="Ada"), card_account_reference="CARD-0001")
    import datetime as dt

    may = dt.date(2026, 5, 1)
    statement = tmp_path / "card-may.csv"
    statement.write_bytes(
        card_csv(
            [
                Txn(may, 45000, "Load from Northmoor Council", "", "T1", None),
                Txn(may + dt.timedelta(days=1), -1250, "Card purchase", "Brambles Pharmacy", "T2", "5912"),
                Txn(may + dt.timedelta(days=2), -999, "Card purchase", "Mystery Ltd", "T3", None),
            ]
        )
    )
    page.set_default_timeout(20_000)
    sign_in(page, live_server.url, staff[Role.PAYMENTS_OFFICER].username)
    page.get_by_role("link", name="Statements").first.click()
    page.get_by_role("link", name="Import a card provider's file").click()
    page.get_by_label("Statement file").set_input_files(str(statement))
    page.get_by_label("Card provider CSV (our layout)").check()
    page.get_by_role("button", name="Import the statement").click()
    # The live server's task backend runs the import straight away; the page shows the result (or, while it
    # runs, reloads itself every 5 seconds).
    expect(page.get_by_role("heading", level=1)).to_contain_text("card-may.csv")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported")
    expect(page.get_by_text("New transactions")).to_be_visible()
    assert_no_axe_violations(page, "import detail")
    page.get_by_role("link", name=f"{account.person.full_name}: {account}").first.click()
    expect(page.get_by_role("heading", name="Transactions")).to_be_visible()
    # Exact name: the "Where it went" cell's Categorise link names its transaction too (visually hidden text).
    expect(page.get_by_role("cell", name="Mystery Ltd Card purchase")).to_be_visible()
    expect(page.get_by_role("cell", name="Load from Northmoor Council", exact=True)).to_be_visible()
    page.get_by_label("Show").select_option("unexplained")
    page.get_by_role("button", name="Show transactions").click()
    expect(page.get_by_role("cell", name="Mystery Ltd Card purchase")).to_be_visible()
    expect(page.get_by_role("cell", name="Load from Northmoor Council", exact=True)).to_have_count(0)  # money in
    assert_no_axe_violations(page, "account transactions, unexplained")
