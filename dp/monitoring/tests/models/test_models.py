"""The tables' own guarantees: one transaction per account and dedup key, its account and import exist,
choices equal to the domain's."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from dp.monitoring.constants import SpendCategoryChoice
from dp.monitoring.domain.categorise import CATEGORY_LABELS, SpendCategory
from dp.monitoring.models import StatementImport, Transaction
from dp.monitoring.tests.factories import StatementImportFactory, TransactionFactory


def test_spend_category_choices_are_the_domain_categories() -> None:
    assert dict(SpendCategoryChoice.choices) == {c.value: CATEGORY_LABELS[c] for c in SpendCategory}


@pytest.mark.django_db
class TestTransactionUniqueness:
    def test_the_same_dedup_key_on_one_account_is_refused(self) -> None:
        first = TransactionFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            TransactionFactory(account=first.account, dedup_key=first.dedup_key)

    def test_the_same_dedup_key_on_another_account_is_allowed(self) -> None:
        first = TransactionFactory()
        second = TransactionFactory(dedup_key=first.dedup_key)
        assert second.account_id != first.account_id


@pytest.mark.django_db
class TestTransactionReferences:
    """The account and the import a transaction names are checked by set-based triggers (ADR 0010)."""

    def test_a_transaction_for_no_account_is_refused(self) -> None:
        line = TransactionFactory()
        with pytest.raises(IntegrityError, match="direct payment account -1"), transaction.atomic():
            TransactionFactory(statement_import=line.statement_import, account_id=-1)

    def test_a_transaction_for_no_import_is_refused(self) -> None:
        line = TransactionFactory()
        with pytest.raises(IntegrityError, match="statement import -1"), transaction.atomic():
            TransactionFactory(account=line.account, statement_import_id=-1)

    def test_moving_a_transaction_to_no_account_or_import_is_refused(self) -> None:
        line = TransactionFactory()
        with pytest.raises(IntegrityError, match="direct payment account"), transaction.atomic():
            Transaction.objects.filter(pk=line.pk).update(account_id=-1)
        with pytest.raises(IntegrityError, match="statement import"), transaction.atomic():
            Transaction.objects.filter(pk=line.pk).update(statement_import_id=-1)

    def test_an_account_or_import_with_transactions_cannot_be_deleted_or_renumbered(self) -> None:
        line = TransactionFactory()
        for table, pk in (
            ("payments_directpaymentaccount", line.account_id),
            ("monitoring_statementimport", line.statement_import_id),
        ):
            for sql in (f"DELETE FROM {table} WHERE id = %s", f"UPDATE {table} SET id = -id WHERE id = %s"):
                with (
                    pytest.raises(IntegrityError, match="named by statement transactions"),
                    transaction.atomic(),
                    connection.cursor() as cursor,
                ):
                    cursor.execute(sql, [pk])

    def test_an_import_without_transactions_can_be_deleted(self) -> None:
        unused = StatementImportFactory()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM monitoring_statementimport WHERE id = %s", [unused.pk])
        assert not StatementImport.objects.filter(pk=unused.pk).exists()
