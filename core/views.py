from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .notifications import notifications_for
from .services import notifications_mark_read


@login_required
def notifications(request):
    return render(
        request,
        "core/notifications.html",
        {"notifications": notifications_for(request.user)},
    )


@login_required
@require_POST
def notifications_read(request):
    notifications_mark_read(user=request.user)
    return redirect("core:notifications")
