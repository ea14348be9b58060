"""Notifications as a reader sees them: a link only to a page the recipient can still open.

A notification stores its text and URL. At render time each URL is resolved; a URL naming an
object (``<int:pk>``) links only when the app owning that URL name registered a check
(``link_check``) and the check finds the object visible to the recipient now. Pages without
an object (a to-do list) always link; anything else is shown as text."""

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

# url name -> check(user, pks) -> the subset of pks the user may open
_checks = {}


def link_check(url_name):
    """Register ``check(user, pks) -> set`` for notifications linking to ``url_name``."""

    def register(check):
        _checks[url_name] = check
        return check

    return register


def _target(url):
    """(url name, kwargs) of a site URL, or None for anything that does not resolve."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name, match.kwargs


def with_links(user, notifications) -> list:
    """``notifications`` with ``link`` set to the URL, or "" where the target is not visible."""
    rows = list(notifications)
    targets = {n.pk: _target(n.url) if n.url else None for n in rows}
    wanted = {}
    for target in filter(None, targets.values()):
        name, kwargs = target
        if set(kwargs) == {"pk"} and name in _checks:
            wanted.setdefault(name, set()).add(kwargs["pk"])
    visible = {name: _checks[name](user, pks) for name, pks in wanted.items()}
    for n in rows:
        target = targets[n.pk]
        if target is None:
            n.link = ""
        else:
            name, kwargs = target
            n.link = n.url if not kwargs or kwargs.get("pk") in visible.get(name, ()) else ""
    return rows


def notifications_for(user, limit=200) -> list:
    return with_links(user, user.notifications.all()[:limit])
