"""`doorstroom import-dwellings`: its summary, its errors and its exit status."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections
from django.utils import translation

from doorstroom.audit.models import AuditEvent
from doorstroom.organisations.roles import OrganisationKind
from tests.factories import OrganisationFactory
from tests.portfolio.test_import import dwelling_row, portfolio_counts, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    rows = [dwelling_row(1), dwelling_row(2, complex_fields=False), dwelling_row(3, "C2")]
    return write_csv(tmp_path / "export.csv", rows)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import-dwellings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_a_summary_and_audits_as_the_command(
    good_file: Path, corporation: Any
) -> None:
    out, _err = run(str(good_file), "--corporation", "woningcorporatie test")

    assert "Complexes: 2 created, 0 changed, 0 unchanged." in out
    assert "Dwellings: 3 created, 0 changed, 0 unchanged." in out
    assert "Imported 3 rows for Woningcorporatie Test." in out
    assert portfolio_counts() == (2, 3, 5)
    labels = set(AuditEvent.objects.values_list("actor_label", flat=True))
    assert len(labels) == 1 and labels.pop().startswith("import-dwellings (")
    assert not AuditEvent.objects.filter(actor__isnull=False).exists()

    again, _err = run(str(good_file), "--corporation", str(corporation.pk))
    assert "Dwellings: 0 created, 0 changed, 3 unchanged." in again
    assert portfolio_counts() == (2, 3, 5)


def test_dry_run_writes_nothing(good_file: Path, corporation: Any) -> None:
    out, _err = run(str(good_file), "--corporation", corporation.name, "--dry-run")

    assert "Dwellings: 3 created, 0 changed, 0 unchanged." in out
    assert "Dry run: nothing has been written." in out
    assert portfolio_counts() == (0, 0, 0)


def test_errors_are_printed_per_row_and_nothing_is_written(
    tmp_path: Path, corporation: Any
) -> None:
    rows = [
        dwelling_row(1),
        dwelling_row(2, complex_fields=False, postcode="99999"),
        dwelling_row(3, complex_fields=False, rooms="drie", net_rent="-1"),
    ]
    file = write_csv(tmp_path / "bad.csv", rows)
    err = StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import-dwellings", str(file), corporation=corporation.name, stderr=err)

    assert error.value.returncode != 0
    assert "3 errors in 3 rows; nothing has been written." in str(error.value)
    lines = err.getvalue().splitlines()
    assert lines[0] == "Row 1 is the first row under the header."
    assert lines[1].startswith("row 2, column postcode: '99999' is not a Dutch postcode")
    assert lines[2] == "row 3, column rooms: 'drie' is not a whole number."
    assert lines[3].startswith("row 3, column net_rent: ")
    assert portfolio_counts() == (0, 0, 0)


def test_the_console_script_exits_with_a_non_zero_status(
    tmp_path: Path,
    corporation: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    file = write_csv(tmp_path / "bad.csv", [dwelling_row(1, complex_code="")])
    # run_from_argv closes the connections when done, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(
            ["doorstroom", "import-dwellings", str(file), "--corporation", corporation.name]
        )

    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "row 1, column complex_code: This column is required; the cell is empty." in captured.err
    assert "nothing has been written" in captured.err
    assert portfolio_counts() == (0, 0, 0)


def test_a_missing_column_is_one_clear_error(tmp_path: Path, corporation: Any) -> None:
    file = tmp_path / "short.csv"
    file.write_text("vhe;complex;straat\nV1;C1;Lindelaan\n", encoding="utf-8")

    with pytest.raises(CommandError, match="lacks the required column"):
        run(str(file), "--corporation", corporation.name)


@pytest.mark.parametrize(
    ("corporation_arg", "message"),
    [("Onbekend", "There is no housing corporation"), ("Zorg B.V.", "There is no housing")],
)
def test_the_corporation_must_exist_and_be_a_corporation(
    good_file: Path, corporation_arg: str, message: str
) -> None:
    OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg B.V.")
    with pytest.raises(CommandError, match=message):
        run(str(good_file), "--corporation", corporation_arg)


def test_a_missing_file_is_an_error(tmp_path: Path, corporation: Any) -> None:
    with pytest.raises(CommandError, match="File not found"):
        run(str(tmp_path / "nope.csv"), "--corporation", corporation.name)
