from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "项目"

    def ready(self):
        from . import todos  # noqa: F401  (registers to-do providers)
