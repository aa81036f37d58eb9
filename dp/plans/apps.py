from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dp.plans"
    label = "plans"
    verbose_name = "Budgets, support plans and the funding panel"

    def ready(self) -> None:
        from dp.plans import panels, policy  # noqa: F401  (registers the policy parameters and case panels)
