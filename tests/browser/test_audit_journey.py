"""From a statement to money recovered, in the browser, each step by the role that does it, with axe on every page:

a direct payment support officer imports a card statement (the import runs in the background and shows its
progress and counts), runs the checks, sees the finding (a betting payment) with its evidence, opens an audit from
it, asks the person for records (the letter is a PDF), records the records received and proposes recovering the
payment; the notice PDF says why, how much and by when to respond. Nothing can be decided or posted inside the
response period. After it (the clock is moved on) the officer decides to recover by deduction from the payments, a
team manager (a second person) approves it, the recovery is raised in the ledger, and the next payment run deducts
the instalment.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from dp.audits.models import AuditRecovery
from dp.audits.tests.factories import THRESHOLDS, set_audit_policy
from dp.core import clock
from dp.councils.models import PolicyValue
from dp.ledger.models import Entry
from dp.payments import services as payments
from dp.payments.models import Payment
from dp.payments.tests.factories import BacsOriginatorFactory, SignedScheduleFactory, set_payment_policy
from dp.staff.roles import Role
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import pdf_text, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(group: Locator, on: dt.date) -> None:
    group.get_by_label("Day").fill(str(on.day))
    group.get_by_label("Month").fill(str(on.month))
    group.get_by_label("Year").fill(str(on.year))


def checked(page: Page, label: str) -> None:
    assert_no_axe_violations(page, label)


def card_statement(card: str, today: dt.date) -> str:
    rows = [
        ("TX-A1", today - dt.timedelta(days=12), "450.00", "450.00", "", "", "Load from Northmoor City Council"),
        ("TX-A2", today - dt.timedelta(days=10), "-12.50", "437.50", "Brambles Pharmacy", "5912", "Card purchase"),
        ("TX-A3", today - dt.timedelta(days=8), "-25.00", "412.50", "Lucky Star Bingo", "7995", "Card purchase"),
    ]
    lines = [
        "record_type,transaction_id,card_account_reference,posted_on,amount,balance,merchant_name,"
        "merchant_category_code,description"
    ]
    for tid, on, amount, balance, who, mcc, what in rows:
        lines.append(f"TXN,{tid},{card},{on.isoformat()},{amount},{balance},{who},{mcc},{what}")
    lines.append(f"TRAILER,{len(rows)},,,412.50,,,,")
    return "\n".join(lines) + "\n"


def balance(key: str) -> int:
    return sum(e.debit_pence - e.credit_pence for e in Entry.objects.filter(account__key=key))


def test_statement_to_findings_audit_and_recovery(  # type: ignore[no-untyped-def]
    page: Page, live_server, staff, council, tmp_path: Path
) -> None:
    page.set_default_timeout(15_000)
    base = live_server.url
    today = clock.today()
    set_payment_policy(council)
    set_audit_policy(council)
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                council=council, key=k, value=v, effective_from=dt.date(2020, 1, 1), set_at=timezone.now(), reason="t"
            )
            for k, v in THRESHOLDS.items()
        ]
    )
    BacsOriginatorFactory()
    schedule = SignedScheduleFactory(worker=staff[Role.SOCIAL_WORKER])
    person = schedule.person
    statement = tmp_path / "card-statement.csv"
    statement.write_text(card_statement(schedule.account.card_account_reference, today))

    # The officer imports the statement; the import runs in the background and shows its counts.
    sign_in(page, base, staff[Role.DP_SUPPORT].username)
    page.goto(f"{base}/monitoring/statements/new/")
    checked(page, "import form")
    page.get_by_label("Statement file").set_input_files(str(statement))
    page.get_by_label("Card provider CSV (our layout)").check()
    page.get_by_role("button", name="Import the statement").click()
    expect(page.get_by_text("New transactions")).to_be_visible()
    checked(page, "import done")

    # The checks run and the betting payment is a finding, with its evidence in plain English.
    page.goto(f"{base}/findings/")
    checked(page, "findings before the checks")
    page.get_by_role("link", name="Run the checks now").click()
    checked(page, "run the checks")
    page.get_by_role("button", name="Run the checks").click()
    expect(page.locator("table").get_by_text("Spending the council's policy does not allow")).to_be_visible()
    checked(page, "findings")
    page.locator("table a").first.click()
    expect(page.get_by_text("Lucky Star Bingo, £25.00", exact=False).first).to_be_visible()
    checked(page, "finding")

    # An audit opened from the finding; records asked for (a letter) and received.
    page.get_by_role("link", name="Open an audit from this finding").click()
    checked(page, "open an audit")
    page.get_by_role("button", name="Open an audit").click()
    expect(page.get_by_role("heading", name="Findings")).to_be_visible()
    checked(page, "audit opened")
    page.get_by_role("link", name="Ask the person for records").click()
    checked(page, "ask for records")
    page.get_by_role("button", name="Ask for the records").click()
    letter = page.get_by_role("link", name="Download the letter (PDF)")
    expect(letter).to_be_visible()
    pdf = page.request.get(base + letter.get_attribute("href"))  # type: ignore[operator]
    assert pdf.headers["content-type"] == "application/pdf"
    letter_text = pdf_text(pdf.body())
    assert "We are checking how your direct payment is used" in letter_text
    due = today + dt.timedelta(days=28)
    assert f"Please send these by {due.day} {due:%B %Y}" in letter_text
    page.get_by_role("link", name="Record the records received").click()
    checked(page, "records received form")
    fill_date(page.get_by_role("group", name="When did they arrive?"), today)
    page.get_by_label("What did the person send?").fill("Card statements and a note about the bingo payment")
    page.get_by_role("button", name="Record them").click()

    # A recovery of the betting payment is proposed; the notice gives reasons, figures and the response date.
    page.get_by_role("link", name="Propose recovering payments not used for the plan").click()
    checked(page, "propose recovery")
    page.get_by_label("Lucky Star Bingo", exact=False).check()
    page.get_by_label("Reasons, in words the person can follow").fill(
        "£25.00 was spent at a bingo hall, which the direct payment agreement does not allow."
    )
    page.get_by_role("button", name="Propose the recovery").click()
    expect(page.get_by_role("heading", name="Recovery R", exact=False)).to_be_visible()
    checked(page, "recovery proposed")
    recovery = AuditRecovery.objects.get(audit__person=person)
    assert (recovery.amount_pence, recovery.recoverable_pence) == (2500, 2500)
    assert recovery.response_ends_on == today + dt.timedelta(days=14)
    text = pdf_text(page.request.get(f"{base}/recoveries/{recovery.pk}/notice/").body())
    assert "We propose to ask for £25.00 back" in text
    assert "£25.00 was spent at a bingo hall" in text  # the reasons
    assert "Lucky Star Bingo" in text  # the figures: the payment itself
    assert f"You have until {recovery.response_ends_on.day} {recovery.response_ends_on:%B %Y} to respond" in text
    assert person.full_name in text

    # Inside the response period nothing can be decided.
    page.get_by_role("link", name="Decide the recovery").click()
    expect(page.get_by_text("to respond", exact=False).first).to_be_visible()
    checked(page, "decide refused in the response period")
    sign_out(page)

    # After the response period: decided by the officer, approved by a team manager, raised in the ledger.
    after = dt.datetime.combine(recovery.response_ends_on + dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
    with time_machine.travel(after, tick=True):
        sign_in(page, base, staff[Role.DP_SUPPORT].username)
        page.goto(f"{base}/recoveries/{recovery.pk}/decide/")
        checked(page, "decide")
        page.get_by_label("Deduction from future payments, in instalments").check()
        page.get_by_label("Number of instalments (deduction only)").fill("1")
        page.get_by_label("Reasons for the decision, including what the person said").fill("No reply in 14 days.")
        page.get_by_role("button", name="Decide").click()
        expect(page.get_by_text("A second person must approve it")).to_be_visible()
        sign_out(page)
        sign_in(page, base, staff[Role.TEAM_MANAGER].username)
        page.goto(f"{base}/recoveries/{recovery.pk}/approve/")
        checked(page, "approve")
        page.get_by_role("button", name="Approve and post").click()
        expect(page.get_by_text("Recovery approved and posted to the ledger")).to_be_visible()
        checked(page, "approved")
        recovery.refresh_from_db()
        assert recovery.raised_journal is not None
        assert recovery.deduction is not None
        assert balance(f"person:{person.pk}:recoveries_due") == 2500

        # The next payment run deducts it.
        from dp.payments.selectors import upcoming_cycle_dates

        ((_, pay_on),) = upcoming_cycle_dates(today=clock.today(), count=1)
        run = payments.payment_run_create(
            actor=staff[Role.PAYMENTS_OFFICER], pay_on=pay_on, request_key=uuid.uuid4().hex
        )
        payments.payment_run_approve(actor=staff["second_payments_officer"], run=run)
        payments.payment_run_execute(run_id=run.pk, chunk_size=10)
    taken = sum(Payment.objects.filter(run=run, schedule=schedule).values_list("recovery_pence", flat=True))
    assert taken == 2500
