"""Pages for payments the bank returned: the list, recording one, importing the bank's returns file, and
deciding what happens to the money (reissue, hold, write back)."""

from __future__ import annotations

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
from dp.payments import forms as f
from dp.payments import selectors, services_returns
from dp.payments.access import access_payment_by_id, access_payment_return_by_id
from dp.payments.constants import PaymentRunStatus
from dp.payments.models import PaymentReturn
from dp.people.access import people_visible_to
from dp.people.models import Person
from dp.staff.roles import Role

RETURNS_VIEW = (Role.PAYMENTS_OFFICER, Role.AUDITOR)
RETURNS_WRITE = (Role.PAYMENTS_OFFICER,)
RESTRICTED = "Restricted record"
#: Largest returns file read (at most `domain.returns.MAX_ROWS` lines of a few hundred bytes each).
MAX_RETURNS_FILE_BYTES = 5 * 1024 * 1024


def _posted(request: StaffRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _names(request: StaffRequest, people: list[Person]) -> dict[int, str]:
    """Each person's name, or "Restricted record" for one the user may not open (as on the payment run page)."""
    visible = set(people_visible_to(request.user).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    return {p.pk: p.full_name if p.pk in visible else RESTRICTED for p in people}


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"label": label, "url": url}
        for label, url in [
            ("Home", reverse("queues:home")),
            ("Returned payments", reverse("payments:return_list")),
            *items,
        ]
    ]


@staff_view(*RETURNS_VIEW)
def return_list(request: StaffRequest) -> HttpResponse:
    page = Paginator(selectors.payment_return_list(), 50).get_page(request.GET.get("page"))
    today = clock.today()
    names = _names(request, [r.payment.schedule.person for r in page.object_list])
    rows = [
        {"item": r, "age_days": (today - r.returned_on).days, "person": names[r.payment.schedule.person_id]}
        for r in page.object_list
    ]
    return render(
        request,
        "payments/return_list.html",
        {
            "page": page,
            "rows": rows,
            "can_write": request.user.has_role(*RETURNS_WRITE),
            "breadcrumbs": _crumbs()[:1],
        },
    )


@staff_view(*RETURNS_WRITE)
def return_record(request: StaffRequest, payment_id: int) -> HttpResponse:
    payment = access_payment_by_id(request.user, payment_id)
    name = _names(request, [payment.schedule.person])[payment.schedule.person_id]

    def act(d: dict[str, Any]) -> HttpResponse:
        made = services_returns.payment_return_record(
            actor=request.user,
            payment=payment,
            amount_pence=d["amount_pence"],
            returned_on=d["returned_on"],
            reason=d["reason"],
            reason_text=d["reason_text"],
            bank_reference=d["bank_reference"],
        )
        messages.success(request, f"Payment {payment.reference} recorded as returned")
        return redirect("payments:return_detail", return_id=made.pk)

    existing = PaymentReturn.objects.filter(payment=payment).first()
    warning = ""
    if existing is not None:
        warning = "This payment is already recorded as returned."
    elif payment.run.status != PaymentRunStatus.COMPLETED or payment.cancelled or not payment.amount_pence:
        warning = "This payment was never sent."
    elif payment.run.settled_at is None:
        warning = "The run is not yet recorded as arrived. Record it as arrived first."
    return form_page(
        request,
        f.PaymentReturnForm(_posted(request), initial={"amount_pence": payment.amount_pence}),
        act,
        title="Record a payment the bank returned",
        caption=f"{name}: {payment.reference}",
        breadcrumbs=_crumbs((payment.run.reference, reverse("payments:run_detail", args=[payment.run_id]))),
        button="Record the return",
        intro=[
            "The money comes back to the council. The account holder is told, and the payment then waits here "
            "for you to pay it again, hold it or write it back."
        ],
        rows=[
            ("Payment", payment.reference),
            ("Paid on", f"{payment.pay_on:%d %B %Y}"),
            ("Amount", format_pence(payment.amount_pence)),
            ("Into", str(payment.account)),
        ],
        warning=warning,
        can_submit=not warning,
        cancel_url=reverse("payments:run_detail", args=[payment.run_id]),
    )


@staff_view(*RETURNS_WRITE)
def returns_import(request: StaffRequest) -> HttpResponse:
    form = f.ReturnsFileForm(request.POST or None, request.FILES or None)

    def act(d: dict[str, Any]) -> HttpResponse:
        upload = d["file"]
        if upload.size > MAX_RETURNS_FILE_BYTES:
            raise ValidationFailed(
                f"{upload.name} must be smaller than {MAX_RETURNS_FILE_BYTES // (1024 * 1024)} MB", field="file"
            )
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(f"{upload.name}: the file is not UTF-8 text", field="file") from exc
        result = services_returns.payment_returns_import(actor=request.user, filename=upload.name, text=text)
        messages.success(
            request,
            f"{upload.name}: {len(result.recorded)} returned payment(s) recorded, "
            f"{len(result.already_recorded)} already recorded",
        )
        return redirect("payments:return_list")

    return form_page(
        request,
        form,
        act,
        title="Import the bank's returns file",
        caption="Returned payments",
        breadcrumbs=_crumbs(),
        button="Import",
        intro=[
            "Each line is a payment the bank returned: its reference (DP and ten digits), the amount, the date it "
            "was returned (YYYY-MM-DD) and the Bacs reason code (0 refer to payer, 2 beneficiary deceased, 3 account "
            "transferred, 5 no account, B account closed, F invalid details).",
            "If any line is wrong nothing is imported, and each error names its line and column. Importing the same "
            "file again changes nothing.",
        ],
        cancel_url=reverse("payments:return_list"),
    )


@staff_view(*RETURNS_VIEW)
def return_detail(request: StaffRequest, return_id: int) -> HttpResponse:
    payment_return = access_payment_return_by_id(request.user, return_id)
    payment = payment_return.payment
    can_write = request.user.has_role(*RETURNS_WRITE)
    name = _names(request, [payment.schedule.person])[payment.schedule.person_id]

    def act(d: dict[str, Any]) -> HttpResponse:
        if d["decision"] == "reissue":
            services_returns.payment_return_reissue(
                actor=request.user,
                payment_return=payment_return,
                details_confirmed_right=d["details_confirmed_right"],
                note=d["note"],
            )
            messages.success(request, "It will be paid again in the next payment run")
        elif d["decision"] == "hold":
            services_returns.payment_return_hold(actor=request.user, payment_return=payment_return, reason=d["note"])
            messages.success(request, "The returned payment is held")
        else:
            services_returns.payment_return_write_back(
                actor=request.user, payment_return=payment_return, reason=d["note"]
            )
            messages.success(request, "The returned payment is written back to the council")
        return redirect("payments:return_detail", return_id=payment_return.pk)

    rows = [
        ("Person", name),
        ("Payment", f"{payment.reference}, paid on {payment.pay_on:%d %B %Y} in {payment.run.reference}"),
        ("Amount", format_pence(payment_return.amount_pence)),
        ("Paid into", str(payment.account)),
        (
            "Returned on",
            f"{payment_return.returned_on:%d %B %Y} ({(clock.today() - payment_return.returned_on).days} days ago)",
        ),
        (
            "Reason",
            payment_return.get_reason_display()
            + (f": {payment_return.reason_text}" if payment_return.reason_text else ""),
        ),
        ("Bank's reference", payment_return.bank_reference or "None"),
        ("Status", payment_return.get_status_display()),
        (
            "Bank details changed since",
            "Yes" if services_returns.bank_details_changed_since(payment_return) else "No",
        ),
    ]
    if payment_return.decision_note:
        rows.append(("Decision note", payment_return.decision_note))
    if payment_return.reissue is not None:
        rows.append(
            ("Paid again", f"{payment_return.reissue.description}, from {payment_return.reissue.pay_on:%d %B %Y}")
        )
    warning = ""
    if not payment_return.is_open:
        warning = f"This return is {payment_return.get_status_display().lower()}: nothing more to decide."
    elif not can_write:
        warning = "Only a payments officer can decide what happens to it."
    return form_page(
        request,
        f.PaymentReturnDecisionForm(_posted(request)),
        act,
        title="Returned payment",
        caption=name,
        breadcrumbs=_crumbs(),
        button="Save",
        rows=rows,
        warning=warning,
        can_submit=payment_return.is_open and can_write,
        cancel_url=reverse("payments:return_list"),
    )
