from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .services import notifications_mark_read


@login_required
def notifications(request):
    return render(
        request,
        "core/notifications.html",
        {"notifications": request.user.notifications.all()[:200]},
    )


@login_required
@require_POST
def notifications_read(request):
    notifications_mark_read(user=request.user)
    return redirect("core:notifications")
