"""The pages through the real client: a payment run from making it to downloading its files, accounts, bank
detail changes by two people, schedules, contributions, statements and remittance advices."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dp.payments import services
from dp.payments.constants import PaymentRunStatus
from dp.payments.models import BankDetailsChange, DirectPaymentAccount, PaymentFile, PaymentRun, PaymentSchedule
from dp.payments.tests.factories import BankAccountFactory, MoneyManagerFactory, SignedScheduleFactory
from dp.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

D = dt.date
START = D(2026, 3, 23)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def _date(prefix: str, on: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(on.day), f"{prefix}_1": str(on.month), f"{prefix}_2": str(on.year)}


class TestPaymentRunPages:
    def test_make_approve_send_and_download(
        self, client, payment_policy, originator, officers, staff, django_capture_on_commit_callbacks
    ):
        schedule = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        creator, approver = officers
        client.force_login(creator)
        page = client.get(reverse("payments:run_create"))
        assert page.status_code == 200
        key = page.context["form"].initial["request_key"]
        response = client.post(reverse("payments:run_create"), {**_date("pay_on", START), "request_key": key})
        run = PaymentRun.objects.get()
        assert response.url == reverse("payments:run_detail", args=[run.pk])
        again = client.post(reverse("payments:run_create"), {**_date("pay_on", START), "request_key": key})
        assert again.status_code == 302
        assert PaymentRun.objects.count() == 1  # a double submit makes one run

        detail = client.get(reverse("payments:run_detail", args=[run.pk])).content.decode()
        assert "another payments officer must approve it" in detail
        own = client.get(reverse("payments:run_approve", args=[run.pk]))
        assert "you cannot approve it" in own.content.decode()
        client.post(reverse("payments:run_approve", args=[run.pk]))
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.CALCULATED

        client.force_login(approver)
        client.post(reverse("payments:run_approve", args=[run.pk]))
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.APPROVED
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("payments:run_start", args=[run.pk]))
        run.refresh_from_db()
        assert run.status == PaymentRunStatus.COMPLETED

        detail = client.get(reverse("payments:run_detail", args=[run.pk])).content.decode()
        assert "they agree" in detail
        card_file = PaymentFile.objects.get(run=run, kind="card_load")
        download = client.get(reverse("payments:file_download", args=[card_file.pk]))
        assert download["Content-Disposition"] == f'attachment; filename="{card_file.filename}"'
        assert download.content.decode() == card_file.content
        remittance = client.get(reverse("payments:remittance_pdf", args=[run.pk, f"account-{schedule.account_id}"]))
        assert remittance.content.startswith(b"%PDF")

    def test_a_page_refreshes_itself_while_sending(self, client, payment_policy, officers, staff):
        run = PaymentRun.objects.create(
            pay_on=START,
            request_key="x",
            created_by=officers[0],
            status=PaymentRunStatus.EXECUTING,
            progress_done=2,
            progress_total=5,
            progress_note="Posted the journals for part 2 of 4",
        )
        client.force_login(officers[1])
        response = client.get(reverse("payments:run_detail", args=[run.pk]))
        assert response["Refresh"] == "5"
        assert "Stop updating this page" in response.content.decode()
        assert "Refresh" not in client.get(reverse("payments:run_detail", args=[run.pk]) + "?refresh=off")

    def test_auditors_see_runs_but_cannot_act(self, client, payment_policy, officers, staff):
        run = services.payment_run_create(actor=officers[0], pay_on=START, request_key="k")
        client.force_login(staff["auditor"])
        assert client.get(reverse("payments:run_detail", args=[run.pk])).status_code == 200
        assert client.get(reverse("payments:run_approve", args=[run.pk])).status_code == 403

    def test_other_roles_do_not_find_runs(self, client, payment_policy, officers, staff):
        run = services.payment_run_create(actor=officers[0], pay_on=START, request_key="k")
        client.force_login(staff["social_worker"])
        assert client.get(reverse("payments:run_detail", args=[run.pk])).status_code == 403

    def test_a_refusal_shows_on_the_form(self, client, payment_policy, officers):
        client.force_login(officers[0])
        response = client.post(reverse("payments:run_create"), {**_date("pay_on", D(2026, 3, 21)), "request_key": "k"})
        assert response.status_code == 200
        assert "must be a working day" in response.content.decode()


class TestAccountPages:
    def test_open_a_bank_account_and_change_its_details_with_two_people(self, client, payment_policy, staff):
        person = PersonFactory()
        client.force_login(staff["dp_support"])
        response = client.post(
            reverse("payments:account_open", args=[person.pk, "bank"]),
            {
                "holder": person.pk,
                "account_name": person.full_name,
                "sort_code": "30-96-34",
                "account_number": "00733445",
            },
        )
        account = DirectPaymentAccount.objects.get(person=person)
        assert response.url == reverse("payments:account_detail", args=[account.pk])
        page = client.get(response.url).content.decode()
        assert "****3445" in page
        assert "00733445" not in page

        client.post(
            reverse("payments:bank_change_request", args=[account.pk]),
            {"account_name": person.full_name, "sort_code": "200000", "account_number": "55556666", "reason": "Phoned"},
        )
        change = BankDetailsChange.objects.get()
        own = client.get(reverse("payments:bank_change_decide", args=[change.pk])).content.decode()
        assert "another member of staff must confirm it" in own
        client.force_login(staff["payments_officer"])
        assert change in client.get(reverse("payments:bank_changes")).context["changes"]
        client.post(reverse("payments:bank_change_decide", args=[change.pk]), {"decision": "confirm", "note": "Called"})
        account.refresh_from_db()
        assert account.account_number == "55556666"

    def test_open_card_and_managed_accounts(self, client, payment_policy, staff):
        person = PersonFactory()
        manager = MoneyManagerFactory()
        client.force_login(staff["payments_officer"])
        client.post(
            reverse("payments:account_open", args=[person.pk, "prepaid-card"]),
            {"holder": person.pk, "provider": "Allpay", "card_account_reference": "CARD-1", "card_last_four": "9876"},
        )
        client.post(
            reverse("payments:account_open", args=[person.pk, "managed"]),
            {"money_manager": manager.pk, "client_reference": "CL1"},
        )
        assert sorted(DirectPaymentAccount.objects.filter(person=person).values_list("kind", flat=True)) == [
            "managed",
            "prepaid_card",
        ]
        money = client.get(reverse("payments:person_money", args=[person.pk])).content.decode()
        assert "card ending 9876" in money
        assert manager.name in money

    def test_unknown_kind_of_account(self, client, staff):
        client.force_login(staff["dp_support"])
        assert client.get(reverse("payments:account_open", args=[PersonFactory().pk, "cash"])).status_code == 404

    def test_restricted_people_are_not_found(self, client, staff):
        from dp.people.tests.factories import RestrictedPersonFactory

        account = BankAccountFactory(person=RestrictedPersonFactory())
        client.force_login(staff["payments_officer"])
        assert client.get(reverse("payments:account_detail", args=[account.pk])).status_code == 404
        assert client.get(reverse("payments:person_money", args=[account.person_id])).status_code == 404


class TestSchedulePages:
    def test_set_up_change_and_record_a_contribution(self, client, payment_policy, staff):
        from dp.cases.tests.factories import ActiveCaseFactory

        case = ActiveCaseFactory(worker=staff["social_worker"])
        account = BankAccountFactory(person=case.person)
        client.force_login(staff["dp_support"])
        form = client.get(reverse("payments:schedule_create", args=[case.pk]))
        assert form.context["form"].initial["first_payment_on"] == START
        response = client.post(
            reverse("payments:schedule_create", args=[case.pk]),
            {
                **_date("first_payment_on", START),
                "weekly_budget_pence": "300.00",
                "weekly_contribution_pence": "50",
                "basis": "net",
                "account": account.pk,
                **{f"agreement_signed_on_{i}": "" for i in range(3)},
            },
        )
        schedule = PaymentSchedule.objects.get(case=case)
        assert response.url == reverse("payments:schedule_detail", args=[schedule.pk])
        detail = client.get(response.url).content.decode()
        assert "agreement is not signed yet" in detail
        assert "£1,000.00" in detail  # the next period: (£300 - £50) x 4

        client.post(
            reverse("payments:schedule_change", args=[schedule.pk]),
            {
                **_date("effective_on", D(2026, 4, 1)),
                "weekly_budget_pence": "350",
                "weekly_contribution_pence": "50",
                "reason": "More support",
            },
        )
        assert schedule.changes.count() == 2
        client.post(
            reverse("payments:contribution_record", args=[schedule.pk]),
            {**_date("received_on", D(2026, 3, 17)), "amount_pence": "50", "reference": "SO"},
        )
        assert schedule.contribution_receipts.get().amount_pence == 5000
        position = client.get(reverse("payments:person_contributions", args=[case.person_id])).content.decode()
        assert "Payment received" in position

    def test_the_case_page_shows_the_payments(self, client, payment_policy, staff):
        schedule = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        client.force_login(staff["social_worker"])
        page = client.get(reverse("cases:case_detail", args=[schedule.case_id])).content.decode()
        assert "Direct payment money" in page
        assert schedule.reference in page

    def test_statement_pdf(self, client, payment_policy, staff):
        schedule = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        client.force_login(staff["social_worker"])
        response = client.get(reverse("payments:account_statement", args=[schedule.account_id, 2026, 3]))
        assert response.content.startswith(b"%PDF")
        assert (
            client.get(reverse("payments:account_statement", args=[schedule.account_id, 2026, 13])).status_code == 404
        )


class TestReferenceData:
    def test_an_administrator_adds_a_bank_holiday(self, client, staff):
        client.force_login(staff["system_admin"])
        client.post(reverse("payments:bank_holiday_add"), {**_date("on", D(2029, 1, 1)), "name": "New Year's Day"})
        page = client.get(reverse("payments:bank_holidays")).content.decode()
        assert "1 January 2029" in page

    def test_the_package_holidays_are_loaded(self, db):
        from dp.payments.selectors import bank_holidays

        assert {D(2026, 4, 3), D(2026, 4, 6), D(2026, 12, 25), D(2026, 12, 28)} <= bank_holidays()

    def test_bacs_details(self, client, staff):
        client.force_login(staff["system_admin"])
        client.post(
            reverse("payments:originator"),
            {
                "service_user_number": "123456",
                "sort_code": "20-00-00",
                "account_number": "12345678",
                "name": "Northmoor",
            },
        )
        from dp.payments.selectors import bacs_originator_get

        originator = bacs_originator_get()
        assert originator is not None
        assert originator.name == "NORTHMOOR"
