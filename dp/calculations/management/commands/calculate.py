"""`manage.py calculate KIND` — the calculation contract on the command line.

Reads one JSON object on standard input and writes one JSON object on standard output (exit 0).
On bad input: exit 2, nothing on standard output, and `{"error": {"field", "message"}}` on
standard error.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dp.calculations.kinds import KINDS
from dp.calculations.service import CalculationError, calculate_from_text


def ensure_embedded_database_migrated() -> None:
    """Right after set-up the embedded demo database may not be migrated yet (for example when
    only the test command has run): migrate it quietly so the command just works. A server named
    in DATABASE_URL is never migrated behind its administrator's back."""
    if os.environ.get("DATABASE_URL"):
        return
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # answers fast; needs no web server
    help = "Run a calculation (kinds: " + ", ".join(KINDS) + ") on a JSON request from standard input."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", help="One of: " + ", ".join(KINDS))

    def handle(self, *args: Any, kind: str, **options: Any) -> None:
        ensure_embedded_database_migrated()
        try:
            response = calculate_from_text(kind, sys.stdin.buffer.read())
        except CalculationError as exc:
            sys.stderr.write(json.dumps(exc.body) + "\n")
            sys.stderr.flush()
            raise SystemExit(2) from None
        sys.stdout.write(json.dumps(response) + "\n")
        sys.stdout.flush()
