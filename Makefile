# 政务信息化项目监管系统 — developer commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3.11
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
VENV ?= $(HOME)/.cache/zhengwu/venv-$(REQ_HASH)
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/zhengwu
DEBIAN_PACKAGES := fonts-noto-cjk chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0
PYTEST_WORKERS ?= 2

.PHONY: help setup system-packages run test lint layers fmt check-django test-sqlite test-postgres deploy-check graph bench bench-demo loadtest

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

system-packages: ## Install the Debian packages (CJK fonts, Chromium, pdftotext) when missing
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

setup: system-packages $(BIN)/.installed ## Create the virtualenv (cached outside the clone) and install everything

run: setup ## Migrate, seed the demo jurisdiction and serve on http://127.0.0.1:8000
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: setup ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

layers: setup ## import-linter: no app imports an app above it (contract in pyproject.toml)
	$(BIN)/lint-imports

fmt: setup ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-django: setup ## Django system checks and missing-migration check
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: setup ## pytest on SQLite
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-postgres: setup ## pytest on PostgreSQL (DATABASE_URL=$(PG_URL))
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -q --create-db

test: lint layers check-django test-sqlite test-postgres ## The whole suite: lint, layers, checks, pytest on SQLite then PostgreSQL

deploy-check: setup ## manage.py check --deploy under production settings
	DJANGO_DEBUG=0 DJANGO_HTTPS=1 DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  AUDIT_HMAC_KEY=$$(head -c 48 /dev/urandom | base64) \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

graph: setup ## Print the project and disbursement lifecycles as Graphviz dot
	$(BIN)/python manage.py graph_transitions projects budget

# Benchmark and load test (SPEC §9): each scale's dataset lives in its own PostgreSQL database,
# generated once and reused. The audit key is fixed so chains verify across runs, and real
# (non-development) keys let gunicorn start with DEBUG off; neither is for production.
BENCH_SCALE ?= province
BENCH_RUNS ?= 15
BENCH_URL = $(subst /zhengwu,/zhengwu_bench_$(1),$(PG_URL))
BENCH_ENV := AUDIT_HMAC_KEY=zhengwu-benchmark-audit-key-not-for-production-use \
  DJANGO_SECRET_KEY=zhengwu-benchmark-secret-key-not-for-production-use

bench: setup ## Generate the $(BENCH_SCALE) dataset once (BENCH_SCALE=city|province), then bench every page against its floor into bench.json
	$(BENCH_ENV) $(BIN)/python manage.py generate_dataset --if-missing --scale $(BENCH_SCALE) \
	  --database-url $(call BENCH_URL,$(BENCH_SCALE))
	$(BENCH_ENV) $(BIN)/python manage.py bench --database-url $(call BENCH_URL,$(BENCH_SCALE)) \
	  --runs $(BENCH_RUNS) --output bench.json

loadtest: setup ## gunicorn + locust on loopback against the city dataset for 3 minutes: requests/s, p95, errors, worker memory
	$(BENCH_ENV) $(BIN)/python manage.py generate_dataset --if-missing --scale city \
	  --database-url $(call BENCH_URL,city)
	$(BENCH_ENV) $(BIN)/python manage.py loadtest --database-url $(call BENCH_URL,city) \
	  --output loadtest.json

bench-demo: setup ## The benchmark at demo scale in a fresh SQLite file (CI: proves it works; not timed)
	mkdir -p var && rm -f var/bench-demo.sqlite3
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench-demo.sqlite3 $(BIN)/python manage.py migrate -v0
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench-demo.sqlite3 $(BIN)/python manage.py generate_dataset --scale demo
	DATABASE_URL=sqlite:///$(CURDIR)/var/bench-demo.sqlite3 $(BIN)/python manage.py bench \
	  --runs 1 --export-runs 1 --output var/bench-demo.json
