# Doorstroom: the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
DS     := $(BIN)/doorstroom
HOST   ?= 127.0.0.1
PORT   ?= 8000
SEED   ?= 2026
# pytest workers per database run; the SQLite and PostgreSQL runs each get this many
PYTEST_WORKERS ?= 2

.PHONY: help install system-packages demo test lint typecheck migrations-check pytest-sqlite pytest-postgres \
        test-system-packages lock messages clean

help:
	@echo "make demo   - install everything, load the demo data and serve http://$(HOST):$(PORT)"
	@echo "make test   - lint, type-check, migrations check, and the test suite on SQLite and PostgreSQL"
	@echo "make install - only prepare .venv, npm assets and compiled translations (safe to repeat)"

# --- install -------------------------------------------------------------------------------
install: system-packages $(VENV)/.installed node_modules/.installed translations

# WeasyPrint (allocation letters, reports) renders with Pango.
system-packages:
	@scripts/ensure-debian-packages libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

translations: $(VENV)/.installed
	@command -v msgfmt >/dev/null || scripts/ensure-debian-packages gettext
	cd src/doorstroom && ../../$(BIN)/django-admin compilemessages --ignore=node_modules -v 0

# Re-pin every runtime and dev dependency after editing pyproject.toml.
lock: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --python-version 3.11 pyproject.toml --extra dev -o requirements.lock

messages: $(VENV)/.installed
	cd src/doorstroom && ../../$(BIN)/django-admin makemessages -l nl -l en --ignore=node_modules --no-obsolete

# --- demo ----------------------------------------------------------------------------------
demo: export DEBUG = 1
demo: export EMAIL_URL = console://
demo: install
	mkdir -p var
	rm -f var/doorstroom.sqlite3
	$(DS) migrate --no-input -v 0
	$(DS) demo-data --seed $(SEED)
	@# The background worker (imports, scheduled jobs) runs next to the server and stops with it.
	$(DS) worker --no-startup-delay & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(DS) runserver $(HOST):$(PORT)

# --- test ----------------------------------------------------------------------------------
test: install test-system-packages lint typecheck migrations-check pytest-sqlite pytest-postgres
	@echo "All checks passed."

test-system-packages:
	scripts/ensure-debian-packages chromium chromium-driver postgresql

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(VENV)/.installed
	$(BIN)/mypy

migrations-check: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=doorstroom.config.test_settings $(DS) makemigrations --check --dry-run

pytest-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) -q

pytest-postgres: install
	scripts/with-postgres $(BIN)/pytest -n $(PYTEST_WORKERS) -q

clean:
	rm -rf $(VENV) node_modules var staticfiles
