from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dp.audit_log.models import Event, EventType
from dp.staff.roles import Role
from dp.staff.tests.factories import TEST_PASSWORD


@pytest.mark.django_db
class TestSignIn:
    def test_signs_in_and_lands_on_queue(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        response = client.post(
            reverse("staff:login"), {"username": "social_worker", "password": TEST_PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("queues:queue", args=["caseload"])

    def test_wrong_password_shows_an_error(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        response = client.post(reverse("staff:login"), {"username": "social_worker", "password": "wrong"})
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()

    def test_demo_login_page_says_two_factor_is_off(self, client, council) -> None:  # type: ignore[no-untyped-def]
        assert "Two-factor sign-in is switched off" in client.get(reverse("staff:login")).content.decode()

    def test_repeated_failures_lock_the_account(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        for _ in range(5):
            client.post(reverse("staff:login"), {"username": "auditor", "password": "wrong"})
        response = client.post(reverse("staff:login"), {"username": "auditor", "password": TEST_PASSWORD})
        assert response.status_code == 429
        assert "locked" in response.content.decode()

    def test_only_safe_next_urls(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        response = client.post(
            reverse("staff:login") + "?next=https://evil.example/",
            {"username": "social_worker", "password": TEST_PASSWORD, "next": "https://evil.example/"},
        )
        assert response.url == reverse("queues:home")

    def test_sign_out_is_post_only(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        client.force_login(staff[Role.AUDITOR])
        assert client.get(reverse("staff:logout")).status_code == 405
        assert client.post(reverse("staff:logout")).status_code == 302
        assert client.get(reverse("queues:home")).status_code == 302


@pytest.mark.django_db
class TestTwoFactor:
    """In production settings every member of staff must pass TOTP two-factor authentication."""

    @pytest.fixture(autouse=True)
    def _require(self, settings):  # type: ignore[no-untyped-def]
        settings.DP_REQUIRE_TWO_FACTOR = True

    def test_pages_need_the_second_factor(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        client.post(reverse("staff:login"), {"username": "auditor", "password": TEST_PASSWORD})
        response = client.get(reverse("people:search"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("staff:two_factor"))

    def test_set_up_then_verify(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        response = client.post(reverse("staff:login"), {"username": "auditor", "password": TEST_PASSWORD})
        assert response.url.startswith(reverse("staff:two_factor"))
        page = client.get(reverse("staff:two_factor"))
        assert "Set up two-factor sign-in" in page.content.decode()
        device = TOTPDevice.objects.get(user=staff[Role.AUDITOR])
        wrong = client.post(reverse("staff:two_factor"), {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
        assert "The code is not right" in wrong.content.decode()
        device.refresh_from_db()
        device.throttle_reset()  # a wrong code makes the next attempt wait (throttling)
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
        ok = client.post(reverse("staff:two_factor"), {"token": code, "next": reverse("people:search")})
        assert ok.url == reverse("people:search")
        assert client.get(reverse("people:search")).status_code == 200
        device.refresh_from_db()
        assert device.confirmed
        assert Event.objects.filter(event_type=EventType.STAFF_TWO_FACTOR_ADDED).exists()


@pytest.mark.django_db
class TestNewStaffSetTheirPassword:
    def test_admin_creates_account_and_link_sets_password_once(self, client, staff, council) -> None:  # type: ignore[no-untyped-def]
        from dp.staff.models import User

        client.force_login(staff[Role.SYSTEM_ADMIN])
        response = client.post(
            reverse("staff:create"),
            {
                "username": "new.worker",
                "first_name": "New",
                "last_name": "Worker",
                "email": "new@council.example",
                "roles": [Role.SOCIAL_WORKER],
                "is_active": "on",
            },
            follow=True,
        )
        body = response.content.decode()
        assert "one-time link" in body
        link = body.split("/set-password/")[1].split("/", 2)
        path = f"/set-password/{link[0]}/{link[1]}/"
        client.logout()
        user = User.objects.get(username="new.worker")
        assert not user.has_usable_password()
        assert user.has_role(Role.SOCIAL_WORKER)
        mismatch = client.post(
            path, {"new_password1": "a long enough pass phrase", "new_password2": "different one here"}
        )
        assert "The two passwords do not match" in mismatch.content.decode()
        client.post(path, {"new_password1": "a long enough pass phrase", "new_password2": "a long enough pass phrase"})
        user.refresh_from_db()
        assert user.check_password("a long enough pass phrase")
        assert client.get(path).status_code == 404  # used once
