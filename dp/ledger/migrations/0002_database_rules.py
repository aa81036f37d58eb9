from pathlib import Path

from django.db import migrations

SQL = Path(__file__).parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [
        migrations.RunSQL(
            (SQL / "ledger_rules.sql").read_text(),
            reverse_sql=(SQL / "ledger_rules_reverse.sql").read_text(),
        )
    ]
