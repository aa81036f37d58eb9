"""The pay and money-owed pages through the real client: lists, adding with errors shown, importing a payroll
file (a bad one refused whole with its file, line and column), paying and withdrawing money owed, and 404 for
people the user may not open."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dp.core.money import format_pence
from dp.employment.constants import CommitmentStatus
from dp.employment.models import Commitment, PayRecord
from dp.employment.tests.factories import commitment, pay_record

pytestmark = pytest.mark.django_db


def date(name: str, on: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(on.day), f"{name}_1": str(on.month), f"{name}_2": str(on.year)}


class TestPay:
    def test_the_page_lists_records_and_the_numbers_for_payroll_files(self, client, employer, officer) -> None:  # type: ignore[no-untyped-def]
        low = pay_record(employer.account, employer.payee, gross_pay_pence=41234)
        pay_record(employer.account, employer.payee, days_ago=60, gross_pay_pence=60000)
        client.force_login(officer)
        text = client.get(reverse("employment:account_pay", args=[employer.account.pk])).content.decode()
        assert "Jo Bloggs" in text
        assert "£412.34" in text
        assert f"Number {employer.payee.pk}" in text
        from dp.assessments.selectors import minimum_wage_on

        minimum = 40 * minimum_wage_on(low.worked_on).national_living_wage_pence
        assert text.count("Below the minimum wage") == 1
        assert f"{format_pence(minimum - 41234)} short of {format_pence(minimum)} (National Living Wage" in text

    def test_record_pay(self, client, employer, officer) -> None:  # type: ignore[no-untyped-def]
        client.force_login(officer)
        url = reverse("employment:pay_record_add", args=[employer.account.pk])
        data = {
            "payee": employer.payee.pk,
            **date("period_start_on", dt.date(2026, 3, 1)),
            **date("period_last_on", dt.date(2026, 3, 31)),
            "hours_worked": "86.5",
            "gross_pay_pence": "1,100.00",
            **date("pa_date_of_birth", dt.date(1990, 1, 1)),
            "source": "timesheet",
        }
        response = client.post(url, data)
        assert response.status_code == 302
        record = PayRecord.objects.get()
        assert (record.period_end_on, record.hours_worked, record.gross_pay_pence) == (
            dt.date(2026, 4, 1),
            Decimal("86.50"),
            110000,
        )
        again = client.post(url, data)
        assert again.status_code == 200
        assert "already recorded" in again.content.decode()
        assert PayRecord.objects.count() == 1

    def test_errors_are_shown_and_nothing_recorded(self, client, employer, officer) -> None:  # type: ignore[no-untyped-def]
        client.force_login(officer)
        url = reverse("employment:pay_record_add", args=[employer.account.pk])
        response = client.post(
            url,
            {
                "payee": employer.payee.pk,
                **date("period_start_on", dt.date(2026, 3, 31)),
                **date("period_last_on", dt.date(2026, 3, 1)),
                "hours_worked": "1.234",
                "gross_pay_pence": "",
                "source": "timesheet",
            },
        )
        text = response.content.decode()
        assert response.status_code == 200
        for message in (
            "There is a problem",
            "Hours worked may have at most two decimal places",
            "Enter the gross pay",
            "Enter the Personal Assistant&#x27;s date of birth",
        ):
            assert message in text
        assert not PayRecord.objects.exists()

    def test_correct_and_withdraw(self, client, employer, officer) -> None:  # type: ignore[no-untyped-def]
        record = pay_record(employer.account, employer.payee)
        client.force_login(officer)
        response = client.post(
            reverse("employment:pay_record_correct", args=[record.pk]),
            {
                **date("worked_on", record.worked_on),
                "hours_worked": "41",
                "gross_pay_pence": "500",
                **date("pa_date_of_birth", record.pa_date_of_birth),
                "reason": "Timesheet added up again",
            },
        )
        assert response.status_code == 302
        record.refresh_from_db()
        assert (record.hours_worked, record.gross_pay_pence) == (Decimal("41.00"), 50000)
        client.post(reverse("employment:pay_record_withdraw", args=[record.pk]), {"reason": "Duplicate"})
        record.refresh_from_db()
        assert record.is_withdrawn
        page = client.get(reverse("employment:pay_record_withdraw", args=[record.pk])).content.decode()
        assert "already withdrawn" in page

    def test_the_last_possible_date_is_an_error_not_a_server_error(self, client, employer, officer) -> None:  # type: ignore[no-untyped-def]
        client.force_login(officer)
        data = {
            "payee": employer.payee.pk,
            **date("period_start_on", dt.date(2026, 3, 1)),
            **date("period_last_on", dt.date(9999, 12, 31)),
            "hours_worked": "86.5",
            "gross_pay_pence": "1,100.00",
            **date("pa_date_of_birth", dt.date(1990, 1, 1)),
            "source": "timesheet",
        }
        response = client.post(reverse("employment:pay_record_add", args=[employer.account.pk]), data)
        assert response.status_code == 200
        assert "not a pay period" in response.content.decode()
        assert not PayRecord.objects.exists()


class TestPayrollFile:
    def test_a_file_is_imported_and_again_adds_nothing(self, client, employer, officer) -> None:  # type: ignore[no-untyped-def]
        client.force_login(officer)
        body = (
            "account,payee,period_start,period_end,hours,gross_pay,date_of_birth\n"
            f"{employer.account.pk},{employer.payee.pk},2026-03-01,2026-03-31,80,960.00,1990-01-01\n"
        ).encode()
        url = reverse("employment:payroll_import")
        first = client.post(url, {"file": SimpleUploadedFile("bureau.csv", body, "text/csv")}, follow=True)
        assert "bureau.csv: 1 pay record added, 0 already recorded" in first.content.decode()
        second = client.post(url, {"file": SimpleUploadedFile("bureau.csv", body, "text/csv")}, follow=True)
        assert "0 pay records added, 1 already recorded" in second.content.decode()
        assert PayRecord.objects.count() == 1

    def test_a_bad_file_is_refused_whole_naming_the_line_and_column(self, client, employer, officer) -> None:  # type: ignore[no-untyped-def]
        client.force_login(officer)
        body = (
            "account,payee,period_start,period_end,hours,gross_pay,date_of_birth\n"
            f"{employer.account.pk},{employer.payee.pk},2026-03-01,2026-03-31,80,960.00,1990-01-01\n"
            f"{employer.account.pk},{employer.payee.pk},2026-04-01,2026-04-30,80,9.999,1990-01-01\n"
        ).encode()
        response = client.post(
            reverse("employment:payroll_import"), {"file": SimpleUploadedFile("april.csv", body, "text/csv")}
        )
        assert response.status_code == 200
        assert "april.csv, line 3, column gross_pay" in response.content.decode()
        assert not PayRecord.objects.exists()

    def test_not_utf8(self, client, officer) -> None:  # type: ignore[no-untyped-def]
        client.force_login(officer)
        upload = SimpleUploadedFile("latin.csv", "caf\u00e9".encode("latin-1"), "text/csv")
        response = client.post(reverse("employment:payroll_import"), {"file": upload})
        assert "latin.csv is not UTF-8 text" in response.content.decode()


class TestMoneyOwed:
    def test_record_pay_and_withdraw(self, client, employer, officer) -> None:  # type: ignore[no-untyped-def]
        client.force_login(officer)
        today = dt.date.today()
        response = client.post(
            reverse("employment:commitment_add", args=[employer.account.pk]),
            {
                "kind": "invoice",
                "amount_pence": "240.00",
                "owed_to": "Brightcare Agency",
                **date("due_on", today + dt.timedelta(days=14)),
                "reference": "INV-77",
            },
        )
        assert response.status_code == 302
        owed = Commitment.objects.get()
        listing = client.get(reverse("employment:account_commitments", args=[employer.account.pk])).content.decode()
        assert "Still owed: £240.00" in listing
        assert "Brightcare Agency" in listing
        client.post(reverse("employment:commitment_settle", args=[owed.pk]), date("settled_on", today))
        owed.refresh_from_db()
        assert owed.status == CommitmentStatus.SETTLED
        other = commitment(employer.account)
        client.post(reverse("employment:commitment_withdraw", args=[other.pk]), {"reason": "Not owed"})
        other.refresh_from_db()
        assert other.status == CommitmentStatus.WITHDRAWN
        listing = client.get(reverse("employment:account_commitments", args=[employer.account.pk])).content.decode()
        assert "Still owed: £0.00" in listing
        assert "Withdrawn" in listing

    def test_an_empty_form_shows_its_errors(self, client, employer, officer) -> None:  # type: ignore[no-untyped-def]
        client.force_login(officer)
        response = client.post(reverse("employment:commitment_add", args=[employer.account.pk]), {})
        text = response.content.decode()
        for message in ("Choose what the money is owed for", "Enter the amount owed", "Enter when it is due"):
            assert message in text
        assert not Commitment.objects.exists()


class TestAccess:
    def test_someone_who_may_not_open_the_person_gets_404(self, client, employer, staff) -> None:  # type: ignore[no-untyped-def]
        employer.account.person.is_restricted = True
        employer.account.person.save()
        owed = commitment(employer.account)
        record = pay_record(employer.account, employer.payee)
        client.force_login(staff["payments_officer"])
        for url in (
            reverse("employment:account_pay", args=[employer.account.pk]),
            reverse("employment:account_commitments", args=[employer.account.pk]),
            reverse("employment:pay_record_correct", args=[record.pk]),
            reverse("employment:commitment_settle", args=[owed.pk]),
        ):
            assert client.get(url).status_code == 404, url

    def test_a_payroll_file_cannot_write_to_a_person_the_user_may_not_open(self, client, employer, staff) -> None:  # type: ignore[no-untyped-def]
        """The import names accounts by number: one the user may not open is refused as unknown, nothing written."""
        employer.account.person.is_restricted = True
        employer.account.person.save()
        client.force_login(staff["payments_officer"])
        body = (
            "account,payee,period_start,period_end,hours,gross_pay,date_of_birth\n"
            f"{employer.account.pk},{employer.payee.pk},2026-03-01,2026-03-31,80,960.00,1990-01-01\n"
        ).encode()
        response = client.post(
            reverse("employment:payroll_import"), {"file": SimpleUploadedFile("hidden.csv", body, "text/csv")}
        )
        assert response.status_code == 200
        assert "hidden.csv, line 2, column account: no direct payment account has this number" in (
            response.content.decode()
        )
        assert not PayRecord.objects.exists()
