"""Pages for direct payment eligibility, needs assessments, financial assessments, the national
figures and the annual uprating. Views are glue: forms shape input, services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.assessments import selectors, services, uprating
from dp.assessments.access import (
    access_eligibility_decision_by_id,
    access_financial_assessment_by_id,
    access_needs_assessment_by_id,
    access_uprating_batch_by_id,
    access_uprating_item_by_id,
)
from dp.assessments.constants import FinancialStatus, UpratingStatus
from dp.assessments.domain.charging import INCOME_TYPES, calculate_contribution
from dp.assessments.domain.eligibility_facts import suggest_facts
from dp.assessments.domain.financial import contribution_request, figures_from_json, policy_from_json
from dp.assessments.domain.national_figures import CHARGING_FIGURE_LABELS, MINIMUM_WAGE_FIGURE_LABELS
from dp.assessments.domain.needs import needs_kind_for_case_type, outcomes_for
from dp.assessments.domain.uprating import default_target_on
from dp.assessments.forms import (
    STAY,
    EligibilityForm,
    FinancialCompleteForm,
    FinancialForm,
    NationalFigureForm,
    NeedsCompleteForm,
    NeedsForm,
    OfferForm,
    UpratingStartForm,
)
from dp.assessments.models import FinancialAssessment, UpratingItem
from dp.cases.access import access_case_by_id
from dp.cases.constants import CaseStatus
from dp.cases.domain.workflow import CASE_TRANSITIONS, can_transition
from dp.cases.models import Case
from dp.core import clock
from dp.core.errors import DirectPaymentsError, PolicyMissing
from dp.core.pdf import pdf_response, render_pdf
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import add_service_error
from dp.councils.selectors import council_get
from dp.staff.roles import CARE_ROLES, Role

CASEWORK = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
FINANCE = (Role.FINANCIAL_ASSESSOR,)
LETTER_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.FINANCIAL_ASSESSOR)
FIGURE_VIEWERS = (Role.SYSTEM_ADMIN, Role.FINANCIAL_ASSESSOR)
LETTERS_PER_PDF = 50


def _data(request: StaffRequest) -> Any:
    """The submitted data on a POST (even an empty one, so it shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in [("Home", reverse("queues:home")), *items]]


def _case_crumbs(case: Case) -> list[dict[str, str]]:
    return _crumbs(
        (case.person.full_name, reverse("people:detail", args=[case.person.pk])),
        (case.reference, reverse("cases:case_detail", args=[case.pk])),
    )


def _next_statuses(case: Case, candidates: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(s, CaseStatus(s).label) for s in candidates if can_transition(CASE_TRANSITIONS, case.status, s)]


def _move_to(form_value: str) -> str:
    return "" if form_value == STAY else form_value


def _letter(
    request: StaffRequest, *, template: str, body: str, title: str, filename: str, context: dict[str, Any], back: str
) -> HttpResponse:
    """A letter: its HTML preview, or (`?format=pdf`) the PDF to send."""
    context = {**context, "today": clock.today(), "body_template": body, "letter_title": title}
    if request.GET.get("format") == "pdf":
        return pdf_response(render_pdf(template, context), filename)
    return render(
        request,
        "assessments/letter_preview.html",
        {**context, "council": council_get(), "back": back, "pdf_url": f"{request.path}?format=pdf"},
    )


# Direct payment offers ------------------------------------------------------------------------------


@staff_view(*CASEWORK)
def offer_new(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    form = OfferForm(_data(request), initial={"offered_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.direct_payment_offer_record(actor=request.user, case=case, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "The offer of direct payments is recorded")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(
        request,
        "assessments/offer_form.html",
        {"case": case, "form": form, "breadcrumbs": _case_crumbs(case)},
    )


# Eligibility for direct payments -------------------------------------------------------------------


@staff_view(*CASEWORK)
def eligibility_new(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    today = clock.today()
    suggested = suggest_facts(selectors.eligibility_record_facts(case, on=today))
    form = EligibilityForm(
        _data(request),
        related=selectors.related_people(case.person),
        suggested=suggested.values,
        evidence=suggested.evidence,
        initial={"decided_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.eligibility_decision_record(
                actor=request.user,
                case=case,
                decided_on=form.cleaned_data["decided_on"],
                route=form.cleaned_data["route"],
                facts=form.facts(),
                related_person=form.related_person_obj(),
                notes=form.cleaned_data["notes"],
                evidence=suggested.evidence,
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Decision recorded: {decision.get_outcome_display().lower()}")
            return redirect("assessments:eligibility_detail", case_id=case.pk, decision_id=decision.pk)
    return render(
        request,
        "assessments/eligibility_form.html",
        {"case": case, "form": form, "age": case.person.age(today), "breadcrumbs": _case_crumbs(case)},
    )


@staff_view(*CARE_ROLES)
def eligibility_detail(request: StaffRequest, case_id: int, decision_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    decision = access_eligibility_decision_by_id(request.user, case, decision_id)
    return render(
        request,
        "assessments/eligibility_detail.html",
        {
            "case": case,
            "decision": decision,
            "can_letter": decision.is_refusal and request.user.has_role(*CASEWORK),
            "breadcrumbs": _case_crumbs(case),
        },
    )


@staff_view(*CASEWORK)
def eligibility_letter(request: StaffRequest, case_id: int, decision_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    decision = access_eligibility_decision_by_id(request.user, case, decision_id)
    if not decision.is_refusal:
        raise Http404("Only a refusal has a letter")
    addressee = decision.related_person or decision.person
    return _letter(
        request,
        template="assessments/letters/refusal.html",
        body="assessments/letters/_refusal_body.html",
        title="Your request for direct payments",
        filename=f"direct-payments-decision-{case.reference}-{decision.pk}.pdf",
        context={
            "case": case,
            "decision": decision,
            "addressee": addressee,
            "failed": [c for c in decision.conditions if c["met"] is False],
        },
        back=reverse("assessments:eligibility_detail", args=[case.pk, decision.pk]),
    )


# Needs assessments ---------------------------------------------------------------------------------


def _needs_context(case: Case, form: NeedsForm, kind: str) -> dict[str, Any]:
    return {"case": case, "form": form, "kind": kind, "breadcrumbs": _case_crumbs(case)}


@staff_view(*CASEWORK)
def needs_new(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    kind = needs_kind_for_case_type(case.case_type).value
    form = NeedsForm(_data(request), kind=kind, initial={"assessed_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.needs_assessment_save(actor=request.user, case=case, **form.values())
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Needs assessment saved")
            return redirect("assessments:needs_detail", case_id=case.pk, assessment_id=assessment.pk)
    return render(request, "assessments/needs_form.html", {**_needs_context(case, form, kind), "new": True})


@staff_view(*CASEWORK)
def needs_edit(request: StaffRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    assessment = access_needs_assessment_by_id(request.user, case, assessment_id)
    if not assessment.is_draft:
        messages.info(request, "This needs assessment is completed and cannot be changed")
        return redirect("assessments:needs_detail", case_id=case.pk, assessment_id=assessment.pk)
    form = NeedsForm(_data(request), kind=assessment.kind, instance=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            services.needs_assessment_save(actor=request.user, case=case, assessment=assessment, **form.values())
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Needs assessment saved")
            return redirect("assessments:needs_detail", case_id=case.pk, assessment_id=assessment.pk)
    return render(request, "assessments/needs_form.html", _needs_context(case, form, assessment.kind))


@staff_view(*CARE_ROLES)
def needs_detail(request: StaffRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    assessment = access_needs_assessment_by_id(request.user, case, assessment_id)
    outcomes = outcomes_for(assessment.kind)
    return render(
        request,
        "assessments/needs_detail.html",
        {
            "case": case,
            "assessment": assessment,
            "outcomes": [(label, code in assessment.outcomes_not_achieved) for code, label in outcomes.items()],
            "offers": assessment.offers.all(),
            "can_work": request.user.has_role(*CASEWORK) and assessment.is_draft and case.is_open,
            "breadcrumbs": _case_crumbs(case),
        },
    )


@staff_view(*CASEWORK)
def needs_complete(request: StaffRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    assessment = access_needs_assessment_by_id(request.user, case, assessment_id)
    if not assessment.is_draft:
        messages.info(request, "This needs assessment is already completed")
        return redirect("assessments:needs_detail", case_id=case.pk, assessment_id=assessment.pk)
    form = NeedsCompleteForm(
        _data(request),
        eligible=assessment.eligible,
        next_statuses=_next_statuses(case, services.NEEDS_NEXT_STATUSES),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.needs_assessment_complete(
                actor=request.user,
                assessment=assessment,
                offer_answer=form.cleaned_data["offer_answer"],
                offer_notes=form.cleaned_data["offer_notes"],
                move_case_to=_move_to(form.cleaned_data["move_case_to"]),
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Needs assessment completed")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(
        request,
        "assessments/needs_complete.html",
        {"case": case, "assessment": assessment, "form": form, "breadcrumbs": _case_crumbs(case)},
    )


# Financial assessments -----------------------------------------------------------------------------


def _financial_form_page(
    request: StaffRequest, case: Case, form: FinancialForm, assessment: FinancialAssessment | None
) -> HttpResponse:
    policy_missing = ""
    if request.method == "POST" and form.is_valid():
        assessed_on, effective_from = form.dates()
        try:
            saved = services.financial_assessment_calculate(
                actor=request.user,
                case=case,
                assessed_on=assessed_on,
                effective_from=effective_from,
                inputs=form.inputs(),
                notes=form.cleaned_data["notes"],
                assessment=assessment,
            )
        except PolicyMissing as exc:
            policy_missing = exc.message
            form.add_error(None, exc.message)
        except DirectPaymentsError as exc:
            field = {"dre_items": "dre_basis", "capital_joint_total_pence": "capital_joint_total"}.get(exc.field or "")
            if field:
                form.add_error(field, exc.message)
            else:
                add_service_error(form, exc)
        else:
            messages.success(request, "Contribution calculated: check it, then confirm it")
            return redirect("assessments:financial_detail", case_id=case.pk, assessment_id=saved.pk)
    return render(
        request,
        "assessments/financial_form.html",
        {
            "case": case,
            "form": form,
            "assessment": assessment,
            "policy_missing": policy_missing,
            "age": case.person.age(clock.today()),
            "breadcrumbs": _case_crumbs(case),
        },
    )


@staff_view(*FINANCE)
def financial_new(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    # A reassessment starts from the facts of the current assessment, dated today.
    form = FinancialForm(_data(request), instance=selectors.financial_assessment_current(case))
    form.initial.update(assessed_on=clock.today(), effective_from=None)
    return _financial_form_page(request, case, form, None)


@staff_view(*FINANCE)
def financial_edit(request: StaffRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    assessment = access_financial_assessment_by_id(request.user, case, assessment_id)
    if not assessment.is_draft:
        messages.info(request, "This financial assessment is completed and cannot be changed")
        return redirect("assessments:financial_detail", case_id=case.pk, assessment_id=assessment.pk)
    form = FinancialForm(_data(request), instance=assessment)
    return _financial_form_page(request, case, form, assessment)


@staff_view(*CARE_ROLES)
def financial_detail(request: StaffRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    assessment = access_financial_assessment_by_id(request.user, case, assessment_id)
    is_finance = request.user.has_role(*FINANCE)
    return render(
        request,
        "assessments/financial_detail.html",
        {
            "case": case,
            "assessment": assessment,
            "income": _income_rows(assessment),
            "can_work": is_finance and assessment.is_draft and case.is_open,
            "can_letter": assessment.status == FinancialStatus.COMPLETED and request.user.has_role(*LETTER_ROLES),
            "breadcrumbs": _case_crumbs(case),
        },
    )


def _income_rows(assessment: FinancialAssessment) -> list[tuple[str, int]]:
    return [(INCOME_TYPES.get(i["type"], i["type"]), i["weekly_pence"]) for i in assessment.income]


@staff_view(*FINANCE)
def financial_complete(request: StaffRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    assessment = access_financial_assessment_by_id(request.user, case, assessment_id)
    if not assessment.is_draft:
        messages.info(request, "This financial assessment is already completed")
        return redirect("assessments:financial_detail", case_id=case.pk, assessment_id=assessment.pk)
    form = FinancialCompleteForm(_data(request), next_statuses=_next_statuses(case, services.FINANCIAL_NEXT_STATUSES))
    if request.method == "POST" and form.is_valid():
        try:
            services.financial_assessment_complete(
                actor=request.user, assessment=assessment, move_case_to=_move_to(form.cleaned_data["move_case_to"])
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Financial assessment completed: the letter is ready to send")
            return redirect("assessments:financial_detail", case_id=case.pk, assessment_id=assessment.pk)
    return render(
        request,
        "assessments/financial_complete.html",
        {"case": case, "assessment": assessment, "form": form, "breadcrumbs": _case_crumbs(case)},
    )


@staff_view(*LETTER_ROLES)
def financial_letter(request: StaffRequest, case_id: int, assessment_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    assessment = access_financial_assessment_by_id(request.user, case, assessment_id)
    if assessment.status != FinancialStatus.COMPLETED:
        raise Http404("The letter is ready once the assessment is completed")
    return _letter(
        request,
        template="assessments/letters/contribution.html",
        body="assessments/letters/_contribution_body.html",
        title="Your contribution to the cost of your care and support",
        filename=f"contribution-{case.reference}-{assessment.pk}.pdf",
        context={"case": case, "assessment": assessment, "addressee": case.person, "income": _income_rows(assessment)},
        back=reverse("assessments:financial_detail", args=[case.pk, assessment.pk]),
    )


# National figures ----------------------------------------------------------------------------------


@staff_view(*FIGURE_VIEWERS)
def national_figures(request: StaffRequest) -> HttpResponse:
    years = selectors.national_figure_years()
    return render(
        request,
        "assessments/national_figures.html",
        {
            "charging": [y for y in years if y.table == "charging"],
            "minimum_wage": [y for y in years if y.table == "minimum_wage"],
            "can_enter": request.user.has_role(Role.SYSTEM_ADMIN),
            "breadcrumbs": _crumbs(),
        },
    )


@staff_view(Role.SYSTEM_ADMIN)
def national_figure_enter(request: StaffRequest, table: str, year: str, name: str) -> HttpResponse:
    labels = {"charging": CHARGING_FIGURE_LABELS, "minimum_wage": MINIMUM_WAGE_FIGURE_LABELS}.get(table, {})
    rates_year = year.replace("-", "/")
    figure_year = next(
        (y for y in selectors.national_figure_years() if y.table == table and y.rates_year == rates_year), None
    )
    row = next((r for r in figure_year.rows if r.name == name), None) if figure_year else None
    if row is None or name not in labels:
        raise Http404("No such national figure")
    form = NationalFigureForm(_data(request))
    if row.shipped_pence is None and request.method == "POST" and form.is_valid():
        try:
            services.national_figure_enter(
                actor=request.user,
                table=table,
                rates_year=rates_year,
                name=name,
                amount_pence=form.cleaned_data["amount"],
                source=form.cleaned_data["source"],
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{row.label} for {rates_year} saved")
            return redirect(f"{reverse('assessments:national_figures')}#{table}-{year}")
    return render(
        request,
        "assessments/national_figure_form.html",
        {
            "form": form,
            "row": row,
            "year": figure_year,
            "breadcrumbs": _crumbs(("National figures", reverse("assessments:national_figures"))),
        },
    )


# Annual uprating -------------------------------------------------------------------------------------


def _uprating_crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return _crumbs(("Annual uprating", reverse("assessments:uprating_list")), *items)


@staff_view(*FINANCE)
def uprating_list(request: StaffRequest) -> HttpResponse:
    today = clock.today()
    form = UpratingStartForm(
        _data(request), initial={"target_on": default_target_on(today, selectors.charging_year_starts())}
    )
    policy_missing = ""
    if request.method == "POST" and form.is_valid():
        try:
            batch = uprating.uprating_batch_start(actor=request.user, target_on=form.cleaned_data["target_on"])
        except PolicyMissing as exc:
            policy_missing = exc.message
            form.add_error("target_on", exc.message)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Annual uprating {batch.reference} started")
            return redirect(f"{reverse('assessments:uprating_detail', args=[batch.pk])}?refresh=on")
    return render(
        request,
        "assessments/uprating_list.html",
        {
            "form": form,
            "batches": selectors.uprating_batches()[:20],
            "policy_missing": policy_missing,
            "breadcrumbs": _crumbs(),
        },
    )


@staff_view(*FINANCE)
def uprating_detail(request: StaffRequest, batch_id: int) -> HttpResponse:
    batch = access_uprating_batch_by_id(request.user, batch_id)
    items = selectors.uprating_items(batch, user=request.user)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    hidden = (
        batch.items.count() - items.count()
        if batch.status not in (UpratingStatus.QUEUED, UpratingStatus.RUNNING)
        else 0
    )
    auto_refresh = batch.is_working and request.GET.get("refresh") == "on"
    response = render(
        request,
        "assessments/uprating_detail.html",
        {
            "batch": batch,
            "page": page,
            "hidden": hidden,
            "errors": selectors.uprating_error_groups(batch) if batch.failed_count else [],
            "auto_refresh": auto_refresh,
            "can_approve": batch.status == UpratingStatus.READY and not batch.failed_count,
            "needs_second_officer": selectors.uprating_needs_second_officer(clock.today()),
            "breadcrumbs": _uprating_crumbs(),
        },
    )
    if auto_refresh:
        # The browser reloads the page while the batch works (an HTTP header: no script, which the
        # Content Security Policy forbids). The officer chose this and can switch it off (WCAG 2.2.1).
        response["Refresh"] = "5"
    return response


@staff_view(*FINANCE)
def uprating_approve(request: StaffRequest, batch_id: int) -> HttpResponse:
    batch = access_uprating_batch_by_id(request.user, batch_id)
    error = ""
    if request.method == "POST":
        try:
            uprating.uprating_batch_approve(actor=request.user, batch=batch)
        except DirectPaymentsError as exc:
            error = exc.message
        else:
            messages.success(
                request, f"Annual uprating {batch.reference} approved: the new assessments are being written"
            )
            return redirect(f"{reverse('assessments:uprating_detail', args=[batch.pk])}?refresh=on")
    return render(
        request,
        "assessments/uprating_approve.html",
        {
            "batch": batch,
            "error": error,
            "needs_second_officer": selectors.uprating_needs_second_officer(clock.today()),
            "breadcrumbs": _uprating_crumbs((batch.reference, reverse("assessments:uprating_detail", args=[batch.pk]))),
        },
    )


def _uprating_letter_context(item: UpratingItem) -> dict[str, Any]:
    """The new breakdown: from the new assessment once applied, else worked out from the batch's
    snapshot (a draft letter)."""
    batch = item.batch
    new_assessment = FinancialAssessment.objects.filter(uprating_item=item).first()
    if new_assessment is not None:
        breakdown = new_assessment.breakdown
    else:
        inputs = services.inputs_of(item.assessment)
        result = calculate_contribution(
            contribution_request(inputs, assessed_on=batch.target_on, age=item.age),
            figures_from_json(batch.figures),
            policy_from_json(batch.policy),
        )
        breakdown = [line.as_dict() for line in result.breakdown]
    return {
        "item": item,
        "batch": batch,
        "case": item.assessment.case,
        "addressee": item.person,
        "breakdown": breakdown,
        "draft": new_assessment is None,
    }


LETTER_STATES = (UpratingStatus.READY, UpratingStatus.APPROVED, UpratingStatus.APPLIED)


@staff_view(*FINANCE)
def uprating_letter(request: StaffRequest, batch_id: int, item_id: int) -> HttpResponse:
    batch = access_uprating_batch_by_id(request.user, batch_id)
    item = access_uprating_item_by_id(request.user, batch, item_id)
    if batch.status not in LETTER_STATES or item.error:
        raise Http404("No letter for this person")
    return _letter(
        request,
        template="assessments/letters/uprating.html",
        body="assessments/letters/_uprating_body.html",
        title=f"Your contribution from {batch.target_on.day} {batch.target_on:%B %Y}",
        filename=f"uprating-{batch.reference}-{item.pk}.pdf",
        context=_uprating_letter_context(item),
        back=reverse("assessments:uprating_detail", args=[batch.pk]),
    )


@staff_view(*FINANCE)
def uprating_letters(request: StaffRequest, batch_id: int) -> HttpResponse:
    """The applied batch's letters, 50 to a PDF."""
    batch = access_uprating_batch_by_id(request.user, batch_id)
    if batch.status != UpratingStatus.APPLIED:
        messages.info(request, "Letters are produced once the uprating is approved and applied")
        return redirect("assessments:uprating_detail", batch_id=batch.pk)
    items = (
        selectors.uprating_items(batch, user=request.user)
        .filter(error="")
        .order_by("assessment__person__family_name", "assessment__person__given_name", "id")
    )
    page = Paginator(items, LETTERS_PER_PDF).get_page(request.GET.get("page"))
    if request.GET.get("format") == "pdf":
        letters = [_uprating_letter_context(item) for item in page]
        content = render_pdf(
            "assessments/letters/uprating_many.html",
            {"letters": letters, "today": clock.today(), "body_template": "assessments/letters/_uprating_body.html"},
        )
        return pdf_response(content, f"uprating-{batch.reference}-letters-{page.number}.pdf")
    return render(
        request,
        "assessments/uprating_letters.html",
        {
            "batch": batch,
            "page": page,
            "breadcrumbs": _uprating_crumbs((batch.reference, reverse("assessments:uprating_detail", args=[batch.pk]))),
        },
    )
