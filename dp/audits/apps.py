from django.apps import AppConfig


class AuditsConfig(AppConfig):
    """Findings from the automated checks, proportionate audits of direct payment accounts, and fair
    recovery of surplus and misuse (notice, a period to respond, review, then the ledger)."""

    name = "dp.audits"
    label = "audits"
    verbose_name = "Findings, audits and recovery"

    def ready(self) -> None:
        from dp.audit_log.models import register_event_types
        from dp.audits import panels, policy  # noqa: F401  (registers the policy parameters and the case panel)
        from dp.audits.constants import AuditEventType

        register_event_types(AuditEventType)
