from django import template

register = template.Library()


@register.filter
def sub(value, other):
    """a|sub:b — subtraction for money columns."""
    return (value or 0) - (other or 0)
