from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dp.core.errors import DirectPaymentsError
from dp.employment import services
from dp.payments.models import DirectPaymentAccount


class Command(BaseCommand):
    help = (
        "Import a payroll bureau's CSV of Personal Assistants' pay (layout: dp/employment/README.md): all of it or "
        "(on any error, which names the file, line and column) none of it. Lines already recorded are left alone."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The payroll file (UTF-8 CSV)")
        parser.add_argument("--account", type=int, help="Refuse lines of any other direct payment account")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        account = None
        if options["account"] is not None:
            account = DirectPaymentAccount.objects.filter(pk=options["account"]).first()
            if account is None:
                raise CommandError(f"No direct payment account {options['account']}")
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                result = services.payroll_file_import(actor=None, file_name=path.name, rows=stream, account=account)
        except UnicodeDecodeError:
            raise CommandError(f"{path.name} is not UTF-8 text: save it as CSV UTF-8") from None
        except DirectPaymentsError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{path.name}: {result.lines} lines, {result.added} pay records added, "
            f"{result.already_recorded} already recorded"
        )
