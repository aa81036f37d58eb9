from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "dp.agreements"
    label = "agreements"
    verbose_name = "Direct payment agreements and reviews"

    def ready(self) -> None:
        from dp.agreements import panels, policy  # noqa: F401  (registers the policy parameter and case panels)
