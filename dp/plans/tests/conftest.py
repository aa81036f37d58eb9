from __future__ import annotations

import pytest

from dp.cases.constants import CaseStatus
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.plans.tests.factories import IndicativeBudgetFactory, PublishedRasSchemeFactory
from dp.staff.roles import Role


@pytest.fixture
def scheme(staff):  # type: ignore[no-untyped-def]
    return PublishedRasSchemeFactory(created_by=staff[Role.SYSTEM_ADMIN])


@pytest.fixture
def planning_case(staff, council, scheme):  # type: ignore[no-untyped-def]
    """A case in support planning, with an indicative budget of £150.00 a week."""
    case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], status=CaseStatus.SUPPORT_PLANNING)
    IndicativeBudgetFactory(case=case, scheme=scheme)
    return case
