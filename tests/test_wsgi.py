"""The WSGI entry point (gunicorn) refuses to serve production on development keys."""

import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

GOOD_KEY = "k" * 40


def _load_wsgi():
    sys.modules.pop("config.wsgi", None)
    return importlib.import_module("config.wsgi")


def test_production_refuses_the_development_audit_key(settings):
    settings.DEBUG = False
    settings.AUDIT_HMAC_KEY = settings.DEV_AUDIT_HMAC_KEY
    settings.SECRET_KEY = GOOD_KEY
    with pytest.raises(ImproperlyConfigured, match="AUDIT_HMAC_KEY"):
        _load_wsgi()


def test_production_refuses_the_development_secret_key(settings):
    settings.DEBUG = False
    settings.AUDIT_HMAC_KEY = GOOD_KEY
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        _load_wsgi()


def test_production_starts_with_both_keys_set(settings):
    settings.DEBUG = False
    settings.AUDIT_HMAC_KEY = GOOD_KEY
    settings.SECRET_KEY = GOOD_KEY
    assert _load_wsgi().application is not None
