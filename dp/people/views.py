from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.cases.selectors import person_open_referrals
from dp.core import clock
from dp.core.errors import DirectPaymentsError
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import add_service_error
from dp.people import selectors, services
from dp.people.access import access_person_by_id
from dp.people.forms import CapacityForm, PersonForm, PersonSearchForm, RelationshipEndForm, RelationshipForm
from dp.people.models import Relationship
from dp.people.services import PERSON_FIELDS
from dp.staff.roles import CARE_ROLES, Role

INTAKE_ROLES = (Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.TEAM_MANAGER)
CASEWORK_ROLES = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.DP_SUPPORT)


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": url} for label, url in items]


@staff_view(*CARE_ROLES)
def person_search(request: StaffRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid() and form.has_criteria():
        results = selectors.person_search(user=request.user, **form.cleaned_data)
        page = Paginator(results, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "people/search.html",
        {"form": form, "page": page, "today": clock.today(), "can_add": request.user.has_role(*INTAKE_ROLES)},
    )


@staff_view(*CARE_ROLES)
def person_detail(request: StaffRequest, person_id: int) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    from dp.cases.access import cases_visible_to

    today = clock.today()
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "today": today,
            "age": person.age(today),
            "life_stage": person.life_stage(today),
            "relationships": selectors.person_relationships(person),
            "capacity": selectors.person_current_capacity(person),
            "cases": cases_visible_to(request.user).filter(person=person).select_related("worker", "team"),
            "referrals": person_open_referrals(person),
            "timeline": selectors.person_timeline(person),
            "can_edit": request.user.has_role(*CASEWORK_ROLES),
            "breadcrumbs": _crumbs(("Home", reverse("queues:home")), ("People", reverse("people:search"))),
        },
    )


@staff_view(*INTAKE_ROLES)
def person_create(request: StaffRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, **_person_values(form))
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Record created for {person.full_name}. Now record the referral.")
            return redirect("cases:referral_create", person_id=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "title": "Add a new person",
            "breadcrumbs": _crumbs(("Home", reverse("queues:home")), ("People", reverse("people:search"))),
        },
    )


def _person_values(form: PersonForm) -> dict[str, object]:
    values = {name: form.cleaned_data.get(name) for name in PERSON_FIELDS}
    for name, value in values.items():
        if value is None and name not in {"date_of_birth", "ehcp_issued_on"}:
            values[name] = ""
    return values


@staff_view(*CASEWORK_ROLES)
def person_edit(request: StaffRequest, person_id: int) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    initial = {name: getattr(person, name) for name in PERSON_FIELDS}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **_person_values(form))
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Details saved")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "title": f"Change details: {person.full_name}",
            "person": person,
            "breadcrumbs": _crumbs(
                ("Home", reverse("queues:home")),
                ("People", reverse("people:search")),
                (person.full_name, reverse("people:detail", args=[person.pk])),
            ),
        },
    )


@staff_view(*CASEWORK_ROLES)
def relationship_add(request: StaffRequest, person_id: int) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    form = RelationshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            other = access_person_by_id(request.user, data["other_person"])
        except Exception:
            form.add_error("other_person", "There is no person with that number")
        else:
            from_person, to_person = (other, person) if data["direction"] == "from" else (person, other)
            try:
                services.relationship_add(
                    actor=request.user,
                    from_person=from_person,
                    to_person=to_person,
                    kind=data["kind"],
                    started_on=data["started_on"],
                    same_household=data["same_household"],
                    authority_basis=data["authority_basis"],
                    notes=data["notes"],
                )
            except DirectPaymentsError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Relationship added")
                return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/relationship_form.html",
        {"form": form, "person": person, "breadcrumbs": _person_crumbs(person)},
    )


def _person_crumbs(person):  # type: ignore[no-untyped-def]
    return _crumbs(
        ("Home", reverse("queues:home")),
        ("People", reverse("people:search")),
        (person.full_name, reverse("people:detail", args=[person.pk])),
    )


@staff_view(*CASEWORK_ROLES)
def relationship_end(request: StaffRequest, person_id: int, relationship_id: int) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    relationship = Relationship.objects.filter(Q(from_person=person) | Q(to_person=person), pk=relationship_id).first()
    if relationship is None:
        raise Http404("No such relationship")
    form = RelationshipEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_end(
                actor=request.user, relationship=relationship, ended_on=form.cleaned_data["ended_on"]
            )
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Relationship ended")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "people/relationship_end.html",
        {"form": form, "person": person, "relationship": relationship, "breadcrumbs": _person_crumbs(person)},
    )


@staff_view(Role.SOCIAL_WORKER, Role.TEAM_MANAGER)
def capacity_record(request: StaffRequest, person_id: int) -> HttpResponse:
    person = access_person_by_id(request.user, person_id)
    form = CapacityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.capacity_record(actor=request.user, person=person, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Capacity assessment recorded")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request, "people/capacity_form.html", {"form": form, "person": person, "breadcrumbs": _person_crumbs(person)}
    )
