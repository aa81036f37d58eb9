from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    """Support to employ: Personal Assistants' pay where the hours are known, and money an account already owes."""

    name = "dp.employment"
    label = "employment"
    verbose_name = "Employing Personal Assistants"

    def ready(self) -> None:
        from dp.audit_log.models import register_event_types
        from dp.employment import panels  # noqa: F401  (registers the case panel)
        from dp.employment.constants import EmploymentEventType

        register_event_types(EmploymentEventType)
