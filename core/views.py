from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .notifications import with_links
from .paging import page_query, paginate
from .services import notifications_mark_read


@login_required
def notifications(request):
    page = paginate(request, request.user.notifications.all())
    return render(
        request,
        "core/notifications.html",
        {
            "notifications": with_links(request.user, page.object_list),
            "page": page,
            "query": page_query(request),
        },
    )


@login_required
@require_POST
def notifications_read(request):
    notifications_mark_read(user=request.user)
    return redirect("core:notifications")
