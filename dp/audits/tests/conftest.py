"""Fixtures for the audits tests: the council's payment and audit policy and a signed schedule with payments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dp.audits.tests.factories import THRESHOLDS, set_audit_policy, spend
from dp.councils.models import PolicyValue
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


@pytest.fixture
def thresholds(policies):  # type: ignore[no-untyped-def]
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                council=policies,
                key=key,
                value=value,
                effective_from=dt.date(2020, 1, 1),
                set_at=timezone.now(),
                reason="Test policy",
            )
            for key, value in THRESHOLDS.items()
        ]
    )
    from dp.audits.selectors import monitoring_thresholds

    return monitoring_thresholds(timezone.localdate())


@pytest.fixture
def busy_account(schedule):  # type: ignore[no-untyped-def]
    """A year of ordinary spending with some of everything the rules look for."""
    from dp.monitoring.models import StatementReconciliation
    from dp.monitoring.tests.factories import StatementImportFactory

    spend.imported = StatementImportFactory()  # type: ignore[attr-defined]
    account = schedule.account
    known = {"status": "plan_line", "category": "personal_assistant", "payee_ref": "plan-payee:1"}
    for week in range(2, 50):
        spend(account, week * 7, -12000, "Jo Bloggs wages", merchant_category_code="", **known)
    spend(account, 30, -4500, "Lucky Bet", category="gambling", merchant_category_code="7995")
    spend(account, 100, -2000, "The Red Lion", category="alcohol", merchant_category_code="5813")
    for days_ago in (40, 45, 50):
        spend(account, days_ago, -5000, "ATM", status="cash", category="cash_withdrawal", merchant_category_code="6011")
    spend(account, 20, -7500, "A N Other", merchant_category_code="")
    spend(account, 60, -3300, "Mobility Shop", category="equipment", status="plan_line", merchant_category_code="5047")
    spend(account, 61, -3300, "Mobility Shop", category="equipment", status="plan_line", merchant_category_code="5047")
    spend(account, 10, -150, "Bank charge", category="bank_charges", merchant_category_code="")
    spend(account, 5, 100000, "Council payment", status="money_in", category="money_in", balance_pence=900000)
    StatementReconciliation.objects.create(
        statement_import=spend.imported,  # type: ignore[attr-defined]
        account=account,
        balance_on=timezone.localdate() - dt.timedelta(days=5),
        statement_balance_pence=900000,
        ledger_balance_pence=900000,
        difference_pence=0,
    )
    return account
