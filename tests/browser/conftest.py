"""Browser tests: Chromium through Playwright against pytest-django's live server."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from dp.staff.tests.factories import TEST_PASSWORD


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):  # type: ignore[no-untyped-def]
    """Transactional tests flush the database afterwards, taking the role groups that a data migration made with
    them; put them back so each browser test starts from the same place whatever ran before."""
    from django.contrib.auth.models import Group

    from dp.staff.roles import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


def sign_in(page: Page, base_url: str, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real sign-in form."""
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def pdf_text(data: bytes) -> str:
    """A PDF's text, with runs of white space as one space."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
