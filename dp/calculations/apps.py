from django.apps import AppConfig


class CalculationsConfig(AppConfig):
    name = "dp.calculations"
    label = "calculations"
    verbose_name = "Calculation service (public contract)"
