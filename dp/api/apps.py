from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dp.api"
    label = "api"
    verbose_name = "JSON API"
