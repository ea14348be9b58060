"""Who sees which project because of a review (SPEC §2), registered into
``Project.objects.visible_to`` from ``ReviewConfig.ready()``. Conflicts and recusals come from
``review.recusal``; to-do lists narrow these scopes to projects still in review."""

from django.db.models import Q

from core.models import Role
from projects.querysets import visibility_scope

from .models import AgendaItem, PanelMember, ReviewTask
from .recusal import expert_conflicted_departments, member_recusals


@visibility_scope(Role.REVIEWER)
def reviewing_unit_scope(user):
    """Reviewing units see the projects they were asked for an opinion on."""
    if not user.organisation_id:
        return Q(pk__in=[])
    tasks = ReviewTask.objects.filter(organisation_id=user.organisation_id)
    return Q(pk__in=tasks.values("review__project_id"))


@visibility_scope(Role.EXPERT)
def expert_scope(user):
    """Experts see the projects they were drawn for (not replaced), never one they are in
    conflict with."""
    seats = PanelMember.objects.filter(expert__user_id=user.pk, replaced_at__isnull=True)
    return Q(pk__in=seats.values("panel__review__project_id")) & ~expert_conflicted_departments(
        user
    )


@visibility_scope(Role.COMMITTEE)
def committee_scope(user):
    """Committee members see the projects on the agendas of meetings they sit on, except
    those they are recused from."""
    items = AgendaItem.objects.filter(meeting__members__user_id=user.pk)
    return Q(pk__in=items.values("review__project_id")) & ~member_recusals(user)
