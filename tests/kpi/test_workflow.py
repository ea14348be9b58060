"""Every (state, action, role) cell of the return and dispatch-note machines: the services
and the buttons agree, and every refusal changes nothing."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from core.models import AuditEvent
from core.permissions import WorkflowError
from kpi import services
from kpi.models import DispatchNote, ProgressReturn
from kpi.workflow import available_actions

from .conftest import FILLED, at

pytestmark = pytest.mark.django_db

ROLES = [
    "dept_officer",
    "dept_head",
    "other_dept_officer",
    "office",
    "leader",
    "auditor",
    "finance",
]
RETURN_ACTIONS = ["submit", "confirm", "accept", "return_", "reopen"]
RETURN_TARGET = {
    "submit": "awaiting_head",
    "confirm": "submitted",
    "accept": "accepted",
    "return_": "returned",
    "reopen": "reopened",
}
RETURN_ALLOWED = {
    ("draft", "dept_officer"): {"submit"},
    ("returned", "dept_officer"): {"submit"},
    ("reopened", "dept_officer"): {"submit"},
    ("awaiting_head", "dept_head"): {"confirm"},
    ("submitted", "office"): {"accept", "return_"},
    ("accepted", "office"): {"reopen"},
}
RETURN_STATES = ["draft", "awaiting_head", "submitted", "returned", "accepted", "reopened"]
DATA = {"comment": "理由：数据与台账不符", "answer": "已按要求完成部署。"}
NOW = at(2026, 4, 8)


class Rollback(Exception):
    pass


def return_in(actors, state):
    ret = ProgressReturn.objects.get(period=actors.period, kind="project")
    ret = services.return_save(ret=ret, by=actors.officer, data=FILLED)
    if state == "draft":
        return ret
    ret = services.return_submit(ret=ret, by=actors.officer)
    if state == "awaiting_head":
        return ret
    ret = services.return_confirm(ret=ret, by=actors.head)
    if state == "submitted":
        return ret
    if state == "returned":
        return services.return_return(ret=ret, by=actors.office, reason="进度偏差说明不足")
    ret = services.return_accept(ret=ret, by=actors.office)
    if state == "accepted":
        return ret
    return services.return_reopen(ret=ret, by=actors.office, reason="实际进度填报有误")


def _cells(obj, users, allowed, actions, table, target, state):
    mismatches = []
    for role in ROLES:
        user = users[role]
        expected = allowed.get((state, role), set())
        offered = {t.name for t in available_actions(user, obj)}
        if offered != expected:
            mismatches.append(f"{state}/{role}: buttons {sorted(offered)} != {sorted(expected)}")
        for action in actions:
            events = AuditEvent.objects.count()
            try:
                with transaction.atomic():
                    outcome = table[action](obj, user, DATA).status
                    raise Rollback
            except Rollback:
                pass
            except WorkflowError:
                outcome = None
                assert AuditEvent.objects.count() == events
            if action in expected and outcome != target[action]:
                mismatches.append(f"{state}/{role}/{action}: refused, expected allowed")
            if action not in expected and outcome is not None:
                mismatches.append(f"{state}/{role}/{action}: allowed, expected refused")
        obj.refresh_from_db()
        assert obj.status == state
    return mismatches


@pytest.mark.parametrize("state", RETURN_STATES)
def test_every_return_cell(dispatch, state):
    users = dispatch.by_role()
    with time_machine.travel(NOW, tick=False):
        ret = return_in(dispatch, state)
        mismatches = _cells(
            ret,
            users,
            RETURN_ALLOWED,
            RETURN_ACTIONS,
            services.RETURN_ACTIONS,
            RETURN_TARGET,
            state,
        )
    assert not mismatches, "\n".join(mismatches)


def test_without_head_confirmation_a_submission_goes_to_the_office(dispatch):
    dispatch.period.requires_head = False
    dispatch.period.save()
    with time_machine.travel(NOW, tick=False):
        ret = return_in(dispatch, "draft")
        assert services.return_submit(ret=ret, by=dispatch.officer).status == "submitted"


def test_an_incomplete_return_cannot_be_filed(dispatch):
    ret = ProgressReturn.objects.get(period=dispatch.period, kind="project")
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(
            WorkflowError, match="月报未填写完整：计划进度（%）、实际进度（%）、下月计划"
        ):
            services.return_submit(ret=ret, by=dispatch.officer)


def test_accepted_is_locked_and_reopening_makes_a_new_version_showing_the_changes(dispatch):
    with time_machine.travel(NOW, tick=False):
        ret = return_in(dispatch, "accepted")
        with pytest.raises(WorkflowError, match="不能修改"):
            services.return_save(
                ret=ret, by=dispatch.officer, data={**FILLED, "actual_progress": "90"}
            )
        assert services.return_changes(ret) == []
        ret = services.return_reopen(ret=ret, by=dispatch.office, reason="实际进度填报有误")
        assert ret.version == 2
        ret = services.return_save(
            ret=ret, by=dispatch.officer, data={**FILLED, "actual_progress": "50"}
        )
        assert services.return_changes(ret) == [("实际进度（%）", 45, 50)]
        ret = services.return_submit(ret=ret, by=dispatch.officer)
        ret = services.return_confirm(ret=ret, by=dispatch.head)
        ret = services.return_accept(ret=ret, by=dispatch.office)
    assert [(v.version, v.content["actual_progress"]) for v in ret.versions.all()] == [
        (1, 45),
        (2, 50),
    ]
    actions = list(
        AuditEvent.objects.filter(subject_type="progressreturn", subject_id=ret.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "return_submit",
        "return_confirm",
        "return_accept",
        "return_reopen",
        "return_submit",
        "return_confirm",
        "return_accept",
    ]
    assert ret.received_at == NOW and ret.late_days == 0


NOTE_ACTIONS = ["answer", "close", "send_back"]
NOTE_TARGET = {"answer": "answered", "close": "closed", "send_back": "sent_back"}
NOTE_ALLOWED = {
    ("open", "dept_officer"): {"answer"},
    ("open", "dept_head"): {"answer"},
    ("sent_back", "dept_officer"): {"answer"},
    ("sent_back", "dept_head"): {"answer"},
    ("answered", "office"): {"close", "send_back"},
}
NOTE_STATES = ["open", "answered", "sent_back", "closed"]


def note_in(actors, state, deadline=dt.date(2026, 4, 30)):
    note = services.note_issue(
        by=actors.office,
        department=actors.department,
        project=actors.project,
        instruction="请于月底前完成等保测评备案。",
        deadline=deadline,
    )
    if state == "open":
        return note
    note = services.note_answer(note=note, by=actors.officer, answer="已完成备案，附备案证明。")
    if state == "answered":
        return note
    if state == "sent_back":
        return services.note_send_back(note=note, by=actors.office, reason="缺少备案证明")
    return services.note_close(note=note, by=actors.office)


@pytest.mark.parametrize("state", NOTE_STATES)
def test_every_note_cell(dispatch, state):
    users = dispatch.by_role()
    with time_machine.travel(NOW, tick=False):
        note = note_in(dispatch, state)
        mismatches = _cells(
            note, users, NOTE_ALLOWED, NOTE_ACTIONS, services.NOTE_ACTIONS, NOTE_TARGET, state
        )
    assert not mismatches, "\n".join(mismatches)


def test_note_counts_open_overdue_and_closed_on_time(dispatch):
    with time_machine.travel(NOW, tick=False):
        closed = note_in(dispatch, "closed")
        late = note_in(dispatch, "open")
        note_in(dispatch, "answered")  # answered on time, not closed, deadline passes
    with time_machine.travel(at(2026, 5, 3), tick=False):
        services.note_answer(note=late, by=dispatch.officer, answer="已整改")
        services.note_close(note=late, by=dispatch.office)
        note_in(dispatch, "open", deadline=dt.date(2026, 6, 10))
    with time_machine.travel(at(2026, 6, 1), tick=False):
        from django.utils import timezone

        (row,) = DispatchNote.objects.counts_by_department(timezone.localdate())
    assert (row["issued"], row["open"], row["overdue"], row["closed"], row["closed_on_time"]) == (
        4,
        2,
        1,
        2,
        1,
    )
    assert closed.status == "closed"
    events = AuditEvent.objects.filter(subject_type="dispatchnote").values_list("action", flat=True)
    assert {"dispatch_note_issue", "dispatch_note_answer", "dispatch_note_close"} <= set(events)


def test_a_note_only_to_a_department_about_its_own_project(dispatch):
    with time_machine.travel(NOW, tick=False), pytest.raises(WorkflowError, match="不属于该单位"):
        services.note_issue(
            by=dispatch.office,
            department=dispatch.other_department,
            project=dispatch.project,
            instruction="请说明",
            deadline=dt.date(2026, 4, 30),
        )
