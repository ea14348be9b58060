"""Login hardening: the lockout page (django-axes) and audit events for logins and logouts."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

from .audit import audit_record


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"登录失败次数过多，该账号在本机已被锁定 {minutes} 分钟。请稍后再试，或联系系统管理员解锁。"
    )


def login_locked_out(request, response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again, with the lockout message (HTTP 429)."""
    username = (credentials or {}).get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout_message": lockout_message(), "next": ""}
    return render(request, "registration/login.html", context, status=429)


def _client(request) -> dict:
    """The address as the lockout sees it (AXES_CLIENT_IP_CALLABLE behind a proxy)."""
    return {"ip": (get_client_ip_address(request) or "") if request is not None else ""}


def on_logged_in(sender, request, user, **kwargs):
    audit_record(
        by=user,
        subject=user,
        action="login",
        action_label="登录",
        data={**_client(request), "username": user.get_username()},
    )


def on_logged_out(sender, request, user, **kwargs):
    if user is None:  # logging out of an anonymous session
        return
    audit_record(
        by=user,
        subject=user,
        action="logout",
        action_label="退出登录",
        data={**_client(request), "username": user.get_username()},
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        by=None,
        subject=user,  # None when the username does not exist
        action="login_failed",
        action_label="登录失败",
        data={**_client(request), "username": username},
    )
