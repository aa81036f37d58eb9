"""Fixtures for the audits tests: the council's payment and audit policy and a signed schedule with payments."""

from __future__ import annotations

import pytest

from dp.audits.tests.factories import set_audit_policy
from dp.payments.tests.factories import SignedScheduleFactory, set_payment_policy


@pytest.fixture
def policies(council):  # type: ignore[no-untyped-def]
    set_payment_policy(council)
    set_audit_policy(council)
    return council


@pytest.fixture
def schedule(policies, staff):  # type: ignore[no-untyped-def]
    return SignedScheduleFactory(worker=staff["social_worker"])


@pytest.fixture
def auditor(staff):  # type: ignore[no-untyped-def]
    return staff["auditor"]


@pytest.fixture
def manager(staff):  # type: ignore[no-untyped-def]
    return staff["team_manager"]
