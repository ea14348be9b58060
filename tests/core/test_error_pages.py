"""403, 404 and 500 in Chinese, in the site's layout, with DEBUG off."""

from unittest import mock

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.urls import reverse

from core.errors import CSRF_FAILURE_MESSAGE
from tests.factories import Actors

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _in_layout(html: str):
    assert "政务信息化项目监管系统" in html and "navbar" in html
    assert "css/app.css" in html


def test_permission_denied_shows_the_chinese_403_with_its_reason(client):
    client.force_login(Actors().officer)
    response = client.get("/test-errors/403/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and "只有牵头部门可以设立评审批次" in html
    _in_layout(html)


def test_bare_permission_denied_gets_the_generic_reason(client):
    client.force_login(Actors().officer)
    response = client.get("/test-errors/403-bare/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "您没有权限访问此页面或执行此操作" in html
    _in_layout(html)


def test_a_real_view_refuses_in_chinese_naming_who_may(client):
    client.force_login(Actors().officer)  # a department: review meetings are refused
    response = client.get(reverse("review:meetings"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "只有牵头部门、领导和审计部门可以查看联审会议和评审用时" in html
    _in_layout(html)


def test_csrf_failure_is_the_chinese_403(client):
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert CSRF_FAILURE_MESSAGE in response.content.decode()


def test_unknown_page_shows_the_chinese_404(client):
    client.force_login(Actors().officer)
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "No " not in html
    _in_layout(html)


def test_500_renders_in_chinese_with_the_database_down(client):
    client.raise_request_exception = False
    down = OperationalError("database is down")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down):
        response = client.get("/test-errors/500/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时无法处理您的请求" in html
    _in_layout(html)
