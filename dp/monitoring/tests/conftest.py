"""Fixtures for the monitoring tests: accounts whose references the synthetic statement files use."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dp.cases.tests.factories import ActiveCaseFactory
from dp.monitoring.models import ColumnMappingProfile
from dp.monitoring.services import column_mapping_save
from dp.monitoring.tests.domain.statement_files import HERON_MAPPING
from dp.payments.models import DirectPaymentAccount
from dp.payments.tests.factories import BankAccountFactory, PrepaidCardAccountFactory
from dp.plans.models import PlanLine
from dp.plans.tests.factories import ApprovedSupportPlanFactory
from dp.staff.roles import Role


@dataclass
class StatementAccounts:
    card: DirectPaymentAccount  # CARD-0001, our card CSV
    heron: DirectPaymentAccount  # HCS-1, the Heron provider's CSV
    bank: DirectPaymentAccount  # 40-12-34 12345678: bank CSV, OFX, MT940
    iban: DirectPaymentAccount  # GB33BUKB20201555555555: CAMT.053
    heron_mapping: ColumnMappingProfile


@pytest.fixture
def accounts(db, staff) -> StatementAccounts:  # type: ignore[no-untyped-def]
    return StatementAccounts(
        card=PrepaidCardAccountFactory(card_account_reference="CARD-0001"),
        heron=PrepaidCardAccountFactory(card_account_reference="HCS-1", provider="Heron Card Services"),
        bank=BankAccountFactory(sort_code="401234", account_number="12345678"),
        iban=BankAccountFactory(sort_code="202015", account_number="55555555"),
        heron_mapping=column_mapping_save(
            actor=staff["payments_officer"], provider="Heron Card Services", mapping=HERON_MAPPING.to_json()
        ),
    )


@pytest.fixture
def account(db, staff) -> DirectPaymentAccount:  # type: ignore[no-untyped-def]
    """A card account for someone whose approved plan has a Personal Assistant line paid by direct payment
    (`pa_line`); a test module may define its own `account`."""
    case = ActiveCaseFactory(worker=staff[Role.SOCIAL_WORKER])
    ApprovedSupportPlanFactory(case=case, approved_by=staff[Role.TEAM_MANAGER])
    return PrepaidCardAccountFactory(person=case.person)


@pytest.fixture
def pa_line(account) -> PlanLine:  # type: ignore[no-untyped-def]
    """The Personal Assistant line of `account`'s person's plan."""
    return PlanLine.objects.get(plan__case__person=account.person)
