from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from projects.models import Project
from projects.selectors import project_status_counts
from projects.workflow import STATE_BADGES, State

from .services import notifications_mark_read
from .todo import todos_for


@login_required
def workspace(request):
    user = request.user
    counts = project_status_counts(user=user)
    recent = Project.objects.visible_to(user).for_ledger()[:8]
    return render(
        request,
        "core/workspace.html",
        {
            "todos": todos_for(user),
            "state_counts": [(s, label, counts.get(s, 0)) for s, label in State.choices],
            "total_projects": sum(counts.values()),
            "recent": recent,
            "badges": STATE_BADGES,
            "notifications": user.notifications.all()[:8],
        },
    )


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
