from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.cases.access import access_case_by_id
from dp.core import clock
from dp.core.errors import PolicyMissing
from dp.core.pdf import pdf_response, render_pdf
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import form_page as _form_page
from dp.councils.selectors import council_get
from dp.payments import forms as f
from dp.payments import selectors, services
from dp.payments.access import (
    access_account_by_id,
    access_bank_change_by_id,
    access_payment_file_by_id,
    access_payment_run_by_id,
    access_schedule_by_id,
)
from dp.payments.constants import (
    AccountKind,
    BankDetailsChangeStatus,
    ExceptionReason,
    PaymentKind,
    PaymentRunStatus,
    ScheduleStatus,
)
from dp.payments.domain import documents
from dp.payments.domain.schedule import calculate_period
from dp.payments.models import AdjustmentSettlement, MoneyManager, Payment, PaymentRun, PaymentSchedule
from dp.people.access import access_person_by_id
from dp.people.models import Person
from dp.staff.roles import CARE_ROLES, Role

RUN_VIEW = (Role.PAYMENTS_OFFICER, Role.AUDITOR)
RUN_WRITE = (Role.PAYMENTS_OFFICER,)
MONEY_WRITE = (Role.DP_SUPPORT, Role.PAYMENTS_OFFICER)
CONTRIBUTION_WRITE = (Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.FINANCIAL_ASSESSOR)
HOLIDAY_VIEW = (Role.PAYMENTS_OFFICER, Role.AUDITOR, Role.SYSTEM_ADMIN)


def _posted(request: StaffRequest) -> Any:
    """The submitted data on a POST (even when, as on a confirm page, nothing but the button was sent)."""
    return request.POST if request.method == "POST" else None


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in [("Home", reverse("queues:home")), *items]]


def _runs_crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return _crumbs(("Payment runs", reverse("payments:run_list")), *items)


def _person_crumbs(person: Person, *items: tuple[str, str]) -> list[dict[str, str]]:
    return _crumbs(
        (person.full_name, reverse("people:detail", args=[person.pk])),
        ("Money", reverse("payments:person_money", args=[person.pk])),
        *items,
    )


# -- payment runs ----------------------------------------------------------------------------------------


@staff_view(*RUN_VIEW)
def run_list(request: StaffRequest) -> HttpResponse:
    page = Paginator(selectors.payment_run_list(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/run_list.html",
        {
            "page": page,
            "live": selectors.live_run(),
            "can_create": request.user.has_role(*RUN_WRITE),
            "to_confirm": selectors.bank_changes_to_confirm().count(),
            "returns_open": selectors.payment_returns_open_count(),
            "upcoming": selectors.upcoming_cycle_dates(today=clock.today()),
            "breadcrumbs": _crumbs(),
        },
    )


@staff_view(*RUN_WRITE)
def run_create(request: StaffRequest) -> HttpResponse:
    upcoming = selectors.upcoming_cycle_dates(today=clock.today())
    initial: dict[str, Any] = {"request_key": uuid.uuid4().hex}
    if upcoming:
        initial["pay_on"] = upcoming[0][1]
    form = f.PaymentRunForm(_posted(request), initial=initial)

    def act(data: dict[str, Any]) -> HttpResponse:
        run = services.payment_run_create(actor=request.user, pay_on=data["pay_on"], request_key=data["request_key"])
        messages.success(request, f"Payment run {run.reference} worked out: another payments officer must approve it")
        return redirect("payments:run_detail", run_id=run.pk)

    intro = [
        "Everything due up to the next working day after the date is worked out: the payments, and the "
        "payments held back with the reason. Nothing is sent until another payments officer approves it."
    ]
    if upcoming:
        intro.append(
            "The council's next payment dates: "
            + ", ".join(
                f"{nominal.day} {nominal:%B %Y}" + (f" (paid {paid.day} {paid:%B})" if paid != nominal else "")
                for nominal, paid in upcoming
            )
            + "."
        )
    live = selectors.live_run()
    return _form_page(
        request,
        form,
        act,
        title="Make a payment run",
        caption="Payment runs",
        breadcrumbs=_runs_crumbs(),
        button="Work out the payments",
        intro=intro,
        warning=(
            f"Payment run {live.reference} for {live.pay_on:%d %B %Y} is “{live.get_status_display()}”: finish or "
            "cancel it first."
            if live
            else ""
        ),
    )


def _run_actions(request: StaffRequest, run: PaymentRun) -> dict[str, bool]:
    officer = request.user.has_role(*RUN_WRITE)
    return {
        "can_approve": officer and run.status == PaymentRunStatus.CALCULATED and run.created_by_id != request.user.pk,
        "own_run": run.created_by_id == request.user.pk,
        "can_cancel": officer and run.status in (PaymentRunStatus.CALCULATED, PaymentRunStatus.APPROVED),
        "can_start": officer and run.status == PaymentRunStatus.APPROVED,
        "can_resume": officer and run.status == PaymentRunStatus.EXECUTING,
        "can_settle": officer
        and run.status == PaymentRunStatus.COMPLETED
        and run.settled_at is None
        and run.pay_on <= clock.today(),
    }


@staff_view(*RUN_VIEW)
def run_detail(request: StaffRequest, run_id: int) -> HttpResponse:
    run = access_payment_run_by_id(request.user, run_id)
    payments = Paginator(selectors.run_payments(run), 50).get_page(request.GET.get("page"))
    capped = selectors.run_capped_recoveries(run, [p.pk for p in payments if p.recovery_pence])
    returned = selectors.payment_returns_of([p.pk for p in payments]) if run.settled_at else {}
    for payment in payments:
        payment.payee_key = _payee_key(payment)  # type: ignore[attr-defined]
        payment.capped = capped.get(payment.pk)  # type: ignore[attr-defined]
        payment.returned = returned.get(payment.pk)  # type: ignore[attr-defined]
    exceptions = list(selectors.run_exceptions(run)[:200])
    files = list(selectors.run_files(run))
    ledger = selectors.run_ledger_totals(run) if run.status == PaymentRunStatus.COMPLETED else {}
    refreshing = run.status == PaymentRunStatus.EXECUTING and request.GET.get("refresh") != "off"
    recovered = selectors.run_recovered_summary(run)
    response = render(
        request,
        "payments/run_detail.html",
        {
            "run": run,
            "page": payments,
            "can_record_return": request.user.has_role(*RUN_WRITE),
            "exceptions": exceptions,
            "exception_summary": [
                {**row, "label": ExceptionReason(row["reason"]).label} for row in selectors.run_exception_summary(run)
            ],
            "files": files,
            "ledger_bank": ledger.get("transit:bank", 0),
            "ledger_card": ledger.get("transit:card_provider", 0),
            "file_bank": sum(x.total_pence for x in files if x.kind == "bacs"),
            "file_card": sum(x.total_pence for x in files if x.kind == "card_load"),
            "refreshing": refreshing,
            "recovered_pence": recovered["total"],
            "recovered_count": recovered["count"],
            "late": run.bacs_processing_on is not None and run.bacs_processing_on > _latest_processing(run),
            "visible_people": _visible_ids(request, [p.schedule.person_id for p in payments]),
            **_run_actions(request, run),
            "breadcrumbs": _runs_crumbs(),
        },
    )
    if refreshing:
        response["Refresh"] = "5"  # the page reloads itself while the run is being sent (no script needed)
    return response


def _payee_key(payment: Payment) -> str:
    """Who a remittance advice goes to: the money manager for a managed account, else the account's holder."""
    if payment.account.kind == AccountKind.MANAGED:
        return f"manager-{payment.account.money_manager_id}"
    return f"account-{payment.account_id}"


def _latest_processing(run: PaymentRun) -> dt.date:
    from dp.payments.domain.working_days import working_days_before

    return working_days_before(run.pay_on, 2, selectors.bank_holidays())


def _visible_ids(request: StaffRequest, person_ids: list[int]) -> set[int]:
    from dp.people.access import people_visible_to

    return set(people_visible_to(request.user).filter(pk__in=person_ids).values_list("pk", flat=True))


@staff_view(*RUN_WRITE)
def run_approve(request: StaffRequest, run_id: int) -> HttpResponse:
    run = access_payment_run_by_id(request.user, run_id)
    actions = _run_actions(request, run)

    def act(data: dict[str, Any]) -> HttpResponse:
        services.payment_run_approve(actor=request.user, run=run)
        messages.success(request, f"Payment run {run.reference} approved. It can now be sent")
        return redirect("payments:run_detail", run_id=run.pk)

    warning = ""
    if actions["own_run"]:
        warning = "You made this run, so you cannot approve it: another payments officer must."
    elif run.status != PaymentRunStatus.CALCULATED:
        warning = f"This run is “{run.get_status_display()}”: there is nothing to approve."
    return _form_page(
        request,
        f.ConfirmForm(_posted(request)),
        act,
        title=f"Approve payment run {run.reference}",
        caption="Payment runs",
        breadcrumbs=_runs_crumbs((run.reference, reverse("payments:run_detail", args=[run.pk]))),
        button="Approve the run",
        intro=["Check the totals and the payments held back on the run's page before you approve it."],
        rows=_run_rows(run),
        warning=warning,
        can_submit=actions["can_approve"],
        cancel_url=reverse("payments:run_detail", args=[run.pk]),
    )


def _run_rows(run: PaymentRun) -> list[tuple[str, str]]:
    from dp.core.money import format_pence

    return [
        ("Money arrives on", f"{run.pay_on.day} {run.pay_on:%B %Y}"),
        ("Payments", f"{run.payment_count} ({run.zero_count} with nothing to send)"),
        ("Total", format_pence(run.total_pence)),
        ("By Bacs", format_pence(run.bank_total_pence)),
        ("To prepaid cards", format_pence(run.card_total_pence)),
        ("Held back", f"{run.exception_count} ({format_pence(run.exception_total_pence)})"),
        ("Made by", run.created_by.display_name),
    ]


@staff_view(*RUN_WRITE)
def run_cancel(request: StaffRequest, run_id: int) -> HttpResponse:
    run = access_payment_run_by_id(request.user, run_id)
    actions = _run_actions(request, run)

    def act(data: dict[str, Any]) -> HttpResponse:
        services.payment_run_cancel(actor=request.user, run=run, reason=data["reason"])
        messages.success(request, f"Payment run {run.reference} cancelled. Its payments will be due in the next run")
        return redirect("payments:run_detail", run_id=run.pk)

    return _form_page(
        request,
        f.ReasonForm(_posted(request), label="Why is the run being cancelled?"),
        act,
        title=f"Cancel payment run {run.reference}",
        caption="Payment runs",
        breadcrumbs=_runs_crumbs((run.reference, reverse("payments:run_detail", args=[run.pk]))),
        button="Cancel the run",
        button_class="govuk-button--warning",
        rows=_run_rows(run),
        warning="" if actions["can_cancel"] else f"This run is “{run.get_status_display()}”: it cannot be cancelled.",
        can_submit=actions["can_cancel"],
        cancel_url=reverse("payments:run_detail", args=[run.pk]),
    )


@staff_view(*RUN_WRITE)
def run_start(request: StaffRequest, run_id: int) -> HttpResponse:
    run = access_payment_run_by_id(request.user, run_id)
    actions = _run_actions(request, run)

    def act(data: dict[str, Any]) -> HttpResponse:
        services.payment_run_start(actor=request.user, run=run)
        messages.success(request, f"Payment run {run.reference} is being sent")
        return redirect("payments:run_detail", run_id=run.pk)

    resuming = actions["can_resume"]
    warning = ""
    if not (actions["can_start"] or resuming):
        warning = f"This run is “{run.get_status_display()}”: it cannot be sent now."
    return _form_page(
        request,
        f.ConfirmForm(_posted(request)),
        act,
        title=f"{'Carry on sending' if resuming else 'Send'} payment run {run.reference}",
        caption="Payment runs",
        breadcrumbs=_runs_crumbs((run.reference, reverse("payments:run_detail", args=[run.pk]))),
        button="Carry on sending" if resuming else "Send the payments",
        intro=[
            "The journals are posted and the Bacs, card-load and remittance files written in the background. "
            "If it stops part-way, send it again: it carries on where it stopped and never pays anyone twice."
        ],
        rows=_run_rows(run),
        warning=warning,
        can_submit=actions["can_start"] or resuming,
        cancel_url=reverse("payments:run_detail", args=[run.pk]),
    )


@staff_view(*RUN_WRITE)
def run_settle(request: StaffRequest, run_id: int) -> HttpResponse:
    run = access_payment_run_by_id(request.user, run_id)
    actions = _run_actions(request, run)

    def act(data: dict[str, Any]) -> HttpResponse:
        services.payment_run_settle_request(actor=request.user, run=run)
        messages.success(request, f"The money of payment run {run.reference} is being recorded as arrived")
        return redirect("payments:run_detail", run_id=run.pk)

    return _form_page(
        request,
        f.ConfirmForm(_posted(request)),
        act,
        title=f"Record payment run {run.reference} as arrived",
        caption="Payment runs",
        breadcrumbs=_runs_crumbs((run.reference, reverse("payments:run_detail", args=[run.pk]))),
        button="Record as arrived",
        intro=[
            "Each payment is recorded in the person's direct payment account, with the contribution due for its "
            "period. The daily job does this on the pay date anyway."
        ],
        warning="" if actions["can_settle"] else "There is nothing to record for this run now.",
        can_submit=actions["can_settle"],
        cancel_url=reverse("payments:run_detail", args=[run.pk]),
    )


@staff_view(*RUN_VIEW)
def file_download(request: StaffRequest, file_id: int) -> HttpResponse:
    payment_file = access_payment_file_by_id(request.user, file_id)
    content_type = "text/csv" if payment_file.filename.endswith(".csv") else "text/plain"
    response = HttpResponse(payment_file.content.encode(), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{payment_file.filename}"'
    return response


@staff_view(*RUN_VIEW)
def remittance_pdf(request: StaffRequest, run_id: int, payee: str) -> HttpResponse:
    run = access_payment_run_by_id(request.user, run_id)
    kind, _, number = payee.partition("-")
    if kind not in ("account", "manager") or not number.isdigit():
        raise Http404("No such payee")
    payments = (
        Payment.objects.filter(run=run, cancelled=False, amount_pence__gt=0)
        .select_related("account__money_manager", "account__holder", "schedule__person", "scheduled_payment")
        .order_by("id")
    )
    if kind == "manager":
        payments = payments.filter(account__kind=AccountKind.MANAGED, account__money_manager_id=int(number))
    else:
        payments = payments.filter(account_id=int(number)).exclude(account__kind=AccountKind.MANAGED)
    rows = list(payments)
    if not rows:
        raise Http404("No payments to this payee in the run")
    first = rows[0].account
    if kind == "manager" and first.money_manager:
        name = first.money_manager.name
    else:
        name = (first.holder or rows[0].schedule.person).full_name
    reasons = {
        s.payment_id: s.adjustment.reason
        for s in AdjustmentSettlement.objects.filter(payment__in=rows).select_related("adjustment")
    }
    recovery_reasons = selectors.recovery_reasons_for([p.pk for p in rows])
    council = council_get()
    advice = documents.RemittanceAdvice(
        payee_name=name,
        pay_on=run.pay_on,
        payer=council.name if council else "The council",
        run_reference=run.reference,
        lines=tuple(
            documents.RemittanceLine(
                reference=p.reference,
                description=_payment_description(p),
                amount_pence=p.amount_pence,
                adjustment_pence=p.adjustment_pence,
                adjustment_reason=reasons.get(p.pk, ""),
                client=f"{p.schedule.person.full_name} ({p.account.client_reference})" if kind == "manager" else "",
                recovery_pence=p.recovery_pence,
                recovery_reason=recovery_reasons.get(p.pk, ""),
            )
            for p in rows
        ),
    )
    content = render_pdf("payments/remittance_pdf.html", {"advice": advice, "run": run})
    return pdf_response(content, f"remittance-{run.reference}-{payee}.pdf")


def _payment_description(payment: Payment) -> str:
    if payment.kind == PaymentKind.REGULAR and payment.period_start_on and payment.period_end_on:
        s, e = payment.period_start_on, payment.period_end_on
        return f"Direct payment for {s.day} {s:%b %Y} to {e.day} {e:%b %Y}"
    return payment.scheduled_payment.description if payment.scheduled_payment else payment.get_kind_display()


# -- people's money ---------------------------------------------------------------------------------------


def _holders(person: Person) -> list[Person]:
    related = Person.objects.filter(
        relationships_from__to_person=person,
        relationships_from__kind__in=services.HOLDER_RELATIONSHIPS,
        relationships_from__ended_on__isnull=True,
    ).distinct()
    return [person, *related]


@staff_view(*CARE_ROLES)
def person_money(request: StaffRequest, person_id: int) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    today = clock.today()
    schedules = list(selectors.person_schedules(person))
    for schedule in schedules:
        terms = selectors.schedule_terms(schedule)
        schedule.current_change = terms.change_in_force_on(max(today, schedule.start_on))  # type: ignore[attr-defined]
    from dp.cases.models import Case

    cases_without = [
        case
        for case in Case.objects.filter(person=person, closed_on__isnull=True).order_by("-opened_on")
        if not any(s.case_id == case.pk and s.status != ScheduleStatus.ENDED for s in schedules)
    ]
    return render(
        request,
        "payments/person_money.html",
        {
            "person": person,
            "accounts": list(selectors.person_accounts(person)),
            "schedules": schedules,
            "position": selectors.contribution_position(person, today=today),
            "cases_without": cases_without,
            "can_write": request.user.has_role(*MONEY_WRITE),
            "kinds": AccountKind.choices,
            "breadcrumbs": _crumbs((person.full_name, reverse("people:detail", args=[person.pk]))),
        },
    )


ACCOUNT_FORMS = {
    "prepaid-card": (AccountKind.PREPAID_CARD, "Open a prepaid card account"),
    "bank": (AccountKind.BANK, "Record a bank account"),
    "managed": (AccountKind.MANAGED, "Set up a managed account"),
}


@staff_view(*MONEY_WRITE)
def account_open(request: StaffRequest, person_id: int, kind: str) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    if kind not in ACCOUNT_FORMS:
        raise Http404("No such kind of account")
    account_kind, title = ACCOUNT_FORMS[kind]
    data = _posted(request)
    form: forms.Form
    if account_kind == AccountKind.PREPAID_CARD:
        form = f.PrepaidCardAccountForm(data, person=person, holders=_holders(person))
    elif account_kind == AccountKind.BANK:
        form = f.BankAccountForm(data, person=person, holders=_holders(person))
    else:
        form = f.ManagedAccountForm(data)

    def act(d: dict[str, Any]) -> HttpResponse:
        if account_kind == AccountKind.PREPAID_CARD:
            account = services.account_open_prepaid_card(actor=request.user, person=person, **d)
        elif account_kind == AccountKind.BANK:
            account = services.account_open_bank(actor=request.user, person=person, **d)
        else:
            account = services.account_open_managed(actor=request.user, person=person, **d)
        messages.success(request, f"{account.get_kind_display()} set up for {person.full_name}")
        return redirect("payments:account_detail", account_id=account.pk)

    intro = []
    if account_kind == AccountKind.MANAGED and not MoneyManager.objects.exists():
        intro.append("No money managers are recorded yet: add the organisation first.")
    return _form_page(
        request,
        form,
        act,
        title=title,
        caption=person.full_name,
        breadcrumbs=_person_crumbs(person),
        button="Save",
        intro=intro,
        cancel_url=reverse("payments:person_money", args=[person.pk]),
    )


@staff_view(*CARE_ROLES)
def account_detail(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    today = clock.today()
    return render(
        request,
        "payments/account_detail.html",
        {
            "account": account,
            "person": account.person,
            "pending": selectors.account_pending_change(account),
            "changes": account.bank_changes.select_related("requested_by", "decided_by").order_by("-requested_at")[:10],
            "notices": selectors.account_notices(account),
            "schedules": account.schedules.select_related("case").order_by("-start_on"),
            "payments": selectors.account_payments(account),
            "returns": selectors.payment_returns_for(account=account),
            "can_see_returns": request.user.has_role(*RUN_VIEW),
            "months": selectors.statement_months(account, today=today),
            "can_write": request.user.has_role(*MONEY_WRITE) and account.is_open,
            "breadcrumbs": _person_crumbs(account.person),
        },
    )


@staff_view(*MONEY_WRITE)
def account_card_status(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    if account.kind != AccountKind.PREPAID_CARD:
        raise Http404("Not a card account")
    form = f.CardStatusForm(_posted(request), initial={"card_status": account.card_status})

    def act(d: dict[str, Any]) -> HttpResponse:
        services.account_card_status_change(actor=request.user, account=account, **d)
        messages.success(request, "Card status changed")
        return redirect("payments:account_detail", account_id=account.pk)

    return _form_page(
        request,
        form,
        act,
        title="Change the card's status",
        caption=f"{account.person.full_name}: {account}",
        breadcrumbs=_person_crumbs(
            account.person, (str(account), reverse("payments:account_detail", args=[account.pk]))
        ),
        button="Save",
        intro=["Only an active card is loaded. Payments to a card that is not active are held back."],
        can_submit=account.is_open,
        warning="" if account.is_open else "The account is closed.",
        cancel_url=reverse("payments:account_detail", args=[account.pk]),
    )


@staff_view(*MONEY_WRITE)
def account_close(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)

    def act(d: dict[str, Any]) -> HttpResponse:
        services.account_close(actor=request.user, account=account, reason=d["reason"])
        messages.success(request, "Account closed")
        return redirect("payments:account_detail", account_id=account.pk)

    running = account.schedules.exclude(status=ScheduleStatus.ENDED).count()
    return _form_page(
        request,
        f.CloseAccountForm(_posted(request)),
        act,
        title="Close the account",
        caption=f"{account.person.full_name}: {account}",
        breadcrumbs=_person_crumbs(
            account.person, (str(account), reverse("payments:account_detail", args=[account.pk]))
        ),
        button="Close the account",
        button_class="govuk-button--warning",
        intro=[
            f"{running} running payment schedule(s) pay into this account: move them to another account, or "
            "their payments will be held back."
        ]
        if running
        else [],
        can_submit=account.is_open,
        warning="" if account.is_open else "The account is already closed.",
        cancel_url=reverse("payments:account_detail", args=[account.pk]),
    )


@staff_view(*MONEY_WRITE)
def bank_change_request(request: StaffRequest, account_id: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    if account.kind != AccountKind.BANK:
        raise Http404("Not a bank account")

    def act(d: dict[str, Any]) -> HttpResponse:
        services.bank_details_change_request(actor=request.user, account=account, **d)
        messages.success(request, "Change requested: another member of staff must confirm it")
        return redirect("payments:account_detail", account_id=account.pk)

    pending = selectors.account_pending_change(account)
    return _form_page(
        request,
        f.BankChangeForm(_posted(request)),
        act,
        title="Change the bank details",
        caption=f"{account.person.full_name}: {account}",
        breadcrumbs=_person_crumbs(
            account.person, (str(account), reverse("payments:account_detail", args=[account.pk]))
        ),
        button="Ask for the change",
        intro=[
            "Payments keep going to the current account until another member of staff confirms the new details. "
            "While the change waits, payments to this account are held back. The account holder is told."
        ],
        can_submit=account.is_open and pending is None,
        warning="A change is already waiting to be confirmed."
        if pending
        else ("" if account.is_open else "The account is closed."),
        cancel_url=reverse("payments:account_detail", args=[account.pk]),
    )


@staff_view(*MONEY_WRITE)
def bank_changes(request: StaffRequest) -> HttpResponse:
    changes = list(selectors.bank_changes_to_confirm())
    visible = _visible_ids(request, [c.account.person_id for c in changes])
    return render(
        request,
        "payments/bank_changes.html",
        {
            "changes": [c for c in changes if c.account.person_id in visible],
            "breadcrumbs": _runs_crumbs() if request.user.has_role(*RUN_VIEW) else _crumbs(),
        },
    )


@staff_view(*MONEY_WRITE)
def bank_change_decide(request: StaffRequest, change_id: int) -> HttpResponse:
    change = access_bank_change_by_id(request.user, change_id)
    account = change.account
    own = change.requested_by_id == request.user.pk
    pending = change.status == BankDetailsChangeStatus.PENDING

    def act(d: dict[str, Any]) -> HttpResponse:
        if d["decision"] == "confirm":
            services.bank_details_change_confirm(actor=request.user, change=change, note=d["note"])
            messages.success(request, "New bank details confirmed")
        else:
            services.bank_details_change_reject(actor=request.user, change=change, note=d["note"])
            messages.success(request, "Change of bank details not made")
        return redirect("payments:account_detail", account_id=account.pk)

    warning = ""
    if not pending:
        warning = f"This change is “{change.get_status_display()}”."
    elif own:
        warning = "You asked for this change, so another member of staff must confirm it."
    return _form_page(
        request,
        f.BankChangeDecisionForm(_posted(request)),
        act,
        title="Confirm a change of bank details",
        caption=f"{account.person.full_name}: {account}",
        breadcrumbs=_person_crumbs(
            account.person, (str(account), reverse("payments:account_detail", args=[account.pk]))
        ),
        button="Save",
        intro=[
            "Check the change with the account holder using contact details already on their record, never "
            "details given with the request."
        ],
        rows=[
            ("Now", f"{account.account_name}, {account.masked_sort_code}, {account.masked_account_number}"),
            (
                "New",
                f"{change.account_name}, sort code ending {(change.sort_code or '')[-2:]}, "
                f"account {change.masked_account_number}",
            ),
            ("Asked for by", f"{change.requested_by.display_name} on {change.requested_at:%d %B %Y}"),
            ("Reason", change.reason),
        ],
        warning=warning,
        can_submit=pending and not own,
        cancel_url=reverse("payments:account_detail", args=[account.pk]),
    )


@staff_view(*CARE_ROLES)
def account_statement(request: StaffRequest, account_id: int, year: int, month: int) -> HttpResponse:
    account = access_account_by_id(request.user, account_id)
    if not 1 <= month <= 12 or not 2000 <= year <= 2099:
        raise Http404("No such month")
    statement = selectors.account_statement(account=account, year=year, month=month)
    content = render_pdf(
        "payments/statement_pdf.html",
        {"account": account, "person": account.person, "statement": statement, "today": clock.today()},
    )
    return pdf_response(content, f"statement-{account.pk}-{year}-{month:02d}.pdf")


@staff_view(*RUN_VIEW, Role.DP_SUPPORT)
def manager_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "payments/manager_list.html",
        {
            "managers": selectors.money_managers(),
            "can_write": request.user.has_role(*MONEY_WRITE),
            "breadcrumbs": _crumbs(),
        },
    )


@staff_view(*MONEY_WRITE)
def manager_create(request: StaffRequest) -> HttpResponse:
    def act(d: dict[str, Any]) -> HttpResponse:
        manager = services.money_manager_add(
            actor=request.user, **{**d, "fee_weekly_pence": d["fee_weekly_pence"] or 0}
        )
        messages.success(request, f"{manager.name} added")
        return redirect("payments:manager_list")

    return _form_page(
        request,
        f.MoneyManagerForm(_posted(request)),
        act,
        title="Add a money manager",
        caption="Managed accounts",
        breadcrumbs=_crumbs(("Money managers", reverse("payments:manager_list"))),
        button="Save",
        intro=["An organisation that holds managed direct payment accounts: payments go to its bank account."],
        cancel_url=reverse("payments:manager_list"),
    )


# -- schedules --------------------------------------------------------------------------------------------


@staff_view(*MONEY_WRITE)
def schedule_create(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    accounts = selectors.open_accounts_of(case.person)
    today = clock.today()
    upcoming = selectors.upcoming_cycle_dates(today=today)
    try:
        basis = selectors.payment_basis(today)
    except PolicyMissing:
        basis = "net"
    initial: dict[str, Any] = {"basis": basis, "account": accounts.first()}
    if upcoming:
        initial["first_payment_on"] = upcoming[0][0]
    form = f.ScheduleForm(_posted(request), accounts=accounts, initial=initial)

    def act(d: dict[str, Any]) -> HttpResponse:
        schedule = services.schedule_create_for_case(
            actor=request.user,
            case=case,
            weekly_budget_pence=d["weekly_budget_pence"],
            weekly_contribution_pence=d["weekly_contribution_pence"],
            first_payment_on=d["first_payment_on"],
            account=d["account"],
            basis=d["basis"] or None,
            agreement_signed_on=d["agreement_signed_on"],
        )
        messages.success(request, "Payments set up")
        return redirect("payments:schedule_detail", schedule_id=schedule.pk)

    intro = ["Normally set up when the direct payment agreement is signed."]
    if upcoming:
        intro.append("The next payment dates: " + ", ".join(f"{d.day} {d:%B %Y}" for d, _ in upcoming) + ".")
    return _form_page(
        request,
        form,
        act,
        title="Set up payments",
        caption=f"Case {case.reference}: {case.person.full_name}",
        breadcrumbs=_person_crumbs(case.person),
        button="Set up payments",
        intro=intro,
        cancel_url=reverse("payments:person_money", args=[case.person.pk]),
    )


def _upcoming_periods(schedule: PaymentSchedule, *, today: dt.date, count: int = 3) -> list[Any]:
    if schedule.status != ScheduleStatus.ACTIVE:
        return []
    terms = selectors.schedule_terms(schedule)
    start = max(today, schedule.payable_from_on)
    number = terms.period_number_on(max(start, schedule.start_on))
    last = schedule.payments.filter(kind=PaymentKind.REGULAR, cancelled=False).order_by("-period_start_on").first()
    if last and last.period_start_on:
        number = max(number, terms.period_number_on(last.period_start_on) + 1)
    result = []
    for n in range(number, number + count):
        start_on, end_on = terms.period_bounds(n)
        result.append(calculate_period(terms, start_on, end_on, number=n))
    return result


@staff_view(*CARE_ROLES)
def schedule_detail(request: StaffRequest, schedule_id: int) -> HttpResponse:
    schedule = access_schedule_by_id(request.user, schedule_id)
    today = clock.today()
    payments = Paginator(selectors.schedule_payments(schedule), 20).get_page(request.GET.get("page"))
    returns = selectors.payment_returns_for(schedule=schedule)
    return render(
        request,
        "payments/schedule_detail.html",
        {
            "schedule": schedule,
            "person": schedule.person,
            "changes": schedule.changes.order_by("effective_on"),
            "page": payments,
            "upcoming": _upcoming_periods(schedule, today=today),
            "open_adjustments": selectors.schedule_open_adjustments(schedule),
            "adjustments": schedule.adjustments.order_by("-created_at")[:20],
            "scheduled": selectors.schedule_unpaid_scheduled_payments(schedule),
            "recoveries": schedule.recoveries.all(),
            "deductions": selectors.schedule_recovery_deductions(schedule),
            "receipts": schedule.contribution_receipts.order_by("-received_on")[:10],
            "returns": returns,
            "returned_ids": {r.payment_id for r in returns},
            "can_see_returns": request.user.has_role(*RUN_VIEW),
            "can_record_return": request.user.has_role(*RUN_WRITE),
            "can_write": request.user.has_role(*MONEY_WRITE) and schedule.status != ScheduleStatus.ENDED,
            "can_record": request.user.has_role(*CONTRIBUTION_WRITE),
            "breadcrumbs": _person_crumbs(schedule.person),
        },
    )


def _schedule_form(
    request: StaffRequest,
    schedule_id: int,
    form_class: Any,
    act: Callable[[PaymentSchedule, dict[str, Any]], str],
    *,
    title: str,
    button: str,
    intro: list[str] | None = None,
    allowed: Callable[[PaymentSchedule], str] = lambda s: (
        "" if s.status != ScheduleStatus.ENDED else "The direct payment has ended."
    ),
    form_kwargs: Callable[[PaymentSchedule], dict[str, Any]] = lambda s: {},
    button_class: str = "",
) -> HttpResponse:
    schedule = access_schedule_by_id(request.user, schedule_id)
    warning = allowed(schedule)

    def done(d: dict[str, Any]) -> HttpResponse:
        messages.success(request, act(schedule, d))
        return redirect("payments:schedule_detail", schedule_id=schedule.pk)

    return _form_page(
        request,
        form_class(_posted(request), **form_kwargs(schedule)),
        done,
        title=title,
        caption=f"Payments for {schedule.person.full_name} ({schedule.reference})",
        breadcrumbs=_person_crumbs(
            schedule.person, (schedule.reference, reverse("payments:schedule_detail", args=[schedule.pk]))
        ),
        button=button,
        intro=intro,
        warning=warning,
        can_submit=not warning,
        cancel_url=reverse("payments:schedule_detail", args=[schedule.pk]),
        button_class=button_class,
    )


@staff_view(*MONEY_WRITE)
def schedule_change(request: StaffRequest, schedule_id: int) -> HttpResponse:
    def act(schedule: PaymentSchedule, d: dict[str, Any]) -> str:
        services.schedule_change_amounts(actor=request.user, schedule=schedule, **d)
        return "Amounts changed. Any difference for periods already paid is settled in the next run"

    return _schedule_form(
        request,
        schedule_id,
        f.ScheduleChangeForm,
        act,
        title="Change the budget or contribution",
        button="Save the change",
        intro=[
            "A change part-way through a period is worked out by days. If the period has been paid, the "
            "difference is added to, or taken off, the next payment, with the reason shown."
        ],
    )


@staff_view(*MONEY_WRITE)
def schedule_account(request: StaffRequest, schedule_id: int) -> HttpResponse:
    def act(schedule: PaymentSchedule, d: dict[str, Any]) -> str:
        services.schedule_account_change(actor=request.user, schedule=schedule, account=d["account"])
        return "Payments will go to the new account"

    return _schedule_form(
        request,
        schedule_id,
        f.ScheduleAccountForm,
        act,
        title="Pay into another account",
        button="Save",
        form_kwargs=lambda s: {"accounts": selectors.other_open_accounts(s)},
        allowed=lambda s: _other_account_allowed(s),
    )


def _other_account_allowed(schedule: PaymentSchedule) -> str:
    if schedule.status == ScheduleStatus.ENDED:
        return "The direct payment has ended."
    if not selectors.other_open_accounts(schedule).exists():
        return "The person has no other open account: open one first."
    return ""


@staff_view(*MONEY_WRITE)
def schedule_suspend(request: StaffRequest, schedule_id: int) -> HttpResponse:
    def act(schedule: PaymentSchedule, d: dict[str, Any]) -> str:
        services.schedule_suspend(actor=request.user, schedule=schedule, reason=d["reason"])
        return "Payments suspended"

    return _schedule_form(
        request,
        schedule_id,
        lambda data: f.ReasonForm(data, label="Why are payments being suspended?"),
        act,
        title="Suspend payments",
        button="Suspend payments",
        button_class="govuk-button--warning",
        intro=["No payments are made until they are resumed. Periods while suspended are not paid."],
        allowed=lambda s: "" if s.status == ScheduleStatus.ACTIVE else "Only active payments can be suspended.",
    )


@staff_view(*MONEY_WRITE)
def schedule_resume(request: StaffRequest, schedule_id: int) -> HttpResponse:
    def act(schedule: PaymentSchedule, d: dict[str, Any]) -> str:
        services.schedule_resume(actor=request.user, schedule=schedule, **d)
        return "Payments resumed"

    return _schedule_form(
        request,
        schedule_id,
        f.ResumeForm,
        act,
        title="Resume payments",
        button="Resume payments",
        allowed=lambda s: "" if s.status == ScheduleStatus.SUSPENDED else "Only suspended payments can be resumed.",
    )


@staff_view(*MONEY_WRITE)
def schedule_end(request: StaffRequest, schedule_id: int) -> HttpResponse:
    def act(schedule: PaymentSchedule, d: dict[str, Any]) -> str:
        services.schedule_end(actor=request.user, schedule=schedule, **d)
        return "Direct payment ended. The final payment or the amount to recover is shown below"

    return _schedule_form(
        request,
        schedule_id,
        f.EndForm,
        act,
        title="End the direct payment",
        button="End the direct payment",
        button_class="govuk-button--warning",
        intro=[
            "Payments are made in advance, so ending part-way through a period usually leaves money to recover. "
            "Anything still owed is paid by the next run."
        ],
    )


@staff_view(*MONEY_WRITE)
def schedule_one_off(request: StaffRequest, schedule_id: int) -> HttpResponse:
    def act(schedule: PaymentSchedule, d: dict[str, Any]) -> str:
        services.one_off_payment_add(actor=request.user, schedule=schedule, **d)
        return "One-off payment added: the first run on or after its date pays it"

    limit = selectors.one_off_max_pence(clock.today())
    from dp.core.money import format_pence

    return _schedule_form(
        request,
        schedule_id,
        f.OneOffForm,
        act,
        title="Add a one-off payment",
        button="Add the payment",
        intro=[f"The council's limit for a one-off payment is {format_pence(limit)}."] if limit else [],
    )


@staff_view(*CONTRIBUTION_WRITE)
def contribution_record(request: StaffRequest, schedule_id: int) -> HttpResponse:
    def act(schedule: PaymentSchedule, d: dict[str, Any]) -> str:
        services.contribution_receipt_record(actor=request.user, schedule=schedule, **d)
        return "Contribution recorded"

    return _schedule_form(
        request,
        schedule_id,
        f.ContributionReceiptForm,
        act,
        title="Record a contribution received",
        button="Record it",
        intro=[
            "On the net basis the person pays into their direct payment account; on the gross basis they pay "
            "the council's invoice."
        ],
        allowed=lambda s: "",
    )


@staff_view(*CARE_ROLES)
def person_contributions(request: StaffRequest, person_id: int) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    position = selectors.contribution_position(person, today=clock.today())
    return render(
        request,
        "payments/contributions.html",
        {
            "person": person,
            "position": position,
            "rows": list(reversed(position.rows)),
            "breadcrumbs": _person_crumbs(person),
        },
    )


# -- reference data ----------------------------------------------------------------------------------------


@staff_view(*HOLIDAY_VIEW)
def bank_holidays(request: StaffRequest) -> HttpResponse:
    today = clock.today()
    holidays = list(selectors.bank_holiday_list(from_on=today.replace(month=1, day=1)))
    return render(
        request,
        "payments/bank_holidays.html",
        {
            "holidays": holidays,
            "last": holidays[-1] if holidays else None,
            "can_add": request.user.has_role(Role.SYSTEM_ADMIN),
            "breadcrumbs": _crumbs(),
        },
    )


@staff_view(Role.SYSTEM_ADMIN)
def bank_holiday_add(request: StaffRequest) -> HttpResponse:
    def act(d: dict[str, Any]) -> HttpResponse:
        holiday = services.bank_holiday_add(actor=request.user, **d)
        messages.success(request, f"{holiday.name} added")
        return redirect("payments:bank_holidays")

    return _form_page(
        request,
        f.BankHolidayForm(_posted(request)),
        act,
        title="Add a bank holiday",
        caption="Bank holidays",
        breadcrumbs=_crumbs(("Bank holidays", reverse("payments:bank_holidays"))),
        button="Add",
        intro=["Payments due on a bank holiday are made the working day before."],
        cancel_url=reverse("payments:bank_holidays"),
    )


@staff_view(Role.SYSTEM_ADMIN)
def originator(request: StaffRequest) -> HttpResponse:
    current = selectors.bacs_originator_get()
    initial = (
        {
            "service_user_number": current.service_user_number,
            "sort_code": current.sort_code,
            "account_number": current.account_number,
            "name": current.name,
        }
        if current
        else {}
    )

    def act(d: dict[str, Any]) -> HttpResponse:
        services.bacs_originator_set(actor=request.user, **d)
        messages.success(request, "The council's Bacs details are saved")
        return redirect("payments:originator")

    return _form_page(
        request,
        f.OriginatorForm(_posted(request), initial=initial),
        act,
        title="The council's Bacs details",
        caption="Payments",
        breadcrumbs=_crumbs(),
        button="Save",
        intro=[
            "Used for every Bacs file: the service user number the bank gave the council and the account "
            "payments leave from."
        ],
    )
