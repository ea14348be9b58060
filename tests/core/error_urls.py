"""URLs for the error page tests: the site's, plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def refuse(request):
    raise PermissionDenied("只有牵头部门可以设立评审批次")


def refuse_bare(request):
    raise PermissionDenied


def crash(request):
    raise OperationalError("could not connect to server")


urlpatterns = [
    path("test-errors/403/", refuse),
    path("test-errors/403-bare/", refuse_bare),
    path("test-errors/500/", crash),
    *site_urlpatterns,
]
