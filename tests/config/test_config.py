"""Configuration from the environment, production refusal without a secret, the health check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse

from doorstroom.config.env import VARIABLES
from tests.environment import bare_environment

ROOT = Path(__file__).resolve().parents[2]


def run_doorstroom(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = bare_environment(**env)
    return subprocess.run(
        [sys.executable, "-m", "doorstroom", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_start_up_refuses_without_secret_key_in_production() -> None:
    result = run_doorstroom("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY ontbreekt" in result.stderr


def test_invalid_boolean_is_reported_by_name() -> None:
    result = run_doorstroom("check", DEBUG="misschien")
    assert result.returncode != 0
    assert "Omgevingsvariabele DEBUG heeft een ongeldige waarde" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = run_doorstroom(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-production-secret-" + "x" * 50,
        ALLOWED_HOSTS="doorstroom.example.nl",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_variable_is_documented() -> None:
    documented = (ROOT / "docs" / "configuration.md").read_text()
    missing = [name for name in VARIABLES if f"`{name}`" not in documented]
    assert not missing, f"undocumented environment variables: {missing}"


def test_show_config_lists_variables_without_secret_values() -> None:
    result = run_doorstroom("show-config", DEBUG="1", SECRET_KEY="very-secret-value-123")
    assert result.returncode == 0, result.stderr
    assert "DATABASE_URL" in result.stdout
    assert "very-secret-value-123" not in result.stdout


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client: Any) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "up"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client: Any, monkeypatch: Any) -> None:
    def broken_cursor(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_answers_503_against_a_real_unreachable_database(tmp_path: Path) -> None:
    script = (
        "from django.test import Client; import django; django.setup(); "
        "r = Client().get('/healthz'); print(r.status_code)"
    )
    clean = bare_environment(
        DJANGO_SETTINGS_MODULE="doorstroom.config.test_settings",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
        ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=clean,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip().endswith("503"), result.stdout + result.stderr


def test_production_logs_are_one_json_object_per_line(tmp_path: Path) -> None:
    script = (
        "import django, logging, json; django.setup(); "
        "logging.getLogger('doorstroom.test').warning('hallo', extra={'k': 1})"
    )
    clean = bare_environment(
        DJANGO_SETTINGS_MODULE="doorstroom.config.settings",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=clean,
        timeout=60,
        check=False,
    )
    import json

    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hallo"
    assert line["level"] == "WARNING"
    assert line["k"] == 1
