from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dp.payments import services


class Command(BaseCommand):
    help = (
        "Load England and Wales bank holidays from the installed govuk-bank-holidays package's bundled data "
        "(never the network). Existing days are kept; administrators add later years on the bank holidays page."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        added = services.bank_holidays_load()
        self.stdout.write(f"{added} bank holidays added.")
