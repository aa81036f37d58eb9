from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Findings from the automated checks, proportionate audits of direct payment accounts, and fair
    recovery of surplus and misuse (notice, a period to respond, review, then the ledger)."""

    name = "dp.audits"
    label = "audits"
    verbose_name = "Findings, audits and recovery"
