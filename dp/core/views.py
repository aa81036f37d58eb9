from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from dp.core.errors import DirectPaymentsError
from dp.core.policies import public_view


def add_service_error(form: forms.Form, exc: DirectPaymentsError) -> None:
    """Show a service's refusal on the form: against its field when the form has it."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], HttpResponse],
    *,
    title: str,
    caption: str,
    breadcrumbs: list[dict[str, str]],
    button: str,
    intro: list[str] | None = None,
    rows: list[tuple[str, str]] | None = None,
    warning: str = "",
    can_submit: bool = True,
    cancel_url: str = "",
    button_class: str = "",
    hidden: Sequence[tuple[str, str]] = (),
) -> HttpResponse:
    """A page with one form (`core/form_page.html`): run `act` with the cleaned data on a valid POST, and
    show a service's refusal on the form. `rows` summarise what the form acts on; `warning` explains why it
    cannot be sent (with `can_submit` False); file inputs make it multipart; `hidden` are extra hidden inputs."""
    if request.method == "POST" and can_submit and form.is_valid():
        try:
            return act(form.cleaned_data)
        except DirectPaymentsError as exc:
            add_service_error(form, exc)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "caption": caption,
            "breadcrumbs": breadcrumbs,
            "button": button,
            "intro": intro or [],
            "rows": rows or [],
            "warning": warning,
            "can_submit": can_submit,
            "cancel_url": cancel_url,
            "button_class": button_class,
            "hidden": list(hidden),
            "multipart": any(isinstance(field, forms.FileField) for field in form.fields.values()),
        },
    )


@public_view
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@public_view
def health(request: HttpRequest) -> HttpResponse:
    """Load balancers' check: the app runs and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)
