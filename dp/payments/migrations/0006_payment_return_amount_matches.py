from pathlib import Path

from django.db import migrations

SQL = Path(__file__).parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_payment_returns")]
    operations = [
        migrations.RunSQL(
            (SQL / "payment_return_rules.sql").read_text(),
            reverse_sql=(SQL / "payment_return_rules_reverse.sql").read_text(),
        )
    ]
