from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "资金"

    def ready(self):
        # They register themselves: the page link, to-do providers, and the lifecycle guards
        # budget checks (budget_allocated, contract_signed).
        from . import dataset, links, rules, todos  # noqa: F401
