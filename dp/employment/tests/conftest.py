"""Fixtures: a person with an active case, a card account and a Personal Assistant on their support plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from dp.employment.tests.factories import pa_on_plan
from dp.payments.tests.factories import PrepaidCardAccountFactory


@dataclass
class Employer:
    case: Any
    account: Any
    payee: Any


@pytest.fixture
def employer(staff) -> Employer:  # type: ignore[no-untyped-def]
    from dp.cases.tests.factories import ActiveCaseFactory

    case = ActiveCaseFactory(worker=staff["social_worker"])
    account = PrepaidCardAccountFactory(person=case.person)
    return Employer(case, account, pa_on_plan(case))


@pytest.fixture
def officer(staff):  # type: ignore[no-untyped-def]
    return staff["payments_officer"]
