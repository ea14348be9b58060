from acceptance.permissions import can_read_audit_list
from core.todo import request_todos


def navigation(request):
    """The navigation bar's to-do badges (every app's providers) and unread notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    todos = request_todos(request)
    return {
        "nav_todos": todos,
        "nav_todo_total": sum(item.count for item in todos),
        "nav_unread": user.notifications.filter(read_at__isnull=True).count(),
        "nav_audit_list": bool(can_read_audit_list(user)),
    }
