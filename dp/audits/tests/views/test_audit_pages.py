"""The audit pages through the real client: evidence shown, the workflow driven by forms, letters and files."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dp.audits.constants import AuditStatus, FindingStatus
from dp.audits.models import AuditRecovery
from dp.audits.tests.factories import finding_on, opened_audit, proposed_recovery
from dp.ledger.models import Journal

pytestmark = pytest.mark.django_db


def _date(prefix: str, on: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(on.day), f"{prefix}_1": str(on.month), f"{prefix}_2": str(on.year)}


class TestFindingPages:
    def test_list_filters_and_detail_shows_the_evidence(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        finding = finding_on(schedule)
        client.force_login(auditor)
        page = client.get(reverse("audits:finding_list"), {"code": "DP-PROHIBITED-SPEND", "status": "open"})
        assert finding.reference in page.content.decode()
        other = client.get(reverse("audits:finding_list"), {"code": "DP-NO-SPEND"})
        assert finding.reference not in other.content.decode()
        detail = client.get(reverse("audits:finding_detail", args=[finding.pk])).content.decode()
        assert "Lucky Bet, £45.00: Gambling" in detail
        assert "Open an audit from this finding" in detail

    def test_dismiss_with_a_reason(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        finding = finding_on(schedule)
        client.force_login(auditor)
        url = reverse("audits:finding_dismiss", args=[finding.pk])
        assert "Enter an answer" in client.post(url, {"reason": ""}).content.decode()
        client.post(url, {"reason": "Agreed at the last review"})
        finding.refresh_from_db()
        assert finding.status == FindingStatus.DISMISSED

    def test_open_an_audit_from_a_finding(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        finding = finding_on(schedule)
        client.force_login(auditor)
        response = client.post(reverse("audits:finding_open_audit", args=[finding.pk]))
        finding.refresh_from_db()
        assert response.url == reverse("audits:audit_detail", args=[finding.audit_id])

    def test_add_a_finding_to_the_open_audit_from_its_page(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = opened_audit(schedule, by=auditor)
        later = finding_on(schedule, ref="transaction:later")
        client.force_login(auditor)
        detail = client.get(reverse("audits:finding_detail", args=[later.pk])).content.decode()
        assert f"Add to the open audit {audit.reference}" in detail
        assert "Open an audit from this finding" not in detail
        response = client.post(reverse("audits:finding_add_to_audit", args=[later.pk]))
        assert response.url == reverse("audits:audit_detail", args=[audit.pk])
        page = client.get(response.url).content.decode()
        assert later.reference in page
        assert f"Added to the audit ({auditor.display_name}). Finding {later.reference} added" in page
        again = client.get(reverse("audits:finding_add_to_audit", args=[later.pk])).content.decode()
        assert "Only an open finding can be added to an audit." in again


class TestAuditPages:
    def test_request_information_and_the_letter(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = opened_audit(schedule, by=auditor)
        client.force_login(auditor)
        client.post(reverse("audits:audit_request_information", args=[audit.pk]), {"requested": "Card statements"})
        audit.refresh_from_db()
        assert audit.status == AuditStatus.INFORMATION_REQUESTED
        pdf = client.get(reverse("audits:audit_letter_pdf", args=[audit.pk]))
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        client.post(
            reverse("audits:audit_received", args=[audit.pk]),
            {**_date("received_on", timezone.localdate()), "summary": "Three months of statements"},
        )
        audit.refresh_from_db()
        assert audit.status == AuditStatus.INFORMATION_RECEIVED

    def test_the_letter_is_dated_the_day_in_the_uk_it_was_asked_for(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        """Half past midnight on 1 July in London is still 30 June in UTC: the letter says 1 July."""
        import io

        from pypdf import PdfReader

        audit = opened_audit(schedule, by=auditor)
        late = dt.datetime(2027, 6, 30, 23, 30, tzinfo=dt.UTC)
        with time_machine.travel(late, tick=False):
            client.force_login(auditor)
            client.post(reverse("audits:audit_request_information", args=[audit.pk]), {"requested": "Statements"})
            pdf = client.get(reverse("audits:audit_letter_pdf", args=[audit.pk]))
        text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
        assert "1 July 2027 · Our reference" in text

    def test_the_audit_page_shows_findings_and_steps(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = opened_audit(schedule, by=auditor)
        client.force_login(auditor)
        page = client.get(reverse("audits:audit_detail", args=[audit.pk])).content.decode()
        assert "Lucky Bet, £45.00: Gambling" in page
        assert "Ask the person for records" in page

    def test_propose_misuse_through_the_form(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        audit = opened_audit(schedule, by=auditor)
        client.force_login(auditor)
        url = reverse("audits:recovery_propose_misuse", args=[audit.pk])
        assert "Lucky Bet" in client.get(url).content.decode()
        client.post(url, {"payments": ["transaction:t1"], "reasons": "A bet is not in the plan"})
        recovery = AuditRecovery.objects.get(audit=audit)
        assert recovery.recoverable_pence == 4500


class TestRecoveryPages:
    def test_notice_says_the_reasons_figures_and_the_date(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        import io

        from pypdf import PdfReader

        recovery = proposed_recovery(schedule, by=auditor, overpaid_contribution_pence=1000)
        client.force_login(auditor)
        pdf = client.get(reverse("audits:recovery_notice_pdf", args=[recovery.pk]))
        reader = PdfReader(io.BytesIO(pdf.content))
        text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
        assert "We propose to ask for £35.00 back" in text
        assert "You paid £10.00 more contribution than was due" in text
        assert f"You have until {recovery.response_ends_on.day} {recovery.response_ends_on:%B %Y}" in text
        assert "betting shop" in text

    def test_the_notice_goes_to_whoever_holds_the_account(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        """An authorised or nominated person who holds the account is the one asked to respond (Care Act s.32)."""
        import io

        from pypdf import PdfReader

        from dp.people.tests.factories import PersonFactory

        holder = PersonFactory(given_name="Alex", family_name="Authorised")
        schedule.account.holder = holder
        schedule.account.save(update_fields=["holder"])
        recovery = proposed_recovery(schedule, by=auditor)
        client.force_login(auditor)
        pdf = client.get(reverse("audits:recovery_notice_pdf", args=[recovery.pk]))
        text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
        assert "Dear Alex Authorised" in text
        assert f"This letter is about the direct payment for {schedule.person.full_name}" in text

    def test_approval_waits_for_the_response_period(self, client, schedule, auditor, manager) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        client.force_login(auditor)
        decide = reverse("audits:recovery_decide", args=[recovery.pk])
        assert "to respond" in client.get(decide).content.decode()
        after = dt.datetime.combine(recovery.response_ends_on + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
        with time_machine.travel(after, tick=False):
            client.force_login(auditor)  # a fresh session: the clock moved on
            client.post(decide, {"method": "invoice", "reasons": "No reply"})
            client.force_login(manager)
            client.post(reverse("audits:recovery_approve", args=[recovery.pk]))
            client.post(reverse("audits:recovery_approve", args=[recovery.pk]))
        recovery.refresh_from_db()
        assert recovery.approved_by == manager
        assert Journal.objects.filter(source=f"audit-recovery:{recovery.pk}").count() == 1

    def test_recoup_file(self, client, schedule, auditor, manager) -> None:  # type: ignore[no-untyped-def]
        recovery = proposed_recovery(schedule, by=auditor)
        after = dt.datetime.combine(recovery.response_ends_on + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
        with time_machine.travel(after, tick=False):
            client.force_login(auditor)
            client.post(
                reverse("audits:recovery_decide", args=[recovery.pk]), {"method": "card_recoup", "reasons": "x"}
            )
            client.force_login(manager)
            client.post(reverse("audits:recovery_approve", args=[recovery.pk]))
            response = client.get(reverse("audits:recovery_recoup_file", args=[recovery.pk]))
        recovery.refresh_from_db()
        assert response.content.decode() == (
            f"RECOUP,{schedule.account.card_account_reference},4500,GBP,{recovery.approved_on.isoformat()},"
            f"RECOUP-{recovery.reference}\r\n"
        )


class TestRunTheChecks:
    def test_without_thresholds_the_page_says_so(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        client.force_login(auditor)
        page = client.get(reverse("audits:sweep_run")).content.decode()
        assert "council settings page" in page

    def test_runs_in_the_background(
        self, client, busy_account, thresholds, auditor, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        from dp.audits.models import Finding

        client.force_login(auditor)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("audits:sweep_run"))
        assert response.url == reverse("audits:finding_list")
        assert Finding.objects.filter(code="DP-PROHIBITED-SPEND").exists()


class TestCasePanel:
    def test_the_case_page_lists_findings_and_audits(self, client, schedule, auditor, staff) -> None:  # type: ignore[no-untyped-def]
        audit = opened_audit(schedule, by=auditor)
        other = finding_on(schedule, ref="transaction:later", code="DP-UNKNOWN-PAYEE", severity="medium")
        client.force_login(auditor)
        page = client.get(reverse("cases:case_detail", args=[schedule.case_id])).content.decode()
        assert "Findings and audits" in page
        assert f"Audit {audit.reference}" in page
        assert other.reference in page
        client.force_login(staff["payments_officer"])
        assert (
            "Findings and audits"
            not in client.get(reverse("cases:case_detail", args=[schedule.case_id])).content.decode()
        )


class TestAuditsDue:
    def test_a_restricted_person_is_listed_only_for_those_who_may_open_them(  # type: ignore[no-untyped-def]
        self, client, schedule, auditor, manager, staff
    ) -> None:
        """The schedule of audits due names people, so it is scoped like every other list (people_visible_to)."""
        from dp.payments.tests.factories import BacsOriginatorFactory, calculated_run

        BacsOriginatorFactory()
        before = dt.datetime.combine(schedule.start_on - dt.timedelta(days=3), dt.time(10), tzinfo=dt.UTC)
        with time_machine.travel(before, tick=False):
            calculated_run(created_by=staff["payments_officer"], pay_on=schedule.start_on)
        schedule.person.is_restricted = True
        schedule.person.save(update_fields=["is_restricted"])
        name = schedule.person.full_name
        client.force_login(auditor)
        assert name not in client.get(reverse("audits:audit_due")).content.decode()
        client.force_login(manager)
        assert name in client.get(reverse("audits:audit_due")).content.decode()

    def test_a_final_audit_and_why_it_is_a_full_one(self, client, schedule, auditor, staff) -> None:  # type: ignore[no-untyped-def]
        from dp.payments.services import schedule_end
        from dp.payments.tests.factories import BacsOriginatorFactory, calculated_run

        BacsOriginatorFactory()
        before = dt.datetime.combine(schedule.start_on - dt.timedelta(days=3), dt.time(10), tzinfo=dt.UTC)
        with time_machine.travel(before, tick=False):
            calculated_run(created_by=staff["payments_officer"], pay_on=schedule.start_on)
        schedule_end(actor=auditor, schedule=schedule, last_day_on=timezone.localdate(), reason="Moved away")
        client.force_login(auditor)
        page = client.get(reverse("audits:audit_due")).content.decode()
        assert "Final audit</strong>" in page
        assert "Final audit: the direct payment ended on" in page
        assert "there are no up-to-date statements to check automatically" in page
        assert reverse("audits:audit_open", args=[schedule.pk]) in page

    def test_a_page_number_beyond_any_offset_shows_the_last_page(self, client, schedule, auditor) -> None:  # type: ignore[no-untyped-def]
        """?page= is typed by anyone: a number past PostgreSQL's bigint OFFSET is the last page, not a server error."""
        client.force_login(auditor)
        for number in ("99999999999999999999", "-3", "abc", "2"):
            response = client.get(reverse("audits:audit_due"), {"page": number})
            assert response.status_code == 200, number
