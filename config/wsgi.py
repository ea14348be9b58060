import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()


def _refuse_development_keys():
    """A production server never starts on the development secret or audit key (they are
    only for runserver, tests and benchmarks, which do not load this module)."""
    from django.conf import settings

    if settings.DEBUG:
        return
    if settings.AUDIT_HMAC_KEY == settings.DEV_AUDIT_HMAC_KEY or len(settings.AUDIT_HMAC_KEY) < 32:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY must be set (32+ characters) in production")
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")


_refuse_development_keys()
