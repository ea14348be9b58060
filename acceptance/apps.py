from django.apps import AppConfig


class AcceptanceConfig(AppConfig):
    name = "acceptance"
    verbose_name = "验收与整改"

    def ready(self):
        # They register themselves: the R8 and decision guards, to-dos, page and notice links.
        from . import links, rules, todos  # noqa: F401
