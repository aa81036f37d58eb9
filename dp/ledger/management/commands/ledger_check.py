from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dp.core.money import format_pence
from dp.ledger.selectors import trial_balance, unbalanced_journals


class Command(BaseCommand):
    help = "Check the ledger: every journal balances and total debits equal total credits."

    def handle(self, *args: Any, **options: Any) -> None:
        debits, credits = trial_balance()
        bad = unbalanced_journals()
        self.stdout.write(f"Total debits {format_pence(debits)}, total credits {format_pence(credits)}")
        if bad or debits != credits:
            raise CommandError(f"The ledger does not balance: {len(bad)} journals are wrong, e.g. {bad[:5]}")
        self.stdout.write("Every journal balances.")
