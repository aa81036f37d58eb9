"""Every URL has a declared access policy, each role gets what it should, and a forbidden object
is a 404 (not a 403 that would reveal that it exists)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dp.core.policies import AccessPolicy
from dp.staff.roles import ALL_ROLES, CARE_ROLES, Role
from tests.world import World, build_world

ADMIN = {Role.SYSTEM_ADMIN}
INTAKE = {Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.TEAM_MANAGER}
CASEWORK = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.DP_SUPPORT}
PUBLIC = "public"

# Who may use each page. Kept here by hand so that a change to a view's policy must be made twice
# (in the view and here) and so is never an accident.
EXPECTED: dict[str, Any] = {
    "queues:home": ALL_ROLES,
    "queues:queue": CARE_ROLES,
    "staff:login": PUBLIC,
    "staff:logout": ALL_ROLES,
    "staff:two_factor": ALL_ROLES,
    "staff:list": ADMIN,
    "staff:create": ADMIN,
    "staff:edit": ADMIN,
    "staff:password_link": ADMIN,
    "staff:set_password": PUBLIC,
    "core:accessibility": PUBLIC,
    "core:health": PUBLIC,
    "people:search": CARE_ROLES,
    "people:create": INTAKE,
    "people:detail": CARE_ROLES,
    "people:edit": CASEWORK,
    "people:relationship_add": CASEWORK,
    "people:relationship_end": CASEWORK,
    "people:capacity_record": {Role.SOCIAL_WORKER, Role.TEAM_MANAGER},
    "cases:referral_create": INTAKE,
    "cases:referral_detail": CARE_ROLES,
    "cases:referral_allocate": {Role.TEAM_MANAGER},
    "cases:referral_request_information": {Role.TEAM_MANAGER},
    "cases:referral_return": {Role.TEAM_MANAGER},
    "cases:referral_close": {Role.TEAM_MANAGER},
    "cases:case_detail": CARE_ROLES,
    "cases:case_transition": {Role.SOCIAL_WORKER, Role.TEAM_MANAGER},
    "cases:case_reallocate": {Role.TEAM_MANAGER},
    "cases:case_note_add": CARE_ROLES,
    "cases:case_note_correct": CARE_ROLES,
    "councils:settings": {Role.SYSTEM_ADMIN, Role.TEAM_MANAGER, Role.AUDITOR},
    "councils:edit": ADMIN,
    "councils:policy_set": ADMIN,
    "audit_log:list": {Role.AUDITOR, Role.SYSTEM_ADMIN},
    "api:docs": ALL_ROLES,
    "api:schema": PUBLIC,
    "api:calculate": ALL_ROLES,
}

# Sample arguments for URLs that take them: each gives an object the role may see (if any may).
KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "queues:queue": lambda w: {"slug": "caseload"},
    "staff:edit": lambda w: {"user_id": w.user(Role.SOCIAL_WORKER).pk},
    "staff:password_link": lambda w: {"user_id": w.user(Role.SOCIAL_WORKER).pk},
    "staff:set_password": lambda w: set_password_kwargs(w.user(Role.AUDITOR)),
    "people:detail": lambda w: {"person_id": w.person.pk},
    "people:edit": lambda w: {"person_id": w.person.pk},
    "people:relationship_add": lambda w: {"person_id": w.person.pk},
    "people:relationship_end": lambda w: {"person_id": w.person.pk, "relationship_id": w.relationship.pk},
    "people:capacity_record": lambda w: {"person_id": w.person.pk},
    "cases:referral_create": lambda w: {"person_id": w.person.pk},
    "cases:referral_detail": lambda w: {"referral_id": w.referral.pk},
    "cases:referral_allocate": lambda w: {"referral_id": w.referral.pk},
    "cases:referral_request_information": lambda w: {"referral_id": w.referral.pk},
    "cases:referral_return": lambda w: {"referral_id": w.referral.pk},
    "cases:referral_close": lambda w: {"referral_id": w.referral.pk},
    "cases:case_detail": lambda w: {"case_id": w.case.pk},
    "cases:case_transition": lambda w: {"case_id": w.case.pk},
    "cases:case_reallocate": lambda w: {"case_id": w.case.pk},
    "cases:case_note_add": lambda w: {"case_id": w.case.pk},
    "cases:case_note_correct": lambda w: {"note_id": w.note.pk},
    "councils:policy_set": lambda w: {"key": "referral_triage_target_days"},
    "api:calculate": lambda w: {"kind": "surplus"},
}
# A role allowed on the page may still meet a 404 when the sample object is outside its scope.
QUEUE_SLUG_FOR_ROLE = {
    Role.SOCIAL_WORKER: "caseload",
    Role.TEAM_MANAGER: "triage",
    Role.DP_SUPPORT: "setting-up",
    Role.FINANCIAL_ASSESSOR: "financial-assessments",
    Role.PAYMENTS_OFFICER: "active",
    Role.AUDITOR: "active",
}


def _merge_app_tables() -> None:
    """Each app after the foundation keeps its own table in `dp/<app>/tests/url_policies.py`
    (`EXPECTED` and `KWARGS` dictionaries in the same shape as here)."""
    import importlib
    import importlib.util

    from django.conf import settings

    for app in settings.INSTALLED_APPS:
        if not app.startswith("dp."):
            continue
        name = f"{app}.tests.url_policies"
        if importlib.util.find_spec(f"{app}.tests") is not None and importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            EXPECTED.update(module.EXPECTED)
            KWARGS.update(getattr(module, "KWARGS", {}))


_merge_app_tables()


def set_password_kwargs(user: Any) -> dict[str, str]:
    from dp.staff.services import set_password_path

    uidb64, token = set_password_path(user).strip("/").split("/")[-2:]
    return {"uidb64": uidb64, "token": token}


def walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, ns)
        else:
            yield f"{namespace}{entry.name}", entry


def all_patterns() -> list[tuple[str, URLPattern]]:
    return list(walk(get_resolver()))


def test_every_view_declares_an_access_policy() -> None:
    missing = [
        name
        for name, pattern in all_patterns()
        if not isinstance(getattr(pattern.callback, "access_policy", None), AccessPolicy)
    ]
    assert missing == [], f"Views without an access policy: {missing}"


def test_every_url_is_in_the_expected_table() -> None:
    names = {name for name, _ in all_patterns()}
    assert names == set(EXPECTED), f"Add to or remove from EXPECTED: {sorted(names ^ set(EXPECTED))}"


@pytest.mark.parametrize(("name", "pattern"), all_patterns(), ids=[n for n, _ in all_patterns()])
def test_declared_policy_matches_expected(name: str, pattern: URLPattern) -> None:
    policy: AccessPolicy = pattern.callback.access_policy  # type: ignore[attr-defined]
    expected = EXPECTED[name]
    if expected == PUBLIC:
        assert policy.public
    else:
        assert not policy.public
        assert policy.roles == frozenset(expected)


@pytest.fixture
def world(staff):  # type: ignore[no-untyped-def]
    return build_world(staff)


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_gets_what_it_should(client, world: World, role: str) -> None:  # type: ignore[no-untyped-def]
    user = world.user(role)
    client.force_login(user)
    failures = []
    for name, _pattern in all_patterns():
        kwargs = KWARGS.get(name, lambda w: {})(world)
        if name == "queues:queue" and role in QUEUE_SLUG_FOR_ROLE:
            kwargs = {"slug": QUEUE_SLUG_FOR_ROLE[role]}
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        expected = EXPECTED[name]
        if name in ("staff:logout", "api:calculate"):
            ok = response.status_code == 405  # POST only
        elif expected == PUBLIC or role in expected:
            ok = response.status_code in (200, 302)
        else:
            ok = response.status_code == 403
        if not ok:
            failures.append(f"{name} {url}: {response.status_code}")
    assert failures == [], failures


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in(client, world: World) -> None:  # type: ignore[no-untyped-def]
    for name, _pattern in all_patterns():
        if EXPECTED[name] == PUBLIC:
            continue
        url = reverse(name, kwargs=KWARGS.get(name, lambda w: {})(world))
        response = client.get(url)
        if name == "staff:logout":
            assert response.status_code == 405
            continue
        if name == "api:calculate":
            assert response.status_code in (401, 403)  # the API never redirects to a sign-in page
            continue
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("staff:login")), name


class TestForbiddenObjectsAreNotFound:
    """Objects outside a user's scope answer 404, exactly like objects that do not exist."""

    @pytest.mark.django_db
    def test_social_worker_cannot_see_another_teams_case(self, client, world: World) -> None:  # type: ignore[no-untyped-def]
        client.force_login(world.user(Role.SOCIAL_WORKER))
        forbidden = client.get(reverse("cases:case_detail", args=[world.other_team_case.pk]))
        missing = client.get(reverse("cases:case_detail", args=[999999]))
        assert forbidden.status_code == missing.status_code == 404
        assert client.get(reverse("cases:case_transition", args=[world.other_team_case.pk])).status_code == 404

    @pytest.mark.django_db
    @pytest.mark.parametrize(
        "role", [Role.SOCIAL_WORKER, Role.DP_SUPPORT, Role.FINANCIAL_ASSESSOR, Role.PAYMENTS_OFFICER, Role.AUDITOR]
    )
    def test_restricted_person_is_hidden(self, client, world: World, role: str) -> None:  # type: ignore[no-untyped-def]
        client.force_login(world.user(role))
        assert client.get(reverse("people:detail", args=[world.restricted_person.pk])).status_code == 404
        results = client.get(reverse("people:search"), {"name": "dee"})
        assert world.restricted_person.full_name not in results.content.decode()

    @pytest.mark.django_db
    def test_restricted_person_visible_to_allocated_worker_and_manager(self, client, world: World) -> None:  # type: ignore[no-untyped-def]
        for user in (world.user("other_social_worker"), world.user(Role.TEAM_MANAGER)):
            client.force_login(user)
            assert client.get(reverse("people:detail", args=[world.restricted_person.pk])).status_code == 200

    @pytest.mark.django_db
    def test_queue_of_another_role_is_not_found(self, client, world: World) -> None:  # type: ignore[no-untyped-def]
        client.force_login(world.user(Role.SOCIAL_WORKER))
        assert client.get(reverse("queues:queue", args=["triage"])).status_code == 404

    @pytest.mark.django_db
    def test_note_on_another_teams_case_is_not_found(self, client, world: World) -> None:  # type: ignore[no-untyped-def]
        from dp.cases.tests.factories import CaseNoteFactory

        note = CaseNoteFactory(case=world.other_team_case, author=world.user("other_social_worker"))
        client.force_login(world.user(Role.SOCIAL_WORKER))
        assert client.get(reverse("cases:case_note_correct", args=[note.pk])).status_code == 404
