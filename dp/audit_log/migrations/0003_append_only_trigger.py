from pathlib import Path

from django.db import migrations

SQL = Path(__file__).parent / "sql"


class Migration(migrations.Migration):
    dependencies = [("audit_log", "0002_initial")]
    operations = [
        migrations.RunSQL(
            (SQL / "audit_event_append_only.sql").read_text(),
            reverse_sql=(SQL / "audit_event_append_only_reverse.sql").read_text(),
        )
    ]
