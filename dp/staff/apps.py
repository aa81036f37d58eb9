from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "dp.staff"
    label = "staff"
    verbose_name = "Staff and roles"
