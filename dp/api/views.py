from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from drf_spectacular.views import SpectacularAPIView

from dp.core.policies import StaffRequest, public_view, staff_view


@staff_view()
def api_docs(request: StaffRequest) -> HttpResponse:
    return render(request, "api/docs.html")


schema_view = public_view(SpectacularAPIView.as_view())
