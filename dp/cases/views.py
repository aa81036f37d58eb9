from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.cases import selectors, services
from dp.cases.access import access_case_by_id, access_case_note_by_id, access_referral_by_id
from dp.cases.constants import CaseStatus, ReferralStatus
from dp.cases.domain.workflow import CASE_TRANSITIONS, next_statuses
from dp.cases.forms import (
    AllocateForm,
    CloseReferralForm,
    NoteForm,
    ReallocateForm,
    ReferralForm,
    RequestInformationForm,
    ReturnToTriageForm,
    TransitionForm,
)
from dp.cases.panels import panels_for
from dp.core import clock
from dp.core.errors import DirectPaymentsError
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import add_service_error
from dp.people.access import access_person_by_id
from dp.staff.roles import CARE_ROLES, Role

INTAKE_ROLES = (Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.TEAM_MANAGER)
CASEWORK_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in [("Home", reverse("queues:home")), *items]]


@staff_view(*INTAKE_ROLES)
def referral_create(request: StaffRequest, person_id: int) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(actor=request.user, person=person, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Referral {referral.reference} is in the triage queue")
            return redirect("cases:referral_detail", referral_id=referral.pk)
    in_area = services.lives_in_area(person)
    return render(
        request,
        "cases/referral_form.html",
        {
            "form": form,
            "person": person,
            "in_area": in_area,
            "breadcrumbs": _crumbs((person.full_name, reverse("people:detail", args=[person.pk]))),
        },
    )


@staff_view(*CARE_ROLES)
def referral_detail(request: StaffRequest, referral_id: int) -> HttpResponse:
    referral = access_referral_by_id(request.user, referral_id)
    can_triage = request.user.has_role(Role.TEAM_MANAGER) and referral.status in selectors.OPEN_REFERRAL
    return render(
        request,
        "cases/referral_detail.html",
        {
            "referral": referral,
            "can_triage": can_triage,
            "allocate_form": AllocateForm(),
            "information_form": RequestInformationForm(),
            "return_form": ReturnToTriageForm(),
            "close_form": CloseReferralForm(),
            "awaiting": referral.status == ReferralStatus.AWAITING_INFORMATION,
            "breadcrumbs": _crumbs(
                ("Triage", reverse("queues:queue", args=["triage"])),
                (referral.person.full_name, reverse("people:detail", args=[referral.person.pk])),
            ),
        },
    )


def _triage_action(request: StaffRequest, referral_id: int, form_class, template_key: str, act):  # type: ignore[no-untyped-def]
    referral = access_referral_by_id(request.user, referral_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = act(referral, form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            return result
    return render(
        request,
        "cases/triage_action.html",
        {
            "referral": referral,
            "form": form,
            "action": template_key,
            "breadcrumbs": _crumbs(
                ("Triage", reverse("queues:queue", args=["triage"])),
                (referral.reference, reverse("cases:referral_detail", args=[referral.pk])),
            ),
        },
    )


@staff_view(Role.TEAM_MANAGER)
def referral_allocate(request: StaffRequest, referral_id: int) -> HttpResponse:
    def act(referral, data):  # type: ignore[no-untyped-def]
        case = services.referral_allocate(actor=request.user, referral=referral, worker=data["worker"])
        messages.success(request, f"Case {case.reference} opened and allocated to {case.worker.display_name}")
        return redirect("queues:queue", slug="triage")

    return _triage_action(request, referral_id, AllocateForm, "allocate", act)


@staff_view(Role.TEAM_MANAGER)
def referral_request_information(request: StaffRequest, referral_id: int) -> HttpResponse:
    def act(referral, data):  # type: ignore[no-untyped-def]
        services.referral_request_information(actor=request.user, referral=referral, **data)
        messages.success(request, "Referral is waiting for information")
        return redirect("queues:queue", slug="triage")

    return _triage_action(request, referral_id, RequestInformationForm, "information", act)


@staff_view(Role.TEAM_MANAGER)
def referral_return(request: StaffRequest, referral_id: int) -> HttpResponse:
    def act(referral, data):  # type: ignore[no-untyped-def]
        services.referral_return_to_triage(actor=request.user, referral=referral, **data)
        messages.success(request, "Referral is back in the triage queue")
        return redirect("cases:referral_detail", referral_id=referral.pk)

    return _triage_action(request, referral_id, ReturnToTriageForm, "return", act)


@staff_view(Role.TEAM_MANAGER)
def referral_close(request: StaffRequest, referral_id: int) -> HttpResponse:
    def act(referral, data):  # type: ignore[no-untyped-def]
        services.referral_close(actor=request.user, referral=referral, **data)
        messages.success(request, "Referral closed")
        return redirect("queues:queue", slug="triage")

    return _triage_action(request, referral_id, CloseReferralForm, "close", act)


def _status_choices(case) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(s, CaseStatus(s).label) for s in next_statuses(CASE_TRANSITIONS, case.status)]


@staff_view(*CARE_ROLES)
def case_detail(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    user = request.user
    can_work = user.has_role(Role.TEAM_MANAGER) or (user.has_role(Role.SOCIAL_WORKER) and case.team_id == user.team_id)
    grace = services.note_grace_minutes(clock.today())
    now = clock.now()
    notes = [
        (note, note.author_id == user.pk and services.note_is_correctable(note, now=now, grace_minutes=grace))
        for note in selectors.case_notes(case)
    ]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "can_work": can_work and case.is_open,
            "can_note": user.has_role(*CARE_ROLES) and case.is_open,
            "transition_form": TransitionForm(choices=_status_choices(case)),
            "note_form": NoteForm(),
            "notes": notes,
            "allocations": case.allocations.select_related("worker", "allocated_by"),
            "grace_minutes": grace,
            "panels": panels_for(case, user),
            "breadcrumbs": _crumbs((case.person.full_name, reverse("people:detail", args=[case.person.pk]))),
        },
    )


def _case_crumbs(case):  # type: ignore[no-untyped-def]
    return _crumbs(
        (case.person.full_name, reverse("people:detail", args=[case.person.pk])),
        (case.reference, reverse("cases:case_detail", args=[case.pk])),
    )


@staff_view(*CASEWORK_ROLES)
def case_transition(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    form = TransitionForm(request.POST or None, choices=_status_choices(case))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transition(actor=request.user, case=case, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Case status changed")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {
            "case": case,
            "form": form,
            "title": "Change the case status",
            "breadcrumbs": _case_crumbs(case),
            "button": "Change status",
        },
    )


@staff_view(Role.TEAM_MANAGER)
def case_reallocate(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    form = ReallocateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_reallocate(actor=request.user, case=case, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Case reallocated")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(
        request,
        "cases/case_form.html",
        {
            "case": case,
            "form": form,
            "title": "Allocate to another worker",
            "breadcrumbs": _case_crumbs(case),
            "button": "Reallocate",
        },
    )


@staff_view(*CARE_ROLES)
def case_note_add(request: StaffRequest, case_id: int) -> HttpResponse:
    case = access_case_by_id(request.user, case_id)
    adds_to = None
    if request.GET.get("adds_to") or request.POST.get("adds_to"):
        adds_to = access_case_note_by_id(request.user, int(request.GET.get("adds_to") or request.POST["adds_to"]))
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_note_add(actor=request.user, case=case, text=form.cleaned_data["text"], adds_to=adds_to)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Note added")
            return redirect("cases:case_detail", case_id=case.pk)
    return render(
        request,
        "cases/note_form.html",
        {"case": case, "form": form, "adds_to": adds_to, "breadcrumbs": _case_crumbs(case)},
    )


@staff_view(*CARE_ROLES)
def case_note_correct(request: StaffRequest, note_id: int) -> HttpResponse:
    note = access_case_note_by_id(request.user, note_id)
    form = NoteForm(request.POST or None, initial={"text": note.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_note_correct(actor=request.user, note=note, text=form.cleaned_data["text"])
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Note corrected")
            return redirect("cases:case_detail", case_id=note.case_id)
    return render(
        request,
        "cases/note_form.html",
        {"case": note.case, "form": form, "correcting": note, "breadcrumbs": _case_crumbs(note.case)},
    )
