"""Fewer indexes on monitoring_transaction; its account and import checked set-based (ADR 0010).

The single-column indexes on account_id, statement_import_id and plan_line_id duplicate the composite
indexes that lead with those columns; the row-by-row foreign keys to the account and the import become
triggers that check each statement's rows at once (sql/transaction_references.sql).
"""

from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

SQL = Path(__file__).parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_transaction_plan_line_index_partial"),
        ("payments", "0004_database_defaults"),
        ("plans", "0001_schemes_plans_budgets"),
    ]

    operations = [
        migrations.AlterField(
            model_name="transaction",
            name="account",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statement_transactions",
                to="payments.directpaymentaccount",
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="plan_line",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statement_transactions",
                to="plans.planline",
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="statement_import",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="transactions",
                to="monitoring.statementimport",
            ),
        ),
        migrations.RunSQL(
            (SQL / "transaction_references.sql").read_text(),
            reverse_sql=(SQL / "transaction_references_reverse.sql").read_text(),
        ),
    ]
