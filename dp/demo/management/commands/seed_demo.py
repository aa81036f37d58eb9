from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dp.core import clock
from dp.demo import seed


class Command(BaseCommand):
    help = "Build the synthetic demo council (deterministic for a seed and date). Synthetic data only."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--people", type=int, default=3000, help="About how many people (default 3000)")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1)")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="Build the demo as of this date")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the database already has a council")

    def handle(self, *args: Any, **options: Any) -> None:
        if not seed.database_is_empty():
            if options["if_empty"]:
                self.stdout.write("The database already has a council: demo not loaded again.")
                return
            raise CommandError("The database already has a council. Use a fresh database (or --if-empty).")
        if options["people"] < 10:
            raise CommandError("--people must be at least 10.")
        started = time.monotonic()
        ctx = seed.build(people=options["people"], seed=options["seed"], today=options["today"] or clock.today())
        self.stdout.write(
            f"Demo council built: {len(ctx.people)} people, {len(ctx.cases)} cases, "
            f"{len(ctx.staff)} demo logins, in {time.monotonic() - started:.1f} s."
        )
