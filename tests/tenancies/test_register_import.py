"""The placements register import (spec §1): formats, every rejected-row rule, idempotence,
creating what is missing, the rows the application writes, the command and the web upload."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from doorstroom.audit.models import AuditEvent
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio.models import CareLease, Complex, Dwelling, RegularTenancy
from doorstroom.tenancies.models import Placement, PlacementEvent, PlacementState
from doorstroom.tenancies.register import run_register_import
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory

pytestmark = pytest.mark.django_db

HEADER = "client_ref,care_provider,complex_code,unit_code,start_date,flip_date,label_end_date,exit_date,exit_reason,target_group\n"


@pytest.fixture
def world(member: Any, corporation: Any, care_provider: Any) -> dict[str, Any]:
    complex_ = ComplexFactory(corporation=corporation, code="MIX01")
    dwellings = [DwellingFactory(complex=complex_, vhe_code=f"V{i}") for i in range(1, 9)]
    agreement = AgreementFactory(
        complex=complex_,
        care_provider=care_provider,
        start_date=dt.date(2018, 1, 1),
        dwellings_promised=5,
    )
    manager = member(Role.MIXED_LIVING_MANAGER, corporation).user
    return {
        "corporation": corporation,
        "provider": care_provider,
        "complex": complex_,
        "dwellings": dwellings,
        "agreement": agreement,
        "manager": manager,
    }


def write(tmp_path: Path, text: str, name: str = "register.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def run(world: dict[str, Any], path: Path, **kwargs: Any) -> Any:
    with translation.override("en"):
        return run_register_import(
            path, corporation=world["corporation"], acting_user=world["manager"], **kwargs
        )


def line(*cells: str) -> str:
    padded = list(cells) + [""] * (10 - len(cells))
    return ",".join(padded) + "\n"


P = "Zorgaanbieder Test"


def errors_of(result: Any) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


# --- Formats ------------------------------------------------------------------------------------


def test_a_dutch_semicolon_csv_with_bom_imports_every_state(
    world: dict[str, Any], tmp_path: Path
) -> None:
    text = (
        "Client;Zorgaanbieder;Complex;VHE;Startdatum;Omklapdatum;Einde_label;Vertrekdatum;Vertrekreden;Doelgroep\n"
        f"K1;{P.upper()};mix01;V1;1-3-2021;;;;;\n"
        f"K2;{P};MIX01;V2;01-03-2021;15-06-2025;;;;bw\n"
        f"K3;{P};MIX01;V3;2020-01-01;2021-01-01;2022-01-01;;;other\n"
        f"K4;{P};MIX01;V4;2020-01-01;;;2020-06-01;opvang;mo\n"
        f"K5;{P};MIX01;V5;2019-01-01;2019-06-01;;2020-01-01;Regulier;\n"
    )
    result = run(world, write(tmp_path, text, bom=True))
    assert result.ok, errors_of(result)
    assert (result.created, result.unchanged) == (5, 0)
    by_ref = {p.client_ref: p for p in Placement.objects.all()}
    assert (
        by_ref["K1"].state == PlacementState.CARE_LEASE and by_ref["K1"].care_lease.end_date is None
    )
    k2 = by_ref["K2"]
    assert k2.state == PlacementState.FLIPPED and k2.target_group == "bw"
    assert k2.care_lease.end_date == dt.date(2025, 6, 15) and k2.care_lease.end_reason == "flipped"
    assert k2.tenancy.tenant_name == "K2" and k2.tenancy.care_label_until == dt.date(2027, 6, 15)
    assert k2.tenancy.start_date == dt.date(2025, 6, 15)
    assert by_ref["K3"].state == PlacementState.LABEL_ENDED
    assert by_ref["K3"].tenancy.care_label_until == dt.date(2022, 1, 1)
    k4 = by_ref["K4"]
    assert k4.state == PlacementState.EXITED and k4.exit_reason == "back_to_shelter"
    assert (
        k4.care_lease.end_date == dt.date(2020, 6, 1) and k4.care_lease.end_reason == "handed_back"
    )
    k5 = by_ref["K5"]
    assert k5.exit_reason == "regular_housing" and k5.tenancy.end_date == dt.date(2020, 1, 1)
    kinds = list(
        PlacementEvent.objects.filter(placement=by_ref["K3"]).values_list("kind", flat=True)
    )
    assert kinds == ["started", "flipped", "label_ended"]
    kinds = list(PlacementEvent.objects.filter(placement=k5).values_list("kind", "on"))
    assert kinds == [
        ("started", dt.date(2019, 1, 1)),
        ("flipped", dt.date(2019, 6, 1)),
        ("exited", dt.date(2020, 1, 1)),
    ]
    # Audited like the services: a create and an update per step.
    k5_events = AuditEvent.objects.filter(object_type="tenancies.placement", object_id=str(k5.pk))
    assert sorted(k5_events.values_list("action", flat=True)) == ["create", "update", "update"]


def test_comma_csv_with_english_headers_and_xlsx_with_date_cells(
    world: dict[str, Any], tmp_path: Path
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "CLIENT_REF",
            "Care_Provider",
            "complex_code",
            "unit_code",
            "start_date",
            "exit_date",
            "exit_reason",
        ]
    )
    sheet.append(
        ["X1", P, "MIX01", "V1", dt.datetime(2021, 2, 3), dt.date(2021, 5, 6), "uitzetting"]
    )
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    result = run(world, path)
    assert result.ok, errors_of(result)
    placement = Placement.objects.get()
    assert (placement.start_date, placement.exit_date, placement.exit_reason) == (
        dt.date(2021, 2, 3),
        dt.date(2021, 5, 6),
        "eviction",
    )


# --- Every rejected-row rule --------------------------------------------------------------------


def assert_refused(
    world: dict[str, Any], tmp_path: Path, body: str, row: int, column: str, words: str
) -> None:
    result = run(world, write(tmp_path, HEADER + body))
    assert not result.ok
    assert any(e.row == row and e.column == column and words in e.message for e in result.errors), (
        errors_of(result)
    )
    assert not Placement.objects.exists() and not CareLease.objects.exists()


def test_a_required_value_missing(world: dict[str, Any], tmp_path: Path) -> None:
    assert_refused(
        world,
        tmp_path,
        line("K1", P, "MIX01", "V1", "2021-01-01") + line("", P, "MIX01", "V2", "2021-01-01"),
        2,
        "client_ref",
        "required",
    )


def test_an_unparsable_date(world: dict[str, Any], tmp_path: Path) -> None:
    assert_refused(
        world, tmp_path, line("K1", P, "MIX01", "V1", "31-02-2021"), 1, "start_date", "not a date"
    )


def test_flip_before_start(world: dict[str, Any], tmp_path: Path) -> None:
    assert_refused(
        world,
        tmp_path,
        line("K1", P, "MIX01", "V1", "2021-01-01", "2020-12-31"),
        1,
        "flip_date",
        "before the start",
    )


def test_exit_before_start(world: dict[str, Any], tmp_path: Path) -> None:
    assert_refused(
        world,
        tmp_path,
        line("K1", P, "MIX01", "V1", "2021-01-01", "", "", "2020-12-31", "anders"),
        1,
        "exit_date",
        "before the start",
    )


def test_flip_after_exit(world: dict[str, Any], tmp_path: Path) -> None:
    assert_refused(
        world,
        tmp_path,
        line("K1", P, "MIX01", "V1", "2021-01-01", "2022-01-02", "", "2022-01-01", "anders"),
        1,
        "flip_date",
        "after the departure",
    )


def test_label_end_before_flip(world: dict[str, Any], tmp_path: Path) -> None:
    assert_refused(
        world,
        tmp_path,
        line("K1", P, "MIX01", "V1", "2021-01-01", "2022-01-01", "2021-12-31"),
        1,
        "label_end_date",
        "before the flip",
    )


def test_label_end_without_flip(world: dict[str, Any], tmp_path: Path) -> None:
    assert_refused(
        world,
        tmp_path,
        line("K1", P, "MIX01", "V1", "2021-01-01", "", "2023-01-01"),
        1,
        "label_end_date",
        "needs a flip",
    )


def test_exit_without_reason(world: dict[str, Any], tmp_path: Path) -> None:
    assert_refused(
        world,
        tmp_path,
        line("K1", P, "MIX01", "V1", "2021-01-01", "", "", "2022-01-01"),
        1,
        "exit_reason",
        "needs a reason",
    )


def test_unknown_reason(world: dict[str, Any], tmp_path: Path) -> None:
    assert_refused(
        world,
        tmp_path,
        line("K1", P, "MIX01", "V1", "2021-01-01", "", "", "2022-01-01", "verhuisd"),
        1,
        "exit_reason",
        "not an exit reason",
    )


def test_duplicate_key_in_the_file(world: dict[str, Any], tmp_path: Path) -> None:
    body = line("K1", P, "MIX01", "V1", "2021-01-01", "", "", "2021-02-01", "anders") + line(
        "K1", P.lower(), "MIX01", "V2", "01-01-2021", "", "", "2021-02-01", "anders"
    )
    assert_refused(world, tmp_path, body, 2, "client_ref", "more than once (first in row 1)")


def test_overlapping_placements_of_one_client(world: dict[str, Any], tmp_path: Path) -> None:
    body = line("K1", P, "MIX01", "V1", "2021-01-01", "", "", "2021-06-01", "anders") + line(
        "K1", P, "MIX01", "V2", "2021-05-01"
    )
    assert_refused(world, tmp_path, body, 2, "start_date", "Client K1 already has a placement")


def test_overlapping_placements_in_one_dwelling(world: dict[str, Any], tmp_path: Path) -> None:
    body = line("K1", P, "MIX01", "V1", "2021-01-01") + line("K2", P, "MIX01", "V1", "2022-05-01")
    assert_refused(world, tmp_path, body, 2, "start_date", "Dwelling V1 already has a placement")


def test_overlap_with_a_placement_in_the_database(world: dict[str, Any], tmp_path: Path) -> None:
    assert run(world, write(tmp_path, HEADER + line("K1", P, "MIX01", "V1", "2021-01-01"))).ok
    result = run(
        world, write(tmp_path, HEADER + line("K2", P, "MIX01", "V1", "2023-01-01"), "b.csv")
    )
    assert not result.ok and "recorded in the application" in result.errors[0].message
    assert result.errors[0].row == 1 and result.errors[0].column == "start_date"
    assert Placement.objects.count() == 1


def test_consecutive_placements_in_one_dwelling_are_fine(
    world: dict[str, Any], tmp_path: Path
) -> None:
    body = line("K1", P, "MIX01", "V1", "2021-01-01", "", "", "2021-06-01", "detentie") + line(
        "K2", P, "MIX01", "V1", "2021-06-01"
    )
    result = run(world, write(tmp_path, HEADER + body))
    assert result.ok, errors_of(result)
    assert CareLease.objects.count() == 2


def test_every_error_is_reported_and_nothing_is_written(
    world: dict[str, Any], tmp_path: Path
) -> None:
    body = line("K1", P, "MIX01", "V1", "2021-01-01") + line("K2", "Onbekend", "NOPE", "V9", "x")
    result = run(world, write(tmp_path, HEADER + body))
    assert {(e.row, e.column) for e in result.errors} >= {
        (2, "care_provider"),
        (2, "complex_code"),
        (2, "unit_code"),
        (2, "start_date"),
    }
    assert (
        not Placement.objects.exists()
        and not AuditEvent.objects.filter(object_type="tenancies.placement").exists()
    )


# --- Idempotence --------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(world: dict[str, Any], tmp_path: Path) -> None:
    body = (
        line("K1", P, "MIX01", "V1", "2021-01-01", "2022-01-01")
        + line("K2", P, "MIX01", "V2", "2021-01-01", "", "", "2021-03-01", "overleden")
        + line("K3", P, "MIX01", "V3", "2022-01-01")
    )
    path = write(tmp_path, HEADER + body)
    assert run(world, path).created == 3
    counts = (
        Placement.objects.count(),
        CareLease.objects.count(),
        RegularTenancy.objects.count(),
        PlacementEvent.objects.count(),
        AuditEvent.objects.count(),
    )
    again = run(world, path)
    assert again.ok and (again.created, again.unchanged) == (0, 3)
    with translation.override("en"):
        assert again.summary()[0] == "Placements: 0 new, 3 unchanged."
    assert counts == (
        Placement.objects.count(),
        CareLease.objects.count(),
        RegularTenancy.objects.count(),
        PlacementEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_same_key_with_other_data_is_refused(world: dict[str, Any], tmp_path: Path) -> None:
    assert run(world, write(tmp_path, HEADER + line("K1", P, "MIX01", "V1", "2021-01-01"))).ok
    result = run(
        world,
        write(tmp_path, HEADER + line("K1", P, "MIX01", "V1", "2021-01-01", "2022-01-01"), "b.csv"),
    )
    assert not result.ok and result.errors[0].column == "flip_date"


def test_a_dry_run_writes_nothing(world: dict[str, Any], tmp_path: Path) -> None:
    result = run(
        world, write(tmp_path, HEADER + line("K1", P, "MIX01", "V1", "2021-01-01")), dry_run=True
    )
    assert result.ok and result.created == 1 and not Placement.objects.exists()


# --- Unknown care providers, complexes and dwellings --------------------------------------------


def test_unknown_things_are_errors_unless_created(world: dict[str, Any], tmp_path: Path) -> None:
    body = line("K1", "Nieuwe Zorg", "NEW01", "N1", "2021-01-01", "2022-02-01")
    path = write(tmp_path, HEADER + body)
    refused = run(world, path)
    assert {e.column for e in refused.errors} == {"care_provider", "complex_code", "unit_code"}
    result = run(world, path, create_missing=True)
    assert result.ok, errors_of(result)
    provider = Organisation.objects.get(name="Nieuwe Zorg")
    assert provider.kind == OrganisationKind.CARE_PROVIDER
    complex_ = Complex.objects.get(code="NEW01")
    assert complex_.corporation == world["corporation"] and complex_.municipality_name == "Utrecht"
    dwelling = Dwelling.objects.get(vhe_code="N1")
    placement = Placement.objects.get()
    assert (
        placement.dwelling == dwelling and placement.care_lease.agreement.care_provider == provider
    )
    assert placement.tenancy.care_label_until == dt.date(2024, 2, 1)
    assert run(world, path, create_missing=True).unchanged == 1


def test_a_care_provider_without_an_agreement_for_the_complex(
    world: dict[str, Any], tmp_path: Path
) -> None:
    Organisation.objects.create(name="Andere Zorg", kind=OrganisationKind.CARE_PROVIDER)
    path = write(tmp_path, HEADER + line("K1", "Andere Zorg", "MIX01", "V1", "2021-01-01"))
    assert "no care lease agreement" in run(world, path).errors[0].message
    assert run(world, path, create_missing=True).ok


def test_an_existing_open_lease_of_the_provider_is_used(
    world: dict[str, Any], tmp_path: Path
) -> None:
    from doorstroom.portfolio import services

    lease = services.lease_dwelling(
        acting_user=None,
        agreement=world["agreement"],
        dwelling=world["dwellings"][0],
        start_date=dt.date(2020, 1, 1),
    )
    result = run(
        world, write(tmp_path, HEADER + line("K1", P, "MIX01", "V1", "2021-01-01", "2022-01-01"))
    )
    assert result.ok, errors_of(result)
    lease.refresh_from_db()
    assert Placement.objects.get().care_lease == lease and lease.end_date == dt.date(2022, 1, 1)
    assert CareLease.objects.count() == 1


def test_a_dwelling_let_to_a_tenant_is_refused(world: dict[str, Any], tmp_path: Path) -> None:
    from doorstroom.portfolio import services

    services.start_regular_tenancy(
        acting_user=None,
        dwelling=world["dwellings"][0],
        tenant_name="A. Huurder",
        start_date=dt.date(2015, 1, 1),
    )
    result = run(world, write(tmp_path, HEADER + line("K1", P, "MIX01", "V1", "2021-01-01")))
    assert not result.ok and "let to a tenant" in result.errors[0].message


# --- Command ------------------------------------------------------------------------------------


def test_the_command(world: dict[str, Any], tmp_path: Path, capsys: Any) -> None:
    good = write(tmp_path, HEADER + line("K1", P, "MIX01", "V1", "2021-01-01"))
    name = world["corporation"].name
    with translation.override("en"):
        call_command("import-placements", str(good), "--corporation", name, "--dry-run")
        assert not Placement.objects.exists()
        call_command("import-placements", str(good), "--corporation", name)
        assert "1 new, 0 unchanged" in capsys.readouterr().out
        call_command("import-placements", str(good), "--corporation", name)
        assert "0 new, 1 unchanged" in capsys.readouterr().out
        bad = write(tmp_path, HEADER + line("K2", P, "MIX01", "V2", "2021-13-01"), "bad.csv")
        with pytest.raises(CommandError) as refused:
            call_command("import-placements", str(bad), "--corporation", name)
        assert refused.value.returncode == 1
        assert "row 1, column start_date" in capsys.readouterr().err
        with pytest.raises(CommandError) as unknown:
            call_command("import-placements", str(good), "--corporation", "Niemand")
        assert unknown.value.returncode == 2
        with pytest.raises(CommandError) as missing:
            call_command("import-placements", str(tmp_path / "nope.csv"), "--corporation", name)
        assert missing.value.returncode == 2


# --- Web ----------------------------------------------------------------------------------------


@pytest.fixture
def urls() -> str:
    from django.urls import reverse

    return reverse("register:upload")


def test_the_manager_uploads_previews_and_confirms(
    world: dict[str, Any], login: Any, settings: Any, tmp_path: Path, urls: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VAR_DIR = tmp_path
    client = login(world["manager"])
    assert client.get(urls).status_code == 200
    upload = SimpleUploadedFile(
        "register.csv", (HEADER + line("K1", "Nieuwe Zorg", "MIX01", "V1", "2021-01-01")).encode()
    )
    location = client.post(urls, {"file": upload, "create_missing": "on"})["Location"]
    preview = client.get(location)
    assert preview.status_code == 200 and "K1" in preview.content.decode()
    assert not Placement.objects.exists()
    done = client.post(location)
    assert done.status_code == 302
    assert Placement.objects.count() == 1


def test_a_bad_upload_shows_every_error(
    world: dict[str, Any], login: Any, settings: Any, tmp_path: Path, urls: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.VAR_DIR = tmp_path
    client = login(world["manager"])
    upload = SimpleUploadedFile(
        "register.csv", (HEADER + line("K1", P, "MIX01", "ONBEKEND-9", "2021-01-01")).encode()
    )
    location = client.post(urls, {"file": upload})["Location"]
    assert "ONBEKEND-9" in client.get(location).content.decode()
    assert client.post(location).status_code == 400
    assert not Placement.objects.exists()


def test_others_cannot_upload(world: dict[str, Any], member: Any, login: Any, urls: str) -> None:
    worker = member(Role.TEAM_LEAD, world["provider"]).user
    assert login(worker).get(urls).status_code == 404


# --- Speed --------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [2_000])  # 10,000 rows: 8.5 s on SQLite (docs)
def test_a_large_file_is_read_in_few_queries(
    world: dict[str, Any], tmp_path: Path, size: int, capsys: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    complex_ = world["complex"]
    Dwelling.objects.bulk_create(
        [
            DwellingFactory.build(
                complex=complex_, corporation=complex_.corporation, vhe_code=f"B{i}"
            )
            for i in range(size)
        ]
    )
    agreement = world["agreement"]
    agreement.dwellings_promised = size
    agreement.save()
    today = timezone.localdate()
    body = []
    for i in range(size):
        kind = i % 4
        start = "2021-01-01"
        if kind == 0:
            body.append(line(f"C{i}", P, "MIX01", f"B{i}", start))
        elif kind == 1:
            body.append(line(f"C{i}", P, "MIX01", f"B{i}", start, "2022-03-01"))
        elif kind == 2:
            body.append(line(f"C{i}", P, "MIX01", f"B{i}", start, "", "", "2021-09-01", "opvang"))
        else:
            body.append(
                line(
                    f"C{i}", P, "MIX01", f"B{i}", start, "2021-06-01", "", "2023-01-01", "regulier"
                )
            )
    path = write(tmp_path, HEADER + "".join(body))
    began = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = run(world, path)
    took = time.perf_counter() - began
    assert result.ok and result.created == size, errors_of(result)[:5]
    from collections import Counter

    # Reads in chunks of 5000 keys; writes in bulk (SQLite batches inserts by its 999 parameters).
    reads = Counter(
        q["sql"][:60] for q in queries.captured_queries if q["sql"].startswith("SELECT")
    )
    assert sum(reads.values()) < 60, reads.most_common(8)
    assert len(queries) < size / 8
    began = time.perf_counter()
    assert run(world, path).unchanged == size
    again = time.perf_counter() - began
    with capsys.disabled():
        print(f"\n{size} rows: import {took:.1f}s ({len(queries)} queries), re-import {again:.1f}s")
    assert today  # the dates above are in the past
