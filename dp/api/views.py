from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from drf_spectacular.views import SpectacularJSONAPIView

from dp.calculations.api import CalculateView
from dp.core.policies import StaffRequest, api_view, public_view, staff_view


@staff_view()
def api_docs(request: StaffRequest) -> HttpResponse:
    return render(request, "api/docs.html")


schema_view = public_view(SpectacularJSONAPIView.as_view())
calculate_view = api_view(CalculateView.as_view())
