from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dp.audit_log.models import Event, EventType
from dp.core.policies import StaffRequest, staff_view
from dp.staff.roles import Role


class EventFilterForm(forms.Form):
    event_type = forms.ChoiceField(
        label="What happened", choices=[("", "Anything"), *EventType.choices], required=False
    )
    user = forms.CharField(label="Username of the person who did it", required=False, max_length=150)


@staff_view(Role.AUDITOR, Role.SYSTEM_ADMIN)
def event_list(request: StaffRequest) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    events = Event.objects.select_related("acting_user", "person", "case").order_by("-occurred_at", "-id")
    if form.is_valid():
        if form.cleaned_data["event_type"]:
            events = events.filter(event_type=form.cleaned_data["event_type"])
        if form.cleaned_data["user"]:
            events = events.filter(acting_user__username=form.cleaned_data["user"].strip())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit_log/event_list.html",
        {"form": form, "page": page, "breadcrumbs": [{"label": "Home", "url": reverse("queues:home")}]},
    )
