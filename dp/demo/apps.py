from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dp.demo"
    label = "demo"
    verbose_name = "Demo council"
