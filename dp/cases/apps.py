from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "dp.cases"
    label = "cases"
    verbose_name = "Referrals and cases"

    def ready(self) -> None:
        from dp.cases import policy  # noqa: F401  (registers the policy parameters)
