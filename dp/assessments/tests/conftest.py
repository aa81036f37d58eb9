"""Fixtures for the assessments tests: a case in each useful state."""

from __future__ import annotations

import pytest

from dp.cases.constants import CaseStatus
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.staff.roles import Role


@pytest.fixture
def case(staff, council):  # type: ignore[no-untyped-def]
    """An adult's case waiting for its needs assessment (the person is 65 in 2025 and lives in the area)."""
    return AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], status=CaseStatus.NEEDS_ASSESSMENT)


@pytest.fixture
def finance_case(staff, council):  # type: ignore[no-untyped-def]
    return AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], status=CaseStatus.FINANCIAL_ASSESSMENT)
