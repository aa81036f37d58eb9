from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from dp.core.errors import DirectPaymentsError
from dp.monitoring import services
from dp.monitoring.constants import ImportStatus, StatementFormatChoice
from dp.monitoring.models import ColumnMappingProfile
from dp.payments.models import DirectPaymentAccount


class Command(BaseCommand):
    help = (
        "Import a statement file in the foreground, showing progress: all of it or (on any error, which names the "
        "file, line and field) none of it. Transactions already imported are not added again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="The statement file")
        parser.add_argument("--format", required=True, choices=StatementFormatChoice.values, dest="statement_format")
        parser.add_argument("--account", type=int, help="Direct payment account id (bank statements of one account)")
        parser.add_argument("--mapping", help="Provider whose saved column layout to use (mapped_csv)")
        parser.add_argument("--encoding", default="", help="Text encoding of a bank CSV or MT940 file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        account = None
        if options["account"] is not None:
            account = DirectPaymentAccount.objects.filter(pk=options["account"]).first()
            if account is None:
                raise CommandError(f"No direct payment account {options['account']}")
        mapping = None
        if options["mapping"]:
            mapping = ColumnMappingProfile.objects.filter(provider__iexact=options["mapping"]).first()
            if mapping is None:
                raise CommandError(f"No saved column layout for {options['mapping']!r}")
        started = time.monotonic()
        size = path.stat().st_size

        def progress(lines_read: int, bytes_read: int) -> None:
            percent = bytes_read * 100 // size if size else 100
            self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {lines_read} lines read ({percent}%)")
            self.stdout.flush()

        try:
            with path.open("rb") as stream:
                imp = services.statement_import_create(
                    actor=None,
                    file=File(stream, name=path.name),
                    statement_format=options["statement_format"],
                    mapping=mapping,
                    account=account,
                    encoding=options["encoding"],
                    run_in_background=False,
                )
            imp = services.statement_import_run(import_id=imp.pk, on_progress=progress)
        except DirectPaymentsError as exc:
            raise CommandError(exc.message) from None
        if imp.status != ImportStatus.DONE:
            raise CommandError(f"Import {imp.pk} failed, nothing was imported: {imp.error_message}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Import {imp.pk}: {imp.lines_added} new transactions, {imp.duplicates} already imported, "
                f"{imp.unexplained} unexplained ({time.monotonic() - started:.1f}s)"
            )
        )
