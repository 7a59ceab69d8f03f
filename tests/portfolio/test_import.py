"""The ERP bulk import: formats, validation, all-or-nothing, idempotency, audit and the screens."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.audit.services import record_saved, snapshot_fields
from doorstroom.organisations.middleware import SESSION_KEY as ACTIVE_MEMBERSHIP
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio import importing, services, views_import
from doorstroom.portfolio.importing import ImportFileError, parse_decimal, run_import
from doorstroom.portfolio.models import Complex, Dwelling
from tests.factories import (
    ComplexFactory,
    DwellingFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

KEYS = [
    "vhe_code",
    "complex_code",
    "complex_name",
    "typology",
    "year_built",
    "floors",
    "municipality",
    "staff_present_daily",
    "street",
    "house_number",
    "addition",
    "postcode",
    "city",
    "dwelling_type",
    "rooms",
    "floor_area",
    "net_rent",
    "service_costs",
    "furnishing",
    "accessibility",
]
DUTCH = [
    "VHE",
    "Complex",
    "Complexnaam",
    "Ontsluiting",
    "Bouwjaar",
    "Bouwlagen",
    "Gemeente",
    "Dagelijks personeel",
    "Straat",
    "Huisnummer",
    "Huisletter",
    "Postcode",
    "Woonplaats",
    "Woningtype",
    "Aantal kamers",
    "Woonoppervlakte",
    "Kale huur (€)",
    "Servicekosten",
    "Inrichting",
    "Toegankelijkheid",
]


def dwelling_row(n: int, complex_code: str = "C1", *, complex_fields: bool = True, **values: str):
    """One file row for dwelling V<n>; the complex columns are filled in when ``complex_fields``."""
    row = {
        "vhe_code": f"V{n:05d}",
        "complex_code": complex_code,
        "street": "Lindelaan",
        "house_number": str(n),
        "postcode": "3511 ab",
        "city": "Utrecht",
        "dwelling_type": "GAL",
        "rooms": "2",
        "floor_area": "54,5",
        "net_rent": "612,50",
        "service_costs": "40",
        "furnishing": "none",
    }
    if complex_fields:
        row.update(
            complex_name=f"Complex {complex_code}",
            typology="GAL",
            year_built="1975",
            floors="4",
            municipality="Utrecht",
            staff_present_daily="ja",
        )
    row.update(values)
    return row


def write_csv(
    file: Path,
    rows: list[dict[str, str]],
    *,
    keys: list[str] = KEYS,
    labels: list[str] | None = None,
    delimiter: str = ",",
    bom: bool = False,
) -> Path:
    with file.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(labels or keys)
        for row in rows:
            writer.writerow([row.get(key, "") for key in keys])
    return file


def portfolio_counts() -> tuple[int, int, int]:
    """Complexes, dwellings and portfolio audit events: what an import may write."""
    return (
        Complex.objects.count(),
        Dwelling.objects.count(),
        AuditEvent.objects.filter(object_type__startswith="portfolio.").count(),
    )


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Assert on the English source strings, also once the Dutch translation exists."""
    with translation.override("en"):
        yield


@pytest.fixture
def manager(member: Any, corporation: Any) -> Any:
    return member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user


def small_file(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "export.csv",
        [
            dwelling_row(1, "C1"),
            dwelling_row(2, "C1", complex_fields=False, addition="A", accessibility="nul"),
            dwelling_row(3, "C1", complex_fields=False, furnishing="deels"),
            dwelling_row(4, "C2", complex_street="Eikstraat 1-40", complex_postcode="3512cd"),
            dwelling_row(5, "C2", complex_fields=False),
        ],
        keys=[*KEYS, "complex_street", "complex_postcode"],
    )


# --- Success ------------------------------------------------------------------------------------


def test_import_creates_complexes_and_dwellings_and_audits_them(
    tmp_path: Path, corporation: Any, manager: Any
) -> None:
    result = run_import(small_file(tmp_path), corporation=corporation, acting_user=manager)

    assert result.ok and result.written and result.rows == 5
    assert (result.complexes.created, result.dwellings.created) == (2, 5)
    c1 = Complex.objects.get(corporation=corporation, code="C1")
    assert (c1.name, c1.typology, c1.year_built, c1.floors, c1.staff_present_daily) == (
        "Complex C1",
        "GAL",
        1975,
        4,
        True,
    )
    # Without complex address columns a new complex takes its first dwelling's address.
    assert (c1.street, c1.postcode, c1.city) == ("Lindelaan 1", "3511 AB", "Utrecht")
    c2 = Complex.objects.get(code="C2")
    assert (c2.street, c2.postcode) == ("Eikstraat 1-40", "3512 CD")
    second = Dwelling.objects.get(vhe_code="V00002")
    assert second.complex == c1 and second.corporation == corporation
    assert (second.house_number_addition, second.accessibility, second.postcode) == (
        "A",
        "NUL",
        "3511 AB",
    )
    assert (second.floor_area, second.net_rent, second.service_costs) == (
        Decimal("54.5"),
        Decimal("612.50"),
        Decimal("40.00"),
    )
    assert Dwelling.objects.get(vhe_code="V00003").furnishing == "partly"

    events = AuditEvent.objects.filter(organisation=corporation, action=AuditAction.CREATE)
    assert events.filter(object_type="portfolio.complex").count() == 2
    assert events.filter(object_type="portfolio.dwelling").count() == 5
    event = events.get(object_type="portfolio.dwelling", object_id=str(second.pk))
    assert event.actor == manager
    assert event.changes["net_rent"] == [None, "612.50"]
    assert event.changes["vhe_code"] == [None, "V00002"]


def test_reimporting_the_same_file_changes_nothing(
    tmp_path: Path, corporation: Any, manager: Any
) -> None:
    file = small_file(tmp_path)
    run_import(file, corporation=corporation, acting_user=manager)
    before = portfolio_counts()

    again = run_import(file, corporation=corporation, acting_user=manager)

    assert again.ok
    assert (again.complexes.created, again.complexes.changed, again.complexes.unchanged) == (
        0,
        0,
        2,
    )
    assert (again.dwellings.created, again.dwellings.changed, again.dwellings.unchanged) == (
        0,
        0,
        5,
    )
    assert again.changes == []
    assert portfolio_counts() == before


def test_changed_values_are_updated_and_audited_with_old_and_new(
    tmp_path: Path, corporation: Any, manager: Any
) -> None:
    run_import(small_file(tmp_path), corporation=corporation, acting_user=manager)
    changed = write_csv(
        tmp_path / "changed.csv",
        [
            dwelling_row(1, "C1", complex_name="De Linde", floors="5"),
            dwelling_row(2, "C1", complex_fields=False, addition="A", accessibility="NUL"),
            dwelling_row(3, "C1", complex_fields=False, net_rent="€ 1.012,75", rooms="3"),
        ],
    )

    result = run_import(changed, corporation=corporation, acting_user=manager)

    assert result.ok
    assert (result.complexes.changed, result.complexes.unchanged) == (1, 0)
    assert (result.dwellings.changed, result.dwellings.unchanged) == (1, 2)
    third = Dwelling.objects.get(vhe_code="V00003")
    assert (third.net_rent, third.rooms, third.furnishing) == (Decimal("1012.75"), 3, "none")
    update = AuditEvent.objects.get(
        action=AuditAction.UPDATE, object_type="portfolio.dwelling", object_id=str(third.pk)
    )
    assert update.actor == manager
    assert update.fields == ["furnishing", "net_rent", "rooms"]
    assert update.changes == {
        "net_rent": ["612.50", "1012.75"],
        "rooms": [2, 3],
        "furnishing": ["partly", "none"],
    }
    complex_update = AuditEvent.objects.get(
        action=AuditAction.UPDATE, object_type="portfolio.complex"
    )
    assert complex_update.changes["name"] == ["Complex C1", "De Linde"]
    assert complex_update.changes["floors"] == [4, 5]
    assert Complex.objects.get(code="C1").name == "De Linde"
    # The preview's sample: field, old -> new.
    sample = {(change.kind, change.code): change.fields for change in result.changes}
    assert ("Net rent (€ per month)", "612.50", "1012.75") in [
        (label.capitalize(), old, new) for label, old, new in sample[("dwelling", "V00003")]
    ]
    assert ("name", "Complex C1", "De Linde") in sample[("complex", "C1")]


def test_bulk_audit_events_match_what_record_saved_writes(
    tmp_path: Path, corporation: Any, manager: Any
) -> None:
    """The import writes audit events in bulk; each must equal the one record_saved would write."""
    compared = ["actor", "actor_label", "organisation", "action", "object_type", "object_id"]
    compared += ["object_label", "fields", "changes", "ip_address"]

    def same(imported: AuditEvent, expected: AuditEvent | None) -> None:
        assert expected is not None
        for name in compared:
            assert getattr(imported, name) == getattr(expected, name), name

    run_import(small_file(tmp_path), corporation=corporation, acting_user=manager)
    dwelling = Dwelling.objects.get(vhe_code="V00002")
    imported = AuditEvent.objects.get(object_type="portfolio.dwelling", object_id=str(dwelling.pk))
    same(imported, record_saved(actor=manager, organisation=corporation, obj=dwelling, before=None))

    before = snapshot_fields(dwelling)
    file = write_csv(
        tmp_path / "rent.csv", [dwelling_row(2, "C1", complex_fields=False, net_rent="700")]
    )
    run_import(file, corporation=corporation, acting_user=manager)
    dwelling.refresh_from_db()
    imported = AuditEvent.objects.get(
        object_type="portfolio.dwelling", object_id=str(dwelling.pk), action=AuditAction.UPDATE
    )
    same(
        imported, record_saved(actor=manager, organisation=corporation, obj=dwelling, before=before)
    )


def test_semicolons_bom_dutch_headers_and_dutch_numbers(tmp_path: Path, corporation: Any) -> None:
    file = write_csv(
        tmp_path / "erp.csv",
        [
            dwelling_row(
                1, net_rent="€ 1.012,50", floor_area="70,0", furnishing="gestoffeerd", addition="b"
            ),
            dwelling_row(2, complex_fields=False, net_rent="612.5", staff_present_daily=""),
        ],
        labels=DUTCH,
        delimiter=";",
        bom=True,
    )

    result = run_import(file, corporation=corporation, acting_user=None, actor_label="test")

    assert result.ok, result.errors
    first = Dwelling.objects.get(vhe_code="V00001")
    assert (first.net_rent, first.floor_area, first.furnishing, first.house_number_addition) == (
        Decimal("1012.50"),
        Decimal("70.0"),
        "partly",
        "b",
    )
    assert Dwelling.objects.get(vhe_code="V00002").net_rent == Decimal("612.50")
    assert Complex.objects.get(code="C1").staff_present_daily is True
    assert set(AuditEvent.objects.values_list("actor_label", flat=True)) == {"test"}


def test_xlsx_first_sheet_with_numbers_as_numbers(tmp_path: Path, corporation: Any) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    header = ["VHE-code", "Complexcode", "Complexnaam", "Typologie", "Bouwjaar", "Bouwlagen"]
    header += ["Gemeente", "Dagelijks personeel", "Straat", "Huisnummer", "Postcode", "Plaats"]
    header += ["Woningtype", "Kamers", "M2", "Kale huur"]
    sheet.append(header)
    sheet.append([100234, "C7", "De Eik", "POF", 1962, 3, "Utrecht", True, "Eikstraat", 12])
    for column, value in enumerate(["3512 CD", "Utrecht", "POF", 3, 61.5, 587.25], start=11):
        sheet.cell(row=2, column=column, value=value)
    sheet.append([None] * len(header))  # trailing empty rows are skipped
    file = tmp_path / "export.xlsx"
    workbook.save(file)

    result = run_import(file, corporation=corporation, acting_user=None)

    assert result.ok, result.errors
    dwelling = Dwelling.objects.get(vhe_code="100234")
    assert (dwelling.house_number, dwelling.rooms, dwelling.floor_area, dwelling.net_rent) == (
        12,
        3,
        Decimal("61.5"),
        Decimal("587.25"),
    )
    complex_ = dwelling.complex
    assert (complex_.code, complex_.typology, complex_.staff_present_daily) == ("C7", "POF", True)


def test_dry_run_reports_but_writes_nothing(tmp_path: Path, corporation: Any) -> None:
    result = run_import(
        small_file(tmp_path), corporation=corporation, acting_user=None, dry_run=True
    )

    assert result.ok and not result.written
    assert (result.complexes.created, result.dwellings.created) == (2, 5)
    assert portfolio_counts() == (0, 0, 0)


def test_existing_complex_is_updated_from_a_complex_column(
    tmp_path: Path, corporation: Any
) -> None:
    ComplexFactory(corporation=corporation, code="C1", name="Oud", typology="GAL")
    file = write_csv(
        tmp_path / "f.csv",
        [
            dwelling_row(1, complex_fields=False, complex_name="Nieuw"),
            dwelling_row(2, complex_fields=False),
        ],
        keys=["complex_name", *KEYS[:2], *KEYS[8:]],
    )

    result = run_import(file, corporation=corporation, acting_user=None)

    assert result.ok, result.errors
    assert (result.complexes.changed, result.dwellings.created) == (1, 2)
    assert Complex.objects.get(code="C1").name == "Nieuw"


# --- Errors: every one reported with row and column, and nothing written -------------------------


def rows_with(bad_row: int, **values: str) -> list[dict[str, str]]:
    rows = [
        dwelling_row(1),
        dwelling_row(2, complex_fields=False),
        dwelling_row(3, complex_fields=False),
    ]
    rows[bad_row - 1].update(values)
    return rows


ERROR_CASES: dict[str, tuple[list[dict[str, str]], int, str, str]] = {
    "duplicate VHE code in the file": (
        rows_with(3, vhe_code="V00001"),
        3,
        "vhe_code",
        "more than once (first in row 1)",
    ),
    "invalid postcode": (rows_with(2, postcode="35111 AB"), 2, "postcode", "not a Dutch postcode"),
    "forbidden postcode letters": (rows_with(3, postcode="3511 SS"), 3, "postcode", "postcode"),
    "negative rent": (
        rows_with(2, net_rent="-612,50"),
        2,
        "net_rent",
        "greater than or equal to 0",
    ),
    "unknown typology": (rows_with(1, typology="XYZ"), 1, "typology", "not a current VERA"),
    "unknown dwelling type": (rows_with(3, dwelling_type="QQQ"), 3, "dwelling_type", "VERA"),
    "unknown accessibility": (rows_with(2, accessibility="ABC"), 2, "accessibility", "VERA"),
    "dwelling of an unknown complex": (
        rows_with(3, complex_code="C9"),
        3,
        "complex_code",
        "unknown complex",
    ),
    "non-numeric rooms": (rows_with(2, rooms="twee"), 2, "rooms", "not a whole number"),
    "non-integer rooms": (rows_with(3, rooms="2,5"), 3, "rooms", "not a whole number"),
    "rooms out of range": (rows_with(3, rooms="0"), 3, "rooms", "greater than or equal to 1"),
    "unreadable amount": (rows_with(2, floor_area="55 m2"), 2, "floor_area", "not a number"),
    "empty required cell": (rows_with(2, street=""), 2, "street", "required"),
    "bad furnishing": (rows_with(2, furnishing="soms"), 2, "furnishing", "not a furnishing"),
    "bad yes or no": (rows_with(1, staff_present_daily="misschien"), 1, "staff_present_daily", ""),
    "year built out of range": (rows_with(1, year_built="1066"), 1, "year_built", "1600"),
    "too long VHE code": (rows_with(2, vhe_code="V" * 31), 2, "vhe_code", "at most 30"),
}


@pytest.fixture
def existing(corporation: Any) -> Dwelling:
    """Data that was there before: an import that fails must leave it exactly as it was."""
    return DwellingFactory(
        complex=ComplexFactory(corporation=corporation, code="C0"), vhe_code="OLD1"
    )


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_each_bad_row_is_reported_and_nothing_is_written(
    tmp_path: Path, corporation: Any, existing: Dwelling, case: str
) -> None:
    rows, row, column, reason = ERROR_CASES[case]
    before = portfolio_counts()
    snapshot = snapshot_fields(existing)

    result = run_import(
        write_csv(tmp_path / "bad.csv", rows), corporation=corporation, acting_user=None
    )

    assert not result.ok and not result.written
    found = [(e.row, e.column) for e in result.errors]
    assert (row, column) in found, result.errors
    error = next(e for e in result.errors if (e.row, e.column) == (row, column))
    assert reason in error.message
    assert str(error).startswith(f"row {row}, column {column}: ")
    assert portfolio_counts() == before
    existing.refresh_from_db()
    assert snapshot_fields(existing) == snapshot


def test_one_bad_row_among_two_thousand_good_ones_writes_nothing(
    tmp_path: Path, corporation: Any, existing: Dwelling
) -> None:
    rows = [dwelling_row(n, complex_fields=n == 1) for n in range(1, 2002)]
    rows[1499]["postcode"] = "ABCD 12"  # row 1500: in the second batch of 1000
    before = portfolio_counts()

    result = run_import(
        write_csv(tmp_path / "big.csv", rows), corporation=corporation, acting_user=None
    )

    assert [(e.row, e.column) for e in result.errors] == [(1500, "postcode")]
    assert result.rows == 2001 and result.dwellings.created == 2000
    assert portfolio_counts() == before


def test_duplicates_are_found_across_batches(tmp_path: Path, corporation: Any) -> None:
    rows = [dwelling_row(n, complex_fields=n == 1) for n in range(1, 8)]
    rows[6]["vhe_code"] = "V00002"  # row 7 repeats row 2, three batches later
    rows[5]["vhe_code"] = "V00005"  # row 6 repeats row 5, in the same batch

    result = run_import(
        write_csv(tmp_path / "dup.csv", rows),
        corporation=corporation,
        acting_user=None,
        batch_size=2,
    )

    assert [(e.row, e.column) for e in result.errors] == [(6, "vhe_code"), (7, "vhe_code")]
    assert "first in row 5" in result.errors[0].message
    assert "first in row 2" in result.errors[1].message
    assert portfolio_counts() == (0, 0, 0)


def test_errors_name_the_column_as_the_file_calls_it(tmp_path: Path, corporation: Any) -> None:
    rows = rows_with(2, postcode="nope")
    file = write_csv(tmp_path / "nl.csv", rows, labels=DUTCH, delimiter=";")

    result = run_import(file, corporation=corporation, acting_user=None)

    assert [(e.row, e.column) for e in result.errors] == [(2, "Postcode")]
    rows = rows_with(3, rooms="veel")
    result = run_import(
        write_csv(tmp_path / "nl2.csv", rows, labels=DUTCH),
        corporation=corporation,
        acting_user=None,
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "Aantal kamers")]


def test_complex_values_that_contradict_an_earlier_row_are_an_error(
    tmp_path: Path, corporation: Any
) -> None:
    rows = [dwelling_row(1), dwelling_row(2, floors="7")]

    result = run_import(
        write_csv(tmp_path / "c.csv", rows), corporation=corporation, acting_user=None
    )

    assert [(e.row, e.column) for e in result.errors] == [(2, "floors")]
    assert "'7' here but '4' in row 1" in result.errors[0].message
    assert portfolio_counts() == (0, 0, 0)


def test_a_dwelling_with_contracts_does_not_move_to_another_complex(
    tmp_path: Path, corporation: Any
) -> None:
    dwelling = DwellingFactory(
        complex=ComplexFactory(corporation=corporation, code="C1"), vhe_code="V00001"
    )
    ComplexFactory(corporation=corporation, code="C2")
    services.start_regular_tenancy(
        acting_user=None, dwelling=dwelling, tenant_name="Huurder", start_date=dt.date(2024, 1, 1)
    )
    file = write_csv(tmp_path / "m.csv", [dwelling_row(1, "C2", complex_fields=False)])

    result = run_import(file, corporation=corporation, acting_user=None)

    assert [(e.row, e.column) for e in result.errors] == [(1, "complex_code")]
    assert "contracts" in result.errors[0].message
    assert Dwelling.objects.get(pk=dwelling.pk).complex.code == "C1"


def test_the_error_list_is_capped_but_every_error_is_counted(
    tmp_path: Path, corporation: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "MAX_ERRORS", 3)
    rows = [dwelling_row(1)] + [
        dwelling_row(n, complex_fields=False, rooms="x") for n in range(2, 8)
    ]

    result = run_import(
        write_csv(tmp_path / "c.csv", rows), corporation=corporation, acting_user=None
    )

    assert (len(result.errors), result.error_count, result.more_errors) == (3, 6, 3)


def test_missing_required_columns_are_one_error_before_any_row(
    tmp_path: Path, corporation: Any
) -> None:
    keys = [key for key in KEYS if key not in ("net_rent", "postcode")]
    file = write_csv(tmp_path / "m.csv", [dwelling_row(1)], keys=keys)

    with pytest.raises(ImportFileError) as error:
        run_import(file, corporation=corporation, acting_user=None)

    assert "kale_huur (net_rent)" in error.value.message
    assert "postcode (postcode)" in error.value.message
    assert portfolio_counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "column names"),
        ("vhe;straat\nV1;Caf\xe9laan\n".encode("cp1252"), "UTF-8"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
        (b"VHE,VHE-code\n", "both mean"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(
    tmp_path: Path, corporation: Any, content: bytes, reason: str
) -> None:
    file = tmp_path / "weird.csv"
    file.write_bytes(content)
    with pytest.raises(ImportFileError) as error:
        run_import(file, corporation=corporation, acting_user=None)
    assert reason in error.value.message


def test_a_non_utf8_file_fails_whole_even_after_good_rows(tmp_path: Path, corporation: Any) -> None:
    file = write_csv(
        tmp_path / "mixed.csv", [dwelling_row(n, complex_fields=n == 1) for n in (1, 2)]
    )
    with file.open("ab") as handle:
        handle.write("V00003,C1,,,,,,,Caf\xe9laan,3\n".encode("cp1252"))
    with pytest.raises(ImportFileError):
        run_import(file, corporation=corporation, acting_user=None, batch_size=1)
    assert portfolio_counts() == (0, 0, 0)


def test_only_the_corporations_manager_may_import(
    tmp_path: Path, corporation: Any, member: Any
) -> None:
    officer = member(Role.LETTING_OFFICER, organisation=corporation).user
    with pytest.raises(PermissionDenied):
        run_import(small_file(tmp_path), corporation=corporation, acting_user=officer)
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER)
    with pytest.raises(ImportFileError):
        run_import(small_file(tmp_path), corporation=provider, acting_user=None)
    assert portfolio_counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("612,50", "612.50"),
        ("612.50", "612.50"),
        ("€ 612,50", "612.50"),
        ("€612", "612"),
        ("1.012,50", "1012.50"),
        ("1,012.50", "1012.50"),
        ("1.234.567", "1234567"),
        ("-5,5", "-5.5"),
        ("1.234", "1.234"),
    ],
)
def test_amounts_accept_comma_point_euro_sign_and_thousands(text: str, value: str) -> None:
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.234,567.8", "1e5", "12,5.0"])
def test_amounts_refuse_what_is_not_a_number(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


# --- The screens --------------------------------------------------------------------------------


@pytest.fixture
def var_dir(tmp_path: Path, settings: Any) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def upload_file(client: Any, content: bytes, name: str = "export.csv") -> Any:
    return client.post(
        reverse("portfolio_import:upload"), {"file": SimpleUploadedFile(name, content)}
    )


def token_of(response: Any) -> str:
    assert response.status_code == 302, getattr(response, "content", b"")[:2000]
    match = re.search(r"/([0-9a-f-]{36})/$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def count_cell(html: str, name: str) -> int:
    match = re.search(rf'data-count="{name}">(\d+)<', html)
    assert match, name
    return int(match.group(1))


def test_manager_uploads_previews_and_confirms(
    tmp_path: Path, var_dir: Path, corporation: Any, manager: Any, login: Any
) -> None:
    client = login(manager)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(reverse("portfolio_import:upload")).status_code == 200

    token = token_of(upload_file(client, small_file(tmp_path).read_bytes()))
    stored = var_dir / "imports" / f"{token}.csv"
    assert stored.is_file()
    preview_url = reverse("portfolio_import:preview", args=[token])
    page = client.get(preview_url)
    html = page.content.decode()

    assert page.status_code == 200
    assert count_cell(html, "complexes-created") == 2
    assert count_cell(html, "dwellings-created") == 5
    assert 'type="submit"' in html and "Import now" in html
    assert portfolio_counts() == (0, 0, 0)

    done = client.post(preview_url)

    assert done.status_code == 302 and done["Location"] == reverse("portfolio:overview")
    assert portfolio_counts()[:2] == (2, 5)
    assert AuditEvent.objects.filter(actor=manager, object_type="portfolio.dwelling").count() == 5
    assert not stored.exists()
    shown = [str(m) for m in client.get(done["Location"]).context["messages"]]
    assert any("Dwellings: 5 created, 0 changed, 0 unchanged." in m for m in shown)
    # The token is used up.
    assert client.get(preview_url).status_code == 404


def test_preview_shows_every_error_with_row_and_column_and_no_confirm(
    tmp_path: Path, var_dir: Path, manager: Any, login: Any
) -> None:
    client = login(manager)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = [*rows_with(2, postcode="123"), dwelling_row(4, complex_fields=False, rooms="vier")]
    token = token_of(upload_file(client, write_csv(tmp_path / "bad.csv", rows).read_bytes()))
    url = reverse("portfolio_import:preview", args=[token])

    html = client.get(url).content.decode()

    cells = re.findall(
        r'<th class="utrecht-table__header-cell utrecht-table__header-cell--numeric" scope="row">(\d+)</th>\s*'
        r'<td class="utrecht-table__cell">([^<]+)</td>',
        html,
    )
    assert cells == [("2", "postcode"), ("4", "rooms")]
    assert "Import now" not in html
    assert "Row 1 is the first row under the column names." in html
    # A confirm posted anyway (e.g. a stale page) writes nothing.
    assert client.post(url).status_code == 200
    assert portfolio_counts() == (0, 0, 0)


def test_preview_of_a_file_without_required_columns(
    tmp_path: Path, var_dir: Path, manager: Any, login: Any
) -> None:
    client = login(manager)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    token = token_of(upload_file(client, b"vhe;straat\nV1;Lindelaan\n"))
    html = client.get(reverse("portfolio_import:preview", args=[token])).content.decode()
    assert "lacks the required column(s)" in html and "Import now" not in html


def test_upload_refuses_other_file_types_and_files_over_the_limit(
    var_dir: Path, manager: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login(manager)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    empty = client.post(reverse("portfolio_import:upload"), {})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    wrong = upload_file(client, b"%PDF-1.4", name="export.pdf")
    assert wrong.status_code == 200 and "Choose a .csv or .xlsx file." in wrong.content.decode()
    monkeypatch.setattr(views_import, "MAX_UPLOAD_BYTES", 10)
    large = upload_file(client, b"vhe,complex\n" + b"x" * 20)
    assert large.status_code == 200 and "the limit is 50 MB" in large.content.decode()
    assert not (var_dir / "imports").exists() or not any((var_dir / "imports").iterdir())


@pytest.mark.parametrize("role", [Role.LETTING_OFFICER, Role.CASE_WORKER, Role.TEAM_LEAD])
def test_other_roles_get_404(
    tmp_path: Path,
    var_dir: Path,
    corporation: Any,
    manager: Any,
    member: Any,
    login: Any,
    role: str,
) -> None:
    token = token_of(upload_file(login(manager), small_file(tmp_path).read_bytes()))
    organisation = corporation if role == Role.LETTING_OFFICER else None
    client = login(member(role, organisation=organisation).user)
    assert client.get(reverse("portfolio_import:upload")).status_code == 404
    preview = reverse("portfolio_import:preview", args=[token])
    assert client.get(preview).status_code == 404
    assert client.post(preview).status_code == 404
    assert portfolio_counts() == (0, 0, 0)


def test_a_manager_of_another_corporation_cannot_open_the_token(
    tmp_path: Path, var_dir: Path, manager: Any, member: Any, login: Any
) -> None:
    token = token_of(upload_file(login(manager), small_file(tmp_path).read_bytes()))
    other = login(member(Role.MIXED_LIVING_MANAGER).user)
    preview = reverse("portfolio_import:preview", args=[token])
    assert other.get(reverse("portfolio_import:upload")).status_code == 200
    assert other.get(preview).status_code == 404
    assert other.post(preview).status_code == 404
    assert portfolio_counts() == (0, 0, 0)


def test_the_token_is_tied_to_the_corporation_it_was_uploaded_for(
    tmp_path: Path, var_dir: Path, corporation: Any, manager: Any, member: Any, login: Any
) -> None:
    """The same person, now acting as manager of another corporation, cannot import the file there."""
    second = MembershipFactory(
        user=manager, organisation=OrganisationFactory(), role=Role.MIXED_LIVING_MANAGER
    )
    client = login(manager)
    own = next(m for m in manager.memberships.all() if m.organisation_id == corporation.pk)
    session = client.session
    session[ACTIVE_MEMBERSHIP] = own.pk
    session.save()
    token = token_of(upload_file(client, small_file(tmp_path).read_bytes()))
    session = client.session
    session[ACTIVE_MEMBERSHIP] = second.pk
    session.save()

    preview = reverse("portfolio_import:preview", args=[token])
    assert client.get(preview).status_code == 404
    assert client.post(preview).status_code == 404
    assert portfolio_counts() == (0, 0, 0)


@pytest.mark.django_db(transaction=True)  # the worker takes its own (exclusive) transactions
def test_a_large_file_is_checked_and_imported_by_the_background_worker(
    tmp_path: Path, var_dir: Path, manager: Any, login: Any, settings: Any
) -> None:
    """Files above the threshold go to the worker (run here in-process, as `db_worker --batch`)."""
    from django.core.management import call_command

    settings.IMPORT_IN_BACKGROUND_FROM_BYTES = 1
    client = login(manager)
    token = token_of(upload_file(client, small_file(tmp_path).read_bytes()))
    url = reverse("portfolio_import:preview", args=[token])

    waiting = client.get(url)
    assert waiting.status_code == 200 and 'http-equiv="refresh"' in waiting.content.decode()
    assert portfolio_counts() == (0, 0, 0)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    report = client.get(url).content.decode()
    assert count_cell(report, "dwellings-created") == 5
    assert portfolio_counts() == (0, 0, 0)  # the check writes nothing

    assert client.post(url).status_code == 302
    assert 'http-equiv="refresh"' in client.get(url).content.decode()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    done = client.get(url)
    assert done.status_code == 302 and done["Location"] == reverse("portfolio:overview")
    assert portfolio_counts()[:2] == (2, 5)
