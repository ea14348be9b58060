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


# (roles, scope): a user holding any of ``roles`` sees the projects matching ``scope(user)``.
VISIBILITY_SCOPES: list[tuple[tuple[str, ...], object]] = []


def visibility_scope(*roles):
    """Register ``scope(user) -> Q`` over Project for users holding any of ``roles``.

    ``visible_to`` ORs the scopes of the user's roles. Higher apps register the scopes that
    walk their own relations (review: reviewing units, experts, committee members).
    """

    def register(scope):
        VISIBILITY_SCOPES.append((roles, scope))
        return scope

    return register


@visibility_scope(R.OFFICE, R.AUDITOR, R.LEADER)
def _jurisdiction_readers(user):
    return Q(jurisdiction_id__in=jurisdiction_scope(user))


@visibility_scope(R.FINANCE)
def _finance(user):
    return Q(jurisdiction_id=user.jurisdiction_id) & ~Q(status="draft")


@visibility_scope(R.DEPT_OFFICER, R.DEPT_HEAD)
def _own_department(user):
    return Q(department_id=user.organisation_id) if user.organisation_id else Q(pk__in=[])


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """SPEC §2 scoping: the union of the scopes registered for the user's roles."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_role(R.ADMIN):
            return self
        scope = Q(pk__in=[])
        for roles, role_scope in VISIBILITY_SCOPES:
            if user.has_role(*roles):
                scope |= role_scope(user)
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
