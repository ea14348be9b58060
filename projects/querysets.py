from django.db import models
from django.db.models import Q

from core.models import Role

R = Role


def jurisdiction_scope(user) -> list[int]:
    """The user's jurisdiction and those directly under it (a city sees its districts)."""
    if not hasattr(user, "_jurisdiction_scope"):
        from core.models import Jurisdiction

        j = user.jurisdiction_id
        user._jurisdiction_scope = (
            list(Jurisdiction.objects.filter(Q(pk=j) | Q(parent_id=j)).values_list("pk", flat=True))
            if j
            else []
        )
    return user._jurisdiction_scope


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """SPEC §2 scoping: departments see their own; the office and readers see all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_role(R.ADMIN):
            return self
        jurisdiction = user.jurisdiction_id
        scope = Q(pk__in=[])
        if user.has_role(R.OFFICE, R.AUDITOR, R.LEADER):
            scope |= Q(jurisdiction_id__in=jurisdiction_scope(user))
        if user.has_role(R.FINANCE, R.COMMITTEE):
            scope |= Q(jurisdiction_id=jurisdiction) & ~Q(status="draft")
        if user.has_role(R.REVIEWER) and user.organisation_id:
            # Reviewing units see the projects assigned to their function (review app).
            scope |= Q(
                pk__in=self.model.objects.filter(
                    reviews__tasks__organisation_id=user.organisation_id
                ).values("pk")
            )
        if user.has_role(R.EXPERT):
            # Experts see the projects they were drawn for, never their employer's.
            assigned = self.model.objects.filter(
                reviews__panel__members__expert__user_id=user.pk,
                reviews__panel__members__replaced_at__isnull=True,
            ).exclude(department_id=user.organisation_id)
            scope |= Q(pk__in=assigned.values("pk"))
        if user.has_role(R.DEPT_OFFICER, R.DEPT_HEAD) and user.organisation_id:
            scope |= Q(department_id=user.organisation_id)
        return self.filter(scope)

    def for_ledger(self):
        return self.select_related("department", "jurisdiction", "plan_item__plan")

    def for_detail(self):
        return self.select_related(
            "department",
            "jurisdiction",
            "plan_item__plan",
            "created_by",
            "head_confirmed_by",
            "received_by",
        ).prefetch_related("common_platforms", "data_resources", "justifications")
