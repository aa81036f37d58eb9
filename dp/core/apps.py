from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dp.core"
    label = "core"
    verbose_name = "Core"
