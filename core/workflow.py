"""The one transition primitive every lifecycle uses, and the vocabulary of its tables.

An app declares its lifecycle in ``<app>/workflow.py``: django-fsm ``@transition`` rows whose
``permission`` wraps a ``can_*`` predicate (``by_predicate``) and whose ``custom`` holds the
Chinese ``label``, ``reason`` (a written reason is required) and ``guards`` (named conditions,
checked in order on the locked row), plus one ``Lifecycle`` telling the primitive how to lock,
name and audit the model's rows. Services fire transitions through ``_fire`` only, one service
per action (tests/core/test_workflow_plumbing.py holds them to that); they queue notifications
with ``core.services.notify``, which sends on commit.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .audit import audit_record
from .permissions import WorkflowError, require


def by_predicate(predicate):
    """Adapt ``can_x(user, obj) -> Decision`` to django-fsm's ``permission(instance, user)``."""

    def permission(instance, user):
        return bool(predicate(user, instance))

    permission.predicate = predicate
    return permission


class Guard:
    """A named condition of a transition. ``check(obj, by, context)`` returns None when met,
    else the refusal shown to the user as is (it may also raise WorkflowError)."""

    def __init__(self, check, label):
        self.check, self.label, self.name = check, label, check.__name__

    def __call__(self, obj, by, context):
        return self.check(obj, by, context)

    def __repr__(self):
        return f"<Guard {self.name}: {self.label}>"


def guard(label):
    """Declare a guard: ``@guard("规划预检无阻断项")`` over ``def rules_pass(obj, by, context)``."""
    return lambda check: Guard(check, label)


class GuardHook(Guard):
    """A guard whose checks a higher app registers from its ``ready()`` (the lower table may
    not import them). With nothing registered it refuses to run: a condition named in a row
    is never skipped silently."""

    def __init__(self, name, label):
        self.name, self.label, self.checks = name, label, []

    def register(self, check):
        self.checks.append(check)
        return check

    def __call__(self, obj, by, context):
        if not self.checks:
            raise ImproperlyConfigured(f"no check is registered for the guard {self.name!r}")
        for check in self.checks:
            refusal = check(obj, by, context)
            if refusal:
                return refusal
        return None


@dataclass(frozen=True)
class Lifecycle:
    """What the primitive needs to know about one model besides its transition table."""

    model: str  # "app_label.Model", resolved when a transition fires
    noun: str  # names the row in refusals: "项目当前状态为“…”，不能…"
    # audit(locked, action, label) -> audit_record keywords: project, action, action_label[, data]
    audit: Callable[[object, str, str], dict]
    related: tuple[str, ...] = ()  # select_related on the locked row (only the row is locked)


def transition_meta(obj, action, field="status"):
    """The declared transition ``action`` (a method name) of ``obj``'s lifecycle."""
    for t in getattr(obj, f"get_all_{field}_transitions")():
        if t.name == action:
            return t
    raise KeyError(action)


def available_transitions(user, obj, field="status"):
    """Transitions ``user`` may fire on ``obj`` now (state and permission; guards run on
    firing), each action once."""
    seen, found = set(), []
    for t in getattr(obj, f"get_available_user_{field}_transitions")(user):
        if t.name not in seen:
            seen.add(t.name)
            found.append(t)
    return found


def _fire(lifecycle, obj, action, *, by, comment="", context=None, after=None):
    """Fire ``action`` on ``obj`` in one transaction and return the locked, saved row.

    Lock the row; permission (the predicate's reason); state; required reason; the row's
    guards in order, given ``context`` (what the service knows, plus ``action``); the
    transition; ``after(locked)`` for the service's own fields; save; audit. Private to the
    services, and each action is fired by exactly one of them.
    """
    model = apps.get_model(lifecycle.model)
    with transaction.atomic():
        rows = model._default_manager.select_for_update(of=("self",))
        if lifecycle.related:
            rows = rows.select_related(*lifecycle.related)
        locked = rows.get(pk=obj.pk)
        meta = transition_meta(locked, action)
        label = meta.custom["label"]
        require(meta.permission.predicate(by, locked))
        if action not in {t.name for t in locked.get_available_status_transitions()}:
            state = locked.get_status_display()
            raise WorkflowError(f"{lifecycle.noun}当前状态为“{state}”，不能{label}")
        comment = (comment or "").strip()
        if meta.custom.get("reason") and not comment:
            raise WorkflowError(f"{label}须填写理由")
        context = {**(context or {}), "action": action}
        for condition in meta.custom.get("guards", ()):
            refusal = condition(locked, by, context)
            if refusal:
                raise WorkflowError(refusal)
        from_state = locked.status
        getattr(locked, action)()
        if after:
            after(locked)
        if meta.custom.get("reason"):
            locked.last_reason = comment
        locked.save()
        audit_record(
            by=by,
            subject=locked,
            from_state=from_state,
            to_state=locked.status,
            comment=comment,
            **lifecycle.audit(locked, action, label),
        )
    return locked
