from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "dp.agreements"
    label = "agreements"
    verbose_name = "Direct payment agreements and reviews"
