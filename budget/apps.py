from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "资金"

    def ready(self):
        from . import links, todos  # noqa: F401  (register the page link and to-do providers)
