"""The rent-arrears import (file, command, web upload) and the rules that open, escalate and close
rent-arrears signals: all-or-nothing, every error with row and column, idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from doorstroom.audit.models import AuditEvent
from doorstroom.tenancies.arrears import (
    PAID_OUTCOME,
    apply_arrears_rules,
    months_to_escalate,
    months_to_open,
    run_arrears_import,
)
from doorstroom.tenancies.models import ArrearsReport, Signal, SignalKind, SignalSource
from doorstroom.tenancies.signals_services import close_signal
from tests.tenancies_signals.conftest import Setting

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
D1 = TODAY - dt.timedelta(days=20)
D2 = TODAY - dt.timedelta(days=10)
D3 = TODAY - dt.timedelta(days=1)


def nl(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def write(tmp_path: Path, text: str, name: str = "achterstanden.csv", bom: bool = True) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def run(setting: Setting, path: Path, **kwargs: Any) -> Any:
    return run_arrears_import(
        path, corporation=setting.corporation, acting_user=setting.manager, **kwargs
    )


def test_a_dutch_csv_is_imported_and_the_rules_open_signals(
    setting: Setting, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "VHE;Peildatum;Maanden achterstand;Bedrag\n"
        f"{setting.regular.vhe_code};{nl(D1)};1,5;€ 1.012,50\n"
        f"{setting.care.vhe_code};{nl(D1)};0;0\n"
        f"{setting.labelled.vhe_code};{D1.isoformat()};2;1.300,00\n",
    )
    result = run(setting, path)
    assert result.ok, result.errors
    assert (result.created, result.unchanged) == (3, 0)
    assert result.rules.opened == 2 and result.rules.escalated == 1
    report = ArrearsReport.objects.get(dwelling=setting.regular)
    assert (report.months, report.amount) == (Decimal("1.5"), Decimal("1012.50"))
    regular = Signal.objects.get(dwelling=setting.regular)
    assert (regular.kind, regular.source) == (SignalKind.RENT_ARREARS, SignalSource.ARREARS)
    assert regular.opened_on == D1 and regular.escalated_on is None
    labelled = Signal.objects.get(dwelling=setting.labelled)
    assert labelled.escalated_on == D1
    assert [r.receiver for r in labelled.referrals.all()] == [setting.provider]
    assert AuditEvent.objects.filter(object_type="tenancies.arrearsreport").count() == 3


def test_reimporting_the_same_file_changes_nothing(setting: Setting, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"vhe,date,months,amount\n{setting.regular.vhe_code},{D1.isoformat()},1,650.00\n",
        bom=False,
    )
    assert run(setting, path).created == 1
    events = AuditEvent.objects.count()
    again = run(setting, path)
    assert again.ok and (again.created, again.unchanged) == (0, 1)
    assert not again.rules.changed
    assert ArrearsReport.objects.count() == 1 and Signal.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_the_same_dwelling_and_date_with_other_figures_is_refused(
    setting: Setting, tmp_path: Path
) -> None:
    run(
        setting, write(tmp_path, f"vhe,date,months,amount\n{setting.regular.vhe_code},{D1},1,650\n")
    )
    result = run(
        setting,
        write(
            tmp_path, f"vhe,date,months,amount\n{setting.regular.vhe_code},{D1},2,1300\n", "b.csv"
        ),
    )
    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column) == (1, "months")
    assert ArrearsReport.objects.get().months == 1


def test_every_bad_row_is_named_and_nothing_is_written(setting: Setting, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "vhe;peildatum;maanden;bedrag\n"
        f"{setting.regular.vhe_code};{nl(D1)};1;100\n"  # good
        f"ONBEKEND-1;{nl(D1)};1;100\n"  # unknown VHE code
        f"{setting.empty.vhe_code};{nl(D1)};1;100\n"  # no tenancy
        f"{setting.care.vhe_code};31-02-2025;1;100\n"  # bad date
        f"{setting.labelled.vhe_code};{nl(D1)};veel;100\n"  # bad number
        f"{setting.regular.vhe_code};{nl(D1)};1;100\n"  # duplicate of row 1
        f"{setting.labelled.vhe_code};{nl(D2)};1,25;-5\n"  # too many decimals, negative
        f";{nl(D2)};1;100\n",  # empty VHE
    )
    result = run(setting, path)
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (2, "vhe"),
        (3, "vhe"),
        (4, "peildatum"),
        (5, "maanden"),
        (6, "vhe"),
        (7, "maanden"),
        (7, "bedrag"),
        (8, "vhe"),
    } <= found
    assert (1, "vhe") not in found
    assert "ONBEKEND-1" in next(e.message for e in result.errors if e.row == 2)
    assert not ArrearsReport.objects.exists() and not Signal.objects.exists()


def test_a_file_without_the_columns_or_of_another_organisation_is_refused(
    setting: Setting, tmp_path: Path, member: Any
) -> None:
    from doorstroom.portfolio.importing import ImportFileError

    with pytest.raises(ImportFileError):
        run(setting, write(tmp_path, "vhe;bedrag\nX;1\n"))
    with pytest.raises(PermissionDenied):
        run_arrears_import(
            write(tmp_path, f"vhe,date,months,amount\n{setting.regular.vhe_code},{D1},1,1\n"),
            corporation=setting.corporation,
            acting_user=setting.officer,
        )
    other = member().organisation
    result = run_arrears_import(
        write(tmp_path, f"vhe,date,months,amount\n{setting.regular.vhe_code},{D1},1,1\n"),
        corporation=other,
        acting_user=None,
    )
    assert not result.ok and result.errors[0].column == "vhe"


def test_xlsx(setting: Setting, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["VHE-code", "Datum", "Months in arrears", "Amount in arrears"])
    sheet.append([setting.regular.vhe_code, dt.datetime.combine(D1, dt.time()), 1.5, 975.25])
    path = tmp_path / "achterstanden.xlsx"
    book.save(path)
    result = run(setting, path)
    assert result.ok, result.errors
    assert ArrearsReport.objects.get().amount == Decimal("975.25")


def test_a_dry_run_writes_nothing(setting: Setting, tmp_path: Path) -> None:
    path = write(tmp_path, f"vhe,date,months,amount\n{setting.regular.vhe_code},{D1},3,1\n")
    result = run(setting, path, dry_run=True)
    assert result.ok and result.created == 1 and result.rules.opened == 1
    assert not ArrearsReport.objects.exists() and not Signal.objects.exists()


# --- The rules --------------------------------------------------------------------------------


def report(setting: Setting, day: dt.date, months: str) -> None:
    ArrearsReport.objects.create(
        dwelling=setting.regular, reported_on=day, months=Decimal(months), amount=Decimal(100)
    )


def rules(setting: Setting) -> Any:
    return apply_arrears_rules(corporation=setting.corporation)


def test_thresholds() -> None:
    assert months_to_open() == 1 and months_to_escalate() == 2


def test_rules_open_escalate_and_close_idempotently(setting: Setting) -> None:
    report(setting, D1, "0.5")
    assert not rules(setting).changed
    report(setting, D2, "1")
    assert rules(setting).opened == 1
    assert not rules(setting).changed
    report(setting, D3 - dt.timedelta(days=1), "2.5")
    assert rules(setting).escalated == 1
    assert not rules(setting).changed
    signal = Signal.objects.get()
    assert signal.escalated_on == D3 - dt.timedelta(days=1)
    report(setting, D3, "0")
    assert rules(setting).closed == 1
    assert not rules(setting).changed
    signal.refresh_from_db()
    assert (signal.closed_on, signal.outcome) == (D3, PAID_OUTCOME)
    assert Signal.objects.count() == 1


def test_a_signal_closed_by_hand_is_not_reopened_by_the_same_report(setting: Setting) -> None:
    report(setting, D1, "1")
    rules(setting)
    close_signal(
        acting_user=setting.manager, signal=Signal.objects.get(), outcome="Regeling.", on=D2
    )
    assert not rules(setting).changed
    report(setting, D2, "1.5")  # the same day as the closing: still the situation closed
    assert not rules(setting).changed
    report(setting, D3, "1")
    assert rules(setting).opened == 1
    assert Signal.objects.filter(closed_on__isnull=True).count() == 1


def test_no_signal_when_the_tenancy_ended(setting: Setting) -> None:
    ArrearsReport.objects.create(
        dwelling=setting.empty, reported_on=D1, months=Decimal(3), amount=Decimal(1)
    )
    assert not rules(setting).changed


# --- The command and the web upload -----------------------------------------------------------


def test_the_command(setting: Setting, tmp_path: Path, capsys: Any) -> None:
    good = write(tmp_path, f"vhe,date,months,amount\n{setting.regular.vhe_code},{D1},1,1\n")
    call_command(
        "import-arrears", str(good), "--corporation", setting.corporation.name, "--dry-run"
    )
    assert not ArrearsReport.objects.exists()
    call_command("import-arrears", str(good), "--corporation", str(setting.corporation.pk))
    assert ArrearsReport.objects.count() == 1
    bad = write(tmp_path, f"vhe,date,months,amount\nNOPE,{D1},1,1\n", "bad.csv")
    with pytest.raises(CommandError):
        call_command("import-arrears", str(bad), "--corporation", setting.corporation.name)
    assert "NOPE" in capsys.readouterr().err


def test_the_manager_uploads_previews_and_confirms(
    setting: Setting, login: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    client = login(setting.manager)
    assert client.get("/signalen/achterstanden/").status_code == 200
    upload = SimpleUploadedFile(
        "achterstanden.csv",
        f"vhe;peildatum;maanden;bedrag\n{setting.regular.vhe_code};{nl(D1)};1;650\n".encode(),
    )
    response = client.post("/signalen/achterstanden/", {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert not ArrearsReport.objects.exists()
    done = client.post(response["Location"])
    assert done.status_code == 302 and done["Location"] == "/signalen/"
    assert ArrearsReport.objects.count() == 1 and Signal.objects.count() == 1


def test_a_bad_upload_shows_the_errors(
    setting: Setting, login: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    client = login(setting.manager)
    upload = SimpleUploadedFile(
        "a.csv", f"vhe;peildatum;maanden;bedrag\nONBEKEND-9;{nl(D1)};1;650\n".encode()
    )
    location = client.post("/signalen/achterstanden/", {"file": upload})["Location"]
    page = client.get(location).content.decode()
    assert "ONBEKEND-9" in page
    assert client.post(location).status_code == 400
    assert not ArrearsReport.objects.exists()


@pytest.mark.parametrize("who", ["officer", "case_worker", "team_member"])
def test_others_cannot_upload(setting: Setting, login: Any, who: str) -> None:
    assert login(getattr(setting, who)).get("/signalen/achterstanden/").status_code == 404
