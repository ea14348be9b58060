from django import template

from core.money import wan_display

register = template.Library()


@register.filter
def wan(yuan):
    """Yuan → '1,234.56' in 万元."""
    return wan_display(yuan)


@register.filter
def percent(value, digits=1):
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


@register.filter
def status_label(code, obj):
    """A status code → its label among ``obj``'s status choices (unknown codes pass through)."""
    return dict(obj._meta.get_field("status").flatchoices).get(code, code)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
