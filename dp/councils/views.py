from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.core import clock
from dp.core.errors import DirectPaymentsError
from dp.core.policies import StaffRequest, staff_view
from dp.core.views import add_service_error
from dp.councils import selectors, services
from dp.councils.domain.policy import REGISTRY
from dp.councils.forms import CouncilForm, policy_value_form
from dp.staff.roles import Role

VIEW_ROLES = (Role.SYSTEM_ADMIN, Role.TEAM_MANAGER, Role.AUDITOR)


def _council():  # type: ignore[no-untyped-def]
    council = selectors.council_get()
    if council is None:
        raise Http404("No council set up")
    return council


def _crumbs() -> list[dict[str, str]]:
    return [
        {"label": "Home", "url": reverse("queues:home")},
        {"label": "Council settings", "url": reverse("councils:settings")},
    ]


@staff_view(*VIEW_ROLES)
def council_settings(request: StaffRequest) -> HttpResponse:
    council = _council()
    return render(
        request,
        "councils/settings.html",
        {
            "council": council,
            "districts": list(council.districts.values_list("district", flat=True)),
            "policy": selectors.policy_overview(council=council, on=clock.today()),
            "can_edit": request.user.has_role(Role.SYSTEM_ADMIN),
            "breadcrumbs": [{"label": "Home", "url": reverse("queues:home")}],
        },
    )


@staff_view(Role.SYSTEM_ADMIN)
def council_edit(request: StaffRequest) -> HttpResponse:
    council = _council()
    initial = {
        "name": council.name,
        "short_name": council.short_name,
        "contact_email": council.contact_email,
        "contact_phone": council.contact_phone,
        "address": council.address,
        "districts": " ".join(council.districts.values_list("district", flat=True)),
    }
    form = CouncilForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            districts = services.parse_districts(data.pop("districts"))
            services.council_update(actor=request.user, council=council, districts=districts, **data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Council details saved")
            return redirect("councils:settings")
    return render(request, "councils/council_form.html", {"form": form, "breadcrumbs": _crumbs()})


@staff_view(Role.SYSTEM_ADMIN)
def policy_value_set(request: StaffRequest, key: str) -> HttpResponse:
    council = _council()
    try:
        parameter = REGISTRY.get(key)
    except KeyError as exc:
        raise Http404("No such policy") from exc
    form = policy_value_form(parameter, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_value_set(actor=request.user, council=council, key=key, **form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{parameter.label}: new value saved")
            return redirect("councils:settings")
    return render(
        request, "councils/policy_form.html", {"form": form, "parameter": parameter, "breadcrumbs": _crumbs()}
    )
