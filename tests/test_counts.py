"""SPEC §2: every count, sum and "n of m" shown to a user comes from the same permission filter
as the rows it summarises. Checked for every demo user on the demo data: each to-do badge
against the rows of the page it links to, the workspace's state counts against the ledger,
and the fund overview's totals against the budget execution rows."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import resolve

from core.models import User
from core.todo import _providers

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users():
    call_command("seed_demo")
    return list(User.objects.filter(is_superuser=False, roles__isnull=False).distinct())


def _rows_behind(client, url) -> int:
    """The number of rows the linked page lists for the logged-in user."""
    response = client.get(url)
    assert response.status_code == 200, url
    context, name = response.context, resolve(url.split("?")[0]).view_name
    if name in ("projects:ledger", "budget:disbursements", "review:evaluations"):
        return context["page"].paginator.count
    if name == "review:index":
        return len(context["reviews"])
    if name == "budget:om_rounds":
        return len(context["applications"])
    if name == "review:votes":
        return sum(1 for _, vote in context["rows"] if vote is None)
    if name == "acceptance:register":
        return context["total"]
    if name == "acceptance:audit":
        return len(context["entries"])
    if name == "review:mine":
        return len(context["tasks"]), len(context["seats"])
    if name in ("kpi:check", "kpi:notes"):
        return context["page"].paginator.count
    if name == "kpi:file":  # returns the officer can still file, and those awaiting the head
        return {
            "file": sum(1 for _r, ctx in context["rows"] if ctx["editable"]),
            "confirm": sum(1 for r, _ctx in context["rows"] if r.status == "awaiting_head"),
        }
    raise AssertionError(f"no row count for {url}")


def _todo_matches(item, rows) -> bool:
    if isinstance(rows, dict):  # /kpi/file/ holds returns to file and returns to confirm
        return item.count == rows["confirm" if "确认" in item.label else "file"]
    if isinstance(rows, tuple):  # /review/mine/ holds opinions to give and seats to score
        tasks, seats = rows
        return item.count == (tasks if "意见" in item.label else seats)
    return item.count == rows


def test_every_count_equals_the_rows_it_summarises_for_every_demo_user(client, demo_users):
    checked = set()
    for user in demo_users:
        client.force_login(user)
        for item in (item for provider in _providers for item in provider(user)):  # zeros too
            rows = _rows_behind(client, item.url)
            assert _todo_matches(item, rows), (user.username, item.label, item.count, rows)
            if item.count:
                checked.add(item.label.split("（")[0])

        home = client.get("/").context
        ledger = client.get("/projects/").context["page"].paginator.count
        assert home["total_projects"] == ledger, user.username
        for code, _, n in home["state_counts"]:
            if n:
                rows = client.get(f"/projects/?status={code}").context["page"].paginator.count
                assert n == rows, (user.username, code)

        overview = client.get("/budget/").context["totals"]
        execution = client.get("/budget/execution/?group=project").context["rows"]
        for key in ("allocated", "approved", "paid", "pending"):
            assert overview[key] == sum((r[key] for r in execution), Decimal(0)), (
                user.username,
                key,
            )
    # the demo exercises the badges of every role (votes open only on a meeting's day, and the
    # demo's next meeting is ahead, so no vote is pending)
    assert {
        "待形式审查的申报",
        "待出具的审查意见",
        "待评分的项目",
        "已批复待列入预算的项目",
        "已列入预算待登记合同、开工的项目",
        "评分已齐待结束专家评审",
        "待列入联审会议的评审",
    } <= checked
    assert {"待整改的问题", "待销号的整改事项", "验收申请待决定"} <= checked
