from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "项目"

    def ready(self):
        from . import dataset, links, todos  # noqa: F401  (links, to-dos, dataset steps)
