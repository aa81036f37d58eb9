"""The returned-payments pages through the real client: recording one by hand from its run, importing the
bank's returns file (errors shown by line and field), the list (open first, with age) and deciding."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dp.payments import services
from dp.payments import services_returns as returns
from dp.payments.constants import ReturnReason, ReturnStatus
from dp.payments.models import Payment, PaymentReturn, ScheduledPayment
from dp.payments.tests.factories import BankAccountFactory, SignedScheduleFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 23)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def payments(payment_policy, originator, officers, staff, frozen):  # type: ignore[no-untyped-def]
    """Two bank payments sent and recorded as arrived; today is 26 March 2026."""
    for _ in range(2):
        schedule = SignedScheduleFactory(worker=staff["social_worker"], start_on=START)
        schedule.account = BankAccountFactory(person=schedule.person)
        schedule.save()
    run = services.payment_run_create(actor=officers[0], pay_on=START, request_key=uuid.uuid4().hex)
    services.payment_run_approve(actor=officers[1], run=run)
    services.payment_run_execute(run_id=run.pk)
    frozen.move_to(dt.datetime(2026, 3, 23, 8, tzinfo=dt.UTC))
    services.payment_run_settle(run_id=run.pk)
    frozen.move_to(dt.datetime(2026, 3, 26, 10, tzinfo=dt.UTC))
    return list(Payment.objects.filter(run=run).order_by("id"))


def test_record_by_hand_then_reissue_after_confirming_the_details(client, payments, officers) -> None:  # type: ignore[no-untyped-def]
    payment = payments[0]
    client.force_login(officers[0])
    url = reverse("payments:return_record", args=[payment.pk])
    assert "Record the return" in client.get(url).content.decode()
    wrong = client.post(
        url,
        {
            "amount_pence": "1.00",
            "returned_on_0": "25",
            "returned_on_1": "3",
            "returned_on_2": "2026",
            "reason": "no_account",
        },
    )
    assert "not £1.00" in wrong.content.decode()
    response = client.post(
        url,
        {
            "amount_pence": f"{payment.amount_pence / 100:.2f}",
            "returned_on_0": "25",
            "returned_on_1": "3",
            "returned_on_2": "2026",
            "reason": "no_account",
            "bank_reference": "R1",
        },
    )
    made = PaymentReturn.objects.get()
    assert response.url == reverse("payments:return_detail", args=[made.pk])
    detail = reverse("payments:return_detail", args=[made.pk])
    refused = client.post(detail, {"decision": "reissue", "note": ""})
    assert "have not changed" in refused.content.decode()
    client.post(detail, {"decision": "reissue", "details_confirmed_right": "on", "note": "Bank error, checked"})
    made.refresh_from_db()
    assert made.status == ReturnStatus.REISSUED
    assert ScheduledPayment.objects.filter(reissue_of=made).count() == 1
    assert "nothing more to decide" in client.get(detail).content.decode()


def test_import_shows_each_error_and_writes_nothing_then_imports(client, payments, officers) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officers[0])
    header = "payment_reference,amount,returned_on,reason_code\n"
    good = "".join(f"{p.reference},{p.amount_pence / 100:.2f},2026-03-2{4 + i},B\n" for i, p in enumerate(payments))
    bad = SimpleUploadedFile(
        "returns.csv", (header + good + "DP0000000000,1.00,2026-03-25,B\nXX,1.00,2026-03-25,Q\n").encode()
    )
    page = client.post(reverse("payments:returns_import"), {"file": bad}).content.decode()
    assert "returns.csv" in page
    assert "line 4, payment_reference" in page
    assert "line 5, payment_reference" in page
    assert "line 5, reason_code" in page
    assert not PaymentReturn.objects.exists()
    response = client.post(
        reverse("payments:returns_import"), {"file": SimpleUploadedFile("returns.csv", (header + good).encode())}
    )
    assert response.url == reverse("payments:return_list")
    assert PaymentReturn.objects.count() == 2


def test_a_file_with_bare_carriage_returns_is_refused_not_a_server_error(client, payments, officers) -> None:  # type: ignore[no-untyped-def]
    client.force_login(officers[0])
    body = "payment_reference,amount,returned_on,reason_code\r" + "".join(
        f"{p.reference},{p.amount_pence / 100:.2f},2026-03-24,B\r" for p in payments
    )
    response = client.post(reverse("payments:returns_import"), {"file": SimpleUploadedFile("mac.csv", body.encode())})
    assert response.status_code == 200
    assert "mac.csv" in response.content.decode()
    assert not PaymentReturn.objects.exists()


def test_a_file_too_large_is_refused_before_it_is_read(client, payments, officers) -> None:  # type: ignore[no-untyped-def]
    from dp.payments.views_returns import MAX_RETURNS_FILE_BYTES

    client.force_login(officers[0])
    body = b"payment_reference,amount,returned_on,reason_code\n" + b"x" * MAX_RETURNS_FILE_BYTES
    response = client.post(reverse("payments:returns_import"), {"file": SimpleUploadedFile("huge.csv", body)})
    assert response.status_code == 200
    assert "huge.csv must be smaller than" in response.content.decode()
    assert not PaymentReturn.objects.exists()


def test_the_list_puts_open_returns_first_with_their_age(client, payments, officers, staff) -> None:  # type: ignore[no-untyped-def]
    older, newer = (
        returns.payment_return_record(
            actor=officers[0],
            payment=p,
            amount_pence=p.amount_pence,
            returned_on=on,
            reason=ReturnReason.ACCOUNT_CLOSED,
        )
        for p, on in zip(payments, (dt.date(2026, 3, 24), dt.date(2026, 3, 25)), strict=True)
    )
    returns.payment_return_write_back(actor=officers[0], payment_return=older, reason="The person died")
    client.force_login(staff["auditor"])
    page = client.get(reverse("payments:return_list"))
    assert [row["item"].pk for row in page.context["rows"]] == [newer.pk, older.pk]
    assert page.context["rows"][0]["age_days"] == 1
    assert "Import the bank" not in page.content.decode()
    detail = client.get(reverse("payments:return_detail", args=[newer.pk])).content.decode()
    assert "Only a payments officer" in detail


def test_the_return_shows_on_the_run_schedule_and_account_pages(client, payments, officers, staff) -> None:  # type: ignore[no-untyped-def]
    returned, other = payments
    made = returns.payment_return_record(
        actor=officers[0],
        payment=returned,
        amount_pence=returned.amount_pence,
        returned_on=dt.date(2026, 3, 25),
        reason=ReturnReason.NO_ACCOUNT,
    )
    client.force_login(officers[0])
    run_page = client.get(reverse("payments:run_detail", args=[returned.run_id])).content.decode()
    assert reverse("payments:return_detail", args=[made.pk]) in run_page
    assert reverse("payments:return_record", args=[other.pk]) in run_page
    assert reverse("payments:return_record", args=[returned.pk]) not in run_page
    for url in (
        reverse("payments:schedule_detail", args=[returned.schedule_id]),
        reverse("payments:account_detail", args=[returned.account_id]),
    ):
        page = client.get(url).content.decode()
        assert "Returned by the bank" in page
        assert reverse("payments:return_detail", args=[made.pk]) in page
    other_page = client.get(reverse("payments:schedule_detail", args=[other.schedule_id])).content.decode()
    assert "Returned by the bank" not in other_page
    assert reverse("payments:return_record", args=[other.pk]) in other_page
    returned_page = client.get(reverse("payments:schedule_detail", args=[returned.schedule_id])).content.decode()
    assert reverse("payments:return_record", args=[returned.pk]) not in returned_page
    client.force_login(staff["auditor"])
    assert (
        reverse("payments:return_record", args=[other.pk])
        not in client.get(reverse("payments:run_detail", args=[returned.run_id])).content.decode()
    )


def test_the_runs_page_links_to_the_returns_with_the_number_open(client, payments, officers) -> None:  # type: ignore[no-untyped-def]
    returns.payment_return_record(
        actor=officers[0],
        payment=payments[0],
        amount_pence=payments[0].amount_pence,
        returned_on=dt.date(2026, 3, 25),
        reason=ReturnReason.REFER_TO_PAYER,
    )
    client.force_login(officers[0])
    assert "Returned payments (1 open)" in client.get(reverse("payments:run_list")).content.decode()


def test_a_restricted_persons_name_is_not_shown_to_those_who_may_not_open_them(client, payments, officers) -> None:  # type: ignore[no-untyped-def]
    """As on the payment run page: a payments officer sees 'Restricted record' in place of the name."""
    payment = payments[0]
    made = returns.payment_return_record(
        actor=officers[0],
        payment=payment,
        amount_pence=payment.amount_pence,
        returned_on=dt.date(2026, 3, 25),
        reason=ReturnReason.ACCOUNT_CLOSED,
    )
    person = payment.schedule.person
    person.is_restricted = True
    person.save(update_fields=["is_restricted"])
    client.force_login(officers[0])
    for url in (
        reverse("payments:return_list"),
        reverse("payments:return_detail", args=[made.pk]),
        reverse("payments:return_record", args=[payment.pk]),
    ):
        page = client.get(url).content.decode()
        assert person.full_name not in page, url
        assert "Restricted record" in page, url
