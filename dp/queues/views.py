from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.cases import selectors as case_selectors
from dp.core import clock
from dp.core.policies import StaffRequest, staff_view
from dp.queues.definitions import BY_SLUG, queues_for
from dp.staff.roles import ALL_ROLES, Role


@staff_view()
def home(request: StaffRequest) -> HttpResponse:
    """Send each person to their first queue; administrators to council settings."""
    queues = queues_for(request.user.roles)
    if queues:
        return redirect("queues:queue", slug=queues[0].slug)
    if request.user.has_role(Role.SYSTEM_ADMIN):
        return redirect("councils:settings")
    return render(request, "queues/no_queue.html")


@staff_view(*(ALL_ROLES - {Role.SYSTEM_ADMIN}))
def queue(request: StaffRequest, slug: str) -> HttpResponse:
    definition = BY_SLUG.get(slug)
    user = request.user
    if definition is None or not user.roles.intersection(definition.roles):
        raise Http404("No such queue")
    if definition.url_name:
        return redirect(definition.url_name)  # a queue kept on its own app's page
    context = {
        "definition": definition,
        "queues": queues_for(user.roles),
        "today": clock.today(),
        "breadcrumbs": [{"label": "Home", "url": reverse("queues:home")}],
    }
    if definition.kind == "triage":
        context["triage"] = case_selectors.triage_queue(user=user, today=clock.today())
    else:
        if definition.kind == "caseload":
            cases = case_selectors.caseload(user=user, worker=user)
        elif definition.kind == "team":
            cases = case_selectors.caseload(user=user, team_id=user.team_id or -1)
        else:
            cases = case_selectors.cases_in_status(user=user, statuses=list(definition.statuses))
        context["page"] = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "queues/queue.html", context)
