from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "联合评审"

    def ready(self):
        from . import todos  # noqa: F401  (registers to-do providers)
