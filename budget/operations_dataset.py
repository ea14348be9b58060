"""Dataset step 60 (``core.datasets``): post-evaluations for the projects an earlier step left
evaluating or evaluated, and this year's O&M round per jurisdiction with applications for the
projects in service (granted as O&M lines while the year's pool has room, otherwise denied
with the reason; failed post-evaluations denied under R9). Bulk inserts; reads what earlier
steps wrote; skips projects that already have their rows, so it can run again."""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from core.datasets import dataset_step
from core.models import Role, User
from projects.models import Project
from projects.workflow import State as P
from review import evaluation as ev
from review.models import Grade, Occasion, PostEvaluation, Review, ReviewRound

from .models import BudgetLine, OmApplication, OmRound, SpecialFund
from .om_rules import OM_STATES, R9_CHECKS

BATCH = 2_000
D = Decimal


def _actors(role):
    """jurisdiction id -> one user holding ``role`` there."""
    found = {}
    for user in User.objects.filter(roles__code=role).select_related("organisation").order_by("pk"):
        found.setdefault(user.jurisdiction_id, user)
    return found


def _post_evaluations(ctx, now):
    offices = _actors(Role.OFFICE)
    projects = list(
        Project.objects.filter(status__in=[P.EVALUATING, P.EVALUATED], post_evaluations=None)
        .filter(jurisdiction_id__in=list(offices))
        .only("pk", "jurisdiction_id", "status")
    )
    rounds = {}
    for jurisdiction_id in {p.jurisdiction_id for p in projects}:
        rounds[jurisdiction_id], _ = ReviewRound.objects.get_or_create(
            jurisdiction_id=jurisdiction_id,
            occasion=Occasion.POST_EVALUATION,
            kind=ReviewRound.Kind.ADHOC,
            year=ctx.today.year,
            batch=1,
            defaults={
                "name": f"{ctx.today.year}年度项目后评价",
                "created_by": offices[jurisdiction_id],
            },
        )
    reviews, evaluations = [], []
    for p in projects:
        office, done = offices[p.jurisdiction_id], p.status == P.EVALUATED
        started = now - dt.timedelta(days=ctx.rng.randint(30, 200))
        reviews.append(
            Review(
                project_id=p.pk,
                round=rounds[p.jurisdiction_id],
                occasion=Occasion.POST_EVALUATION,
                status=Review.Status.DECIDED if done else Review.Status.OPEN,
                opened_at=started,
                opened_by=office,
                decided_at=started + dt.timedelta(days=20) if done else None,
                decided_by=office if done else None,
            )
        )
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    for p, review in zip(projects, reviews, strict=True):
        score = D(ctx.rng.randint(5500, 9800)) / 100 if p.status == P.EVALUATED else None
        evaluations.append(
            PostEvaluation(
                project_id=p.pk,
                review=review,
                started_at=review.opened_at,
                started_by=review.opened_by,
                completed_at=review.decided_at,
                completed_by=review.decided_by,
                score=score,
                grade=ev.grade_for(score) if score is not None else "",
                conclusion="项目基本达到建设目标。" if score is not None else "",
            )
        )
    PostEvaluation.objects.bulk_create(evaluations, batch_size=BATCH)
    return len(evaluations)


def _om_rounds(ctx, now):
    finance, year = _actors(Role.FINANCE), ctx.today.year
    funds = {
        f.jurisdiction_id: f
        for f in SpecialFund.objects.filter(year=year, jurisdiction_id__in=list(finance))
    }
    room = {f.pk: f.amount - (f.lines.aggregate(s=Sum("amount"))["s"] or 0) for f in funds.values()}
    failed = set(
        PostEvaluation.objects.filter(grade=Grade.FAIL).values_list("project_id", flat=True)
    )
    applications, lines = [], []
    projects = (
        Project.objects.filter(status__in=OM_STATES, jurisdiction_id__in=list(funds))
        .exclude(om_applications__round__year=year)
        .only("pk", "jurisdiction_id", "department_id", "approved_amount")
    )
    rounds = {}
    for p in projects.iterator(chunk_size=BATCH):
        if p.jurisdiction_id not in rounds:
            rounds[p.jurisdiction_id], _ = OmRound.objects.get_or_create(
                jurisdiction_id=p.jurisdiction_id,
                year=year,
                defaults={
                    "name": f"{year}年度政务信息系统运维经费",
                    "opens_on": dt.date(year, 3, 1),
                    "closes_on": dt.date(year, 3, 31),
                    "created_by": finance[p.jurisdiction_id],
                },
            )
        fund, by = funds[p.jurisdiction_id], finance[p.jurisdiction_id]
        amount = ((p.approved_amount or D("1000000")) * D("0.06")).quantize(D("1000")) or D("1000")
        decided = {"status": "denied"}
        if p.pk in failed:
            check = R9_CHECKS[2]
            message = "后评价等级为“不合格”"
            decided["last_reason"] = f"{check.title}：{message}（依据：{check.basis_display}）"
            decided["r9_results"] = [
                {
                    "title": check.title,
                    "basis": check.basis_display,
                    "passed": False,
                    "message": message,
                }
            ]
        elif room[fund.pk] >= amount:
            room[fund.pk] -= amount
            line = BudgetLine(
                fund=fund, project_id=p.pk, kind=BudgetLine.Kind.OM, amount=amount, created_by=by
            )
            lines.append(line)
            decided = {"status": "granted", "granted_amount": amount, "budget_line": line}
        else:
            decided["last_reason"] = f"{year}年度专项资金余额不足"
        a = OmApplication(
            round=rounds[p.jurisdiction_id],
            project_id=p.pk,
            amount=amount,
            purpose="系统日常运维和云资源续租。",
            created_by=by,
            decided_by=by,
            decided_at=now,
            **decided,
        )
        applications.append(a)
    BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
    for a in applications:  # the lines have their keys now
        a.budget_line_id = a.budget_line.pk if a.budget_line else None
    OmApplication.objects.bulk_create(applications, batch_size=BATCH)
    return len(applications), len(lines)


@dataset_step(order=60)
def post_evaluation_and_om(ctx):
    now = timezone.now()
    evaluated = _post_evaluations(ctx, now)
    applied, granted = _om_rounds(ctx, now)
    ctx.log(f"后评价 {evaluated} 条；运维经费申请 {applied} 条，安排 {granted} 条")
