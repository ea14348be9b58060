"""The workspace app: the home page at "/" and the navigation badges from every app."""

import re

import pytest
from django.urls import reverse

from tests.factories import Actors, project_in

pytestmark = pytest.mark.django_db


def test_home_is_at_the_root_and_login_lands_there(client):
    actors = Actors()
    assert reverse("workspace:home") == "/"
    assert client.get("/").status_code == 302  # anonymous: to the login page
    response = client.post(
        reverse("login"), {"username": actors.office.username, "password": "pw-Test-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_home_and_navigation_show_to_dos_and_unread_count(
    client, django_capture_on_commit_callbacks
):
    actors = Actors()
    with django_capture_on_commit_callbacks(execute=True):
        project = project_in(actors, "submitted")  # the office is notified and has a to-do
    client.force_login(actors.office)
    page = client.get("/").content.decode()
    assert "待形式审查的申报" in page and project.name in page
    assert re.search(r'title="待办">1<', page)
    assert re.search(r'bg-warning text-dark">1<', page)
