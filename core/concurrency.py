"""No lost edits: an edit form carries the version it was opened on; a stale save is refused.

Edit services read the row under ``select_for_update()``, call ``check_version`` and bump the
version on save. Every edit records ``data["version"]`` (the version it produced) and
``data["changed"]`` (field labels) in its audit event, so a refusal can say who changed the
record, when, and what.
"""

from django import forms
from django.utils import timezone

from .models import AuditEvent
from .permissions import WorkflowError

STALE = (
    "保存失败：该{label}已于 {when} 由 {who} {what}，您的修改未保存。"
    "请重新打开页面查看最新内容后再修改。"
)
STALE_UNKNOWN = (
    "保存失败：该{label}已被他人修改，您的修改未保存。请重新打开页面查看最新内容后再修改。"
)
MISSING = "页面缺少版本信息，您的修改未保存。请重新打开页面后再修改。"


class VersionField(forms.IntegerField):
    """The hidden version an edit form was opened on; the service compares it on save."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        errors = {"required": MISSING, "invalid": MISSING, "min_value": MISSING}
        super().__init__(min_value=0, error_messages=errors, **kwargs)


def check_version(locked, version, *, label: str, current=None, events=None) -> None:
    """Refuse unless ``version`` is the current one of the row the caller holds locked.

    ``current`` defaults to ``locked.version``; ``events`` (AuditEvents that carry
    ``data["version"]``) default to the events recorded on ``locked`` itself.
    """
    current = locked.version if current is None else current
    if version is not None and int(version) == current:
        return
    if events is None:
        events = AuditEvent.objects.filter(
            subject_type=locked._meta.model_name, subject_id=locked.pk
        )
    since = events.filter(data__version__gt=int(version or 0)).order_by("created_at", "id")
    raise WorkflowError(stale_message(label, list(since)))


def stale_message(label: str, events) -> str:
    """Who changed it, when (the latest change) and which fields, from the audit events."""
    if not events:
        return STALE_UNKNOWN.format(label=label)
    who = _unique(e.actor_name for e in events)
    actions = _unique(e.action_label for e in events)
    fields = _unique(f for e in events for f in (e.data.get("changed") or []))
    when = timezone.localtime(events[-1].created_at)
    what = "、".join(actions) + (f"（{'、'.join(fields)}）" if fields else "")
    return STALE.format(
        label=label,
        when=f"{when.month}月{when.day}日 {when:%H:%M}",
        who="、".join(who),
        what=what,
    )


def _unique(values) -> list:
    return list(dict.fromkeys(v for v in values if v))
