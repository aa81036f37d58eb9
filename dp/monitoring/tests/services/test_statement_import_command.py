"""`manage.py statement_import`: the same import from the command line, with progress."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dp.monitoring.models import Transaction
from dp.monitoring.tests.domain.statement_files import Txn, card_csv, ofx

MAY = dt.date(2026, 5, 1)
TXNS = [Txn(MAY + dt.timedelta(days=i), -100 - i, "Card purchase", "Corner Shop", f"T{i}", "5411") for i in range(3)]


@pytest.mark.django_db
class TestStatementImportCommand:
    def test_imports_a_file_and_reports_the_counts(self, accounts, tmp_path):
        path = tmp_path / "card.csv"
        path.write_bytes(card_csv(TXNS))
        out = StringIO()
        call_command("statement_import", str(path), "--format", "card_csv", stdout=out)
        assert "3 new transactions, 0 already imported" in out.getvalue()
        assert "3 lines read (100%)" in out.getvalue()
        assert Transaction.objects.count() == 3

    def test_a_bank_statement_for_an_account(self, accounts, tmp_path):
        path = tmp_path / "may.ofx"
        path.write_bytes(ofx(TXNS))
        call_command(
            "statement_import", str(path), "--format", "ofx", "--account", str(accounts.bank.pk), stdout=StringIO()
        )
        assert Transaction.objects.filter(account=accounts.bank).count() == 3

    def test_a_bad_file_fails_naming_the_line(self, accounts, tmp_path):
        path = tmp_path / "bad.csv"
        path.write_bytes(card_csv(TXNS).replace(b"-1.02", b"-1.025"))
        with pytest.raises(CommandError, match=r"bad.csv, line 4, amount: '-1.025' has a fraction of a penny"):
            call_command("statement_import", str(path), "--format", "card_csv", stdout=StringIO())
        assert Transaction.objects.count() == 0
