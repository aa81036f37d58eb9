from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dp.audits import services
from dp.core import clock
from dp.core.errors import DirectPaymentsError


class Command(BaseCommand):
    help = (
        "Run every monitoring check over every direct payment account and write the new findings (cron, nightly). "
        "Safe to run again: the same evidence never raises a finding twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None, help="As of this date (default today)")
        parser.add_argument("--workers", type=int, default=1, help="Processes, each over a range of accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            result = services.monitoring_sweep(
                actor=None, as_of=options["on"] or clock.today(), workers=max(1, options["workers"])
            )
        except DirectPaymentsError as exc:
            raise CommandError(exc.message) from None
        for code, reason in sorted(result.skipped.items()):
            self.stdout.write(f"Skipped {code}: {reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.accounts} accounts checked, {result.evaluated} looked at closely, {result.raised} new "
                f"findings, {result.superseded} out of date (superseded) in {time.monotonic() - started:.1f} s."
            )
        )
