"""Fixtures shared by the whole suite: staff in every role, a council, and Chromium for browser tests.

No network, no random data: factories use fixed sequences, and Faker only for irrelevant text.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    """Debian's Chromium (Playwright cannot download its own browser here)."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    """`--base-url` or the `base_url` ini value, as pytest-playwright's own fallback gives it. Defined here because
    the plugin's is an instance method of a plugin class, which pytest 9 warns is deprecated for a session fixture
    (PytestRemovedIn10Warning); a conftest fixture of the same name takes its place."""
    return pytestconfig.getoption("--base-url") or pytestconfig.getini("base_url") or None


@pytest.fixture
def council(db):  # type: ignore[no-untyped-def]
    from dp.councils.tests.factories import CouncilFactory

    return CouncilFactory()


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    """One active member of staff per role, keyed by role value, plus a second social worker in
    another team and a second payments officer."""
    from dp.staff.roles import Role
    from dp.staff.tests.factories import TeamFactory, UserFactory

    north = TeamFactory(name="Adults North")
    south = TeamFactory(name="Adults South")
    users = {
        role: UserFactory(
            username=role, roles=[role], team=north if role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER) else None
        )
        for role in Role.values
    }
    users["other_social_worker"] = UserFactory(username="other_sw", roles=[Role.SOCIAL_WORKER], team=south)
    users["second_payments_officer"] = UserFactory(username="payments2", roles=[Role.PAYMENTS_OFFICER])
    return users


@pytest.fixture
def today() -> dt.date:
    from dp.core import clock

    return clock.today()
