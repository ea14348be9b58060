from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.notifications import notifications_for
from core.todo import request_todos
from projects.models import Project
from projects.permissions import can_create_project
from projects.selectors import project_status_counts
from projects.workflow import STATE_BADGES, State


@login_required
def home(request):
    """The workspace (工作台): to-dos from every app, project counts, recent projects."""
    user = request.user
    counts = project_status_counts(user=user)
    recent = Project.objects.visible_to(user).for_ledger()[:8]
    return render(
        request,
        "workspace/workspace.html",
        {
            "todos": request_todos(request),
            "state_counts": [(s, label, counts.get(s, 0)) for s, label in State.choices],
            "total_projects": sum(counts.values()),
            "recent": recent,
            "badges": STATE_BADGES,
            "notifications": notifications_for(user, limit=8),
            "can_create": can_create_project(user),
        },
    )
