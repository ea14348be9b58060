from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "kpi"
    verbose_name = "月调度"

    def ready(self):
        # They register themselves: to-do providers, notification link checks, dataset step.
        from . import dataset, links, todos  # noqa: F401
