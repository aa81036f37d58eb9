from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "dp.assessments"
    label = "assessments"
    verbose_name = "Assessments and charging"

    def ready(self) -> None:
        from dp.assessments import panels, policy  # noqa: F401  (registers the policy parameters and the case panel)
