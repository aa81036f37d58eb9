from __future__ import annotations

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
