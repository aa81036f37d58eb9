from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dp.people"
    label = "people"
    verbose_name = "People"
