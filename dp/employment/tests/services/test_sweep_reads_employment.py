"""The nightly sweep reads PAs' pay records (minimum wage) and money owed (surplus) from the employment tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dp.audits.sweep import evaluate_range
from dp.audits.tests.factories import THRESHOLDS, set_audit_policy
from dp.councils.models import PolicyValue
from dp.employment import services
from dp.employment.tests.factories import commitment, pa_on_plan, pay_record
from dp.payments.tests.factories import SignedScheduleFactory, set_payment_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def thresholds(council):  # type: ignore[no-untyped-def]
    set_payment_policy(council)
    set_audit_policy(council)
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                council=council,
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
def schedule(thresholds, staff):  # type: ignore[no-untyped-def]
    """A net schedule of £300 a week less £50 contribution: £250 a week paid, so 8 weeks is £2,000."""
    return SignedScheduleFactory(worker=staff["social_worker"])


def findings(schedule, thresholds, code: str):  # type: ignore[no-untyped-def]
    account = schedule.account
    found, _ = evaluate_range(as_of=timezone.localdate(), thresholds=thresholds, lo=account.pk, hi=account.pk + 1)
    return [f for f in found if f.code == code]


def balance(account, pence: int) -> None:  # type: ignore[no-untyped-def]
    from dp.monitoring.models import StatementReconciliation
    from dp.monitoring.tests.factories import StatementImportFactory

    StatementReconciliation.objects.create(
        statement_import=StatementImportFactory(),
        account=account,
        balance_on=timezone.localdate() - dt.timedelta(days=5),
        statement_balance_pence=pence,
        ledger_balance_pence=pence,
        difference_pence=0,
    )


class TestMinimumWage:
    def test_pay_below_the_minimum_wage_is_found_from_the_pay_record(self, schedule, thresholds) -> None:  # type: ignore[no-untyped-def]
        payee = pa_on_plan(schedule.case)
        low = pay_record(schedule.account, payee, days_ago=30, hours_worked=Decimal(40), gross_pay_pence=40000)
        pay_record(schedule.account, payee, days_ago=60, hours_worked=Decimal(40), gross_pay_pence=60000)
        (finding,) = findings(schedule, thresholds, "DP-PA-BELOW-MIN-WAGE")
        assert [item["ref"] for item in finding.evidence] == [f"pa_pay:{low.pk}"]
        rate = thresholds.minimum_wage_on(low.worked_on).national_living_wage_pence
        assert finding.amount_pence == 40 * rate - 40000
        assert "Jo Bloggs was paid £400.00 for 40 hours" in finding.explanation

    def test_fair_pay_withdrawn_records_and_pay_outside_the_window_are_not(self, schedule, thresholds, staff) -> None:  # type: ignore[no-untyped-def]
        payee = pa_on_plan(schedule.case)
        pay_record(schedule.account, payee, days_ago=30, hours_worked=Decimal(40), gross_pay_pence=60000)
        pay_record(schedule.account, payee, days_ago=400, hours_worked=Decimal(40), gross_pay_pence=100)
        wrong = pay_record(schedule.account, payee, days_ago=90, hours_worked=Decimal(40), gross_pay_pence=100)
        services.pay_record_withdraw(actor=staff["payments_officer"], record=wrong, reason="Wrong PA")
        assert findings(schedule, thresholds, "DP-PA-BELOW-MIN-WAGE") == []

    def test_a_young_pa_is_judged_on_their_age_rate(self, schedule, thresholds) -> None:  # type: ignore[no-untyped-def]
        payee = pa_on_plan(schedule.case)
        record = pay_record(schedule.account, payee, days_ago=30, hours_worked=Decimal(10), gross_pay_pence=0)
        rates = thresholds.minimum_wage_on(record.worked_on)
        record.pa_date_of_birth = record.worked_on.replace(year=record.worked_on.year - 19)
        record.gross_pay_pence = 10 * rates.age_18_to_20_pence  # the 18 to 20 rate: fair at 19, not at 21 and over
        record.save()
        assert findings(schedule, thresholds, "DP-PA-BELOW-MIN-WAGE") == []
        record.pa_date_of_birth = record.worked_on.replace(year=record.worked_on.year - 30)
        record.save()
        assert len(findings(schedule, thresholds, "DP-PA-BELOW-MIN-WAGE")) == 1


class TestSurplusLessMoneyOwed:
    def test_open_commitments_reduce_the_surplus(self, schedule, thresholds, staff) -> None:  # type: ignore[no-untyped-def]
        balance(schedule.account, 900000)
        (before,) = findings(schedule, thresholds, "DP-SURPLUS")
        assert before.amount_pence == 900000 - 8 * 25000
        commitment(schedule.account, amount_pence=650000)
        paid = commitment(schedule.account, amount_pence=30000, recorded_days_ago=20)
        services.commitment_settle(
            actor=staff["payments_officer"], commitment=paid, settled_on=timezone.localdate() - dt.timedelta(days=1)
        )
        commitment(schedule.account, amount_pence=99999, recorded_days_ago=-3)  # recorded after the day swept
        (after,) = findings(schedule, thresholds, "DP-SURPLUS")
        assert after.amount_pence == 900000 - 650000 - 8 * 25000
        assert "less £6,500.00 already owed" in after.explanation

    def test_enough_owed_means_no_surplus(self, schedule, thresholds) -> None:  # type: ignore[no-untyped-def]
        balance(schedule.account, 900000)
        commitment(schedule.account, amount_pence=700000)
        assert findings(schedule, thresholds, "DP-SURPLUS") == []


def test_without_minimum_wage_rates_the_check_says_it_cannot_run(schedule, thresholds) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    pay_record(schedule.account, pa_on_plan(schedule.case), days_ago=30, gross_pay_pence=100)
    account = schedule.account
    found, result = evaluate_range(
        as_of=timezone.localdate(),
        thresholds=dataclasses.replace(thresholds, minimum_wage_rates=()),
        lo=account.pk,
        hi=account.pk + 1,
    )
    assert "DP-PA-BELOW-MIN-WAGE" not in {f.code for f in found}
    assert "minimum wage" in result.skipped["DP-PA-BELOW-MIN-WAGE"]
