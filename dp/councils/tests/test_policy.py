from __future__ import annotations

import datetime as dt

import pytest

from dp.audit_log.models import Event, EventType
from dp.core.errors import PolicyMissing, ValidationFailed
from dp.councils.domain.policy import REGISTRY, PolicyParameter, Registry, value_on
from dp.councils.selectors import policy_value_get
from dp.councils.services import council_update, parse_districts, policy_value_set
from dp.staff.roles import Role


class TestValueOn:
    def test_latest_started_value(self) -> None:
        values = [(dt.date(2024, 4, 1), 8), (dt.date(2025, 4, 1), 12), (dt.date(2026, 4, 1), 10)]
        assert value_on(values, dt.date(2024, 3, 31)) is None
        assert value_on(values, dt.date(2024, 4, 1)) == 8
        assert value_on(values, dt.date(2025, 4, 1)) == 12
        assert value_on(values, dt.date(2030, 1, 1)) == 10


class TestParameters:
    def test_checks_kinds(self) -> None:
        p = PolicyParameter(key="k", label="Weeks", kind="int", help="", minimum=1, maximum=10)
        assert p.check(5) is None
        assert p.check(0) == "Weeks must be 1 or more"
        assert p.check(11) == "Weeks must be 10 or less"
        assert p.check("5") == "Enter a whole number"
        assert p.check(True) == "Enter a whole number"
        assert PolicyParameter(key="b", label="B", kind="bool", help="").check("yes") == "Choose yes or no"
        c = PolicyParameter(key="c", label="C", kind="choice", help="", choices=(("a", "A"),))
        assert c.check("a") is None
        assert c.check("b") is not None

    def test_registry_refuses_conflicting_definitions(self) -> None:
        registry = Registry()
        registry.register(PolicyParameter(key="k", label="K", kind="int", help=""))
        registry.register(PolicyParameter(key="k", label="K", kind="int", help=""))
        with pytest.raises(ValueError):
            registry.register(PolicyParameter(key="k", label="Other", kind="int", help=""))

    def test_apps_registered_theirs(self) -> None:
        assert "referral_triage_target_days" in REGISTRY.parameters


@pytest.mark.django_db
class TestPolicyValueSet:
    def test_effective_dated(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        admin = staff[Role.SYSTEM_ADMIN]
        policy_value_set(
            actor=admin,
            council=council,
            key="referral_triage_target_days",
            value=3,
            effective_from=dt.date(2030, 4, 1),
            reason="New standard",
        )
        assert policy_value_get("referral_triage_target_days", on=dt.date(2030, 3, 31)) == 5
        assert policy_value_get("referral_triage_target_days", on=dt.date(2030, 4, 1)) == 3
        assert Event.objects.filter(event_type=EventType.POLICY_VALUE_SET).count() == 1

    def test_refusals(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        admin = staff[Role.SYSTEM_ADMIN]
        with pytest.raises(ValidationFailed):
            policy_value_set(
                actor=admin,
                council=council,
                key="referral_triage_target_days",
                value=0,
                effective_from=dt.date(2030, 4, 1),
                reason="x",
            )
        with pytest.raises(ValidationFailed):
            policy_value_set(
                actor=admin,
                council=council,
                key="referral_triage_target_days",
                value=3,
                effective_from=dt.date(2030, 4, 1),
                reason=" ",
            )
        with pytest.raises(ValidationFailed):
            policy_value_set(
                actor=admin,
                council=council,
                key="referral_triage_target_days",
                value=3,
                effective_from=dt.date(2020, 1, 1),
                reason="same date as the existing value",
            )

    def test_missing_value_is_an_error(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PolicyMissing):
            policy_value_get("referral_triage_target_days", on=dt.date(2000, 1, 1))


@pytest.mark.django_db
class TestCouncilUpdate:
    def test_districts(self, staff, council) -> None:  # type: ignore[no-untyped-def]
        assert parse_districts("st1, st2 ST1") == ["ST1", "ST2"]
        with pytest.raises(ValidationFailed):
            parse_districts("ST1 12")
        council_update(actor=staff[Role.SYSTEM_ADMIN], council=council, districts=["NM2", "NM3"], name="New name")
        council.refresh_from_db()
        assert council.name == "New name"
        assert sorted(council.districts.values_list("district", flat=True)) == ["NM2", "NM3"]
        event = Event.objects.get(event_type=EventType.COUNCIL_UPDATED)
        assert event.data["before"]["districts"] == ["NM1", "NM2"]
