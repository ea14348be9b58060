"""View helpers shared by the apps."""

from django.contrib import messages

from .permissions import WorkflowError


def attempt(request, func, success):
    """Run a service call; flash its refusal or ``success``. Returns the result or None."""
    try:
        result = func()
    except WorkflowError as error:
        messages.error(request, str(error))
        return None
    messages.success(request, success)
    return result
