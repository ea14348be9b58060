from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "组织与审计"

    def ready(self):
        from django.contrib.auth import signals

        from . import (
            checks,  # noqa: F401  (registers the deploy checks)
            dataset,  # noqa: F401  (registers its dataset steps and checks)
            login,
        )

        signals.user_logged_in.connect(login.on_logged_in, dispatch_uid="core.audit_login")
        signals.user_logged_out.connect(login.on_logged_out, dispatch_uid="core.audit_logout")
        signals.user_login_failed.connect(
            login.on_login_failed, dispatch_uid="core.audit_login_failed"
        )
