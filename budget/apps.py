from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "资金"

    def ready(self):
        from . import todos  # noqa: F401  (registers to-do providers)
