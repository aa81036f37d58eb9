"""Values every page needs: the council's name, demo mode, and the navigation for the user's roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from dp.staff.roles import CARE_ROLES, Role

# (label, url name, roles that see it, url prefix that marks it active)
NAVIGATION: tuple[tuple[str, str, frozenset[str], str], ...] = (
    ("Work queues", "queues:home", frozenset(CARE_ROLES), "/queues/"),
    ("People", "people:search", frozenset(CARE_ROLES), "/people/"),
    ("Payments", "payments:run_list", frozenset({Role.PAYMENTS_OFFICER, Role.AUDITOR}), "/payments/"),
    (
        "Reviews",
        "agreements:review_queue",
        frozenset({Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.TEAM_MANAGER}),
        "/reviews/",
    ),
    ("Annual uprating", "assessments:uprating_list", frozenset({Role.FINANCIAL_ASSESSOR}), "/uprating/"),
    (
        "National figures",
        "assessments:national_figures",
        frozenset({Role.FINANCIAL_ASSESSOR, Role.SYSTEM_ADMIN}),
        "/national-figures/",
    ),
    (
        "Council settings",
        "councils:settings",
        frozenset({Role.SYSTEM_ADMIN, Role.TEAM_MANAGER, Role.AUDITOR}),
        "/council/",
    ),
    ("Staff", "staff:list", frozenset({Role.SYSTEM_ADMIN}), "/staff/"),
    (
        "Audits",
        "audits:audit_list",
        frozenset({Role.DP_SUPPORT, Role.AUDITOR, Role.TEAM_MANAGER}),
        "/audits/",
    ),
    (
        "Statements",
        "monitoring:import_list",
        frozenset({Role.DP_SUPPORT, Role.PAYMENTS_OFFICER, Role.AUDITOR}),
        "/monitoring/",
    ),
    ("Audit log", "audit_log:list", frozenset({Role.AUDITOR, Role.SYSTEM_ADMIN}), "/audit-log/"),
)


def _council_name() -> str:
    from dp.councils.selectors import council_get

    council = council_get()
    return council.name if council else settings.DP_COUNCIL_NAME_FALLBACK


def service(request: HttpRequest) -> dict[str, Any]:
    if not hasattr(request, "_dp_council_name"):
        request._dp_council_name = _council_name()  # type: ignore[attr-defined]
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for label, name, roles, prefix in NAVIGATION:
            if user.roles & roles:
                items.append({"label": label, "url": reverse(name), "active": request.path.startswith(prefix)})
    return {
        "council_name": request._dp_council_name,  # type: ignore[attr-defined]
        "demo_mode": getattr(settings, "DP_DEMO", False),
        "service_navigation": items,
    }
