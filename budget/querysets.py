from django.db import models
from django.db.models import Q

from projects.models import Project


def visible_projects(user, prefix="project__") -> Q:
    """Funding records of the projects the user may see: ``Project.objects.visible_to``."""
    return Q(**{f"{prefix}in": Project.objects.visible_to(user).values("pk")})


class DisbursementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A draft request is the department's own until it is submitted."""
        own = (
            Q(project__department_id=user.organisation_id) if user.organisation_id else Q(pk__in=[])
        )
        return self.filter(visible_projects(user)).filter(own | ~Q(status="draft"))

    def for_list(self):
        return self.select_related(
            "project__department", "milestone__contract", "budget_line__fund"
        )
