from django.apps import AppConfig


class AuditLogConfig(AppConfig):
    name = "dp.audit_log"
    label = "audit_log"
    verbose_name = "Audit log (who did what)"
