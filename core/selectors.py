"""Reads shared by every app: who to notify."""

from .models import Role, User

DEPARTMENT_ROLES = (Role.DEPT_OFFICER, Role.DEPT_HEAD)


def department_users(project, *roles):
    """Active users of the project's department holding any of ``roles`` (default: both)."""
    return User.objects.filter(
        organisation_id=project.department_id,
        roles__code__in=roles or DEPARTMENT_ROLES,
        is_active=True,
    ).distinct()


def jurisdiction_users(project, *roles):
    """Active users in the project's jurisdiction holding any of ``roles``."""
    return User.objects.filter(
        organisation__jurisdiction_id=project.jurisdiction_id,
        roles__code__in=roles,
        is_active=True,
    ).distinct()


def organisation_users(organisation_id, *roles):
    """Active users of one organisation holding any of ``roles`` (a reviewing unit's staff)."""
    return User.objects.filter(
        organisation_id=organisation_id, roles__code__in=roles, is_active=True
    ).distinct()
