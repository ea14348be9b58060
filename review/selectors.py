"""Reads for the review pages: configuration, rounds, tallies, scores and cycle time."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from core.models import ReviewFunction

from .models import (
    DEFAULT_CRITERIA,
    DEFAULT_CRITERIA_BY_OCCASION,
    DEFAULT_REQUIREMENTS,
    DEFAULT_REQUIREMENTS_BY_OCCASION,
    AgendaItem,
    Criterion,
    MeetingMember,
    Opinion,
    OpinionRequirement,
    Outcome,
    PanelMember,
    ReviewRound,
    ReviewSettings,
    ReviewTask,
    live_reviews,
)
from .permissions import can_see_reviewer_identities
from .recusal import member_recusals, recused_seats

TWO = Decimal("0.01")


def settings_for(jurisdiction_id) -> ReviewSettings:
    found = ReviewSettings.objects.filter(jurisdiction_id=jurisdiction_id).first()
    return found or ReviewSettings(jurisdiction_id=jurisdiction_id)


def criteria_for(*, jurisdiction_id, occasion) -> list[tuple[str, str, Decimal]]:
    """(code, name, weight%) of the occasion's criteria; SPEC §4 defaults when unset."""
    rows = Criterion.objects.filter(jurisdiction_id=jurisdiction_id, occasion=occasion)
    configured = [(c.code, c.name, c.weight) for c in rows]
    return configured or list(DEFAULT_CRITERIA_BY_OCCASION.get(occasion, DEFAULT_CRITERIA))


def required_functions(*, project, occasion) -> list[str]:
    """The reviewing functions whose opinion the occasion requires for this project."""
    rows = OpinionRequirement.objects.filter(
        jurisdiction_id=project.jurisdiction_id, occasion=occasion
    ).values_list("function", "condition")
    requirements = list(rows) or DEFAULT_REQUIREMENTS_BY_OCCASION.get(
        occasion, DEFAULT_REQUIREMENTS
    )
    needs_crypto = (project.protection_level or 0) >= 3 or project.invest_crypto > 0
    return [
        function
        for function, condition in requirements
        if condition == OpinionRequirement.Condition.ALWAYS or needs_crypto
    ]


def open_application_round(*, jurisdiction_id, on=None) -> ReviewRound | None:
    """The annual round whose application window is open on ``on`` (today by default)."""
    day = on or timezone.localdate()
    return (
        ReviewRound.objects.filter(
            jurisdiction_id=jurisdiction_id,
            occasion="approval",
            kind=ReviewRound.Kind.ANNUAL,
            opens_on__lte=day,
            closes_on__gte=day,
        )
        .order_by("closes_on")
        .first()
    )


def latest_opinions(review) -> dict[str, Opinion]:
    """function -> the current (highest-version) signed opinion."""
    result = {}
    for opinion in Opinion.objects.filter(task__review=review).select_related("task", "signed_by"):
        current = result.get(opinion.task.function)
        if current is None or opinion.version > current.version:
            result[opinion.task.function] = opinion
    return result


def missing_opinions(review) -> list[str]:
    pending = review.tasks.filter(completed_at__isnull=True).values_list("function", flat=True)
    return [ReviewFunction(f).label for f in pending]


def fiscal_recommendation(review) -> Decimal | None:
    opinion = latest_opinions(review).get(ReviewFunction.FISCAL)
    return opinion.recommended_amount if opinion else None


def default_approved_amount(review) -> Decimal:
    """The lower of the requested total and the fiscal review's recommendation (核减)."""
    requested = review.project.total_investment
    recommended = fiscal_recommendation(review)
    return requested if recommended is None else min(requested, recommended)


@dataclass(frozen=True)
class PanelScore:
    count: int
    score: Decimal | None
    trimmed: bool


def panel_score(panel, trim_min: int = 5) -> PanelScore:
    """Mean of the scored experts' totals, dropping one highest and one lowest at >= trim_min."""
    agg = panel.members.filter(replaced_at__isnull=True, total__isnull=False).aggregate(
        n=Count("id"), sum_=Sum("total"), high=Max("total"), low=Min("total")
    )
    n = agg["n"]
    if not n:
        return PanelScore(0, None, False)
    if n >= trim_min:
        value = (agg["sum_"] - agg["high"] - agg["low"]) / (n - 2)
        return PanelScore(n, value.quantize(TWO, ROUND_HALF_UP), True)
    return PanelScore(n, (agg["sum_"] / n).quantize(TWO, ROUND_HALF_UP), False)


@dataclass(frozen=True)
class Tally:
    members: int
    present: int
    recused: int
    quorum_met: bool
    approve: int
    reject: int
    send_back: int
    result: str  # an Outcome value, or "" when there are no valid votes

    @property
    def result_label(self) -> str:
        return Outcome(self.result).label if self.result else "无有效表决"

    @property
    def valid(self) -> int:
        return self.approve + self.reject + self.send_back


def quorum_met(present: int, members: int, settings) -> bool:
    """At least numerator/denominator of the members present (integer arithmetic)."""
    return members > 0 and present * settings.quorum_denominator >= (
        members * settings.quorum_numerator
    )


def vote_result(approve: int, reject: int, send_back: int, rule: str) -> str:
    """Approval needs > 1/2 (or >= 2/3) of valid votes; otherwise the larger of reject and
    send back wins, and a tie between them sends the project back for more work."""
    valid = approve + reject + send_back
    if not valid:
        return ""
    if rule == ReviewSettings.ApprovalRule.TWO_THIRDS:
        passed = approve * 3 >= valid * 2
    else:
        passed = approve * 2 > valid
    if passed:
        return Outcome.APPROVE
    return Outcome.REJECT if reject > send_back else Outcome.SEND_BACK


def item_tally(item: AgendaItem) -> Tally:
    """Count attendance, recusals and valid votes in the database, then apply the rules."""
    department = item.review.project.department_id
    seats = MeetingMember.objects.filter(meeting_id=item.meeting_id).aggregate(
        n_members=Count("id"),
        n_present=Count("id", filter=Q(present=True)),
        n_recused=Count("id", filter=Q(present=True) & recused_seats(department)),
    )
    present_ids = MeetingMember.objects.filter(meeting_id=item.meeting_id, present=True).exclude(
        recused_seats(department)
    )
    votes = item.votes.filter(member_id__in=present_ids.values("user_id")).aggregate(
        approve=Count("id", filter=Q(choice=Outcome.APPROVE)),
        reject=Count("id", filter=Q(choice=Outcome.REJECT)),
        send_back=Count("id", filter=Q(choice=Outcome.SEND_BACK)),
    )
    settings = settings_for(item.meeting.jurisdiction_id)
    return Tally(
        members=seats["n_members"],
        present=seats["n_present"],
        recused=seats["n_recused"],
        quorum_met=quorum_met(seats["n_present"], seats["n_members"], settings),
        result=vote_result(
            votes["approve"], votes["reject"], votes["send_back"], settings.approval_rule
        ),
        **votes,
    )


# To-do lists (``review.todos``) and the pages they link to hold only projects still in
# review in their occasion (``live_reviews``): a suspended or terminated project waits on nobody.


def my_opinion_tasks(user):
    return ReviewTask.objects.filter(
        live_reviews("review__"), organisation_id=user.organisation_id, completed_at__isnull=True
    ).select_related("review__project__department")


def my_panel_seats(user):
    return (
        PanelMember.objects.filter(
            expert__user=user,
            replaced_at__isnull=True,
            scored_at__isnull=True,
            panel__closed_at__isnull=True,
        )
        .filter(live_reviews("panel__review__"))
        .select_related("panel__review__project__department")
    )


def my_vote_items(user):
    """Open agenda items where the user is a present, non-recused member."""
    meetings = MeetingMember.objects.filter(user=user, present=True).values("meeting_id")
    return (
        AgendaItem.objects.filter(
            live_reviews("review__"), meeting_id__in=meetings, closed_at__isnull=True
        )
        .exclude(member_recusals(user, prefix="review__project__"))
        .select_related("meeting", "review__project__department")
        .order_by("meeting__held_on", "order")
    )


def rounds_for(*, jurisdiction_id):
    return ReviewRound.objects.filter(jurisdiction_id=jurisdiction_id).annotate(
        n_reviews=Count("reviews")
    )


def panel_for(review):
    from .models import Panel

    return Panel.objects.filter(review=review).first()


def panel_members(panel, user) -> list[dict]:
    """Seats with scores; scores stay hidden from everyone until the panel closes. A reader
    who may not see reviewer identities gets only his own seat (if any)."""
    members = panel.members.select_related("expert__user", "expert__employer").prefetch_related(
        "scores"
    )
    if not can_see_reviewer_identities(user, panel.review.project):
        members = members.filter(expert__user_id=user.pk)
    show = panel.closed_at is not None
    return [
        {
            "seat": m,
            "total": m.total if show else None,
            "scores": list(m.scores.all()) if show else [],
            "mine": m.expert.user_id == user.pk,
        }
        for m in members
    ]


def items_for(review):
    return list(review.agenda_items.select_related("meeting").order_by("added_at"))


def meeting_items(meeting) -> list[tuple]:
    """(item, tally) for each agenda item: the live count while open, the record once closed."""
    items = meeting.items.select_related("review__project__department", "meeting")
    return [(item, item_tally(item)) for item in items]


def my_votes(user, items) -> dict:
    from .models import Vote

    votes = Vote.objects.filter(member=user, item__in=[i.pk for i in items])
    return {v.item_id: v for v in votes}
