"""Every view declares who may use it.

`@staff_view(Role.X, ...)` or `@public_view` wrap a view and attach an `AccessPolicy` to it. The
URL x role matrix test walks every URL pattern and fails when a view has none, so a new page
cannot be added without saying who may see it.

Role checks answer "may this kind of user use this page at all" (a refusal is a 403 page that
names the roles that may). Whether a user may see one particular object is a separate question
answered by each app's `access.py` functions, which raise 404 for missing and forbidden alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dp.staff.models import User
from dp.staff.roles import ALL_ROLES, Role

ViewFunc = Callable[..., HttpResponse]


class StaffRequest(HttpRequest):
    """A request from signed-in staff (what `@staff_view` guarantees), for type checking."""

    user: User  # type: ignore[assignment]


@dataclass(frozen=True)
class AccessPolicy:
    public: bool
    roles: frozenset[str]
    # Pages on the way to two-factor sign-in are reachable before the second factor.
    before_second_factor: bool = False
    # JSON API endpoints authenticate with a session or a bearer token.
    api: bool = False

    def allows(self, roles: frozenset[str]) -> bool:
        return self.public or bool(self.roles & roles)


def _attach(view: ViewFunc, policy: AccessPolicy) -> ViewFunc:
    view.access_policy = policy  # type: ignore[attr-defined]
    return view


def public_view(view: ViewFunc) -> ViewFunc:
    """Anyone, signed in or not (the sign-in page, health check)."""
    return _attach(view, AccessPolicy(public=True, roles=frozenset()))


def api_view(view: ViewFunc) -> ViewFunc:
    """A JSON API view: any active member of staff, signed in or with a bearer token (Django REST
    framework checks authentication and answers 401/403 itself; no redirects to a sign-in page)."""
    return _attach(view, AccessPolicy(public=False, roles=ALL_ROLES, api=True))


def two_factor_view(view: ViewFunc) -> ViewFunc:
    """Signed-in staff who may not yet have passed the second factor (setting up or entering it)."""
    policy = AccessPolicy(public=False, roles=ALL_ROLES, before_second_factor=True)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _to_login(request)
        return view(request, *args, **kwargs)

    return _attach(wrapped, policy)


def staff_view(*roles: Role | str) -> Callable[[ViewFunc], ViewFunc]:
    """Signed-in staff holding at least one of `roles` (all staff roles when none are given)."""
    allowed = frozenset(str(r) for r in roles) if roles else ALL_ROLES
    unknown = allowed - ALL_ROLES
    if unknown:
        raise ValueError(f"Unknown roles in access policy: {sorted(unknown)}")
    policy = AccessPolicy(public=False, roles=allowed)

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return _to_login(request)
            if settings.DP_REQUIRE_TWO_FACTOR and not user.is_verified():  # type: ignore[union-attr,attr-defined]
                return redirect(f"{reverse('staff:two_factor')}?{urlencode({'next': request.get_full_path()})}")
            if not policy.allows(user.roles):  # type: ignore[union-attr]
                return render(
                    request,
                    "core/forbidden.html",
                    {"allowed_roles": [Role(r).label for r in Role.values if r in allowed]},
                    status=403,
                )
            return view(request, *args, **kwargs)

        return _attach(wrapped, policy)

    return decorator


def _to_login(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
