from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from dp.core.errors import DirectPaymentsError
from dp.core.policies import StaffRequest, public_view, staff_view, two_factor_view
from dp.staff import services
from dp.staff.forms import LoginForm, SetPasswordForm, StaffCreateForm, StaffForm, TokenForm
from dp.staff.models import User
from dp.staff.roles import Role


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@public_view
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        login(request, form.user)
        if settings.DP_REQUIRE_TWO_FACTOR:
            return redirect(f"{_reverse('staff:two_factor')}?next={_safe_next(request)}")
        return redirect(_safe_next(request))
    return render(
        request,
        "staff/login.html",
        {"form": form, "next": request.GET.get("next", ""), "two_factor_required": settings.DP_REQUIRE_TWO_FACTOR},
    )


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@require_POST
@two_factor_view
def logout_view(request: StaffRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out")
    return redirect(settings.LOGOUT_REDIRECT_URL)


@two_factor_view
def two_factor_view_(request: StaffRequest) -> HttpResponse:
    """Enter the code from an authenticator app, or set one up on first sign-in."""
    user = request.user
    device, setting_up = services.two_factor_device_for(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", "Too many wrong codes. Wait a minute, then enter the newest code")
        elif device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                services.two_factor_confirmed(actor=user, device=device)
            otp_login(request, device)
            return redirect(_safe_next(request))
        else:
            form.add_error("token", "The code is not right. Check the time on your phone and enter the newest code")
    context = {"form": form, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
        buffer = io.BytesIO()
        image.save(buffer)
        context["qr_svg"] = buffer.getvalue().decode()
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "staff/two_factor.html", context)


@staff_view(Role.SYSTEM_ADMIN)
def staff_list(request: StaffRequest) -> HttpResponse:
    users = User.objects.select_related("team").prefetch_related("groups").order_by("last_name", "first_name")
    return render(request, "staff/staff_list.html", {"users": users, "roles": Role})


@staff_view(Role.SYSTEM_ADMIN)
def staff_edit(request: StaffRequest, user_id: int | None = None) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id) if user_id else None
    initial = {}
    if user:
        initial = {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "job_title": user.job_title,
            "team": user.team,
            "roles": list(user.groups.values_list("name", flat=True)),
            "is_active": user.is_active,
        }
    form = (StaffForm if user else StaffCreateForm)(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if user:
                services.staff_update(actor=request.user, user=user, **form.cleaned_data)
            else:
                fields = dict(form.cleaned_data)
                username = fields.pop("username")
                created = services.staff_create(actor=request.user, username=username, password=None, **fields)
                link = request.build_absolute_uri(services.set_password_path(created))
                messages.success(
                    request,
                    f"Account created. Give {created.display_name} this one-time link to choose a password "
                    f"(it works for 3 days): {link}",
                )
                return redirect("staff:edit", user_id=created.pk)
            messages.success(request, "Staff account saved")
            return redirect("staff:list")
        except DirectPaymentsError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "staff/staff_edit.html", {"form": form, "edited": user})


@public_view
def set_password(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A new member of staff (or one whose password was reset) chooses their password."""
    user = services.user_for_set_password_link(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "staff/set_password_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.staff_password_set(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, "Your password is set. Sign in with it now")
        return redirect("staff:login")
    return render(request, "staff/set_password.html", {"form": form, "staff_user": user})


@staff_view(Role.SYSTEM_ADMIN)
def password_link(request: StaffRequest, user_id: int) -> HttpResponse:
    """Make a new one-time set-password link for a member of staff (for example after a lockout)."""
    user = get_object_or_404(User, pk=user_id)
    if request.method == "POST":
        link = request.build_absolute_uri(services.set_password_path(user))
        messages.success(
            request,
            f"Give {user.display_name} this one-time link to choose a new password (it works for 3 days): {link}",
        )
    return redirect("staff:edit", user_id=user.pk)
