from django.apps import AppConfig


class QueuesConfig(AppConfig):
    name = "dp.queues"
    label = "queues"
    verbose_name = "Work queues"
