from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "dp.councils"
    label = "councils"
    verbose_name = "Council settings and policy"
