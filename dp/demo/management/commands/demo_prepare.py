"""One start of Django for `bin/run`: migrate, load the demo council if the database is empty,
and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, load the demo council when the database is empty, and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--people", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Migrating the database")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Loading the demo council (only if the database is empty)")
        call_command("seed_demo", if_empty=True, people=options["people"], seed=options["seed"], stdout=self.stdout)
        # The daily job (cron in production, ADR 9): payment runs sent before a pause whose money has arrived.
        call_command("payments_settle", stdout=self.stdout)
        call_command("demo_logins", url=options["url"], stdout=self.stdout)
