"""Helpers for the stale-edit tests: post a form as the page rendered it, race two clients."""

import threading

from django.db import connection


def _post_value(value):
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    return str(getattr(value, "pk", value))


def form_data(*forms, **changes) -> dict:
    """POST data for ``forms`` as rendered (hidden version included), with ``changes``."""
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else _post_value(value)
    return {**data, **changes}


def formset_data(formset) -> dict:
    data = form_data(formset.management_form)
    return {**data, **form_data(*formset.forms)}


def race(calls) -> list:
    """Run ``calls`` at the same instant, one thread each; return every call's outcome."""
    barrier = threading.Barrier(len(calls))
    outcomes, lock = [], threading.Lock()

    def work(call):
        try:
            barrier.wait()
            result = call()
        except Exception as error:  # recorded, so a crash is an outcome the test sees
            result = ("error", repr(error))
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == len(calls), "a thread did not finish"
    return outcomes
