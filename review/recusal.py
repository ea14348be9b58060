"""Conflict of interest and recusal (SPEC §2, §4), defined once.

An expert is in conflict with an applicant department when he works for it (his expert
record's employer or his user account's organisation) or declared a conflict with it; such an
expert is never drawn, never scores and never sees the project. A committee member from the
applicant department is recused: he neither votes nor sees the project through the committee.
The panel draw, scoring, the meeting (votes, tally, to-dos) and visibility all ask here.
"""

from django.db.models import Q

from .models import Expert


def expert_conflict_q(department_id) -> Q:
    """Over Expert: the experts in conflict with ``department_id``."""
    return (
        Q(employer_id=department_id)
        | Q(user__organisation_id=department_id)
        | Q(conflicts=department_id)
    )


def experts_without_conflict(experts, project):
    """``experts`` (an Expert queryset) minus those in conflict with the project's applicant."""
    return experts.exclude(expert_conflict_q(project.department_id))


def expert_in_conflict(expert, project) -> bool:
    return Expert.objects.filter(expert_conflict_q(project.department_id), pk=expert.pk).exists()


def expert_conflicted_departments(user) -> Q:
    """Over Project: the projects whose applicant the expert ``user`` is in conflict with."""
    experts = Expert.objects.filter(user_id=user.pk)
    own = Q(department_id=user.organisation_id) if user.organisation_id else Q(pk__in=[])
    return (
        own
        | Q(department_id__in=experts.values("employer_id"))
        | Q(department_id__in=experts.filter(conflicts__isnull=False).values("conflicts"))
    )


def member_recused(user, project) -> bool:
    """A committee member from the applicant department is recused."""
    return user.organisation_id is not None and user.organisation_id == project.department_id


def member_recusals(user, prefix="") -> Q:
    """Over Project (or a model reaching it through ``prefix``): the projects the committee
    member ``user`` is recused from."""
    if not user.organisation_id:
        return Q(pk__in=[])
    return Q(**{f"{prefix}department_id": user.organisation_id})
