"""Load-test traffic for ``manage.py loadtest`` (``make loadtest``): civil servants on a city
dataset. Office staff read the ledger, filter it, open projects, their workspace and to-do
pages; department officers read their own ledger and projects. One request in ten is a write
through a form (marking notifications read, with the CSRF token from the page).

The plan (users, password, project ids each may open) comes from ``LOADTEST_PLAN``."""

import json
import os
import random
import re

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Official(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        self.account = random.choice(PLAN["users"])
        page = self.client.get("/login/", name="/login/")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/login/",
            {"username": self.account["username"], "password": PLAN["password"],
             "csrfmiddlewaretoken": token},
            name="/login/ POST",
        )  # fmt: skip
        if "/login/" in response.url:
            raise RuntimeError(f"登录失败：{self.account['username']}")

    def _project(self):
        return random.choice(self.account["projects"])

    @task(30)
    def ledger(self):
        self.client.get("/projects/", name="/projects/")

    @task(10)
    def ledger_filtered(self):
        state = random.choice(["in_review", "in_construction", "funded", "accepted"])
        self.client.get(f"/projects/?status={state}&q=平台", name="/projects/?filters")

    @task(25)
    def detail(self):
        self.client.get(f"/projects/{self._project()}/", name="/projects/<pk>/")

    @task(15)
    def workspace(self):
        self.client.get("/", name="/ (workspace)")

    @task(10)
    def todos(self):
        url = random.choice(self.account["todos"])
        self.client.get(url, name=url.split("?")[0] + " (to-do)")

    @task(10)
    def write(self):
        """A real write through a form: mark the notifications read."""
        page = self.client.get("/notifications/", name="/notifications/")
        token = CSRF.search(page.text)
        if token:
            self.client.post("/notifications/read/", {"csrfmiddlewaretoken": token.group(1)},
                             name="/notifications/read/ POST")  # fmt: skip
