"""The Money issue's "done when", in the browser, with axe on every page on the way:

a payments officer works out a payment run; a second payments officer checks and approves it and sends it; the
run is sent by the real background worker (`manage.py db_worker`, the database task backend) while the run page
shows its progress; the Bacs Standard 18 file and the card-load file download and add up to exactly what the
ledger says the run sent; on the pay date the daily job (`manage.py payments_settle`) records the money as
arrived; the person's account page shows the payment, and the monthly statement PDF (its text extracted with
pypdf) says what the council paid in.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Locator, Page, expect

from dp.cases.tests.factories import ActiveCaseFactory
from dp.core import clock
from dp.core.money import format_pence
from dp.payments.domain.bacs import parse_bacs_file
from dp.payments.domain.card_load import parse_card_load_file
from dp.payments.domain.working_days import next_working_day
from dp.payments.models import Payment, PaymentRun
from dp.payments.selectors import bank_holidays, run_ledger_totals
from dp.payments.tests.factories import (
    BacsOriginatorFactory,
    BankAccountFactory,
    ManagedAccountFactory,
    SignedScheduleFactory,
    cycle_date_on_or_after,
    set_payment_policy,
)
from dp.people.tests.factories import PersonFactory
from dp.staff.roles import Role
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import pdf_text, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(group: Locator, on: dt.date) -> None:
    group.get_by_label("Day").fill(str(on.day))
    group.get_by_label("Month").fill(str(on.month))
    group.get_by_label("Year").fill(str(on.year))


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def download(page: Page, link: Locator) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_officer_makes_a_run_another_approves_it_the_worker_sends_it_and_the_person_sees_it(  # type: ignore[no-untyped-def]
    page: Page, live_server, staff, council, settings
) -> None:
    page.set_default_timeout(10_000)
    base = live_server.url
    # The real task backend, so that sending waits for a worker, as in production.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    set_payment_policy(council)
    BacsOriginatorFactory()
    today = clock.today()
    pay_on = next_working_day(today, bank_holidays())  # today when it is a working day
    start = cycle_date_on_or_after(pay_on - dt.timedelta(days=27))  # a period starts within the 4 weeks to pay_on
    worker = staff[Role.SOCIAL_WORKER]
    grace_case = ActiveCaseFactory(worker=worker, person=PersonFactory(given_name="Grace", family_name="Holt"))
    grace = SignedScheduleFactory(case=grace_case, start_on=start)
    bank = SignedScheduleFactory(worker=worker, start_on=start, amounts=(40000, 0))
    bank.account = BankAccountFactory(person=bank.person, sort_code="309634", account_number="00733445")
    bank.save()
    managed = SignedScheduleFactory(worker=worker, start_on=start, amounts=(20000, 1000))
    managed.account = ManagedAccountFactory(person=managed.person)
    managed.save()
    officer, second = staff[Role.PAYMENTS_OFFICER], staff["second_payments_officer"]

    # A payments officer works out the run.
    sign_in(page, base, officer.username)
    page.goto(f"{base}/payments/runs/")
    assert_no_axe_violations(page, "payment runs")
    page.goto(f"{base}/payments/runs/new/")
    expect(page.get_by_role("heading", name="Make a payment run", level=1)).to_be_visible()
    assert_no_axe_violations(page, "make a payment run")
    fill_date(page.get_by_role("group", name="When should the money arrive?"), pay_on)
    page.get_by_role("button", name="Work out the payments").click()
    expect(banner(page)).to_contain_text("another payments officer must approve it")
    run = PaymentRun.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting for approval")
    expect(page.get_by_text("You worked this run out, so another payments officer must approve it.")).to_be_visible()
    expect(page.get_by_role("link", name="Approve")).to_have_count(0)
    assert_no_axe_violations(page, "run worked out (its maker)")
    assert run.payment_count >= 3
    sign_out(page)

    # A second payments officer approves it and sends it.
    sign_in(page, base, second.username)
    page.goto(f"{base}/payments/runs/{run.pk}/")
    assert_no_axe_violations(page, "run waiting for approval")
    page.get_by_role("link", name="Approve").click()
    expect(page.get_by_role("heading", name=f"Approve payment run {run.reference}", level=1)).to_be_visible()
    assert_no_axe_violations(page, "approve the run")
    page.get_by_role("button", name="Approve the run").click()
    expect(banner(page)).to_contain_text("approved")
    assert_no_axe_violations(page, "approved run")
    page.get_by_role("link", name="Send the payments").click()
    assert_no_axe_violations(page, "send the run")
    page.get_by_role("button", name="Send the payments").click()
    expect(banner(page)).to_contain_text("is being sent")

    # Queued for the background worker: the page shows the progress, and updates itself.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sending")
    progress = page.get_by_role("progressbar", name=re.compile("Sending"))
    expect(progress).to_be_visible()
    expect(page.get_by_text("Waiting for the background worker")).to_be_visible()
    assert_no_axe_violations(page, "run being sent")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")  # the worker, for real
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sent", timeout=20_000)  # the page reloaded
    run.refresh_from_db()
    assert (run.progress_done, run.progress_note) == (run.progress_total, "Sent")
    assert_no_axe_violations(page, "run sent")

    # The files download, and add up to exactly what the ledger says the run sent.
    ledger = run_ledger_totals(run)
    bacs_text = download(page, page.get_by_role("link", name=re.compile(r"^bacs-"))).decode()
    bacs = parse_bacs_file(bacs_text)
    assert bacs.credit_total_pence == ledger["transit:bank"] == run.bank_total_pence
    assert {c.account_number for c in bacs.submission.credits} == {
        "00733445",
        managed.account.money_manager.account_number,
    }
    cards_text = download(page, page.get_by_role("link", name=re.compile(r"^card-load-"))).decode()
    cards = parse_card_load_file(cards_text)
    assert cards.total_pence == ledger["transit:card_provider"] == run.card_total_pence
    grace_payments = list(Payment.objects.filter(schedule=grace).order_by("id"))
    assert {load.payment_reference for load in cards.loads} == {p.reference for p in grace_payments}
    expect(page.get_by_text("they agree")).to_have_count(2)
    sign_out(page)

    # On the pay date the daily job records the money as arrived.
    call_command("payments_settle", "--on", pay_on.isoformat())
    run.refresh_from_db()
    assert run.settled_at is not None

    # The person's account shows the payment, and the month's statement says what the council paid in.
    sign_in(page, base, officer.username)
    page.goto(f"{base}/people/{grace.person_id}/money/")
    assert_no_axe_violations(page, "the person's money")
    page.goto(f"{base}/payments/accounts/{grace.account_id}/")
    assert_no_axe_violations(page, "the person's account")
    payments_table = page.get_by_role("table", name=re.compile("latest payments"))
    paid = sum(p.amount_pence for p in grace_payments)
    for payment in grace_payments:
        row = payments_table.get_by_role("row", name=re.compile(payment.reference))
        expect(row).to_contain_text(format_pence(payment.amount_pence))
        expect(row).to_contain_text(f"{run.reference}: arrived")
    month = f"{pay_on:%B %Y}"
    link = page.get_by_role("link", name=f"Statement for {month}")
    if link.count():
        statement = download(page, link)
    else:  # the pay date is next month: the statement is there, the list of months just stops at today
        response = page.request.get(
            f"{base}/payments/accounts/{grace.account_id}/statements/{pay_on.year}/{pay_on.month}/"
        )
        assert response.ok
        statement = response.body()
    assert statement.startswith(b"%PDF")
    text = pdf_text(statement)
    assert "Grace Holt" in text
    assert f"The council paid in {format_pence(paid)}." in text
    assert f"there was {format_pence(paid)} in the account." in text  # the closing balance
    assert "Paid in by the council" in text
