"""Disbursement events on the project timeline (issue 9 item 4): which request they concern
(its number within the project, amount and milestone) and its own states by their labels,
never the raw codes. Registered into ``projects.selectors.project_timeline`` from
``BudgetConfig.ready()``; one query for all the project's requests."""

from core.money import to_wan
from projects.selectors import timeline_redactor

from .models import Disbursement
from .workflow import State


@timeline_redactor
def describe_disbursements(user, project, events):
    if not any(e.subject_type == "disbursement" for e in events):
        return events
    rows = Disbursement.objects.filter(project=project).order_by("pk")
    numbers = {
        pk: (n, amount, milestone)
        for n, (pk, amount, milestone) in enumerate(
            rows.values_list("pk", "amount", "milestone__name"), start=1
        )
    }
    labels = dict(State.choices)
    for e in events:
        if e.subject_type != "disbursement" or e.subject_id not in numbers:
            continue
        n, amount, milestone = numbers[e.subject_id]
        e.subject_text = f"第{n}笔 {to_wan(amount).normalize():,f}万元（{milestone}）"
        if e.to_state:
            before = labels.get(e.from_state, "新建") if e.from_state else "新建"
            e.state_text = f"{before} → {labels.get(e.to_state, e.to_state)}"
    return events
