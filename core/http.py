"""View helpers shared by the apps: the one place a refusal becomes a message.

Services, upload checks (``core.uploads``) and raw-input checks (``core.forms.clean_text``)
refuse with ``WorkflowError``; views run them through ``attempt`` (a flash message) or, when
the refusal is rendered in a fragment, ``outcome``."""

from urllib.parse import quote

from django.contrib import messages

from .permissions import WorkflowError


def outcome(func):
    """Run a service call; return ``(result, None)``, or ``(None, reason)`` when refused."""
    try:
        return func(), None
    except WorkflowError as error:
        return None, str(error)


def attempt(request, func, success):
    """Run a service call; flash its refusal or ``success``. Returns the result or None.

    ``success`` may be a callable taking the result, for messages that name it."""
    result, refused = outcome(func)
    if refused is not None:
        messages.error(request, refused)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def form_errors(form, default="输入有误") -> str:
    """A form's errors as one Chinese sentence for a flash message."""
    return "；".join(e for errors in form.errors.values() for e in errors) or default


def attachment_disposition(filename: str, *, inline=False) -> str:
    """Content-Disposition for a Chinese file name (RFC 6266 with RFC 5987 ``filename*``) and
    an ASCII fallback for clients that ignore ``filename*``."""
    suffix = filename[filename.rfind(".") :] if "." in filename else ""
    fallback = filename if filename.isascii() else f"download{suffix}"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
