"""Who sees which project because of a review (SPEC §2), registered into
``Project.objects.visible_to`` from ``ReviewConfig.ready()``."""

from django.db.models import Q

from core.models import Role
from projects.querysets import visibility_scope

from .models import AgendaItem, PanelMember, ReviewTask


def _not_own_department(user):
    """Recusal: a member never sees his own department's projects through this scope."""
    return ~Q(department_id=user.organisation_id) if user.organisation_id else Q()


@visibility_scope(Role.REVIEWER)
def reviewing_unit_scope(user):
    """Reviewing units see the projects they were asked for an opinion on."""
    if not user.organisation_id:
        return Q(pk__in=[])
    tasks = ReviewTask.objects.filter(organisation_id=user.organisation_id)
    return Q(pk__in=tasks.values("review__project_id"))


@visibility_scope(Role.EXPERT)
def expert_scope(user):
    """Experts see the projects they were drawn for (not replaced), never their employer's."""
    seats = PanelMember.objects.filter(expert__user_id=user.pk, replaced_at__isnull=True)
    return Q(pk__in=seats.values("panel__review__project_id")) & _not_own_department(user)


@visibility_scope(Role.COMMITTEE)
def committee_scope(user):
    """Committee members see the projects on the agendas of meetings they sit on, except
    their own department's (they are recused on those)."""
    items = AgendaItem.objects.filter(meeting__members__user_id=user.pk)
    return Q(pk__in=items.values("review__project_id")) & _not_own_department(user)
