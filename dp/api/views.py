from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.views import SpectacularAPIView

from dp.core.policies import public_view, staff_view


@staff_view()
def api_docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html")


schema_view = public_view(SpectacularAPIView.as_view())
