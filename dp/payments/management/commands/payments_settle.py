from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dp.core import clock
from dp.core.errors import DirectPaymentsError
from dp.payments import services


class Command(BaseCommand):
    help = (
        "The daily job: for every sent payment run whose money has arrived, record each payment in the person's "
        "account with the period's contribution due (one ledger journal per payment). Safe to run again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--run", type=int, default=None, help="Only this run")
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="As of this date (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(text: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:6.1f}s] {text}")
            self.stdout.flush()

        try:
            if options["run"]:
                runs = [services.payment_run_settle(run_id=options["run"], progress=progress)]
            else:
                runs = services.payment_runs_settle_due(on=options["on"] or clock.today(), progress=progress)
        except DirectPaymentsError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"{len(runs)} run(s) recorded as arrived."))
