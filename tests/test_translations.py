"""The interface is Dutch first: every message has a Dutch translation, and English exists."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "doorstroom"
LOCALE = SOURCE / "locale"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_catalogue_is_complete_and_valid(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    if language == "nl":
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_every_message_in_the_code_is_translated(tmp_path: Path) -> None:
    """A string added to the code without `make messages` and a translation would show in English."""
    copy = tmp_path / "doorstroom"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            str(Path(sys.executable).parent / "django-admin"),
            "makemessages",
            "-l",
            "nl",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [
            "msgfmt",
            "--statistics",
            "-o",
            "/dev/null",
            str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, (
        f"run `make messages` and translate the new strings: {result.stderr}"
    )
