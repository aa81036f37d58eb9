"""The smaller services: uploads refused, retrying, a busy or broken import, column layouts, merchant rules
(changed, stopped, audited) and receipts."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import connections

from dp.audit_log.models import Event
from dp.core.errors import ValidationFailed
from dp.monitoring import services
from dp.monitoring.constants import ImportStatus, MonitoringEventType, ScanStatus
from dp.monitoring.models import ColumnMappingProfile, MerchantRule, StatementImport, Transaction
from dp.monitoring.scanning import ScanResult
from dp.monitoring.tests.domain.statement_files import HERON_MAPPING, Txn, card_csv
from dp.monitoring.tests.factories import MerchantRuleFactory, StatementImportFactory, TransactionFactory
from dp.monitoring.tests.url_policies import SAMPLE_PDF

pytestmark = pytest.mark.django_db
MAY = dt.date(2026, 5, 1)


def _upload(actor, data: bytes = b"x", **kwargs):  # type: ignore[no-untyped-def]
    return services.statement_import_create(
        actor=actor, file=ContentFile(data, name="f.csv"), run_in_background=False, **kwargs
    )


class TestUploadRefused:
    def test_an_unknown_format(self, staff):
        with pytest.raises(ValidationFailed, match="Select the statement's format"):
            _upload(staff["dp_support"], statement_format="xls")

    def test_a_providers_layout_without_the_layout(self, staff):
        with pytest.raises(ValidationFailed, match="column layout"):
            _upload(staff["dp_support"], statement_format="mapped_csv")

    def test_an_empty_file(self, staff):
        with pytest.raises(ValidationFailed, match="empty"):
            _upload(staff["dp_support"], b"", statement_format="card_csv")
        assert not StatementImport.objects.exists()

    def test_a_layout_is_ignored_for_other_formats(self, staff, accounts):
        imp = _upload(staff["dp_support"], statement_format="card_csv", mapping=accounts.heron_mapping)
        assert imp.mapping_id is None


class TestRunningAnImport:
    def test_only_a_failed_import_can_be_retried(self, staff):
        imp = StatementImportFactory(status=ImportStatus.DONE)
        with pytest.raises(ValidationFailed, match="Only a failed import"):
            services.statement_import_retry(actor=staff["dp_support"], statement_import=imp)

    def test_a_second_worker_on_the_same_import_leaves_it_be(self, staff, accounts):
        imp = _upload(staff["dp_support"], card_csv([Txn(MAY, -100, ident="A")]), statement_format="card_csv")
        # Another worker is importing this file now, and has read 500 lines.
        StatementImport.objects.filter(pk=imp.pk).update(status=ImportStatus.RUNNING, lines_read=500)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.IMPORT_LOCK_NAMESPACE, imp.pk])
            result = services.statement_import_run(import_id=imp.pk, show_progress=False)
        finally:
            other.close()
        assert (result.status, result.lines_read) == (ImportStatus.RUNNING, 500)  # its progress is left be
        assert not Transaction.objects.exists()

    def test_an_unexpected_error_fails_the_import_writes_nothing_and_is_raised(self, staff, accounts):
        imp = _upload(staff["dp_support"], card_csv([Txn(MAY, -100, ident="A")]), statement_format="card_csv")
        with (
            mock.patch("dp.monitoring.services.load_statement", side_effect=RuntimeError("disk")),
            pytest.raises(RuntimeError),
        ):
            services.statement_import_run(import_id=imp.pk, show_progress=False)
        imp.refresh_from_db()
        assert imp.status == ImportStatus.FAILED
        assert "unexpected error" in imp.error_message
        assert not Transaction.objects.exists()

    def test_an_unknown_encoding_is_refused_at_upload(self, staff, accounts):
        with pytest.raises(ValidationFailed, match="'no-such-codec' is not a known text encoding"):
            _upload(staff["dp_support"], b"Date,Amount\n", statement_format="bank_csv", encoding="no-such-codec")

    def test_an_encoding_that_cannot_decode_the_file_fails_the_import(self, staff, accounts):
        imp = _upload(staff["dp_support"], b"Date,Amount\n", statement_format="bank_csv", account=accounts.bank)
        StatementImport.objects.filter(pk=imp.pk).update(encoding="no-such-codec")  # stored before a codec went
        result = services.statement_import_run(import_id=imp.pk, show_progress=False)
        assert result.status == ImportStatus.FAILED
        assert result.error_message.startswith("The file could not be read as text")


class TestColumnLayouts:
    def test_saving_again_replaces_the_layout_and_is_audited(self, staff):
        first = services.column_mapping_save(
            actor=staff["dp_support"], provider="Heron", mapping=HERON_MAPPING.to_json()
        )
        changed = {**HERON_MAPPING.to_json(), "skip_lines": 2}
        second = services.column_mapping_save(actor=staff["dp_support"], provider="heron", mapping=changed)
        assert second.pk == first.pk
        assert ColumnMappingProfile.objects.get().mapping["skip_lines"] == 2
        assert Event.objects.filter(event_type=MonitoringEventType.MAPPING_SAVED).count() == 2

    def test_a_layout_needs_a_provider_and_known_keys(self, staff):
        with pytest.raises(ValidationFailed, match="provider's name"):
            services.column_mapping_save(actor=staff["dp_support"], provider=" ", mapping=HERON_MAPPING.to_json())
        with pytest.raises(ValidationFailed, match="not part of a column mapping"):
            services.column_mapping_save(actor=staff["dp_support"], provider="X", mapping={"posted_on": "D", "x": 1})


class TestMerchantRules:
    def test_add_change_and_stop_are_audited_with_before_and_after(self, staff):
        actor = staff["dp_support"]
        rule = services.merchant_rule_add(actor=actor, pattern=" Corner Shop ", category="groceries")
        assert (rule.pattern, rule.effective_from) == ("Corner Shop", dt.date.today())
        services.merchant_rule_change(
            actor=actor,
            rule=rule,
            pattern="Corner Shop",
            category="general_retail",
            match="equals",
            position=5,
            note="",
        )
        ended = services.merchant_rule_end(actor=actor, rule=rule, reason="Closed")
        assert ended.ended_on == dt.date.today() + dt.timedelta(days=1)  # it started today: in force for today
        assert "Ended: Closed" in ended.note
        events = Event.objects.filter(subject_id=rule.pk, event_type__startswith="monitoring.rule")
        assert sorted(events.values_list("event_type", flat=True)) == [
            MonitoringEventType.RULE_ADDED,
            MonitoringEventType.RULE_CHANGED,
            MonitoringEventType.RULE_ENDED,
        ]
        change = events.get(event_type=MonitoringEventType.RULE_CHANGED)
        assert (change.data["before"]["category"], change.data["after"]["category"]) == ("groceries", "general_retail")

    def test_stopping_twice_changes_nothing_and_an_ended_rule_cannot_change(self, staff):
        rule = MerchantRuleFactory(effective_from=dt.date(2025, 1, 1))
        services.merchant_rule_end(actor=staff["dp_support"], rule=rule)
        again = services.merchant_rule_end(actor=staff["dp_support"], rule=rule)
        assert again.ended_on == dt.date.today()
        with pytest.raises(ValidationFailed, match="has ended"):
            services.merchant_rule_change(
                actor=staff["dp_support"],
                rule=rule,
                pattern="Tesco",
                category="groceries",
                match="contains",
                position=1,
                note="",
            )

    @pytest.mark.parametrize(
        ("pattern", "category", "match", "message"),
        [("Tesco", "nonsense", "contains", "spending category"), ("Tesco", "groceries", "regex", "how the words")],
    )
    def test_bad_rules_are_refused(self, staff, pattern, category, match, message):
        with pytest.raises(ValidationFailed, match=message):
            services.merchant_rule_add(actor=staff["dp_support"], pattern=pattern, category=category, match=match)
        assert not MerchantRule.objects.exists()

    def test_a_rule_ended_is_not_used_for_later_imports(self, staff, accounts):
        from dp.monitoring.selectors import merchant_rules_in_force

        rule = MerchantRuleFactory(effective_from=dt.date(2025, 1, 1), ended_on=dt.date(2025, 6, 1))
        assert [r.id for r in merchant_rules_in_force(dt.date(2025, 5, 31))] == [rule.ref]
        assert merchant_rules_in_force(dt.date(2025, 6, 1)) == []


class TestReceipts:
    def test_a_period_receipt_needs_an_account_and_dates_in_order(self, staff, accounts):
        actor = staff["dp_support"]
        with pytest.raises(ValidationFailed, match="Choose the transaction or the account"):
            services.receipt_upload(actor=actor, file=ContentFile(SAMPLE_PDF, name="r.pdf"))
        with pytest.raises(ValidationFailed, match="Enter the dates"):
            services.receipt_upload(actor=actor, file=ContentFile(SAMPLE_PDF, name="r.pdf"), account=accounts.card)
        with pytest.raises(ValidationFailed, match="on or after its start"):
            services.receipt_upload(
                actor=actor,
                file=ContentFile(SAMPLE_PDF, name="r.pdf"),
                account=accounts.card,
                period_start_on=MAY,
                period_end_on=MAY - dt.timedelta(days=1),
            )
        with pytest.raises(ValidationFailed, match="£0 or more"):
            services.receipt_upload(
                actor=actor,
                file=ContentFile(SAMPLE_PDF, name="r.pdf"),
                transaction_=TransactionFactory(),
                amount_pence=-1,
            )

    def test_the_configured_scanner_decides(self, staff, settings):
        class Refuses:
            def scan(self, content: bytes, content_type: str) -> ScanResult:
                return ScanResult(clean=False, detail="Virus found (test signature)")

        settings.MONITORING_RECEIPT_SCANNER = f"{__name__}.REFUSING_SCANNER"
        globals()["REFUSING_SCANNER"] = Refuses
        receipt = services.receipt_upload(
            actor=staff["dp_support"], file=ContentFile(SAMPLE_PDF, name="r.pdf"), transaction_=TransactionFactory()
        )
        assert (receipt.scan_status, receipt.scan_detail) == (ScanStatus.REJECTED, "Virus found (test signature)")
