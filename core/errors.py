"""Error views that Django does not route through handler403: the CSRF refusal."""

from django.shortcuts import render

CSRF_FAILURE_MESSAGE = "页面已过期或请求来源无法验证，请刷新页面后重试。"


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the Chinese 403 page instead of Django's English one."""
    return render(request, "403.html", {"exception": CSRF_FAILURE_MESSAGE}, status=403)
