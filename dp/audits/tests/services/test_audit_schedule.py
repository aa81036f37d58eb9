"""The audit schedule's facts: statements up to date (the automatic evidence a light-touch audit needs), final audits
of direct payments that ended, and the set-based, paginated list agreeing with the pure `schedule_audit`."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from dp.audits import services
from dp.audits.constants import AuditStatus, Tier
from dp.audits.selectors import AuditsDue, audit_due_for, audit_schedule
from dp.audits.tests.factories import finding_on, opened_audit
from dp.councils.models import PolicyValue
from dp.monitoring.tests.factories import StatementImportFactory, TransactionFactory
from dp.payments.services import schedule_end
from dp.payments.tests.factories import BacsOriginatorFactory, SignedScheduleFactory, calculated_run

pytestmark = pytest.mark.django_db


def _paid(schedules, staff) -> None:  # type: ignore[no-untyped-def]
    """A run paying the schedules' first periods (all start on the same day)."""
    BacsOriginatorFactory()
    start_on = schedules[0].start_on
    before = dt.datetime.combine(start_on - dt.timedelta(days=3), dt.time(10), tzinfo=dt.UTC)
    with time_machine.travel(before, tick=False):
        calculated_run(created_by=staff["payments_officer"], pay_on=start_on)


def _set(council, key: str, value: int) -> None:  # type: ignore[no-untyped-def]
    PolicyValue.objects.create(
        council=council, key=key, value=value, effective_from=dt.date(2020, 1, 1), set_at=timezone.now(), reason="t"
    )


class TestStatementsUpToDate:
    def test_no_statements_means_a_full_audit(self, schedule, staff) -> None:  # type: ignore[no-untyped-def]
        _paid([schedule], staff)
        (due,) = audit_schedule(today=timezone.localdate())
        assert due.due.tier == Tier.FULL
        assert "there are no up-to-date statements to check automatically" in due.due.reasons[-1]

    def test_a_recent_transaction_allows_light_touch_and_an_old_one_does_not(self, schedule, staff) -> None:  # type: ignore[no-untyped-def]
        _paid([schedule], staff)
        today = timezone.localdate()
        line = TransactionFactory(account=schedule.account, posted_on=today - dt.timedelta(days=45))
        assert audit_due_for(schedule, today=today).tier == Tier.LIGHT_TOUCH  # the default: 45 days
        line.posted_on = today - dt.timedelta(days=46)
        line.save(update_fields=["posted_on"])
        assert audit_due_for(schedule, today=today).tier == Tier.FULL

    def test_the_council_sets_how_old_they_may_be(self, schedule, staff, policies) -> None:  # type: ignore[no-untyped-def]
        _paid([schedule], staff)
        today = timezone.localdate()
        TransactionFactory(account=schedule.account, posted_on=today - dt.timedelta(days=20))
        _set(policies, "audit_statement_max_age_days", 14)
        assert audit_due_for(schedule, today=today).tier == Tier.FULL

    def test_an_imported_statement_with_no_lines_still_covers_its_period(self, schedule, staff) -> None:  # type: ignore[no-untyped-def]
        _paid([schedule], staff)
        today = timezone.localdate()
        StatementImportFactory(account=schedule.account, status="done", last_posted_on=today - dt.timedelta(days=2))
        StatementImportFactory(account=schedule.account, status="failed", last_posted_on=today)
        assert audit_due_for(schedule, today=today).tier == Tier.LIGHT_TOUCH

    def test_another_accounts_statements_do_not_count(self, schedule, staff) -> None:  # type: ignore[no-untyped-def]
        _paid([schedule], staff)
        TransactionFactory(posted_on=timezone.localdate())
        assert audit_due_for(schedule, today=timezone.localdate()).tier == Tier.FULL


class TestFinalAudit:
    def test_an_ended_direct_payment_gets_a_final_audit(self, schedule, staff, auditor) -> None:  # type: ignore[no-untyped-def]
        _paid([schedule], staff)
        today = timezone.localdate()
        schedule_end(actor=staff["social_worker"], schedule=schedule, last_day_on=today, reason="Moved away")
        (due,) = audit_schedule(today=today)
        assert due.schedule == schedule
        assert due.due.due_on == today + dt.timedelta(days=56)
        assert due.due.reasons[0].startswith("Final audit: the direct payment ended on")
        audit = services.audit_open_from_schedule(actor=auditor, schedule=schedule)
        services.audit_record_outcome(actor=auditor, audit=audit, outcome=AuditStatus.NO_ACTION, notes="All spent")
        assert audit_schedule(today=today) == []
        assert audit_due_for(schedule, today=today).due_on is None

    def test_the_councils_period_and_an_open_finding_bring_it_forward(self, schedule, staff, policies) -> None:  # type: ignore[no-untyped-def]
        _paid([schedule], staff)
        today = timezone.localdate()
        schedule_end(actor=staff["social_worker"], schedule=schedule, last_day_on=today, reason="Moved away")
        _set(policies, "audit_final_days", 30)
        (due,) = audit_schedule(today=today)
        assert due.due.due_on == today + dt.timedelta(days=30)
        finding_on(schedule, on=today - dt.timedelta(days=10))
        (due,) = audit_schedule(today=today)
        assert due.due.due_on == today + dt.timedelta(days=18)  # 28 days after the finding

    def test_not_when_the_person_has_a_direct_payment_running(self, schedule, staff) -> None:  # type: ignore[no-untyped-def]
        _paid([schedule], staff)
        today = timezone.localdate()
        schedule_end(actor=staff["social_worker"], schedule=schedule, last_day_on=today, reason="New agreement")
        SignedScheduleFactory(
            worker=staff["social_worker"], case=schedule.case, person=schedule.person, account=schedule.account
        )
        assert [d.schedule for d in audit_schedule(today=today)] == []  # the new one is not paid yet


class TestTheListInTheDatabase:
    def test_sorted_and_paginated_as_the_pure_rules_say(self, policies, staff, auditor) -> None:  # type: ignore[no-untyped-def]
        schedules = [SignedScheduleFactory(worker=staff["social_worker"]) for _ in range(5)]
        _paid(schedules, staff)
        today = timezone.localdate()
        finding_on(schedules[1], on=today - dt.timedelta(days=40))  # brought forward, overdue
        finding_on(schedules[2], on=today - dt.timedelta(days=5), severity="low", code="DP-CASH-NO-RECEIPT")
        audit = opened_audit(schedules[3], by=auditor)
        services.audit_record_outcome(actor=auditor, audit=audit, outcome=AuditStatus.NO_ACTION, notes="Fine")
        schedule_end(actor=staff["social_worker"], schedule=schedules[4], last_day_on=today, reason="Died")
        due = AuditsDue(today=today)
        assert due.count() == 5
        listed = due[0:5]
        dates = [d.due.due_on for d in listed]
        assert dates == sorted(dates)  # type: ignore[type-var]
        for item in listed:  # the database's date is the pure rule's
            assert item.due.due_on == audit_due_for(item.schedule, today=today).due_on
        assert listed[0].schedule == schedules[1]
        assert listed[-1].schedule == schedules[3]  # a year after its audit
        assert [d.schedule for d in due[1:3]] == [d.schedule for d in listed[1:3]]

    def test_the_databases_dates_are_the_pure_rules_dates(self, policies, staff, auditor) -> None:  # type: ignore[no-untyped-def]
        """Every case of `schedule_audit` (first check, yearly and monthly from the last audit with month ends, brought
        forward, final audits, audited since the end), worked out by the SQL and by the pure function."""
        from django.db import connection

        from dp.audits.models import AuditCase

        PolicyValue.objects.filter(key="audit_interval_months").update(value=1)  # month ends matter monthly
        schedules = [SignedScheduleFactory(worker=staff["social_worker"]) for _ in range(7)]
        _paid(schedules, staff)
        today = timezone.localdate()
        for i, finished_on in ((1, dt.date(2024, 1, 31)), (2, dt.date(2023, 12, 31)), (3, dt.date(2024, 2, 29))):
            audit = opened_audit(schedules[i], by=auditor, finding=finding_on(schedules[i], ref=f"transaction:{i}"))
            services.audit_record_outcome(actor=auditor, audit=audit, outcome=AuditStatus.NO_ACTION, notes="Fine")
            AuditCase.objects.filter(pk=audit.pk).update(finished_on=finished_on)
        finding_on(schedules[3], ref="transaction:late", on=dt.date(2024, 3, 10))  # later than due: no change
        schedule_end(actor=staff["social_worker"], schedule=schedules[4], last_day_on=today, reason="Ended")
        schedule_end(actor=staff["social_worker"], schedule=schedules[5], last_day_on=today, reason="Ended")
        audit = opened_audit(schedules[5], by=auditor, finding=finding_on(schedules[5], ref="transaction:5"))
        services.audit_record_outcome(actor=auditor, audit=audit, outcome=AuditStatus.NO_ACTION, notes="Fine")
        due = AuditsDue(today=today)
        with connection.cursor() as cursor:
            cursor.execute(due.sql + "SELECT id, due_on FROM due", due.params)
            in_sql = dict(cursor.fetchall())
        pure = {s.pk: audit_due_for(s, today=today).due_on for s in schedules}
        assert in_sql == pure
        assert pure[schedules[1].pk] == dt.date(2024, 2, 29)
        assert pure[schedules[2].pk] == dt.date(2024, 1, 31)
        assert pure[schedules[3].pk] == dt.date(2024, 3, 29)
        assert pure[schedules[5].pk] is None
        assert due.count() == 6

    def test_a_page_and_the_total_together(self, policies, staff) -> None:  # type: ignore[no-untyped-def]
        schedules = [SignedScheduleFactory(worker=staff["social_worker"]) for _ in range(3)]
        _paid(schedules, staff)
        due = AuditsDue(today=timezone.localdate())
        page = due.get_page(2, per_page=2)
        assert (page.number, page.paginator.count, len(page.object_list)) == (2, 3, 1)
        assert AuditsDue(today=timezone.localdate()).get_page("x", per_page=2).number == 1
        assert AuditsDue(today=timezone.localdate()).get_page(99, per_page=2).number == 2  # the last page
        nobody = AuditsDue(today=timezone.localdate(), user=staff["system_admin"])  # may open no one
        assert nobody.get_page(1).paginator.count == 0
        assert nobody[0:5] == []

    def test_only_people_the_user_may_open(self, schedule, staff) -> None:  # type: ignore[no-untyped-def]
        _paid([schedule], staff)
        schedule.person.is_restricted = True
        schedule.person.save(update_fields=["is_restricted"])
        assert AuditsDue(today=timezone.localdate(), user=staff["dp_support"]).count() == 0
        assert AuditsDue(today=timezone.localdate(), user=staff["team_manager"]).count() == 1
