"""Load the England and Wales bank holidays bundled with `govuk-bank-holidays` (never the network:
`use_cached_holidays=True`). Its data ends in December 2028; administrators add later years, and
`manage.py load_bank_holidays` loads a newer package's data."""

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from govuk_bank_holidays.bank_holidays import BankHolidays

    BankHoliday = apps.get_model("payments", "BankHoliday")
    holidays = BankHolidays(use_cached_holidays=True).get_holidays(division=BankHolidays.ENGLAND_AND_WALES)
    BankHoliday.objects.bulk_create(
        [BankHoliday(on=h["date"], name=h["title"]) for h in holidays], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_accounts_schedules_runs")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
