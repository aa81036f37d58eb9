"""Staff accounts: roles, teams, two-factor devices."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from dp.audit_log.models import EventType
from dp.audit_log.services import audit_event_record
from dp.core.errors import PermissionDenied, ValidationFailed
from dp.staff.models import Team, User
from dp.staff.roles import Role


@transaction.atomic
def staff_update(
    *,
    actor: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str,
    team: Team | None,
    roles: list[str],
    is_active: bool,
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationFailed("Choose roles from the list", field="roles")
    if user.pk == actor.pk and Role.SYSTEM_ADMIN not in roles:
        raise PermissionDenied("You cannot remove your own system administrator role.")
    if user.pk == actor.pk and not is_active:
        raise PermissionDenied("You cannot deactivate your own account.")
    before_roles = sorted(user.groups.values_list("name", flat=True))
    before = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "team": user.team_id,
        "is_active": user.is_active,
        "roles": before_roles,
    }
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.job_title, user.team, user.is_active = job_title, team, is_active
    user.save(update_fields=["first_name", "last_name", "email", "job_title", "team", "is_active"])
    user.groups.set(Group.objects.filter(name__in=roles))
    after = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "job_title": job_title,
        "team": team.pk if team else None,
        "is_active": is_active,
        "roles": sorted(roles),
    }
    audit_event_record(
        actor=actor,
        event_type=EventType.STAFF_ROLES_CHANGED,
        subject=user,
        summary=f"Account of {user.display_name} changed",
        before=before,
        after=after,
    )
    return user


@transaction.atomic
def staff_create(*, actor: User, username: str, password: str | None, **fields: Any) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationFailed("That username is taken", field="username")
    user = User(username=username)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return staff_update(actor=actor, user=user, **fields)


@transaction.atomic
def two_factor_confirmed(*, actor: User, device: Any) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_event_record(
        actor=actor,
        event_type=EventType.STAFF_TWO_FACTOR_ADDED,
        subject=actor,
        summary="Two-factor authentication set up",
    )


def two_factor_device_for(*, user: User) -> tuple[Any, bool]:
    """The user's confirmed authenticator device, or an unconfirmed one to set up (made once).

    Returns (device, setting_up)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return device, False
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Authenticator app"})
    return device, True


def set_password_path(user: User) -> str:
    """The path of a one-time link for `user` to choose a password (Django's reset tokens: the
    link stops working once the password changes, or after PASSWORD_RESET_TIMEOUT)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("staff:set_password", args=[uidb64, default_token_generator.make_token(user)])


def user_for_set_password_link(*, uidb64: str, token: str) -> User | None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_decode

    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()), is_active=True)
    except (ValueError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None


@transaction.atomic
def staff_password_set(*, user: User, password: str) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_event_record(
        actor=user, event_type=EventType.STAFF_PASSWORD_SET, subject=user, summary="Password set by its owner"
    )
