"""The project's stage bar (issue 9 item 4): the eight stages a civil servant names, where the
project is, and how long each stage took, from the transition history already loaded for the
timeline (no query per stage)."""

from dataclasses import dataclass

from django.utils import timezone

from .workflow import State as S

STAGES = [
    ("申报", {S.DRAFT, S.RETURNED}),
    ("审查", {S.SUBMITTED}),
    ("联审", {S.IN_REVIEW, S.REJECTED}),
    ("批复", {S.APPROVED}),
    ("预算", {S.FUNDED}),
    ("建设", {S.IN_CONSTRUCTION}),
    ("验收", {S.ACCEPTANCE_REQUESTED, S.RECTIFYING, S.ACCEPTED}),
    ("后评价", {S.EVALUATING, S.EVALUATED}),
]
STAGE_OF = {state: index for index, (_, states) in enumerate(STAGES) for state in states}
# States after which their stage is complete rather than under way.
COMPLETES_STAGE = {S.ACCEPTED, S.EVALUATED}
HALTED = {S.SUSPENDED: "已暂停", S.TERMINATED: "已终止", S.REJECTED: "未通过"}


@dataclass
class Stage:
    label: str
    state: str  # "done", "current" or "todo"
    days: float | None  # time spent in the stage, None when never entered
    note: str = ""

    @property
    def duration(self) -> str:
        if self.days is None:
            return ""
        if self.days < 1:
            return "不足1天"
        return f"{int(self.days)}天"


def stage_bar(project, events, now=None) -> list[Stage]:
    """``events`` are the project's audit events (any order); its status transitions are
    the events about the project whose from and to states differ."""
    now = now or timezone.now()
    moves = sorted(
        (e for e in events if e.subject_type == "project" and e.from_state and e.to_state),
        key=lambda e: (e.created_at, e.pk),
    )
    moves = [e for e in moves if e.from_state != e.to_state]
    seconds = [0.0] * len(STAGES)
    entered = [False] * len(STAGES)
    state, since, last_stage = S.DRAFT, project.created_at, 0
    for move in [*moves, None]:
        until = move.created_at if move else now
        if state in STAGE_OF:
            last_stage = STAGE_OF[state]
            entered[last_stage] = True
            seconds[last_stage] += max((until - since).total_seconds(), 0)
        if move:
            state, since = move.to_state, move.created_at
    current = STAGE_OF.get(project.status, last_stage)
    complete = project.status in COMPLETES_STAGE
    bar = []
    for index, (label, _) in enumerate(STAGES):
        if index < current or (index == current and complete):
            kind = "done"
        elif index == current:
            kind = "current"
        else:
            kind = "todo"
        days = seconds[index] / 86400 if entered[index] else None
        bar.append(Stage(label, kind, days))
    bar[current].note = HALTED.get(project.status, "")
    return bar
