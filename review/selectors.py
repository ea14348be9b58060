"""Reads for the review pages: configuration, rounds, tallies, scores and cycle time."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from core.models import ReviewFunction

from .models import (
    DEFAULT_CRITERIA,
    DEFAULT_CRITERIA_FOR,
    DEFAULT_REQUIREMENTS,
    DEFAULT_REQUIREMENTS_FOR,
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
    Vote,
    under_review,
)
from .permissions import can_see_reviewer_identities
from .recusal import member_recusals, member_recused
from .similarity import HIT_SCORE, stored_hits

TWO = Decimal("0.01")


def settings_for(jurisdiction_id) -> ReviewSettings:
    found = ReviewSettings.objects.filter(jurisdiction_id=jurisdiction_id).first()
    return found or ReviewSettings(jurisdiction_id=jurisdiction_id)


def criteria_for(*, jurisdiction_id, occasion) -> list[tuple[str, str, Decimal]]:
    """(code, name, weight%) of the occasion's criteria; SPEC §4 defaults when unset."""
    rows = Criterion.objects.filter(jurisdiction_id=jurisdiction_id, occasion=occasion)
    configured = [(c.code, c.name, c.weight) for c in rows]
    return configured or list(DEFAULT_CRITERIA_FOR.get(occasion, DEFAULT_CRITERIA))


def required_functions(*, project, occasion) -> list[str]:
    """The reviewing functions whose opinion the occasion requires for this project."""
    rows = OpinionRequirement.objects.filter(
        jurisdiction_id=project.jurisdiction_id, occasion=occasion
    ).values_list("function", "condition")
    requirements = list(rows) or DEFAULT_REQUIREMENTS_FOR.get(occasion, DEFAULT_REQUIREMENTS)
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
    """Count attendance, recusals and valid votes of one item, then apply the rules."""
    seats = list(MeetingMember.objects.filter(meeting_id=item.meeting_id).select_related("user"))
    return _tally(item, seats, list(item.votes.all()), settings_for(item.meeting.jurisdiction_id))


def _tally(item, seats, votes, settings) -> Tally:
    """The tally from the meeting's seats and the item's votes (no query: a meeting's page
    tallies every item from one load of each)."""
    project = item.review.project
    present = [seat for seat in seats if seat.present]
    recused = {seat.user_id for seat in present if member_recused(seat.user, project)}
    counted = {seat.user_id for seat in present} - recused
    choices = [vote.choice for vote in votes if vote.member_id in counted]
    counts = {
        "approve": choices.count(Outcome.APPROVE),
        "reject": choices.count(Outcome.REJECT),
        "send_back": choices.count(Outcome.SEND_BACK),
    }
    return Tally(
        members=len(seats),
        present=len(present),
        recused=len(recused),
        quorum_met=quorum_met(len(present), len(seats), settings),
        result=vote_result(
            counts["approve"], counts["reject"], counts["send_back"], settings.approval_rule
        ),
        **counts,
    )


# To-do lists (``review.todos``) and the pages they link to hold only projects still in
# review: a suspended or terminated project waits on nobody.
def my_opinion_tasks(user):
    return (
        ReviewTask.objects.filter(
            under_review("review__"),
            organisation_id=user.organisation_id,
            completed_at__isnull=True,
        )
        .select_related("review__project__department")
        .order_by("assigned_at", "pk")
    )


def my_panel_seats(user):
    return (
        PanelMember.objects.filter(
            under_review("panel__review__"),
            expert__user=user,
            replaced_at__isnull=True,
            scored_at__isnull=True,
            panel__closed_at__isnull=True,
        )
        .select_related("panel__review__project__department")
        .order_by("assigned_at", "pk")
    )


def my_vote_items(user):
    """Open agenda items where the user is a present, non-recused member."""
    meetings = MeetingMember.objects.filter(user=user, present=True).values("meeting_id")
    return (
        AgendaItem.objects.filter(
            under_review("review__"), meeting_id__in=meetings, closed_at__isnull=True
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
    items = list(meeting.items.select_related("review__project__department", "meeting"))
    seats = list(meeting.members.select_related("user"))
    votes = {}
    for vote in Vote.objects.filter(item__meeting=meeting):
        votes.setdefault(vote.item_id, []).append(vote)
    settings = settings_for(meeting.jurisdiction_id)
    return [(item, _tally(item, seats, votes.get(item.pk, []), settings)) for item in items]


def my_votes(user, items) -> dict:
    votes = Vote.objects.filter(member=user, item__in=[i.pk for i in items])
    return {v.item_id: v for v in votes}


def judged_material(project) -> dict:
    """What reviewers judge besides the opinions (issue 9 item 8): the investment breakdown,
    every warning justification with its rule, the data resources, the attachments and the
    stored R7 result. Four queries, whatever the number of rows."""
    from projects.rules import RULES

    titles = {r.id: r.title for r in RULES}
    justifications = [
        (j.rule_id, titles.get(j.rule_id, ""), j.text)
        for j in project.justifications.order_by("rule_id")
    ]
    hits, computed_at = stored_hits(project) or ([], None)
    return {
        "breakdown": project.investment_breakdown(),
        "justifications": justifications,
        "data_resources": list(project.data_resources.all()),
        "attachments": list(project.attachments.select_related("uploaded_by")),
        "similar": hits,
        "similar_at": computed_at,
        "hit_score": HIT_SCORE,
    }
