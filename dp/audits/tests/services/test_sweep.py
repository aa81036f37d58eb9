"""The monitoring sweep: the SQL-narrowed evaluation gives exactly the rules' findings on the whole window, writes
only new findings, never raises the same evidence twice, and keeps a dismissed finding dismissed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from dp.audits import services
from dp.audits.constants import FindingStatus
from dp.audits.models import Finding
from dp.audits.sweep import WINDOW_DAYS, _transaction, evaluate_range
from dp.audits.tests.factories import spend
from dp.core.errors import PolicyMissing
from dp.monitoring.domain.rules import AccountFacts, evaluate_all
from dp.monitoring.tests.factories import StatementImportFactory
from dp.payments.models import Payment
from dp.payments.tests.factories import calculated_run

pytestmark = pytest.mark.django_db


def full_facts(account, schedule, thresholds) -> AccountFacts:  # type: ignore[no-untyped-def]
    """Every transaction in the window, as the rules would see them without the sweep's narrowing."""
    as_of = timezone.localdate()
    start = as_of - dt.timedelta(days=WINDOW_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id, t.account_id, t.posted_on, t.amount_pence, t.merchant, t.description, "
            "t.merchant_category_code, t.category, t.status, t.plan_line_id, t.payee_ref, false "
            "FROM monitoring_transaction t WHERE account_id = %s AND posted_on >= %s AND posted_on <= %s",
            [account.pk, start, as_of],
        )
        rows = [_transaction(r) for r in cursor.fetchall()]
    first = Payment.objects.filter(schedule=schedule, cancelled=False, amount_pence__gt=0).order_by("pay_on").first()
    return AccountFacts(
        account_id=str(account.pk),
        as_of=as_of,
        period_start=start,
        period_end=as_of + dt.timedelta(days=1),
        balance_pence=900000,
        balance_on=as_of - dt.timedelta(days=5),
        weekly_payment_pence=25000,
        first_payment_on=first.pay_on if first else None,
        transactions=tuple(sorted(rows, key=lambda t: (t.posted_on, int(t.id)))),
        weekly_contribution_pence=5000,
    )


class TestExactlyTheRulesFindings:
    def test_the_narrowed_evaluation_matches_the_whole_window(self, busy_account, schedule, thresholds) -> None:  # type: ignore[no-untyped-def]
        found, result = evaluate_range(
            as_of=timezone.localdate(), thresholds=thresholds, lo=busy_account.pk, hi=busy_account.pk + 1
        )
        expected = evaluate_all(full_facts(busy_account, schedule, thresholds), thresholds).findings
        assert result.evaluated == 1
        assert sorted((f.code, f.evidence_key) for f in found) == sorted((f.code, f.evidence_key) for f in expected)
        assert {f.code for f in found} >= {
            "DP-PROHIBITED-SPEND",
            "DP-CASH-WITHDRAWAL",
            "DP-CASH-NO-RECEIPT",
            "DP-UNKNOWN-PAYEE",
            "DP-DUPLICATE-PAYMENT",
            "DP-SURPLUS",
        }

    def test_a_quiet_account_is_not_looked_at(self, schedule, thresholds) -> None:  # type: ignore[no-untyped-def]
        spend.imported = StatementImportFactory()  # type: ignore[attr-defined]
        spend(schedule.account, 3, -12000, "Jo Bloggs wages", status="plan_line", category="personal_assistant")
        found, result = evaluate_range(
            as_of=timezone.localdate(), thresholds=thresholds, lo=schedule.account.pk, hi=schedule.account.pk + 1
        )
        assert (found, result.accounts, result.evaluated) == ([], 1, 0)

    def test_no_spending_after_the_first_payment(self, schedule, thresholds, staff) -> None:  # type: ignore[no-untyped-def]
        from dp.payments.tests.factories import BacsOriginatorFactory

        BacsOriginatorFactory()
        before = dt.datetime.combine(schedule.start_on - dt.timedelta(days=3), dt.time(10), tzinfo=dt.UTC)
        with time_machine.travel(before, tick=False):
            run = calculated_run(created_by=staff["payments_officer"], pay_on=schedule.start_on)
        assert Payment.objects.filter(run=run, schedule=schedule).exists()
        as_of = schedule.start_on + dt.timedelta(weeks=9)
        found, _ = evaluate_range(
            as_of=as_of, thresholds=thresholds, lo=schedule.account.pk, hi=schedule.account.pk + 1
        )
        assert [f.code for f in found] == ["DP-NO-SPEND"]


class TestSweepService:
    def test_writes_new_findings_once_and_respects_dismissal(self, busy_account, thresholds, auditor) -> None:  # type: ignore[no-untyped-def]
        first = services.monitoring_sweep(actor=auditor, as_of=timezone.localdate())
        assert first.raised == Finding.objects.count() > 0
        again = services.monitoring_sweep(actor=auditor, as_of=timezone.localdate())
        assert again.raised == 0
        gambling = Finding.objects.get(code="DP-PROHIBITED-SPEND")
        services.finding_dismiss(actor=auditor, finding=gambling, reason="Agreed at review")
        services.monitoring_sweep(actor=auditor, as_of=timezone.localdate())
        gambling.refresh_from_db()
        assert gambling.status == FindingStatus.DISMISSED
        assert Finding.objects.filter(code="DP-PROHIBITED-SPEND").count() == 1
        spend(busy_account, 2, -1000, "Lucky Bet", category="gambling", merchant_category_code="7995")
        assert services.monitoring_sweep(actor=auditor, as_of=timezone.localdate()).raised >= 1
        assert Finding.objects.filter(code="DP-PROHIBITED-SPEND", status=FindingStatus.OPEN).count() == 1

    def test_refuses_without_thresholds(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PolicyMissing):
            services.monitoring_sweep(actor=auditor, as_of=timezone.localdate())

    def test_the_command(self, busy_account, thresholds) -> None:  # type: ignore[no-untyped-def]
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("monitoring_sweep", stdout=out)
        assert "new findings" in out.getvalue()
        assert Finding.objects.exists()


class TestAnEndedDirectPayment:
    def test_its_unspent_money_is_a_surplus_less_what_was_already_raised(self, schedule, thresholds) -> None:  # type: ignore[no-untyped-def]
        """RULES.md DP-TERM-03, DP-REP-01: after the end nothing more is paid, so nothing beyond money already owed may
        be kept; the advance `schedule_end` already raised as a recovery is not asked for twice."""
        from dp.ledger.services import journal_post
        from dp.monitoring.models import StatementReconciliation
        from dp.payments.constants import ScheduleStatus
        from dp.payments.domain.ledger import build_recovery_raised

        today = timezone.localdate()
        StatementReconciliation.objects.create(
            statement_import=StatementImportFactory(),
            account=schedule.account,
            balance_on=today - dt.timedelta(days=5),
            statement_balance_pence=50000,
            ledger_balance_pence=50000,
            difference_pence=0,
        )
        schedule.status = ScheduleStatus.ENDED
        schedule.ended_on = today - dt.timedelta(days=30)
        schedule.save(update_fields=["status", "ended_on"])
        journal_post(
            draft=build_recovery_raised(person=schedule.person_id, amount_pence=10000),
            posted_on=schedule.ended_on,
            source="test",
            idempotency_key="test-end-advance",
            actor=None,
        )
        findings, result = evaluate_range(as_of=today, thresholds=thresholds)
        assert result.accounts == 1
        (surplus,) = [f for f in findings if f.code == "DP-SURPLUS"]
        assert surplus.amount_pence == 40000
        assert surplus.explanation.startswith(f"The direct payment ended on {schedule.ended_on.day} ")
        assert "£100.00 already owed" in surplus.explanation
        assert not [f for f in findings if f.code == "DP-NO-SPEND"]

    def test_one_that_ended_before_the_window_is_not_looked_at(self, schedule, thresholds) -> None:  # type: ignore[no-untyped-def]
        from dp.payments.constants import ScheduleStatus

        schedule.status = ScheduleStatus.ENDED
        schedule.ended_on = timezone.localdate() - dt.timedelta(days=WINDOW_DAYS + 1)
        schedule.save(update_fields=["status", "ended_on"])
        assert evaluate_range(as_of=timezone.localdate(), thresholds=thresholds)[1].accounts == 0
