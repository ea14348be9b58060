from django import template

from projects.workflow import State

register = template.Library()


@register.filter
def state_label(code):
    """A lifecycle state code → its Chinese label (unknown codes pass through)."""
    return State(code).label if code in State.values else code
