from __future__ import annotations

import pytest

from dp.cases.constants import CaseStatus
from dp.cases.tests.factories import AllocatedCaseFactory
from dp.payments.tests.factories import set_payment_policy
from dp.plans.tests.factories import ApprovedSupportPlanFactory, PersonalBudgetFactory
from dp.staff.roles import Role


@pytest.fixture
def agreement_case(staff, council):  # type: ignore[no-untyped-def]
    """A case waiting for its agreement: an approved plan and a budget of £150 a week (£120 direct payment)."""
    set_payment_policy(council)  # the agreement states its amounts for the council's payment cycle
    case = AllocatedCaseFactory(worker=staff[Role.SOCIAL_WORKER], status=CaseStatus.AGREEMENT)
    plan = ApprovedSupportPlanFactory(case=case, approved_by=staff[Role.TEAM_MANAGER])
    PersonalBudgetFactory(case=case, plan=plan)
    return case
