from django.db import models
from django.db.models import Q

from core.models import Role
from projects.querysets import jurisdiction_scope

R = Role


def project_scope(user, prefix="project__"):
    """SPEC §2 scoping of funding records, mirroring ``Project.objects.visible_to``."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or user.has_role(R.ADMIN):
        return Q()
    jurisdiction = user.jurisdiction_id
    scope = Q(pk__in=[])
    if user.has_role(R.OFFICE, R.AUDITOR, R.LEADER):
        scope |= Q(**{f"{prefix}jurisdiction_id__in": jurisdiction_scope(user)})
    if user.has_role(R.FINANCE):
        scope |= Q(**{f"{prefix}jurisdiction_id": jurisdiction})
    if user.has_role(R.DEPT_OFFICER, R.DEPT_HEAD) and user.organisation_id:
        scope |= Q(**{f"{prefix}department_id": user.organisation_id})
    return scope


class DisbursementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A draft request is the department's own until it is submitted."""
        own = (
            Q(project__department_id=user.organisation_id) if user.organisation_id else Q(pk__in=[])
        )
        return self.filter(project_scope(user)).filter(own | ~Q(status="draft"))

    def for_list(self):
        return self.select_related(
            "project__department", "milestone__contract", "budget_line__fund"
        )
