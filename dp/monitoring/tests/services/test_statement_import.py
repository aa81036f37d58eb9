"""Importing statement files: every format, all or nothing, no duplicates, categorised and reconciled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dp.audit_log.models import Event
from dp.ledger.models import Journal
from dp.monitoring import services
from dp.monitoring.constants import ImportStatus, MonitoringEventType, TransactionStatus
from dp.monitoring.domain.statements import StatementFormatError
from dp.monitoring.models import MerchantRule, StatementImport, StatementReconciliation, Transaction
from dp.monitoring.tests.domain.statement_files import (
    HERON_MAPPING,
    Txn,
    bank_csv,
    camt053,
    card_csv,
    heron_csv,
    mt940,
    ofx,
    parse,
)
from dp.monitoring.tests.domain.test_statement_properties import BAD_DATES, date_text, transactions
from dp.monitoring.tests.factories import MerchantRuleFactory
from dp.payments.models import ContributionReceipt
from dp.payments.tests.factories import SignedScheduleFactory

MAY = dt.date(2026, 5, 1)
FORMATS = ("card_csv", "mapped_csv", "bank_csv", "ofx", "camt053", "mt940")


def may_txns(n: int = 3, *, start: int = 0) -> list[Txn]:
    """`n` transactions on different days of May 2026, each with its own provider id."""
    return [
        Txn(
            posted_on=MAY + dt.timedelta(days=start + i),
            amount_pence=-(1000 + 37 * (start + i)),
            description=f"Card purchase {start + i}",
            merchant="Brambles Pharmacy",
            ident=f"TX-{start + i:05d}",
            mcc="5912",
        )
        for i in range(n)
    ]


def build(statement_format: str, txns: list[Txn]) -> bytes:
    return {
        "card_csv": lambda: card_csv(txns),
        "mapped_csv": lambda: heron_csv(txns),
        "bank_csv": lambda: bank_csv(txns),
        "ofx": lambda: ofx(txns),
        "camt053": lambda: camt053(txns),
        "mt940": lambda: mt940(txns),
    }[statement_format]()


def import_file(
    accounts, actor, statement_format: str, data: bytes, *, name: str = "statement.dat", progress: bool = False
) -> StatementImport:  # type: ignore[no-untyped-def]
    account = {"bank_csv": accounts.bank, "ofx": accounts.bank, "mt940": accounts.bank, "camt053": accounts.iban}
    imp = services.statement_import_create(
        actor=actor,
        file=ContentFile(data, name=name),
        statement_format=statement_format,
        mapping=accounts.heron_mapping if statement_format == "mapped_csv" else None,
        account=account.get(statement_format),
        run_in_background=False,
    )
    return services.statement_import_run(import_id=imp.pk, show_progress=progress)


def counts() -> tuple[int, int, int, int]:
    return (
        Transaction.objects.count(),
        StatementReconciliation.objects.count(),
        ContributionReceipt.objects.count(),
        Journal.objects.count(),
    )


@pytest.mark.django_db
class TestEachFormatImports:
    @pytest.mark.parametrize("statement_format", FORMATS)
    def test_every_line_becomes_a_categorised_transaction(self, accounts, staff, statement_format):
        txns = may_txns(4)
        imp = import_file(accounts, staff["payments_officer"], statement_format, build(statement_format, txns))
        assert imp.status == ImportStatus.DONE, imp.error_message
        assert (imp.lines_read, imp.lines_added, imp.duplicates) == (4, 4, 0)
        rows = list(Transaction.objects.filter(statement_import=imp).order_by("posted_on"))
        assert [(t.posted_on, t.amount_pence) for t in rows] == [(t.posted_on, t.amount_pence) for t in txns]
        assert all(t.status for t in rows)
        assert (imp.first_posted_on, imp.last_posted_on) == (MAY, MAY + dt.timedelta(days=3))
        assert Event.objects.filter(event_type=MonitoringEventType.IMPORT_DONE, subject_id=imp.pk).exists()

    @pytest.mark.parametrize("statement_format", ["card_csv", "bank_csv"])
    def test_text_is_stored_exactly_as_read(self, accounts, staff, statement_format):
        """Values are sent to COPY in its text format: backslashes and COPY's escapes arrive intact."""
        words = ["C:\\Shop\\N", "\\N", "a\\tb \\\\ c", "Caf\u00e9 \u00a3 \u2013 \u00fc"]
        txns = [
            Txn(
                posted_on=MAY + dt.timedelta(days=i),
                amount_pence=-100 - i,
                description=word,
                merchant=word,
                ident=f"TX-{i}",
            )
            for i, word in enumerate(words)
        ]
        imp = import_file(accounts, staff["payments_officer"], statement_format, build(statement_format, txns))
        assert imp.status == ImportStatus.DONE, imp.error_message
        rows = Transaction.objects.filter(statement_import=imp).order_by("posted_on")
        assert [t.description for t in rows] == words
        if statement_format == "card_csv":
            assert [t.merchant for t in rows] == words
            assert [t.provider_transaction_id for t in rows] == [f"TX-{i}" for i in range(len(words))]

    def test_lines_go_to_the_account_their_reference_names(self, accounts, staff):
        data = card_csv(may_txns(2), account="CARD-0001")
        imp = import_file(accounts, staff["payments_officer"], "card_csv", data)
        assert set(Transaction.objects.filter(statement_import=imp).values_list("account_id", flat=True)) == {
            accounts.card.pk
        }

    def test_progress_goes_to_the_same_database_on_its_own_connection(self, accounts, staff):
        from django.db import connection

        from dp.monitoring.importer import ProgressWriter

        writer = ProgressWriter(0)
        try:
            with writer._connection.cursor() as cursor:
                cursor.execute("SELECT current_database()")
                assert cursor.fetchone()[0] == connection.settings_dict["NAME"]
        finally:
            writer.close()

    def test_progress_is_written_while_it_runs(self, accounts, staff):
        imp = import_file(accounts, staff["payments_officer"], "card_csv", card_csv(may_txns(3)), progress=True)
        assert imp.status == ImportStatus.DONE
        assert imp.lines_read == 3
        assert imp.percent_done == 100


@pytest.mark.django_db
class TestNoDuplicates:
    @pytest.mark.parametrize("statement_format", FORMATS)
    def test_importing_the_same_file_twice_adds_nothing(self, accounts, staff, statement_format):
        data = build(statement_format, may_txns(5))
        import_file(accounts, staff["payments_officer"], statement_format, data)
        before = counts()[0]
        again = import_file(accounts, staff["payments_officer"], statement_format, data)
        assert again.status == ImportStatus.DONE
        assert (again.lines_added, again.duplicates) == (0, 5)
        assert Transaction.objects.count() == before == 5

    @pytest.mark.parametrize("statement_format", ["card_csv", "ofx", "camt053"])
    def test_an_overlapping_file_adds_only_the_new_lines(self, accounts, staff, statement_format):
        import_file(accounts, staff["payments_officer"], statement_format, build(statement_format, may_txns(6)))
        later = import_file(
            accounts, staff["payments_officer"], statement_format, build(statement_format, may_txns(6, start=4))
        )
        assert (later.lines_added, later.duplicates) == (4, 2)
        assert Transaction.objects.count() == 10


@pytest.mark.django_db
class TestAllOrNothing:
    def test_a_bad_last_line_rolls_back_the_good_lines_before_it(self, accounts, staff):
        data = card_csv(may_txns(5)).replace(b"2026-05-05", b"2026-05-35")
        before = counts()
        imp = import_file(accounts, staff["payments_officer"], "card_csv", data, name="card-may.csv")
        assert imp.status == ImportStatus.FAILED
        assert imp.error_message == "card-may.csv, line 6, posted_on: '2026-05-35' is not a real date"
        assert (imp.error_line, imp.error_field) == (6, "posted_on")
        assert counts() == before
        assert Event.objects.filter(event_type=MonitoringEventType.IMPORT_FAILED, subject_id=imp.pk).exists()

    def test_a_line_for_no_known_account_is_named(self, accounts, staff):
        data = card_csv(may_txns(2), account="CARD-9999")
        imp = import_file(accounts, staff["payments_officer"], "card_csv", data, name="other.csv")
        assert imp.status == ImportStatus.FAILED
        assert imp.error_message.startswith("other.csv, line 2, account_reference: 'CARD-9999' is not the reference")
        assert Transaction.objects.count() == 0

    def test_a_bank_statement_for_another_account_is_refused(self, accounts, staff):
        imp = services.statement_import_create(
            actor=staff["payments_officer"],
            file=ContentFile(ofx(may_txns(2), account="99999999"), name="other.ofx"),
            statement_format="ofx",
            account=accounts.bank,
            run_in_background=False,
        )
        imp = services.statement_import_run(import_id=imp.pk, show_progress=False)
        assert imp.status == ImportStatus.FAILED
        assert (imp.error_field, "99999999" in imp.error_message) == ("account_reference", True)
        assert Transaction.objects.count() == 0

    def test_a_failed_import_can_be_tried_again_after_the_cause_is_fixed(self, accounts, staff):
        imp = import_file(accounts, staff["payments_officer"], "card_csv", card_csv(may_txns(2), account="NEW-1"))
        assert imp.status == ImportStatus.FAILED
        accounts.card.card_account_reference = "NEW-1"
        accounts.card.save(update_fields=["card_account_reference"])
        services.statement_import_retry(actor=staff["payments_officer"], statement_import=imp)
        imp = services.statement_import_run(import_id=imp.pk, show_progress=False)
        assert (imp.status, imp.lines_added, imp.error_message) == (ImportStatus.DONE, 2, "")


@st.composite
def malformed_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file in one format with one fault after some good lines: cut short, a bad date, a fraction of a
    penny, bytes not in its encoding, or a missing column."""
    statement_format = draw(st.sampled_from(FORMATS))
    txns = [
        Txn(**{**t.__dict__, "ident": t.ident or f"G{i}", "description": f"Item {i}", "merchant": "Shop"})
        for i, t in enumerate(draw(transactions(min_size=2, max_size=6)))
    ]
    if statement_format in ("mapped_csv", "bank_csv", "camt053", "mt940"):
        txns = [Txn(**{**t.__dict__, "ident": None}) for t in txns]
    data = build(statement_format, txns)
    fault = draw(st.sampled_from(["truncated", "bad_date", "fraction", "encoding", "missing_column"]))
    last = txns[-1]
    if fault == "truncated":
        return statement_format, data[: draw(st.integers(min_value=1, max_value=len(data.rstrip()) - 1))]
    if fault == "bad_date":
        good = date_text(statement_format, last.posted_on)
        at = data.rindex(good)
        return statement_format, data[:at] + draw(st.sampled_from(BAD_DATES[statement_format])).encode() + data[
            at + len(good) :
        ]
    if fault == "fraction":
        whole, rem = divmod(abs(last.amount_pence), 100)
        text = (f"{whole:,}" if statement_format == "mapped_csv" else str(whole)).encode()
        amount = text + (b"," if statement_format == "mt940" else b".") + f"{rem:02d}".encode()
        at = data.rindex(amount) + len(amount)
        return statement_format, data[:at] + str(draw(st.integers(1, 9))).encode() + data[at:]
    if fault == "encoding":
        at = data.rindex(f"Item {len(txns) - 1}".encode()) + 2
        return statement_format, data[:at] + (b"\x81" if statement_format == "ofx" else b"\xff") + data[at:]
    element = {
        "card_csv": b"amount",
        "mapped_csv": b"Debit",
        "bank_csv": b"Paid out",
        "ofx": b"<TRNAMT>",
        "camt053": b"<BookgDt>",
        "mt940": b":60F:",
    }[statement_format]
    return statement_format, data.replace(element, b"X" + element[1:], 1)


@pytest.mark.django_db
class TestMalformedFilesWriteNothing:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(case=malformed_files())
    def test_each_gives_the_parsers_error_and_writes_nothing(self, accounts, staff, case):
        statement_format, data = case
        options = {"mapped_csv": {"mapping": HERON_MAPPING}, "bank_csv": {"account_reference": "12345678"}}
        try:
            parse(statement_format, data, file_name="bad.file", **options.get(statement_format, {}))
        except StatementFormatError as exc:
            expected = exc.message
        else:
            assume(False)
        before = counts()
        imp = import_file(accounts, staff["payments_officer"], statement_format, data, name="bad.file")
        assert imp.status == ImportStatus.FAILED
        assert imp.error_message == expected
        assert imp.error_message.startswith(f"bad.file, line {imp.error_line}, {imp.error_field}: ")
        assert counts() == before


@pytest.mark.django_db
class TestCategorisingAndMatching:
    def test_a_council_rule_and_a_merchant_code_categorise_lines(self, accounts, staff):
        MerchantRuleFactory(pattern="Corner Shop", category="groceries")
        txns = [
            Txn(MAY, -500, "Card purchase", "Corner Shop", "A1", None),
            Txn(MAY, -2000, "Cash", "Cashpoint", "A2", "6011"),
            Txn(MAY, 45000, "Load from Northmoor Council", "", "A3", None),
            Txn(MAY, -999, "Card purchase", "Mystery Ltd", "A4", None),
        ]
        imp = import_file(accounts, staff["payments_officer"], "card_csv", card_csv(txns))
        by_id = {t.provider_transaction_id: t for t in Transaction.objects.filter(statement_import=imp)}
        assert (by_id["A1"].category, by_id["A1"].matched_by, by_id["A1"].rule_ref) == (
            "groceries",
            "council_rule",
            f"rule:{MerchantRule.objects.get().pk}",
        )
        assert (by_id["A2"].status, by_id["A2"].category) == (TransactionStatus.CASH, "cash_withdrawal")
        assert by_id["A3"].status == TransactionStatus.MONEY_IN
        assert by_id["A4"].status == TransactionStatus.UNEXPLAINED
        assert imp.unexplained == 2  # groceries are not part of a plan line, and the mystery

    def test_a_contribution_paid_in_is_recorded_against_the_schedule(self, accounts, staff):
        schedule = SignedScheduleFactory(worker=staff["social_worker"])
        on = schedule.start_on
        txns = [Txn(on, 5000, "Contribution", "Standing order", "C1", None)]
        data = card_csv(txns, account=schedule.account.card_account_reference)
        imp = import_file(accounts, staff["payments_officer"], "card_csv", data)
        assert imp.contributions_matched == 1
        line = Transaction.objects.get(statement_import=imp)
        receipt = line.contribution_receipt
        assert (receipt.schedule_id, receipt.amount_pence, receipt.received_on) == (schedule.pk, 5000, on)
        assert receipt.journal is not None
        again = import_file(accounts, staff["payments_officer"], "card_csv", data)
        assert again.contributions_matched == 0
        assert ContributionReceipt.objects.count() == 1

    def test_the_statement_balance_is_reconciled_against_the_ledger(self, accounts, staff):
        txns = may_txns(3)  # spending only; nothing was paid in through the ledger
        imp = import_file(accounts, staff["payments_officer"], "card_csv", card_csv(txns))
        rec = StatementReconciliation.objects.get(statement_import=imp)
        spent = sum(t.amount_pence for t in txns)
        assert (rec.account_id, rec.balance_on) == (accounts.card.pk, txns[-1].posted_on)
        assert rec.statement_balance_pence == spent  # the file's running balance from 0
        assert rec.ledger_balance_pence == spent  # no money in recorded, the spending subtracted
        assert rec.difference_pence == 0


@pytest.mark.django_db
class TestInTheBackground:
    def test_uploading_queues_a_task_that_imports_the_file(self, accounts, staff, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            imp = services.statement_import_create(
                actor=staff["payments_officer"],
                file=ContentFile(card_csv(may_txns(2)), name="card.csv"),
                statement_format="card_csv",
            )
        imp.refresh_from_db()
        assert (imp.status, imp.lines_added) == (ImportStatus.DONE, 2)

    def test_a_finished_import_run_again_changes_nothing(self, accounts, staff):
        imp = import_file(accounts, staff["payments_officer"], "card_csv", card_csv(may_txns(2)))
        again = services.statement_import_run(import_id=imp.pk, show_progress=False)
        assert (again.status, again.lines_added) == (ImportStatus.DONE, 2)
        assert Transaction.objects.count() == 2
