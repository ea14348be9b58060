from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "项目"

    def ready(self):
        from . import links, todos  # noqa: F401  (register notification links and to-dos)
