from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The top layer: the home page, the navigation and the demo; it may import every app."""

    name = "workspace"
    verbose_name = "工作台"
