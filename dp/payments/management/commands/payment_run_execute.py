from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dp.core.errors import DirectPaymentsError
from dp.payments import services


class Command(BaseCommand):
    help = (
        "Send an approved payment run in the foreground, showing progress: post its journals and write its Bacs, "
        "card-load and remittance files. Safe to run again after a failure: it carries on where it stopped. "
        "Refused while another process is sending the same run."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("run_id", type=int)
        parser.add_argument("--chunk-size", type=int, default=None, help="Payments per journal (first send only)")
        parser.add_argument("--settle", action="store_true", help="Also record the money as arrived (pay date only)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(text: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {text}")
            self.stdout.flush()

        try:
            run = services.payment_run_execute(
                run_id=options["run_id"], chunk_size=options["chunk_size"], progress=progress
            )
            if options["settle"]:
                run = services.payment_run_settle(run_id=run.pk, progress=progress)
        except DirectPaymentsError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"{run.reference}: {run.get_status_display()}"))
