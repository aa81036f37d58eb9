from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.cases.access import access_case_by_id
from dp.core import clock
from dp.core.domain.breakdown import format_date
from dp.core.errors import DirectPaymentsError
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import add_service_error
from dp.plans import selectors, services
from dp.plans.access import (
    access_plan_by_id,
    access_plan_line_by_id,
    access_plan_outcome_by_id,
    access_plan_payee_by_id,
    access_ras_question_by_id,
    access_ras_scheme_by_id,
)
from dp.plans.constants import LineKind, PlanStatus
from dp.plans.domain.checks import SubmissionRoute
from dp.plans.forms import (
    ApproveForm,
    IndicativeBudgetForm,
    LineForm,
    LineKindForm,
    NecessaryForm,
    OutcomeForm,
    PanelDecisionForm,
    PayeeForm,
    RasQuestionForm,
    RasSchemeCreateForm,
    RasSchemeForm,
    ReturnForm,
)
from dp.plans.models import RasScheme, SupportPlan
from dp.plans.panels import can_plan
from dp.staff.roles import CARE_ROLES, Role

SCHEME_VIEW_ROLES = (Role.SYSTEM_ADMIN, Role.TEAM_MANAGER, Role.AUDITOR)
PLANNING_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in [("Home", reverse("queues:home")), *items]]


def _scheme_crumbs(scheme: RasScheme | None = None) -> list[dict[str, str]]:
    items = [("Council settings", reverse("councils:settings")), ("Resource allocation", reverse("plans:ras_list"))]
    if scheme is not None:
        items.append((scheme.name, reverse("plans:ras_detail", args=[scheme.pk])))
    return _crumbs(*items)


def _case_crumbs(case: Any) -> list[dict[str, str]]:
    return _crumbs(
        (case.person.full_name, reverse("people:detail", args=[case.person.pk])),
        (case.reference, reverse("cases:case_detail", args=[case.pk])),
    )


def _plan_crumbs(plan: SupportPlan) -> list[dict[str, str]]:
    return [*_case_crumbs(plan.case), {"label": f"Support plan {plan.version}", "url": _plan_url(plan)}]


def _plan_url(plan: SupportPlan) -> str:
    return reverse("plans:plan_detail", args=[plan.pk])


# --- Resource allocation schemes -------------------------------------------------------------


@staff_view(*SCHEME_VIEW_ROLES)
def ras_list(request: StaffRequest) -> HttpResponse:
    today = clock.today()
    return render(
        request,
        "plans/ras_list.html",
        {
            "schemes": selectors.ras_scheme_list(),
            "in_force": selectors.ras_scheme_in_force(today),
            "today": today,
            "can_edit": request.user.has_role(Role.SYSTEM_ADMIN),
            "breadcrumbs": _scheme_crumbs()[:-1],
        },
    )


def _scheme_initial(scheme: RasScheme) -> dict[str, Any]:
    return {
        "name": scheme.name,
        "effective_from": scheme.effective_from,
        "price_per_point": format((scheme.pence_per_point / 100).normalize(), "f"),
        "holiday_pay_percent": scheme.holiday_pay_percent,
        "employer_ni_percent": scheme.employer_ni_percent,
        "pension_percent": scheme.pension_percent,
        "insurance_weekly": scheme.insurance_weekly_pence,
    }


@staff_view(Role.SYSTEM_ADMIN)
def ras_create(request: StaffRequest) -> HttpResponse:
    in_force = selectors.ras_scheme_in_force(clock.today())
    initial = _scheme_initial(in_force) if in_force else {}
    initial.pop("effective_from", None)
    form = RasSchemeCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.ras_scheme_create(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                copy_from=in_force if form.cleaned_data["copy_questions"] else None,
                **form.service_values(),
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Draft scheme “{scheme.name}” saved. Add its questions, then publish it.")
            return redirect("plans:ras_detail", scheme_id=scheme.pk)
    return render(
        request,
        "plans/ras_form.html",
        {
            "form": form,
            "title": "New resource allocation scheme",
            "in_force": in_force,
            "breadcrumbs": _scheme_crumbs(),
        },
    )


@staff_view(*SCHEME_VIEW_ROLES)
def ras_detail(request: StaffRequest, scheme_id: int) -> HttpResponse:
    scheme = access_ras_scheme_by_id(request.user, scheme_id)
    return render(
        request,
        "plans/ras_detail.html",
        {
            "scheme": scheme,
            "questions": selectors.ras_questions(scheme),
            "can_edit": request.user.has_role(Role.SYSTEM_ADMIN) and scheme.is_draft,
            "breadcrumbs": _scheme_crumbs(),
        },
    )


@staff_view(Role.SYSTEM_ADMIN)
def ras_edit(request: StaffRequest, scheme_id: int) -> HttpResponse:
    scheme = access_ras_scheme_by_id(request.user, scheme_id)
    if not scheme.is_draft:
        messages.info(request, "A published scheme cannot be changed. Start a new scheme from it instead.")
        return redirect("plans:ras_detail", scheme_id=scheme.pk)
    form = RasSchemeForm(request.POST or None, initial={**_scheme_initial(scheme), "reason": scheme.reason})
    if request.method == "POST" and form.is_valid():
        try:
            services.ras_scheme_update(actor=request.user, scheme=scheme, **form.service_values())
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Scheme saved")
            return redirect("plans:ras_detail", scheme_id=scheme.pk)
    return render(
        request,
        "plans/ras_form.html",
        {"form": form, "title": f"Change “{scheme.name}”", "scheme": scheme, "breadcrumbs": _scheme_crumbs(scheme)},
    )


@staff_view(Role.SYSTEM_ADMIN)
def ras_question_add(request: StaffRequest, scheme_id: int) -> HttpResponse:
    scheme = access_ras_scheme_by_id(request.user, scheme_id)
    if not scheme.is_draft:
        messages.info(request, "A published scheme cannot be changed. Start a new scheme from it instead.")
        return redirect("plans:ras_detail", scheme_id=scheme.pk)
    form = RasQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ras_question_add(actor=request.user, scheme=scheme, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Question added")
            return redirect("plans:ras_detail", scheme_id=scheme.pk)
    return render(
        request, "plans/ras_question_form.html", {"form": form, "scheme": scheme, "breadcrumbs": _scheme_crumbs(scheme)}
    )


def _confirm(
    request: StaffRequest,
    *,
    title: str,
    caption: str,
    body: str,
    button: str,
    breadcrumbs: list[dict[str, str]],
    warning: bool = False,
    errors: list[str] | None = None,
) -> HttpResponse:
    return render(
        request,
        "plans/confirm.html",
        {
            "title": title,
            "caption": caption,
            "body": body,
            "button": button,
            "warning": warning,
            "errors": errors or [],
            "breadcrumbs": breadcrumbs,
        },
    )


@staff_view(Role.SYSTEM_ADMIN)
def ras_question_remove(request: StaffRequest, scheme_id: int, question_id: int) -> HttpResponse:
    scheme = access_ras_scheme_by_id(request.user, scheme_id)
    question = access_ras_question_by_id(request.user, scheme, question_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.ras_question_remove(actor=request.user, question=question)
        except DirectPaymentsError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, "Question removed")
            return redirect("plans:ras_detail", scheme_id=scheme.pk)
    return _confirm(
        request,
        title="Remove this question?",
        caption=scheme.name,
        body=question.text,
        button="Remove question",
        warning=True,
        errors=errors,
        breadcrumbs=_scheme_crumbs(scheme),
    )


@staff_view(Role.SYSTEM_ADMIN)
def ras_publish(request: StaffRequest, scheme_id: int) -> HttpResponse:
    scheme = access_ras_scheme_by_id(request.user, scheme_id)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.ras_scheme_publish(actor=request.user, scheme=scheme)
        except DirectPaymentsError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, f"“{scheme.name}” is published")
            return redirect("plans:ras_detail", scheme_id=scheme.pk)
    return _confirm(
        request,
        title=f"Publish “{scheme.name}”?",
        caption="Resource allocation scheme",
        body=f"It will be used for every indicative budget worked out from {format_date(scheme.effective_from)}. "
        "Once published it cannot be changed.",
        button="Publish scheme",
        errors=errors,
        breadcrumbs=_scheme_crumbs(scheme),
    )


# --- Indicative budget -----------------------------------------------------------------------


@staff_view(*PLANNING_ROLES)
def indicative_budget(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    scheme = selectors.ras_scheme_in_force(clock.today())
    questions = selectors.ras_questions(scheme) if scheme else []
    latest = selectors.indicative_budget_latest(case)
    initial: dict[str, Any] = {}
    if latest is not None and scheme is not None and latest.scheme_id == scheme.pk:
        initial = {f"q_{code}": answer for code, answer in latest.answers.items()}
    form = IndicativeBudgetForm(request.POST or None, questions=questions, initial=initial)
    can_work = case.is_open and (request.user.has_role(Role.TEAM_MANAGER) or case.team_id == request.user.team_id)
    if request.method == "POST" and scheme is not None and can_work and form.is_valid():
        try:
            services.indicative_budget_calculate(
                actor=request.user,
                case=case,
                answers=form.answers(),
                pa_share_percent=form.cleaned_data["pa_share_percent"],
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Indicative budget worked out")
            return redirect("plans:indicative_budget", case_id=case.pk)
    return render(
        request,
        "plans/indicative_budget.html",
        {
            "case": case,
            "scheme": scheme,
            "form": form if scheme is not None and can_work else None,
            "latest": latest,
            "breadcrumbs": _case_crumbs(case),
        },
    )


# --- Support plans ---------------------------------------------------------------------------


@staff_view(*PLANNING_ROLES)
def plan_start(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    existing = selectors.plan_open(case)
    if existing is not None:
        return redirect("plans:plan_detail", plan_id=existing.pk)
    errors: list[str] = []
    if not can_plan(case, request.user):
        errors.append(
            f"A plan can be started by the case's team during assessment or support planning. The case is "
            f"“{case.get_status_display()}”."
        )
    elif request.method == "POST":
        try:
            plan = services.support_plan_start(actor=request.user, case=case)
        except DirectPaymentsError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, f"Support plan {plan.version} started")
            return redirect("plans:plan_detail", plan_id=plan.pk)
    previous = selectors.plan_approved_latest(case)
    return render(
        request,
        "plans/plan_start.html",
        {"case": case, "previous": previous, "errors": errors, "breadcrumbs": _case_crumbs(case)},
    )


@staff_view(*CARE_ROLES)
def plan_detail(request: StaffRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    user = request.user
    today = clock.today()
    lines = selectors.plan_lines(plan)
    report = selectors.plan_check_report(plan, on=today, lines=lines)
    limit, limit_source = selectors.plan_budget_limit(plan)
    editable = plan.is_draft and can_plan(plan.case, user)
    is_manager = user.has_role(Role.TEAM_MANAGER)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "case": plan.case,
            "outcomes": list(plan.outcomes.all()),
            "payees": list(plan.payees.select_related("necessary_decided_by")),
            "lines": lines,
            "totals": selectors.plan_totals_for(plan, on=today, lines=lines),
            "report": report,
            "limit": limit,
            "limit_source": limit_source,
            "indicative": selectors.indicative_budget_latest(plan.case),
            "decisions": selectors.panel_decisions(plan),
            "editable": editable,
            "can_submit": editable and plan.case.status == "support_planning",
            "can_decide_necessary": is_manager
            and plan.status in (PlanStatus.DRAFT, PlanStatus.AT_PANEL, PlanStatus.AWAITING_APPROVAL),
            "can_panel": is_manager and plan.status == PlanStatus.AT_PANEL,
            "can_approve": is_manager and plan.status == PlanStatus.AWAITING_APPROVAL,
            "budgets": plan.personal_budgets.all(),
            "breadcrumbs": _case_crumbs(plan.case),
        },
    )


def _editable_plan_or_redirect(request: StaffRequest, plan: SupportPlan) -> HttpResponse | None:
    if plan.is_draft and can_plan(plan.case, request.user):
        return None
    messages.info(request, "This plan cannot be changed now.")
    return redirect("plans:plan_detail", plan_id=plan.pk)


@staff_view(*PLANNING_ROLES)
def outcome_add(request: StaffRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    if (stop := _editable_plan_or_redirect(request, plan)) is not None:
        return stop
    form = OutcomeForm(request.POST or None, needs=selectors.need_choices(plan.case))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_outcome_add(actor=request.user, plan=plan, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Outcome added")
            return redirect(_plan_url(plan) + "#outcomes")
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "title": "Add an outcome",
            "button": "Add outcome",
            "breadcrumbs": _plan_crumbs(plan),
        },
    )


@staff_view(*PLANNING_ROLES)
def outcome_remove(request: StaffRequest, plan_id: int, outcome_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    outcome = access_plan_outcome_by_id(request.user, plan, outcome_id)
    if (stop := _editable_plan_or_redirect(request, plan)) is not None:
        return stop
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.plan_outcome_remove(actor=request.user, outcome=outcome)
        except DirectPaymentsError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, "Outcome removed")
            return redirect(_plan_url(plan) + "#outcomes")
    return _confirm(
        request,
        title="Remove this outcome?",
        caption=f"Support plan {plan.version}: {plan.case.person.full_name}",
        body=outcome.outcome,
        button="Remove outcome",
        warning=True,
        errors=errors,
        breadcrumbs=_plan_crumbs(plan),
    )


@staff_view(*PLANNING_ROLES)
def payee_add(request: StaffRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    if (stop := _editable_plan_or_redirect(request, plan)) is not None:
        return stop
    candidates = selectors.payee_candidates(plan.case.person)
    choices = [
        (
            f"rel_{rel.pk}",
            f"{other.full_name}: {rel.get_kind_display().lower()}"
            + (" (same household)" if rel.same_household else ""),
        )
        for rel, other, _ in candidates
    ]
    form = PayeeForm(request.POST or None, candidates=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = next((rel for rel, _, _ in candidates if f"rel_{rel.pk}" == data["who"]), None)
        try:
            services.plan_payee_add(
                actor=request.user,
                plan=plan,
                relationship=data["relationship"],
                lives_in_same_household=data["lives_in_same_household"],
                relationship_record=record,
                name=data["name"],
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Person to be paid added")
            return redirect(_plan_url(plan) + "#payees")
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "title": "Add someone to be paid",
            "button": "Add person",
            "intro": "For example a Personal Assistant. Paying a spouse or partner, or a close relative who lives "
            "in the same household, needs a team manager to record that it is necessary.",
            "breadcrumbs": _plan_crumbs(plan),
        },
    )


@staff_view(*PLANNING_ROLES)
def payee_remove(request: StaffRequest, plan_id: int, payee_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    payee = access_plan_payee_by_id(request.user, plan, payee_id)
    if (stop := _editable_plan_or_redirect(request, plan)) is not None:
        return stop
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.plan_payee_remove(actor=request.user, payee=payee)
        except DirectPaymentsError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, f"{payee.name} removed")
            return redirect(_plan_url(plan) + "#payees")
    return _confirm(
        request,
        title=f"Remove {payee.name}?",
        caption=f"Support plan {plan.version}: {plan.case.person.full_name}",
        body=f"{payee.name} will no longer be named to be paid from the direct payment.",
        button="Remove",
        warning=True,
        errors=errors,
        breadcrumbs=_plan_crumbs(plan),
    )


@staff_view(Role.TEAM_MANAGER)
def payee_necessary(request: StaffRequest, plan_id: int, payee_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    payee = access_plan_payee_by_id(request.user, plan, payee_id)
    form = NecessaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_payee_record_necessary(actor=request.user, payee=payee, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Decision recorded: paying {payee.name} is necessary")
            return redirect(_plan_url(plan) + "#payees")
    return render(
        request,
        "plans/necessary_form.html",
        {"form": form, "plan": plan, "payee": payee, "breadcrumbs": _plan_crumbs(plan)},
    )


@staff_view(*PLANNING_ROLES)
def line_add(request: StaffRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    if (stop := _editable_plan_or_redirect(request, plan)) is not None:
        return stop
    kind = request.POST.get("kind") or request.GET.get("kind")
    if kind not in LineKind.values:
        kind_form = LineKindForm(request.GET if "kind" in request.GET else None)
        kind_form.is_valid()
        return render(
            request,
            "plans/line_kind.html",
            {"form": kind_form, "plan": plan, "breadcrumbs": _plan_crumbs(plan)},
        )
    form = LineForm(request.POST or None, kind=kind, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_line_add(actor=request.user, plan=plan, **form.service_values())
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Support added to the plan")
            return redirect(_plan_url(plan) + "#lines")
    return render(
        request,
        "plans/line_form.html",
        {
            "form": form,
            "plan": plan,
            "kind": kind,
            "kind_label": LineKind(kind).label,
            "breadcrumbs": _plan_crumbs(plan),
        },
    )


@staff_view(*PLANNING_ROLES)
def line_remove(request: StaffRequest, plan_id: int, line_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    line = access_plan_line_by_id(request.user, plan, line_id)
    if (stop := _editable_plan_or_redirect(request, plan)) is not None:
        return stop
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.plan_line_remove(actor=request.user, line=line)
        except DirectPaymentsError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, "Support removed from the plan")
            return redirect(_plan_url(plan) + "#lines")
    return _confirm(
        request,
        title="Remove this support?",
        caption=f"Support plan {plan.version}: {plan.case.person.full_name}",
        body=line.description,
        button="Remove",
        warning=True,
        errors=errors,
        breadcrumbs=_plan_crumbs(plan),
    )


@staff_view(*PLANNING_ROLES)
def plan_submit(request: StaffRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    if (stop := _editable_plan_or_redirect(request, plan)) is not None:
        return stop
    errors: list[str] = []
    if request.method == "POST":
        try:
            route = services.plan_submit(actor=request.user, plan=plan)
        except DirectPaymentsError as exc:
            errors.append(exc.message)
        else:
            if route is SubmissionRoute.FUNDING_PANEL:
                messages.success(request, "The plan costs more than its budget and has gone to the funding panel")
            else:
                messages.success(request, "The plan has gone to a team manager for approval")
            return redirect(_plan_url(plan))
    today = clock.today()
    report = selectors.plan_check_report(plan, on=today)
    return render(
        request,
        "plans/plan_submit.html",
        {
            "plan": plan,
            "report": report,
            "totals": selectors.plan_totals_for(plan, on=today),
            "errors": errors,
            "breadcrumbs": _plan_crumbs(plan),
        },
    )


@staff_view(Role.TEAM_MANAGER)
def plan_panel(request: StaffRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    if plan.status != PlanStatus.AT_PANEL:
        messages.info(request, "This plan is not waiting for the funding panel.")
        return redirect(_plan_url(plan))
    form = PanelDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_panel_decide(
                actor=request.user,
                plan=plan,
                outcome=data["outcome"],
                reasons=data["reasons"],
                agreed_weekly_pence=data.get("agreed_weekly"),
            )
        except DirectPaymentsError as exc:
            if exc.field == "agreed_weekly_pence":
                exc.field = "agreed_weekly"
            add_service_error(form, exc)
        else:
            messages.success(request, "The funding panel's decision is recorded")
            return redirect(_plan_url(plan))
    today = clock.today()
    return render(
        request,
        "plans/plan_panel.html",
        {
            "plan": plan,
            "form": form,
            "totals": selectors.plan_totals_for(plan, on=today),
            "indicative": selectors.indicative_budget_latest(plan.case),
            "breadcrumbs": _plan_crumbs(plan),
        },
    )


@staff_view(Role.TEAM_MANAGER)
def plan_approve(request: StaffRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    if plan.status != PlanStatus.AWAITING_APPROVAL:
        messages.info(request, "This plan is not waiting for approval.")
        return redirect(_plan_url(plan))
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_approve(
                actor=request.user, plan=plan, budget_effective_from=form.cleaned_data["budget_effective_from"]
            )
        except DirectPaymentsError as exc:
            if exc.field == "effective_from":
                exc.field = "budget_effective_from"
            add_service_error(form, exc)
        else:
            messages.success(request, "Plan approved and the personal budget set. Next: the direct payment agreement.")
            return redirect("cases:case_detail", case_id=plan.case_id)
    today = clock.today()
    return render(
        request,
        "plans/plan_approve.html",
        {
            "plan": plan,
            "form": form,
            "is_author": plan.author_id == request.user.pk,
            "totals": selectors.plan_totals_for(plan, on=today),
            "report": selectors.plan_check_report(plan, on=today, approver_id=request.user.pk),
            "current_budget": selectors.budget_latest(plan.case),
            "breadcrumbs": _plan_crumbs(plan),
        },
    )


@staff_view(Role.TEAM_MANAGER)
def plan_return(request: StaffRequest, plan_id: int) -> HttpResponse:
    plan = access_plan_by_id(request.user, plan_id)
    if plan.status != PlanStatus.AWAITING_APPROVAL:
        messages.info(request, "This plan is not waiting for approval.")
        return redirect(_plan_url(plan))
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_return(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Plan returned for changes")
            return redirect(_plan_url(plan))
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "title": "Return the plan for changes",
            "button": "Return plan",
            "breadcrumbs": _plan_crumbs(plan),
        },
    )
