"""The transition primitive stays private to the services, and each lifecycle action is fired
by exactly one service (read from the source, so an unexercised path cannot hide a second)."""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from core.workflow import Guard, GuardHook, Lifecycle

ROOT = Path(__file__).resolve().parents[2]
PRIMITIVE = "_fire"


def _app_modules():
    paths = [Path(c.path) for c in apps.get_app_configs() if Path(c.path).is_relative_to(ROOT)]
    for path in [*paths, ROOT / "config"]:
        for file in sorted(path.rglob("*.py")):
            if "migrations" not in file.parts:
                yield file


def _module_name(file):
    return ".".join(file.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _is_services(file):
    parts = file.relative_to(ROOT).parts
    return parts[-1] == "services.py" or (len(parts) > 2 and parts[-2] == "services")


def _mentions_primitive(node):
    return (
        (isinstance(node, ast.Name) and node.id == PRIMITIVE)
        or (isinstance(node, ast.Attribute) and node.attr == PRIMITIVE)
        or (isinstance(node, ast.alias) and PRIMITIVE in (node.name, node.asname))
    )


def _lifecycles():
    found = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.workflow")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, Lifecycle):
                found[value.model] = value
    return found


def _declared_actions(lifecycle):
    model = apps.get_model(lifecycle.model)
    return {t.name for t in model._meta.get_field("status").get_all_transitions(model)}


def _actions(node, module):
    """The literal action(s) of a call: a string, or ``TABLE[key]`` over a module-level dict
    of strings (review's decision → approve / reject / send_back)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        table = getattr(module, node.value.id)
        assert isinstance(table, dict), f"{module.__name__}.{node.value.id} is not a dict"
        return {str(v) for v in table.values()}
    raise AssertionError(f"{module.__name__}: {PRIMITIVE} needs a literal action")


def _firings():
    """{(lifecycle model, action): ["module.function", ...]} from every services module."""
    firings = {}
    for file in filter(_is_services, _app_modules()):
        module = importlib.import_module(_module_name(file))
        for function in ast.parse(file.read_text()).body:
            if not isinstance(function, ast.FunctionDef):
                continue
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and _mentions_primitive(call.func)):
                    continue
                lifecycle = getattr(module, call.args[0].id)
                assert isinstance(lifecycle, Lifecycle), f"{module.__name__}.{function.name}"
                for action in _actions(call.args[2], module):
                    where = f"{module.__name__}.{function.name}"
                    firings.setdefault((lifecycle.model, action), []).append(where)
    return firings


def test_only_services_modules_use_the_primitive():
    offenders = []
    for file in _app_modules():
        if _is_services(file) or file == ROOT / "core" / "workflow.py":
            continue
        tree = ast.parse(file.read_text())
        if any(_mentions_primitive(node) for node in ast.walk(tree)):
            offenders.append(str(file.relative_to(ROOT)))
    for file in (ROOT / "tests").rglob("*.py"):
        if any(_mentions_primitive(node) for node in ast.walk(ast.parse(file.read_text()))):
            offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []


def test_the_primitive_is_not_re_exported():
    for file in filter(_is_services, _app_modules()):
        module = importlib.import_module(_module_name(file))
        assert PRIMITIVE not in getattr(module, "__all__", ()), module.__name__


def test_each_action_is_fired_by_exactly_one_service():
    lifecycles = _lifecycles()
    assert set(lifecycles) == {
        "projects.Project",
        "budget.Disbursement",
        "acceptance.RectificationItem",
        "budget.OmApplication",
        "kpi.ProgressReturn",
        "kpi.DispatchNote",
    }
    firings = _firings()
    declared = {(model, a) for model, lc in lifecycles.items() for a in _declared_actions(lc)}
    assert set(firings) - declared == set(), "fires an action its lifecycle does not declare"
    unfired = sorted(declared - set(firings))
    assert unfired == [], f"no service fires {unfired}"
    twice = {key: where for key, where in firings.items() if len(where) != 1}
    assert twice == {}, f"fired by more than one service: {twice}"


def test_the_table_names_guard_objects_and_every_hook_is_filled():
    for lifecycle in _lifecycles().values():
        model = apps.get_model(lifecycle.model)
        for t in model._meta.get_field("status").get_all_transitions(model):
            assert t.custom.get("label"), t.name
            for condition in t.custom.get("guards", ()):
                assert isinstance(condition, Guard), f"{t.name}: {condition!r}"
                assert condition.label
                if isinstance(condition, GuardHook):
                    assert condition.checks, f"nothing registered for {condition.name}"


def test_a_hook_with_nothing_registered_refuses_to_run():
    hook = GuardHook("nothing_yet", "尚未登记")
    with pytest.raises(ImproperlyConfigured, match="nothing_yet"):
        hook(object(), None, {})


def test_approval_needs_the_committee_decision_it_records():
    """Nothing may approve a project outside ``review_decide``: the row's hook refuses a
    firing that names no agenda item."""
    from projects.workflow import committee_decision

    refusal = committee_decision(object(), None, {"action": "approve"})
    assert refusal.startswith("须在联审会议表决后记录决定（依据：")
