from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "dp.payments"
    label = "payments"
    verbose_name = "Direct payment accounts, schedules and payment runs"

    def ready(self) -> None:
        from dp.audit_log.models import register_event_types
        from dp.payments import panels, policy  # noqa: F401  (registers the policy parameters and the case panel)
        from dp.payments.constants import PaymentEventType

        register_event_types(PaymentEventType)
