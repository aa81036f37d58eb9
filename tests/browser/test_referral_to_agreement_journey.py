"""From an allocated referral to a signed direct payment agreement, in the browser, each step by the role that does
it, with axe on every page on the way:

the social worker records the offer of direct payments and the eligibility decision, then the needs assessment; the
financial assessment officer works out and confirms the contribution; the social worker works out the indicative
budget and writes a support plan paying the person's daughter (who lives with her) as a Personal Assistant; a team
manager records that paying her is necessary; the plan costs more than the indicative budget, so it goes to the
funding panel (recorded by the team manager, who is not its author) and is approved by a second team manager; the
social worker draws up the agreement, downloads it as a PDF and records the signature; the first review is scheduled
within 6 months of the first payment.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from dp.agreements.constants import ReviewKind
from dp.agreements.models import Review
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.core import clock
from dp.payments.tests.factories import set_payment_policy
from dp.people.constants import RelationshipKind
from dp.people.models import Relationship
from dp.people.tests.factories import PersonFactory
from dp.plans.tests.factories import PublishedRasSchemeFactory
from dp.staff.roles import Role
from dp.staff.tests.factories import UserFactory
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSON = "Edith Marlowe"
DAUGHTER = "Ruth Marlowe"


def fill_date(group: Locator, on: dt.date) -> None:
    group.get_by_label("Day").fill(str(on.day))
    group.get_by_label("Month").fill(str(on.month))
    group.get_by_label("Year").fill(str(on.year))


def choose(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner")


def six_months_after(on: dt.date) -> dt.date:
    month = on.month + 6
    year = on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in (on.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def test_allocated_referral_to_signed_agreement_and_first_review(  # type: ignore[no-untyped-def]
    page: Page, live_server, staff, council
) -> None:
    page.set_default_timeout(10_000)
    base = live_server.url
    today = clock.today()
    social_worker = staff[Role.SOCIAL_WORKER]
    manager = staff[Role.TEAM_MANAGER]
    second_manager = UserFactory(username="second_tm", roles=[Role.TEAM_MANAGER], team=manager.team)
    PublishedRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN])
    set_payment_policy(council)  # the council's payment cycle, which the agreement states its amounts for

    # An allocated referral: Edith (65 in June 2025), and her daughter Ruth who lives with her.
    person = PersonFactory(given_name="Edith", family_name="Marlowe")
    daughter = PersonFactory(given_name="Ruth", family_name="Marlowe", date_of_birth=dt.date(1988, 3, 2))
    Relationship.objects.create(
        from_person=daughter,
        to_person=person,
        kind=RelationshipKind.CLOSE_RELATIVE_OF,
        same_household=True,
        started_on=dt.date(2020, 1, 1),
    )
    case = AllocatedCaseFactory(person=person, worker=social_worker)

    # Social worker: the case, the offer of direct payments and the eligibility decision.
    sign_in(page, base, social_worker.username)
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.get_by_role("heading", name=re.compile(PERSON), level=1)).to_contain_text("Allocated")
    assert_no_axe_violations(page, "case detail (allocated)")
    page.get_by_role("link", name="Change status").click()
    assert_no_axe_violations(page, "change the case status")
    page.get_by_role("group", name="Move the case to").get_by_label("Needs assessment").check()
    page.get_by_role("button", name="Change status").click()
    expect(banner(page)).to_contain_text("Case status changed")

    page.goto(f"{base}/cases/{case.pk}/direct-payment-offers/new/")
    expect(page.get_by_role("heading", name="Record an offer of direct payments", level=1)).to_be_visible()
    assert_no_axe_violations(page, "record an offer of direct payments")
    choose(page, "When were direct payments offered?", "Needs assessment")
    choose(page, "What did the person say?", "Wants direct payments")
    page.get_by_role("button", name="Save the offer").click()
    expect(banner(page)).to_contain_text("The offer of direct payments is recorded")
    assert_no_axe_violations(page, "case detail (offer recorded)")

    page.goto(f"{base}/cases/{case.pk}/eligibility/new/")
    expect(page.get_by_role("heading", name="Can direct payments be made?", level=1)).to_be_visible()
    assert_no_axe_violations(page, "eligibility decision form")
    choose(page, "Which route is the request under?", "Adult with capacity to ask (Care Act s.31)")
    for question in (
        "Is there a personal budget with an amount the council must pay",
        "Have direct payments been asked for",
        "Does the person live in the council's area?",
        "Can the person receiving the payments manage them",
        "Are direct payments an appropriate way to meet the needs?",
        "Does the person have capacity to ask for direct payments?",
    ):
        choose(page, question, "Yes")
    choose(page, "Is the person subject to a criminal-justice drug or alcohol requirement?", "No")
    page.get_by_role("button", name="Decide").click()
    expect(banner(page)).to_contain_text("Decision recorded")
    assert_no_axe_violations(page, "eligibility decision")

    # Needs assessment, then complete it and move the case to the financial assessment.
    page.goto(f"{base}/cases/{case.pk}/needs-assessments/new/")
    expect(page.get_by_role("heading", name="Start a needs assessment", level=1)).to_be_visible()
    assert_no_axe_violations(page, "start a needs assessment")
    page.get_by_label("The person's needs").fill("Needs help to wash, dress and get out to the shops.")
    choose(page, "Do the needs arise from or relate to a physical or mental impairment or illness?", "Yes")
    outcomes = page.get_by_role("group", name="Which outcomes are they unable to achieve?")
    outcomes.get_by_label("Maintaining personal hygiene").check()
    outcomes.get_by_label("Being appropriately clothed").check()
    choose(page, "is there, or is there likely to be, a significant impact on their well-being?", "Yes")
    page.get_by_role("button", name="Save the assessment").click()
    expect(banner(page)).to_contain_text("Needs assessment saved")
    assert_no_axe_violations(page, "needs assessment detail")
    page.get_by_role("link", name="Complete the assessment").click()
    expect(page.get_by_role("heading", name="Complete the needs assessment", level=1)).to_be_visible()
    assert_no_axe_violations(page, "complete the needs assessment")
    choose(page, "what did the person say?", "Wants direct payments")
    choose(page, "What happens to the case next?", "Move the case to “Financial assessment”")
    page.get_by_role("button", name="Complete the assessment").click()
    expect(banner(page)).to_contain_text("Needs assessment completed")
    expect(page.get_by_role("heading", name=re.compile(PERSON), level=1)).to_contain_text("Financial assessment")
    assert_no_axe_violations(page, "case detail (financial assessment)")
    sign_out(page)

    # Financial assessment officer: assessed in June 2025 (2025/26 national figures), working age.
    sign_in(page, base, staff[Role.FINANCIAL_ASSESSOR].username)
    page.goto(f"{base}/cases/{case.pk}/financial-assessments/new/")
    expect(page.get_by_role("heading", name="Financial assessment", level=1)).to_be_visible()
    assert_no_axe_violations(page, "financial assessment form")
    fill_date(page.get_by_role("group", name="Date of the assessment"), dt.date(2025, 6, 2))
    page.get_by_label("Weekly cost of the care and support (£)").fill("300.00")
    page.get_by_label("Employment and Support Allowance (£ a week)").fill("130.00")
    page.get_by_role("button", name="Calculate the contribution").click()
    expect(banner(page)).to_contain_text("Contribution calculated")
    assert_no_axe_violations(page, "financial assessment detail")
    page.get_by_role("link", name="Confirm the contribution").click()
    expect(page.get_by_role("heading", name=re.compile("Confirm the contribution"), level=1)).to_be_visible()
    assert_no_axe_violations(page, "confirm the contribution")
    choose(page, "What happens to the case next?", "Move the case to “Support planning”")
    page.get_by_role("button", name="Confirm").click()
    expect(banner(page)).to_contain_text("Financial assessment completed")
    assert_no_axe_violations(page, "financial assessment (completed)")
    sign_out(page)

    # Social worker: the indicative budget (30 points at £5: £150.00 a week), then the plan.
    sign_in(page, base, social_worker.username)
    page.goto(f"{base}/cases/{case.pk}/indicative-budget/")
    expect(page.get_by_role("heading", name="Indicative budget", level=1)).to_be_visible()
    assert_no_axe_violations(page, "indicative budget form")
    choose(page, "Help with personal care", "Some help (20 points)")
    choose(page, "Help to get out and about", "Some help (10 points)")
    page.get_by_label("Share of the support to be bought by employing Personal Assistants (%)").fill("0")
    page.get_by_role("button", name="Work out the indicative budget").click()
    expect(banner(page)).to_contain_text("Indicative budget worked out")
    expect(page.get_by_role("main")).to_contain_text("£150.00")
    assert_no_axe_violations(page, "indicative budget (worked out)")

    page.goto(f"{base}/cases/{case.pk}/plans/new/")
    expect(page.get_by_role("heading", name="Start a support plan", level=1)).to_be_visible()
    assert_no_axe_violations(page, "start a support plan")
    page.get_by_role("button", name="Start the plan").click()
    expect(banner(page)).to_contain_text("Support plan")
    expect(page.get_by_role("heading", name=re.compile("Support plan"), level=1)).to_be_visible()
    plan_url = page.url
    assert_no_axe_violations(page, "support plan (new)")

    page.get_by_role("link", name="Add an outcome").click()
    expect(page.get_by_role("heading", name="Add an outcome", level=1)).to_be_visible()
    assert_no_axe_violations(page, "add an outcome")
    choose(page, "Which assessed need does it address?", "Maintaining personal hygiene")
    page.get_by_label("What does the person want to achieve?").fill("Be washed and dressed by 9 to go to my group")
    page.get_by_role("button", name="Add outcome").click()
    expect(banner(page)).to_contain_text("Outcome added")
    page.get_by_role("link", name="Add an outcome").click()
    choose(page, "Which assessed need does it address?", "Being appropriately clothed")
    page.get_by_label("What does the person want to achieve?").fill("Choose my clothes and be dressed for the day")
    page.get_by_role("button", name="Add outcome").click()
    expect(banner(page)).to_contain_text("Outcome added")

    page.get_by_role("link", name="Add someone to be paid").click()
    expect(page.get_by_role("heading", name="Add someone to be paid", level=1)).to_be_visible()
    assert_no_axe_violations(page, "add someone to be paid")
    page.get_by_role("group", name="Who will be paid?").get_by_label(re.compile(DAUGHTER)).check()
    choose(page, "How are they related to the person?", "Son or daughter")
    choose(page, "Do they live in the same household as the person?", "Yes")
    page.get_by_role("button", name="Add person").click()
    expect(banner(page)).to_contain_text("Person to be paid added")

    page.get_by_role("link", name="Add support").click()
    assert_no_axe_violations(page, "what kind of support")
    choose(page, "What kind of support is it?", "Personal Assistant hours")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Add personal assistant hours", level=1)).to_be_visible()
    assert_no_axe_violations(page, "add Personal Assistant hours")
    page.get_by_label("Describe the support").fill("Ruth helps with washing, dressing and going out")
    choose(page, "How will it be delivered?", "Paid for by the direct payment")
    page.get_by_label("Hours a week").fill("20")
    page.get_by_label("Hourly wage (£)").fill("12.50")
    page.get_by_label("Who will be paid? (optional)").select_option(label=f"{DAUGHTER} (son or daughter)")
    for outcome in page.get_by_role("group", name="Which outcomes does it meet?").get_by_role("checkbox").all():
        outcome.check()
    page.get_by_role("button", name="Add to the plan").click()
    expect(banner(page)).to_contain_text("Support added to the plan")
    assert_no_axe_violations(page, "support plan (with a family-member PA)")

    # Paying Ruth needs a team manager's decision first: the plan cannot be sent yet.
    page.get_by_role("link", name="Check and send for a decision").click()
    expect(page.get_by_role("heading", name="Check and send the plan", level=1)).to_be_visible()
    assert_no_axe_violations(page, "check and send the plan (blocked)")
    page.get_by_role("button", name="Send the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        f"{DAUGHTER} is the recipient's son or daughter living in the same household"
    )
    assert_no_axe_violations(page, "check and send the plan (refused)")
    sign_out(page)

    # Team manager: paying Ruth is necessary.
    sign_in(page, base, manager.username)
    page.goto(plan_url)
    assert_no_axe_violations(page, "support plan (team manager)")
    page.get_by_role("link", name=f"Record that it is necessary to pay {DAUGHTER}").click()
    expect(page.get_by_role("heading", name=f"Record that paying {DAUGHTER} is necessary", level=1)).to_be_visible()
    assert_no_axe_violations(page, "record that paying a family member is necessary")
    choose(page, "Why is it necessary to pay them?", "The intimate nature of the support")
    choose(page, "What will they be paid for?", "To provide care (reg 3(2)(a))")
    page.get_by_label("Reasons for the decision").fill("Edith will only accept intimate care from Ruth.")
    page.get_by_role("button", name="Record the decision").click()
    expect(banner(page)).to_contain_text(f"paying {DAUGHTER} is necessary")
    sign_out(page)

    # Social worker: the plan (£250.00 a week of PA wages, more than £150.00) goes to the funding panel.
    sign_in(page, base, social_worker.username)
    page.goto(plan_url)
    page.get_by_role("link", name="Check and send for a decision").click()
    assert_no_axe_violations(page, "check and send the plan")
    page.get_by_role("button", name="Send the plan").click()
    expect(banner(page)).to_contain_text("has gone to the funding panel")
    assert_no_axe_violations(page, "support plan (at panel)")
    sign_out(page)

    # Team manager (not the author): the panel agreed the plan's cost.
    sign_in(page, base, manager.username)
    page.goto(plan_url)
    page.get_by_role("link", name="Record the funding panel's decision").click()
    expect(page.get_by_role("heading", name="Funding panel decision", level=1)).to_be_visible()
    assert_no_axe_violations(page, "funding panel decision")
    choose(page, "What did the panel decide?", "Agreed the plan's cost")
    page.get_by_label("The panel's reasons").fill("Family care is the only care Edith will accept.")
    page.get_by_role("button", name="Record the decision").click()
    expect(banner(page)).to_contain_text("The funding panel's decision is recorded")
    assert_no_axe_violations(page, "support plan (awaiting approval)")
    sign_out(page)

    # A second team manager approves it.
    sign_in(page, base, second_manager.username)
    page.goto(plan_url)
    page.get_by_role("link", name="Approve the plan").click()
    expect(page.get_by_role("heading", name="Approve the plan", level=1)).to_be_visible()
    assert_no_axe_violations(page, "approve the plan")
    fill_date(page.get_by_role("group", name="The personal budget starts on"), today)
    page.get_by_role("button", name="Approve and set the budget").click()
    expect(banner(page)).to_contain_text("Plan approved and the personal budget set")
    expect(page.get_by_role("heading", name=re.compile(PERSON), level=1)).to_contain_text("Agreement being signed")
    assert_no_axe_violations(page, "case detail (agreement)")
    sign_out(page)

    # Social worker: the agreement, drawn up, downloaded and signed.
    sign_in(page, base, social_worker.username)
    page.goto(f"{base}/cases/{case.pk}/")
    page.get_by_role("link", name="Draw up the agreement").click()
    expect(page.get_by_role("heading", name="Draw up the direct payment agreement", level=1)).to_be_visible()
    assert_no_axe_violations(page, "draw up the agreement")
    page.get_by_role("group", name="Who will hold the money and sign the agreement?").get_by_role("radio").first.check()
    choose(page, "What kind of account will the payments go into?", "Prepaid card")
    first_payment_on = today
    fill_date(page.get_by_role("group", name="Date of the first payment"), first_payment_on)
    page.get_by_role("button", name="Draw up the agreement").click()
    expect(banner(page)).to_contain_text("drawn up")
    expect(page.get_by_role("heading", name=re.compile("Direct payment agreement"), level=1)).to_be_visible()
    assert_no_axe_violations(page, "agreement detail (draft)")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the agreement (PDF)").click()
    pdf_path = download_info.value.path()
    assert Path(pdf_path).read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Record the signature").click()
    expect(page.get_by_role("heading", name="Record the signature", level=1)).to_be_visible()
    assert_no_axe_violations(page, "record the signature")
    page.get_by_role("group", name="Who signed it?").get_by_role("radio").first.check()
    fill_date(page.get_by_role("group", name="Date it was signed"), today)
    page.get_by_role("button", name="Record the signature").click()
    expect(banner(page)).to_contain_text("Signature recorded")
    expect(page.get_by_role("heading", name=re.compile(PERSON), level=1)).to_contain_text("Setting up payments")

    # The first review is scheduled within 6 months of the first payment, and shows on the case page.
    first_review = Review.objects.get(case=case, kind=ReviewKind.FIRST_REVIEW)
    assert first_payment_on < first_review.due_by <= six_months_after(first_payment_on)
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"First review \(within 6 months\), due by"))
    assert_no_axe_violations(page, "case detail (agreement signed, review scheduled)")
    page.goto(f"{base}/reviews/")
    expect(page.get_by_role("heading", name="Reviews due", level=1)).to_be_visible()
    assert_no_axe_violations(page, "reviews due")
