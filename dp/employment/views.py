"""Pages for PAs' pay and money an account already owes."""

from __future__ import annotations

import codecs
import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.core import clock
from dp.core.errors import ValidationFailed
from dp.core.money import format_pence
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import form_page
from dp.employment import forms as f
from dp.employment import selectors, services
from dp.employment.access import WRITE_ROLES, access_commitment_by_id, access_pay_record_by_id
from dp.employment.constants import CommitmentStatus
from dp.employment.domain.payroll_file import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from dp.employment.models import Commitment, PayRecord
from dp.payments.access import access_account_by_id
from dp.payments.models import DirectPaymentAccount
from dp.people.access import people_visible_to
from dp.staff.roles import CARE_ROLES

#: Largest payroll file read on the page (one line per PA per period: tens of thousands of lines at most).
MAX_PAYROLL_FILE_BYTES = 5 * 1024 * 1024


def _posted(request: StaffRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _crumbs(account: DirectPaymentAccount, *items: tuple[str, str]) -> list[dict[str, str]]:
    person = account.person
    return [
        {"label": label, "url": url}
        for label, url in [
            ("Home", reverse("queues:home")),
            (person.full_name, reverse("people:detail", args=[person.pk])),
            ("Money", reverse("payments:person_money", args=[person.pk])),
            (str(account), reverse("payments:account_detail", args=[account.pk])),
            *items,
        ]
    ]


def _pay_crumbs(account: DirectPaymentAccount) -> list[dict[str, str]]:
    return _crumbs(account, ("Personal Assistants' pay", reverse("employment:account_pay", args=[account.pk])))


def _owed_crumbs(account: DirectPaymentAccount) -> list[dict[str, str]]:
    return _crumbs(account, ("Money owed", reverse("employment:account_commitments", args=[account.pk])))


# -- pay records ---------------------------------------------------------------------------------------------


@staff_view(*CARE_ROLES)
def account_pay(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    page = Paginator(selectors.account_pay_records(account), 50).get_page(request.GET.get("page"))
    checks = selectors.pay_checks(list(page))
    return render(
        request,
        "employment/account_pay.html",
        {
            "account": account,
            "page": page,
            "rows": [(record, checks.get(record.pk)) for record in page],
            "payees": selectors.payees_for_account(account),
            "can_write": request.user.has_role(*WRITE_ROLES),
            "breadcrumbs": _crumbs(account),
        },
    )


@staff_view(*WRITE_ROLES)
def pay_record_add(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    payees = selectors.payees_for_account(account)
    form = f.PayRecordForm(_posted(request), payees=payees)

    def act(data: dict[str, Any]) -> HttpResponse:
        record = services.pay_record_record(
            actor=request.user,
            account=account,
            payee=data["payee"],
            period_start_on=data["period_start_on"],
            period_end_on=data["period_last_on"] + dt.timedelta(days=1),
            worked_on=data.get("worked_on"),
            hours_worked=data["hours_worked"],
            gross_pay_pence=data["gross_pay_pence"],
            pa_date_of_birth=data["pa_date_of_birth"],
            apprentice_first_year=data["apprentice_first_year"],
            source=data["source"],
        )
        messages.success(request, f"Pay recorded for {record.payee.name}")
        return redirect("employment:account_pay", account_id=account.pk)

    return form_page(
        request,
        form,
        act,
        title="Record a Personal Assistant's pay",
        caption=f"{account.person.full_name}: {account}",
        breadcrumbs=_pay_crumbs(account),
        button="Record the pay",
        intro=[
            "For a pay period where the hours worked are known, from a timesheet or payslip. The monitoring checks "
            "compare the pay with the minimum wage for the PA's age."
        ],
        warning="" if payees else "This person's support plans name no Personal Assistants to pay.",
        can_submit=bool(payees),
        cancel_url=reverse("employment:account_pay", args=[account.pk]),
    )


@staff_view(*WRITE_ROLES)
def pay_record_correct(request: StaffRequest, record_id: int) -> HttpResponse:
    record = access_pay_record_by_id(request.user, record_id)
    form = f.PayCorrectForm(
        _posted(request),
        initial={
            "worked_on": record.worked_on,
            "hours_worked": record.hours_worked,
            "gross_pay_pence": record.gross_pay_pence,
            "pa_date_of_birth": record.pa_date_of_birth,
            "apprentice_first_year": record.apprentice_first_year,
        },
    )

    def act(data: dict[str, Any]) -> HttpResponse:
        services.pay_record_correct(actor=request.user, record=record, **data)
        messages.success(request, f"Pay record corrected for {record.payee.name}")
        return redirect("employment:account_pay", account_id=record.account_id)

    return form_page(
        request,
        form,
        act,
        title="Correct a pay record",
        caption=f"{record.account.person.full_name}: {record.payee.name}",
        breadcrumbs=_pay_crumbs(record.account),
        button="Correct the record",
        rows=_pay_rows(record),
        warning="This pay record was withdrawn." if record.is_withdrawn else "",
        can_submit=not record.is_withdrawn,
        cancel_url=reverse("employment:account_pay", args=[record.account_id]),
    )


def _pay_rows(record: PayRecord) -> list[tuple[str, str]]:
    return [
        ("Personal Assistant", record.payee.name),
        ("Pay period", f"{record.period_start_on:%-d %B %Y} to {record.last_day_on:%-d %B %Y}"),
        ("Hours and pay", f"{record.hours_worked} hours, {format_pence(record.gross_pay_pence)}"),
    ]


@staff_view(*WRITE_ROLES)
def pay_record_withdraw(request: StaffRequest, record_id: int) -> HttpResponse:
    record = access_pay_record_by_id(request.user, record_id)
    form = f.WithdrawForm(_posted(request))

    def act(data: dict[str, Any]) -> HttpResponse:
        services.pay_record_withdraw(actor=request.user, record=record, reason=data["reason"])
        messages.success(request, f"Pay record withdrawn for {record.payee.name}")
        return redirect("employment:account_pay", account_id=record.account_id)

    return form_page(
        request,
        form,
        act,
        title="Withdraw a pay record",
        caption=f"{record.account.person.full_name}: {record.payee.name}",
        breadcrumbs=_pay_crumbs(record.account),
        button="Withdraw the record",
        button_class="govuk-button--warning",
        intro=["A record entered in error. It is kept, no longer checked, and the period can be recorded again."],
        rows=_pay_rows(record),
        warning="This pay record was already withdrawn." if record.is_withdrawn else "",
        can_submit=not record.is_withdrawn,
        cancel_url=reverse("employment:account_pay", args=[record.account_id]),
    )


@staff_view(*WRITE_ROLES)
def payroll_import(request: StaffRequest) -> HttpResponse:
    form = f.PayrollFileForm(_posted(request), request.FILES if request.method == "POST" else None)

    def act(data: dict[str, Any]) -> HttpResponse:
        upload = data["file"]
        name = upload.name or "payroll.csv"
        if upload.size > MAX_PAYROLL_FILE_BYTES:
            raise ValidationFailed(
                f"{name} must be smaller than {MAX_PAYROLL_FILE_BYTES // (1024 * 1024)} MB", field="file"
            )
        try:
            text = codecs.decode(upload.read(), "utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(f"{name} is not UTF-8 text: save it as CSV UTF-8", field="file") from None
        result = services.payroll_file_import(
            actor=request.user, file_name=name, rows=text.splitlines(), people=people_visible_to(request.user)
        )
        messages.success(
            request,
            f"{name}: {result.added} pay record{'' if result.added == 1 else 's'} added, "
            f"{result.already_recorded} already recorded",
        )
        return redirect("employment:payroll_import")

    return form_page(
        request,
        form,
        act,
        title="Import a payroll bureau file",
        caption="Personal Assistants' pay",
        breadcrumbs=[{"label": "Home", "url": reverse("queues:home")}],
        button="Import the file",
        intro=[
            "A CSV file with a header row and one line per Personal Assistant per pay period. The whole file is "
            "refused, with nothing recorded, if any line is wrong; lines already recorded are left as they are.",
            f"Columns: {', '.join(REQUIRED_COLUMNS)}; optional: {', '.join(OPTIONAL_COLUMNS)}. The account and "
            "payee are the numbers shown on the account's Personal Assistants' pay page; dates as 2025-03-31 or "
            "31/03/2025; gross pay in pounds.",
        ],
    )


# -- money owed ----------------------------------------------------------------------------------------------


@staff_view(*CARE_ROLES)
def account_commitments(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    commitments = list(selectors.account_commitments(account))
    open_now = [c for c in commitments if c.status == CommitmentStatus.OPEN]
    return render(
        request,
        "employment/account_commitments.html",
        {
            "account": account,
            "open": open_now,
            "closed": [c for c in commitments if c.status != CommitmentStatus.OPEN],
            "open_total_pence": sum(c.amount_pence for c in open_now),
            "can_write": request.user.has_role(*WRITE_ROLES),
            "breadcrumbs": _crumbs(account),
        },
    )


@staff_view(*WRITE_ROLES)
def commitment_add(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    form = f.CommitmentForm(_posted(request))

    def act(data: dict[str, Any]) -> HttpResponse:
        commitment = services.commitment_record(actor=request.user, account=account, **data)
        messages.success(request, f"Money owed recorded: {commitment.label}")
        return redirect("employment:account_commitments", account_id=account.pk)

    return form_page(
        request,
        form,
        act,
        title="Record money owed",
        caption=f"{account.person.full_name}: {account}",
        breadcrumbs=_owed_crumbs(account),
        button="Record it",
        intro=[
            "Money the account already owes, such as unpaid wages, tax or an agency's invoice. Until it is paid it "
            "is taken off the balance before any surplus is worked out."
        ],
        cancel_url=reverse("employment:account_commitments", args=[account.pk]),
    )


def _commitment_rows(commitment: Commitment) -> list[tuple[str, str]]:
    return [
        ("Owed", f"{commitment.label}: {format_pence(commitment.amount_pence)}"),
        ("Due", f"{commitment.due_on:%-d %B %Y}"),
    ]


def _not_open(commitment: Commitment) -> str:
    if commitment.status == CommitmentStatus.OPEN:
        return ""
    return f"This money owed is already {CommitmentStatus(commitment.status).label.lower()}."


@staff_view(*WRITE_ROLES)
def commitment_settle(request: StaffRequest, commitment_id: int) -> HttpResponse:
    commitment = access_commitment_by_id(request.user, commitment_id)
    form = f.SettleForm(_posted(request), initial={"settled_on": clock.today()})

    def act(data: dict[str, Any]) -> HttpResponse:
        services.commitment_settle(actor=request.user, commitment=commitment, settled_on=data["settled_on"])
        messages.success(request, f"Recorded as paid: {commitment.label}")
        return redirect("employment:account_commitments", account_id=commitment.account_id)

    return form_page(
        request,
        form,
        act,
        title="Record that money owed was paid",
        caption=f"{commitment.account.person.full_name}: {commitment.account}",
        breadcrumbs=_owed_crumbs(commitment.account),
        button="Record it as paid",
        rows=_commitment_rows(commitment),
        warning=_not_open(commitment),
        can_submit=not _not_open(commitment),
        cancel_url=reverse("employment:account_commitments", args=[commitment.account_id]),
    )


@staff_view(*WRITE_ROLES)
def commitment_withdraw(request: StaffRequest, commitment_id: int) -> HttpResponse:
    commitment = access_commitment_by_id(request.user, commitment_id)
    form = f.WithdrawForm(_posted(request))

    def act(data: dict[str, Any]) -> HttpResponse:
        services.commitment_withdraw(actor=request.user, commitment=commitment, reason=data["reason"])
        messages.success(request, f"Withdrawn: {commitment.label}")
        return redirect("employment:account_commitments", account_id=commitment.account_id)

    return form_page(
        request,
        form,
        act,
        title="Withdraw money owed",
        caption=f"{commitment.account.person.full_name}: {commitment.account}",
        breadcrumbs=_owed_crumbs(commitment.account),
        button="Withdraw it",
        button_class="govuk-button--warning",
        intro=["When the money was not owed after all: entered in error, or the invoice was cancelled."],
        rows=_commitment_rows(commitment),
        warning=_not_open(commitment),
        can_submit=not _not_open(commitment),
        cancel_url=reverse("employment:account_commitments", args=[commitment.account_id]),
    )
