"""The audit workflow: opened from a finding or the schedule, information requested and received, outcomes."""

from __future__ import annotations

import pytest
from django.utils import timezone

from dp.audit_log.models import Event
from dp.audits import selectors, services
from dp.audits.constants import AuditEventType, AuditSource, AuditStatus, FindingStatus, Tier
from dp.audits.models import AuditStep, Finding
from dp.audits.tests.factories import finding_on, opened_audit, received_audit
from dp.cases.models import CaseNote
from dp.core.errors import TransitionNotAllowed, ValidationFailed
from dp.payments.constants import ScheduleStatus

pytestmark = pytest.mark.django_db


class TestFindings:
    def test_the_same_evidence_never_raises_twice(self, schedule) -> None:  # type: ignore[no-untyped-def]
        from django.db import IntegrityError, transaction

        finding_on(schedule)
        with pytest.raises(IntegrityError), transaction.atomic():
            finding_on(schedule)

    def test_dismiss_needs_a_reason_and_records_who(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        finding = finding_on(schedule)
        with pytest.raises(ValidationFailed):
            services.finding_dismiss(actor=auditor, finding=finding, reason=" ")
        finding = services.finding_dismiss(actor=auditor, finding=finding, reason="Agreed at the review")
        assert finding.status == FindingStatus.DISMISSED
        assert finding.dismissed_by == auditor
        assert Event.objects.filter(event_type=AuditEventType.FINDING_DISMISSED, subject_id=finding.pk).exists()


class TestOpening:
    def test_from_a_finding_takes_in_the_open_findings(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        first = finding_on(schedule)
        second = finding_on(schedule, code="DP-CASH-WITHDRAWAL", ref="transaction:t2", severity="medium")
        audit = opened_audit(schedule, by=auditor, finding=first)
        assert audit.source == AuditSource.FINDING
        assert audit.tier == Tier.FULL  # a high-severity finding
        assert set(Finding.objects.filter(audit=audit).values_list("pk", flat=True)) == {first.pk, second.pk}
        assert AuditStep.objects.get(audit=audit).to_status == AuditStatus.OPENED
        with pytest.raises(ValidationFailed, match="already has an audit open"):
            services.audit_open_from_schedule(actor=auditor, schedule=schedule)

    def test_from_the_schedule_needs_a_payment(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationFailed, match="nothing to audit"):
            services.audit_open_from_schedule(actor=auditor, schedule=schedule)


class TestWorkflow:
    def test_request_and_receive(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = received_audit(schedule, by=auditor)
        assert audit.status == AuditStatus.INFORMATION_RECEIVED
        assert (audit.information_due_on - audit.opened_on).days == 28
        assert [s.to_status for s in audit.steps.all()] == [
            AuditStatus.OPENED,
            AuditStatus.INFORMATION_REQUESTED,
            AuditStatus.INFORMATION_RECEIVED,
        ]
        assert Event.objects.filter(event_type=AuditEventType.AUDIT_MOVED, subject_id=audit.pk).count() == 2

    def test_a_refused_move(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = opened_audit(schedule, by=auditor)
        with pytest.raises(TransitionNotAllowed):
            services.audit_record_received(
                actor=auditor, audit=audit, received_on=timezone.localdate(), summary="Nothing was asked"
            )

    def test_no_action_finishes_and_resolves_the_findings(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = received_audit(schedule, by=auditor)
        services.audit_record_outcome(actor=auditor, audit=audit, outcome=AuditStatus.NO_ACTION, notes="All explained")
        audit.refresh_from_db()
        assert audit.finished_on == timezone.localdate()
        assert set(Finding.objects.filter(audit=audit).values_list("status", flat=True)) == {FindingStatus.RESOLVED}

    def test_suspension_suspends_the_payments(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = received_audit(schedule, by=auditor)
        services.audit_record_outcome(actor=auditor, audit=audit, outcome=AuditStatus.SUSPENSION, notes="No records")
        schedule.refresh_from_db()
        assert schedule.status == ScheduleStatus.SUSPENDED

    def test_safeguarding_concern_goes_to_the_social_worker(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = opened_audit(schedule, by=auditor)
        services.audit_record_outcome(
            actor=auditor, audit=audit, outcome=AuditStatus.SAFEGUARDING_REFERRAL, notes="Cash taken by a relative"
        )
        note = CaseNote.objects.get(case=schedule.case)
        assert "Safeguarding concern" in note.text
        assert audit.reference in note.text
        assert audit.steps.last().evidence["case_note"] == note.pk


class TestTheSchedule:
    def test_first_check_after_the_first_payment_then_opened_from_the_schedule(self, schedule, auditor, staff) -> None:  # type: ignore[no-untyped-def]
        import datetime as dt

        import time_machine

        from dp.audits.selectors import audit_schedule
        from dp.payments.tests.factories import BacsOriginatorFactory, calculated_run

        BacsOriginatorFactory()
        before = dt.datetime.combine(schedule.start_on - dt.timedelta(days=3), dt.time(10), tzinfo=dt.UTC)
        with time_machine.travel(before, tick=False):
            calculated_run(created_by=staff["payments_officer"], pay_on=schedule.start_on)
        from dp.monitoring.tests.factories import TransactionFactory

        TransactionFactory(account=schedule.account, posted_on=timezone.localdate() - dt.timedelta(days=3))
        (due,) = audit_schedule(today=timezone.localdate())
        assert due.due.due_on == schedule.start_on + dt.timedelta(weeks=12)
        assert due.due.tier == Tier.LIGHT_TOUCH
        finding_on(schedule)
        (due,) = audit_schedule(today=timezone.localdate())
        assert due.due.tier == Tier.FULL  # a high-severity finding is open
        audit = services.audit_open_from_schedule(actor=auditor, schedule=schedule)
        assert audit.source == AuditSource.SCHEDULE
        assert audit.tier == Tier.FULL
        assert Finding.objects.get().audit == audit


class TestAddingAFindingToTheOpenAudit:
    def test_a_later_finding_joins_the_open_audit_recorded_with_an_event(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = opened_audit(schedule, by=auditor)
        later = finding_on(schedule, ref="transaction:later", code="DP-UNKNOWN-PAYEE", severity="medium")
        assert selectors.open_audit_of(schedule.person_id) == audit
        assert services.finding_add_to_audit(actor=auditor, finding=later) == audit
        later.refresh_from_db()
        assert (later.status, later.audit) == (FindingStatus.IN_AUDIT, audit)
        step = AuditStep.objects.filter(audit=audit).last()
        assert (step.from_status, step.to_status) == (AuditStatus.OPENED, AuditStatus.OPENED)
        assert step.note == f"Finding {later.reference} added: {later.title}."
        assert step.evidence["findings"][0]["evidence_key"] == later.evidence_key
        event = Event.objects.get(event_type=AuditEventType.FINDING_ADDED)
        assert event.subject_id == audit.pk
        with pytest.raises(TransitionNotAllowed):  # only once
            services.finding_add_to_audit(actor=auditor, finding=later)

    def test_refused_without_an_open_audit_or_for_a_dismissed_finding(self, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        finding = finding_on(schedule)
        with pytest.raises(ValidationFailed):
            services.finding_add_to_audit(actor=auditor, finding=finding)
        audit = opened_audit(schedule, by=auditor, finding=finding_on(schedule, ref="transaction:first"))
        services.audit_record_outcome(actor=auditor, audit=audit, outcome=AuditStatus.NO_ACTION, notes="Fine")
        dismissed = finding_on(schedule, ref="transaction:dismissed")
        services.finding_dismiss(actor=auditor, finding=dismissed, reason="Explained")
        with pytest.raises(TransitionNotAllowed):
            services.finding_add_to_audit(actor=auditor, finding=dismissed)
