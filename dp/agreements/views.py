from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.agreements import selectors, services
from dp.agreements.access import access_agreement_by_id, access_review_by_id
from dp.agreements.constants import AgreementStatus, ReviewStatus
from dp.agreements.domain.amounts import agreement_amounts
from dp.agreements.forms import AgreementForm, ReviewCompleteForm, ReviewRequestForm, SignForm
from dp.agreements.models import Agreement
from dp.agreements.panels import can_work_agreement
from dp.assessments.domain.plan_checks import TYPICAL_LOCAL_EXCLUSIONS
from dp.cases.access import access_case_by_id
from dp.core import clock
from dp.core.errors import DirectPaymentsError
from dp.core.pdf import pdf_response, render_pdf
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import add_service_error
from dp.plans.constants import Funding, ItemCategory
from dp.plans.selectors import budget_latest, plan_lines
from dp.queues.definitions import queues_for
from dp.staff.roles import CARE_ROLES, Role

AGREEMENT_ROLES = (Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.TEAM_MANAGER)


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in [("Home", reverse("queues:home")), *items]]


def _case_crumbs(case: Any) -> list[dict[str, str]]:
    return _crumbs(
        (case.person.full_name, reverse("people:detail", args=[case.person.pk])),
        (case.reference, reverse("cases:case_detail", args=[case.pk])),
    )


@staff_view(*AGREEMENT_ROLES)
def agreement_create(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    if not (can_work_agreement(case, request.user) and case.status == "agreement"):
        messages.info(request, "An agreement is drawn up when the plan is approved and the case is at “Agreement”.")
        return redirect("cases:case_detail", case_id=case.pk)
    options = selectors.holder_options(case.person)
    form = AgreementForm(request.POST or None, holders=[(o.key, o.label) for o in options])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next(o for o in options if o.key == data["holder"])
        try:
            agreement = services.agreement_draw_up(
                actor=request.user,
                case=case,
                account_type=data["account_type"],
                first_payment_on=data["first_payment_on"],
                holder_relationship=chosen.relationship,
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Agreement {agreement.reference} drawn up. Print it for signing.")
            return redirect("agreements:agreement_detail", agreement_id=agreement.pk)
    return render(
        request,
        "agreements/agreement_form.html",
        {"case": case, "form": form, "budget": budget_latest(case), "breadcrumbs": _case_crumbs(case)},
    )


def agreement_context(agreement: Agreement) -> dict[str, Any]:
    """What the agreement says, for the page and the printed letter."""
    amounts = agreement_amounts(
        regular_weekly_pence=agreement.regular_weekly_pence,
        weekly_contribution_pence=agreement.weekly_contribution_pence,
        one_off_pence=agreement.one_off_pence,
        cycle_weeks=agreement.cycle_weeks,
    )
    lines = [line for line in plan_lines(agreement.plan) if line.funding == Funding.DIRECT_PAYMENT]
    payees = [p for p in agreement.plan.payees.all() if p.has_necessary_decision]
    return {
        "agreement": agreement,
        "case": agreement.case,
        "person": agreement.case.person,
        "amounts": amounts,
        "dp_lines": lines,
        "necessary_payees": payees,
        "employs_pas": any(line.kind == "personal_assistant" for line in lines),
        "exclusions": [ItemCategory(c.value).label for c in sorted(TYPICAL_LOCAL_EXCLUSIONS)],
    }


@staff_view(*CARE_ROLES)
def agreement_detail(request: StaffRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement_by_id(request.user, agreement_id)
    can_sign = (
        agreement.status == AgreementStatus.DRAFT
        and agreement.case.status == "agreement"
        and can_work_agreement(agreement.case, request.user)
    )
    return render(
        request,
        "agreements/agreement_detail.html",
        {**agreement_context(agreement), "can_sign": can_sign, "breadcrumbs": _case_crumbs(agreement.case)},
    )


@staff_view(*CARE_ROLES)
def agreement_pdf(request: StaffRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement_by_id(request.user, agreement_id)
    content = render_pdf("agreements/agreement_pdf.html", {**agreement_context(agreement), "today": clock.today()})
    return pdf_response(content, f"direct-payment-agreement-{agreement.reference}.pdf")


@staff_view(*AGREEMENT_ROLES)
def agreement_sign(request: StaffRequest, agreement_id: int) -> HttpResponse:
    agreement = access_agreement_by_id(request.user, agreement_id)
    case = agreement.case
    if not (agreement.status == AgreementStatus.DRAFT and can_work_agreement(case, request.user)):
        messages.info(request, "This agreement is not waiting to be signed.")
        return redirect("agreements:agreement_detail", agreement_id=agreement.pk)
    options = selectors.holder_options(case.person)
    signatories = [(str(o.person.pk), o.label) for o in options]
    form = SignForm(request.POST or None, signatories=signatories)
    if request.method == "POST" and form.is_valid():
        person = next(o.person for o in options if str(o.person.pk) == form.cleaned_data["signed_by"])
        try:
            services.agreement_sign(
                actor=request.user, agreement=agreement, signed_by=person, signed_on=form.cleaned_data["signed_on"]
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Signature recorded. The direct payment can now be set up.")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(
        request,
        "agreements/sign_form.html",
        {"agreement": agreement, "case": case, "form": form, "breadcrumbs": _case_crumbs(case)},
    )


@staff_view(*AGREEMENT_ROLES)
def review_queue(request: StaffRequest) -> HttpResponse:
    today = clock.today()
    return render(
        request,
        "agreements/review_queue.html",
        {
            "rows": selectors.review_queue(user=request.user, today=today),
            "coming_up": selectors.reviews_coming_up(user=request.user, today=today),
            "queues": queues_for(request.user.roles),
            "today": today,
            "breadcrumbs": [{"label": "Home", "url": reverse("queues:home")}],
        },
    )


@staff_view(*AGREEMENT_ROLES)
def review_request(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    if not (can_work_agreement(case, request.user) and case.status in services.DP_IN_PLACE):
        messages.info(request, "A review can be requested once a direct payment is in place.")
        return redirect("cases:case_detail", case_id=case.pk)
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_request(actor=request.user, case=case, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Review requested")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(
        request, "agreements/review_request.html", {"case": case, "form": form, "breadcrumbs": _case_crumbs(case)}
    )


@staff_view(*AGREEMENT_ROLES)
def review_complete(request: StaffRequest, review_id: int) -> HttpResponse:
    review = access_review_by_id(request.user, review_id)
    case = review.case
    if not (review.status == ReviewStatus.OPEN and can_work_agreement(case, request.user)):
        messages.info(request, "This review is not open.")
        return redirect("cases:case_detail", case_id=case.pk)
    form = ReviewCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_complete(actor=request.user, review=review, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Review recorded")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(
        request,
        "agreements/review_complete.html",
        {
            "review": review,
            "case": case,
            "form": form,
            "signed": selectors.agreement_signed(case),
            "breadcrumbs": _case_crumbs(case),
        },
    )
