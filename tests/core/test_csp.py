"""Content-Security-Policy: the header is sent and no template carries inline script."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def _directives(response) -> dict:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_pages_carry_a_policy_without_inline_or_eval_script(client):
    for response in [
        client.get(reverse("login")),
        (client.force_login(UserFactory()), client.get(reverse("projects:ledger")))[1],
    ]:
        assert response.status_code == 200
        directives = _directives(response)
        assert directives["script-src"] == ["'self'"]
        assert directives["default-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]


def test_no_template_has_inline_script_or_event_handler_attributes():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        offenders += [f"{path.name}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        offenders += [f"{path.name}: {m.group(0)[-60:]}" for m in EVENT_HANDLER.finditer(text)]
        assert "hx-on" not in text, path
    assert not offenders, offenders
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")  # the patterns do match
    assert EVENT_HANDLER.search('<form method="post" onsubmit="return x()">')
