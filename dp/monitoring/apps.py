from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """The financial monitoring of how direct payments are spent (not the system's audit log)."""

    name = "dp.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring of direct payment spending"

    def ready(self) -> None:
        from dp.audit_log.models import register_event_types
        from dp.monitoring import panels, policy  # noqa: F401  (registers the policy parameters and the case panel)
        from dp.monitoring.constants import MonitoringEventType

        register_event_types(MonitoringEventType)
