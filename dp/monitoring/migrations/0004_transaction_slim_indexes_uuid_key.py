"""Fewer, smaller indexes on monitoring_transaction, and every reference checked once per statement (ADR 0010).

* The dedup key becomes a uuid: the first 128 bits of the same SHA-256 (existing keys are cut to their
  first 32 hex digits, which is what the parsers now give, so re-importing an old file still adds nothing).
* One unique index on (account, posted on, key) replaces the unique (account, key) and the (account, posted
  on) index: the key includes the date, so it is as unique, and the same index serves look-ups by date.
* The import index becomes BRIN (lines are written an import at a time).
* The plan line and contribution receipt lose their row-by-row foreign keys (checked by the statement
  trigger, sql/transaction_references_v2.sql); the receipt's unique index becomes partial.
"""

from pathlib import Path

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

SQL = Path(__file__).parent / "sql"


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_transaction_indexes_and_import_integrity"),
        ("payments", "0004_database_defaults"),
        ("plans", "0001_schemes_plans_budgets"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="transaction",
            name="transaction_unique_account_dedup_key",
        ),
        migrations.RemoveIndex(
            model_name="transaction",
            name="transaction_account_posted_on",
        ),
        migrations.RemoveIndex(
            model_name="transaction",
            name="transaction_import",
        ),
        migrations.AlterField(
            model_name="transaction",
            name="contribution_receipt",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statement_transactions",
                to="payments.contributionreceipt",
            ),
        ),
        migrations.RunSQL(
            "ALTER TABLE monitoring_transaction ALTER COLUMN dedup_key TYPE uuid USING substr(dedup_key, 1, 32)::uuid",
            reverse_sql="ALTER TABLE monitoring_transaction ALTER COLUMN dedup_key TYPE varchar(64) "
            "USING replace(dedup_key::text, '-', '')",
            state_operations=[
                migrations.AlterField(
                    model_name="transaction",
                    name="dedup_key",
                    field=models.UUIDField(),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="transaction",
            name="matched_by",
            field=models.CharField(
                blank=True,
                choices=[
                    ("payee", "Known payee"),
                    ("council_rule", "Council merchant rule"),
                    ("merchant_category_code", "Merchant category code"),
                    ("builtin_rule", "Standard bank wording"),
                    ("money_in", "Money in"),
                    ("nothing", "Nothing matched"),
                    ("manual", "Categorised by staff"),
                ],
                max_length=24,
            ),
        ),
        migrations.AlterField(
            model_name="transaction",
            name="plan_line",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="statement_transactions",
                to="plans.planline",
            ),
        ),
        migrations.AddIndex(
            model_name="transaction",
            index=django.contrib.postgres.indexes.BrinIndex(
                fields=["statement_import"], name="transaction_import_brin", pages_per_range=32
            ),
        ),
        migrations.AddConstraint(
            model_name="transaction",
            constraint=models.UniqueConstraint(
                fields=("account", "posted_on", "dedup_key"), name="transaction_unique_account_on_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="transaction",
            constraint=models.UniqueConstraint(
                condition=models.Q(("contribution_receipt__isnull", False)),
                fields=("contribution_receipt",),
                name="transaction_unique_contribution_receipt",
            ),
        ),
        migrations.RunSQL(
            (SQL / "transaction_references_v2.sql").read_text(),
            reverse_sql=(SQL / "transaction_references_v2_reverse.sql").read_text(),
        ),
    ]
