from django import template

from core.money import wan_display, wan_in_document

register = template.Library()


@register.filter
def wan(yuan):
    """Yuan → '1,234.56' in 万元."""
    return wan_display(yuan)


@register.filter
def wan_doc(yuan):
    """Yuan → '1674万元' as documents write it."""
    return wan_in_document(yuan)


CN_DIGITS = "零一二三四五六七八九"


@register.filter
def cn_numeral(n):
    """1 → 一, 12 → 十二: numbering of 公文 items （一）（二）."""
    n = int(n)
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{CN_DIGITS[tens] if tens > 1 else ''}十{CN_DIGITS[ones] if ones else ''}"


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
def event_states(event, owner):
    """An audit event's "from → to" by labels: as described by a timeline hook
    (``state_text``), else by ``owner``'s status choices when the event is about ``owner``'s
    kind of row; never raw codes of another kind of row."""
    described = getattr(event, "state_text", None)
    if described is not None:
        return described
    if not (event.from_state and event.to_state) or event.from_state == event.to_state:
        return ""
    if event.subject_type != owner._meta.model_name:
        return ""
    return f"{status_label(event.from_state, owner)} → {status_label(event.to_state, owner)}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
