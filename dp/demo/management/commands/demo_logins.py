from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dp.demo.logins import DEMO_LOGINS, DEMO_PASSWORD
from dp.staff.roles import Role


class Command(BaseCommand):
    help = "Print the demo council's staff logins, one per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (synthetic council; password for every account: {DEMO_PASSWORD})")
        self.stdout.write("-" * 78)
        for login in DEMO_LOGINS:
            roles = ", ".join(Role(r).label for r in login.roles)
            self.stdout.write(f"  {login.username:<20} {roles}")
        self.stdout.write("-" * 78)
        self.stdout.write(f"Open {options['url']} and sign in with one of them.")
        self.stdout.write("")
