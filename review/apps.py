from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "联合评审"

    def ready(self):
        """Plug review into the lifecycle through the registries of the apps below it."""
        from projects.services import register_action_service

        from . import dataset, disclosure, links, rules, todos, visibility  # noqa: F401
        from .services import review_accept

        register_action_service(
            "accept_for_review",
            lambda project, by, comment: review_accept(project=project, by=by, comment=comment),
        )
