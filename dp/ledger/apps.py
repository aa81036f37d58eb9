from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "dp.ledger"
    label = "ledger"
    verbose_name = "Ledger (double-entry, append-only)"
