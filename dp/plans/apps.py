from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dp.plans"
    label = "plans"
    verbose_name = "Budgets, support plans and the funding panel"
