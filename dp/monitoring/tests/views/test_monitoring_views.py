"""The monitoring pages through the real client: importing a statement from the upload page to its counts,
an account's transactions and filters, receipts checked from their content, merchant rules and layouts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dp.audit_log.models import Event
from dp.monitoring.constants import ImportStatus, MonitoringEventType, ScanStatus, TransactionStatus
from dp.monitoring.models import ColumnMappingProfile, MerchantRule, Receipt, StatementImport
from dp.monitoring.tests.domain.statement_files import Txn, card_csv, ofx
from dp.monitoring.tests.factories import StatementImportFactory, TransactionFactory
from dp.monitoring.tests.url_policies import SAMPLE_PDF

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)
TXNS = [
    Txn(MAY, 45000, "Load from Northmoor Council", "", "T1", None),
    Txn(MAY + dt.timedelta(days=1), -1250, "Card purchase", "Brambles Pharmacy", "T2", "5912"),
    Txn(MAY + dt.timedelta(days=2), -999, "Card purchase", "Mystery Ltd", "T3", None),
]


class TestImportPages:
    def test_upload_imports_in_the_background_and_shows_the_counts(
        self, client, accounts, staff, django_capture_on_commit_callbacks
    ):
        client.force_login(staff["dp_support"])
        upload = SimpleUploadedFile("card-may.csv", card_csv(TXNS), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("monitoring:import_create"), {"file": upload, "statement_format": "card_csv"}
            )
        imp = StatementImport.objects.get()
        assert response.url == reverse("monitoring:import_detail", args=[imp.pk])
        assert imp.status == ImportStatus.DONE
        page = client.get(response.url)
        text = page.content.decode()
        assert "Refresh" not in page
        assert "New transactions" in text
        assert ">3<" in text
        assert imp.reconciliations.count() == 1
        listing = client.get(reverse("monitoring:import_list")).content.decode()
        assert "card-may.csv" in listing

    def test_a_bank_statement_is_imported_from_the_accounts_page(
        self, client, accounts, staff, django_capture_on_commit_callbacks
    ):
        client.force_login(staff["payments_officer"])
        url = reverse("monitoring:import_create") + f"?account={accounts.bank.pk}"
        form = client.get(url).content.decode()
        assert "OFX" in form
        upload = SimpleUploadedFile("may.ofx", ofx(TXNS), content_type="application/x-ofx")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"file": upload, "statement_format": "ofx", "account": accounts.bank.pk})
        imp = StatementImport.objects.get()
        assert (imp.account_id, imp.status, imp.lines_added) == (accounts.bank.pk, ImportStatus.DONE, 3)

    def test_without_an_account_bank_formats_are_not_offered(self, client, accounts, staff):
        client.force_login(staff["auditor"])
        upload = SimpleUploadedFile("may.ofx", ofx(TXNS))
        response = client.post(reverse("monitoring:import_create"), {"file": upload, "statement_format": "ofx"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert not StatementImport.objects.exists()

    def test_a_mapped_csv_needs_a_layout(self, client, accounts, staff):
        client.force_login(staff["dp_support"])
        upload = SimpleUploadedFile("heron.csv", b"x,y\n1,2\n")
        response = client.post(reverse("monitoring:import_create"), {"file": upload, "statement_format": "mapped_csv"})
        assert "Select the provider whose column layout the file uses" in response.content.decode()

    def test_a_failed_import_shows_its_error_and_can_be_tried_again(
        self, client, accounts, staff, django_capture_on_commit_callbacks
    ):
        client.force_login(staff["dp_support"])
        upload = SimpleUploadedFile("bad.csv", card_csv(TXNS).replace(b"2026-05-03", b"2026-05-32"))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("monitoring:import_create"), {"file": upload, "statement_format": "card_csv"})
        imp = StatementImport.objects.get()
        text = client.get(reverse("monitoring:import_detail", args=[imp.pk])).content.decode()
        assert "bad.csv, line 4, posted_on: &#x27;2026-05-32&#x27; is not a real date" in text
        assert "Nothing from this file was saved" in text
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("monitoring:import_retry", args=[imp.pk]))
        imp.refresh_from_db()
        assert imp.status == ImportStatus.FAILED  # the same file fails the same way

    def test_while_it_runs_the_page_refreshes_itself_unless_asked_not_to(self, client, staff):
        imp = StatementImportFactory(status=ImportStatus.RUNNING, size_bytes=1000, bytes_read=250, lines_read=7)
        client.force_login(staff["auditor"])
        page = client.get(reverse("monitoring:import_detail", args=[imp.pk]))
        assert page["Refresh"] == "5"
        assert "7 lines read" in page.content.decode()
        assert 'value="25"' in page.content.decode()
        assert "Refresh" not in client.get(reverse("monitoring:import_detail", args=[imp.pk]) + "?refresh=off")

    def test_a_social_worker_cannot_see_imports(self, client, staff):
        imp = StatementImportFactory()
        client.force_login(staff["social_worker"])
        assert client.get(reverse("monitoring:import_detail", args=[imp.pk])).status_code in (403, 404)


class TestAccountTransactions:
    def test_filters_show_the_unexplained_lines(self, client, accounts, staff):
        TransactionFactory(account=accounts.card, merchant="Mystery Ltd")
        TransactionFactory(
            account=accounts.card, merchant="Cashpoint", status=TransactionStatus.CASH, category="cash_withdrawal"
        )
        client.force_login(staff["social_worker"])
        url = reverse("monitoring:account_transactions", args=[accounts.card.pk])
        everything = client.get(url).content.decode()
        assert "Mystery Ltd" in everything
        assert "Cashpoint" in everything
        unexplained = client.get(url, {"status": "unexplained"}).content.decode()
        assert "Mystery Ltd" in unexplained
        assert "Cashpoint" not in unexplained
        by_category = client.get(url, {"category": "cash_withdrawal"}).content.decode()
        assert "Cashpoint" in by_category
        assert "Mystery Ltd" not in by_category
        later = client.get(url, {"date_from": "2026-06-01"}).content.decode()
        assert "Mystery Ltd" not in later

    def test_a_restricted_persons_balance_is_not_shown_on_the_import(self, client, staff):
        from dp.monitoring.models import StatementReconciliation
        from dp.payments.tests.factories import PrepaidCardAccountFactory
        from dp.people.tests.factories import PersonFactory, RestrictedPersonFactory

        imp = StatementImportFactory()
        for person, difference in ((PersonFactory(given_name="Opal"), 0), (RestrictedPersonFactory(), 4_321)):
            StatementReconciliation.objects.create(
                statement_import=imp,
                account=PrepaidCardAccountFactory(person=person),
                balance_on=MAY,
                statement_balance_pence=10_000 + difference,
                ledger_balance_pence=10_000,
                difference_pence=difference,
            )
        restricted = imp.reconciliations.get(difference_pence=4_321).account.person
        client.force_login(staff["payments_officer"])
        page = client.get(reverse("monitoring:import_detail", args=[imp.pk])).content.decode()
        assert "Opal" in page
        assert restricted.full_name not in page
        assert "£43.21" not in page
        assert "1 more account is not listed because its record is restricted" in page

    def test_a_restricted_persons_account_is_not_found(self, client, staff):
        from dp.payments.tests.factories import PrepaidCardAccountFactory
        from dp.people.tests.factories import RestrictedPersonFactory

        account = PrepaidCardAccountFactory(person=RestrictedPersonFactory())
        client.force_login(staff["social_worker"])
        assert client.get(reverse("monitoring:account_transactions", args=[account.pk])).status_code == 404


class TestReceipts:
    def test_a_pdf_is_accepted_and_downloaded_with_its_type(self, client, accounts, staff):
        line = TransactionFactory(account=accounts.card)
        client.force_login(staff["payments_officer"])
        upload = SimpleUploadedFile("till.pdf", SAMPLE_PDF, content_type="application/octet-stream")
        response = client.post(reverse("monitoring:receipt_upload", args=[line.pk]), {"file": upload})
        assert response.status_code == 302
        receipt = Receipt.objects.get()
        assert (receipt.content_type, receipt.scan_status, receipt.transaction_id) == (
            "application/pdf",
            ScanStatus.CLEAN,
            line.pk,
        )
        download = client.get(reverse("monitoring:receipt_download", args=[receipt.pk]))
        assert download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content) == SAMPLE_PDF

    def test_a_file_that_is_not_a_pdf_or_image_is_refused_whatever_its_name(self, client, accounts, staff):
        line = TransactionFactory(account=accounts.card)
        client.force_login(staff["payments_officer"])
        upload = SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00 not a receipt", content_type="application/pdf")
        response = client.post(reverse("monitoring:receipt_upload", args=[line.pk]), {"file": upload})
        assert "The selected file must be a PDF, JPG or PNG" in response.content.decode()
        assert not Receipt.objects.exists()

    def test_a_file_over_the_size_limit_is_refused(self, client, accounts, staff, settings):
        settings.MONITORING_RECEIPT_MAX_BYTES = 1024 * 1024
        line = TransactionFactory(account=accounts.card)
        client.force_login(staff["payments_officer"])
        upload = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024))
        response = client.post(reverse("monitoring:receipt_upload", args=[line.pk]), {"file": upload})
        assert "must be smaller than 1 MB" in response.content.decode()

    def test_a_rejected_receipt_is_kept_but_never_served(self, client, accounts, staff):
        line = TransactionFactory(account=accounts.card)
        client.force_login(staff["payments_officer"])
        cut_short = SimpleUploadedFile("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n")
        client.post(reverse("monitoring:receipt_upload", args=[line.pk]), {"file": cut_short})
        receipt = Receipt.objects.get()
        assert receipt.scan_status == ScanStatus.REJECTED
        assert client.get(reverse("monitoring:receipt_download", args=[receipt.pk])).status_code == 404

    def test_a_receipt_for_a_period(self, client, accounts, staff):
        client.force_login(staff["dp_support"])
        upload = SimpleUploadedFile("timesheets.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        data = {"file": upload, "period_start_on_0": "1", "period_start_on_1": "5", "period_start_on_2": "2026"}
        data |= {"period_end_on_0": "31", "period_end_on_1": "5", "period_end_on_2": "2026"}
        client.post(reverse("monitoring:period_receipt_upload", args=[accounts.card.pk]), data)
        receipt = Receipt.objects.get()
        assert (receipt.period_start_on, receipt.period_last_on) == (MAY, dt.date(2026, 5, 31))
        assert (receipt.content_type, receipt.transaction_id) == ("image/png", None)


class TestRulesAndLayouts:
    def test_add_change_and_stop_a_rule(self, client, staff):
        client.force_login(staff["dp_support"])
        data = {"pattern": "Greenway Supermarket", "match": "contains", "category": "groceries", "position": "10"}
        client.post(reverse("monitoring:rule_create"), data)
        rule = MerchantRule.objects.get()
        client.post(reverse("monitoring:rule_edit", args=[rule.pk]), {**data, "category": "general_retail"})
        rule.refresh_from_db()
        assert rule.category == "general_retail"
        client.post(reverse("monitoring:rule_end", args=[rule.pk]), {"reason": "Shop closed"})
        rule.refresh_from_db()
        assert rule.ended_on is not None
        assert "stopped" in client.get(reverse("monitoring:rule_list")).content.decode()

    def test_a_rule_too_short_to_recognise_is_refused(self, client, staff):
        client.force_login(staff["payments_officer"])
        response = client.post(
            reverse("monitoring:rule_create"),
            {"pattern": "A", "match": "contains", "category": "groceries", "position": "10"},
        )
        assert "too short to recognise" in response.content.decode()
        assert not MerchantRule.objects.exists()

    def test_an_auditor_sees_rules_but_cannot_add_them(self, client, staff):
        client.force_login(staff["auditor"])
        assert client.get(reverse("monitoring:rule_list")).status_code == 200
        assert client.get(reverse("monitoring:rule_create")).status_code == 403

    def test_adding_or_changing_a_rule_offers_to_apply_the_rules(self, client, staff):
        client.force_login(staff["dp_support"])
        data = {"pattern": "Greenway Supermarket", "match": "contains", "category": "groceries", "position": "10"}
        added = client.post(reverse("monitoring:rule_create"), data, follow=True).content.decode()
        apply_link = f'href="{reverse("monitoring:rule_apply")}"'
        assert "Rule added: Greenway Supermarket" in added
        assert f"{apply_link}>Apply the rules to transactions already imported</a>" in added
        rule = MerchantRule.objects.get()
        changed = client.post(reverse("monitoring:rule_edit", args=[rule.pk]), data, follow=True).content.decode()
        assert f"{apply_link}>Apply the rules to transactions already imported</a>" in changed

    def test_the_rules_are_applied_to_transactions_already_imported_in_the_background(
        self, client, staff, django_capture_on_commit_callbacks
    ):
        line = TransactionFactory(merchant="ATM Market Street", merchant_category_code="")
        client.force_login(staff["payments_officer"])
        listing = client.get(reverse("monitoring:rule_list")).content.decode()
        assert f'href="{reverse("monitoring:rule_apply")}"' in listing
        assert (
            "Apply the rules to transactions already imported"
            in client.get(reverse("monitoring:rule_apply")).content.decode()
        )
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(reverse("monitoring:rule_apply"), {})
        assert response.url == reverse("monitoring:rule_list")
        assert len(callbacks) == 1
        line.refresh_from_db()
        assert line.status == TransactionStatus.CASH
        assert "being applied" in client.get(response.url).content.decode()
        event = Event.objects.get(event_type=MonitoringEventType.TRANSACTIONS_RECATEGORISED)
        assert event.acting_user == staff["payments_officer"]

    def test_only_those_who_write_rules_may_apply_them(self, client, staff, django_capture_on_commit_callbacks):
        line = TransactionFactory(merchant="ATM Market Street", merchant_category_code="")
        client.force_login(staff["auditor"])
        listing = client.get(reverse("monitoring:rule_list")).content.decode()
        assert reverse("monitoring:rule_apply") not in listing
        assert client.get(reverse("monitoring:rule_apply")).status_code == 403
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert client.post(reverse("monitoring:rule_apply"), {}).status_code == 403
        assert callbacks == []
        line.refresh_from_db()
        assert line.status == TransactionStatus.UNEXPLAINED

    def test_add_a_providers_layout(self, client, staff):
        client.force_login(staff["payments_officer"])
        data = {
            "provider": "Heron Card Services",
            "posted_on": "Date",
            "date_formats": "%d/%m/%Y",
            "amount_sign": "negative_is_money_out",
            "money_out": "Debit",
            "money_in": "Credit",
            "description": "Details",
            "merchant": "Merchant",
            "account_reference": "Card",
            "encoding": "utf-8",
            "delimiter": ",",
            "skip_lines": "1",
        }
        response = client.post(reverse("monitoring:mapping_create"), data)
        assert response.status_code == 302
        profile = ColumnMappingProfile.objects.get()
        assert profile.mapping["money_out"] == "Debit"
        assert profile.mapping["skip_lines"] == 1
        both = client.post(reverse("monitoring:mapping_create"), {**data, "amount": "Amount"})
        assert "not both" in both.content.decode()
