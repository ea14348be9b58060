"""To-do items (待办): each app registers providers; the navigation shows their counts.

Providers stay simple (``func(user) -> list[TodoItem]``, a COUNT or two each). What they
return is cached per user and per *stamp*, read in one small indexed query: the sequence numbers
of the audit chains of the user's jurisdiction, its parent and its children, plus whatever higher
apps register with ``@todo_stamp`` for writes that are not audited (projects: the last draft
edit). Every state change and money movement appends to one of those chains (``core.audit``),
so any event that can change a to-do, from a provider this module has never seen, changes the
stamp and the next page recomputes. The stamp also carries the user's roles and organisation (an
administrator's edit) and the date (windows that open and close with the calendar). Within one
request the items are computed once: the workspace and the navigation share them
(``request_todos``).
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F, Func, Q, Subquery
from django.utils import timezone

_providers = []
_stamps = []
CACHE_SECONDS = 600


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int
    url: str
    icon: str = "bi-inbox"


def todo_provider(func):
    """Register ``func(user) -> list[TodoItem]``; providers should run one COUNT each."""
    _providers.append(func)
    return func


def todo_stamp(func):
    """Register ``func() -> QuerySet`` of one row and one column that changes whenever a write
    a provider depends on happens without an audit event (kept cheap: an indexed MAX)."""
    _stamps.append(func)
    return func


def _compute(user) -> list[TodoItem]:
    items = [item for provider in _providers for item in provider(user)]
    return [item for item in items if item.count]


def audit_stamp(user) -> str:
    """What the user's to-dos depend on, as a short key (one query)."""
    from .models import AuditChainHead, Jurisdiction

    j = user.jurisdiction_id
    family = Jurisdiction.objects.filter(Q(pk=j) | Q(parent_id=j) | Q(jurisdiction=j))
    heads = AuditChainHead.objects.filter(chain__in=family.values("code")).order_by()
    columns = {
        "seq": Subquery(heads.values(n=Func(F("seq"), function="SUM"))),
        "chains": Subquery(heads.values(n=Func(F("seq"), function="COUNT"))),
        **{f"extra{i}": Subquery(stamp()) for i, stamp in enumerate(_stamps)},
    }
    row = Jurisdiction.objects.filter(pk=j).annotate(**columns).values_list(*columns).first()
    parts = [
        user.pk,
        user.organisation_id,
        sorted(user.role_codes),
        timezone.localdate().isoformat(),
        row,
    ]
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def todos_for(user) -> list[TodoItem]:
    """The user's non-empty to-dos, from the cache while the stamp holds."""
    if not user.is_authenticated:
        return []
    key = f"todos:{user.pk}:{audit_stamp(user)}"
    items = cache.get(key)
    if items is None:
        items = _compute(user)
        cache.set(key, items, CACHE_SECONDS)
    return items


def request_todos(request) -> list[TodoItem]:
    """``todos_for(request.user)`` once per request (the page and the navigation share it)."""
    if not hasattr(request, "_todos"):
        request._todos = todos_for(request.user)
    return request._todos
