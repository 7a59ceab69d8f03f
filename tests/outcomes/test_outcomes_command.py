"""`doorstroom outcomes`: exactly the spec's keys for a scope, a table for people, and exit
status 2 with a clear message for an unknown scope or a bad date."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from doorstroom.organisations.roles import OrganisationKind
from doorstroom.outcomes.measures import KEYS
from doorstroom.tenancies.models import Placement
from tests.factories import ComplexFactory, DwellingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

D = dt.date


def placement(dwelling: Any, provider: Any, ref: str, start: D, **dates: Any) -> Placement:
    """Test data straight into the register (the import and the services write the same)."""
    state = (
        "exited"
        if dates.get("exit_date")
        else "flipped"
        if dates.get("flip_date")
        else "care_lease"
    )
    return Placement.objects.create(
        dwelling=dwelling,
        care_provider=provider,
        client_ref=ref,
        start_date=start,
        state=state,
        **dates,
    )


@pytest.fixture
def register() -> dict[str, Any]:
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Tussenvoorziening")
    other = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Lister")
    galerij = ComplexFactory(code="MIX01")
    elders = ComplexFactory(code="ELD01")
    homes = DwellingFactory.create_batch(3, complex=galerij)
    placement(homes[0], provider, "K1", D(2022, 1, 1), flip_date=D(2023, 1, 1))
    placement(
        homes[1], provider, "K2", D(2022, 1, 1), exit_date=D(2022, 7, 1), exit_reason="eviction"
    )
    placement(homes[2], provider, "K3", D(2022, 1, 1))
    placement(DwellingFactory(complex=elders), other, "L1", D(2024, 1, 1))
    return {"provider": provider, "galerij": galerij}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("outcomes", *args, stdout=out)
    return out.getvalue()


def test_json_has_exactly_the_keys_of_the_spec(register: dict[str, Any]) -> None:
    result = json.loads(run("--as-of", "2026-01-01", "--complex", "MIX01", "--format", "json"))
    assert set(result) == {"as_of", "scope", *KEYS}
    assert result["as_of"] == "2026-01-01"
    assert result["scope"] == {"complex": "MIX01"}
    assert result["placements"] == 3
    assert (result["flipped"], result["exited_without_flip"], result["active_care_leases"]) == (
        1,
        1,
        1,
    )
    assert result["flip_share"] == pytest.approx(1 / 3)
    assert result["median_days_to_flip"] == 365.0
    assert result["overdue_3y"] == 1
    assert result["starts_by_year"] == {"2022": 3}


def test_scopes_narrow_the_register(register: dict[str, Any]) -> None:
    everything = json.loads(run("--as-of", "2026-01-01", "--format", "json"))
    assert everything["placements"] == 4
    lister = json.loads(
        run("--as-of", "2026-01-01", "--care-provider", "lister", "--format", "json")
    )
    assert lister["placements"] == 1 and lister["scope"] == {"care_provider": "lister"}


def test_an_as_of_date_before_any_placement_gives_zeros_and_nulls(register: dict[str, Any]) -> None:
    result = json.loads(run("--as-of", "2020-01-01", "--format", "json"))
    assert result["placements"] == 0
    assert result["flip_share"] is None and result["cif_flip_36m"] is None
    assert result["starts_by_year"] == {}


def test_the_table_is_for_people(register: dict[str, Any]) -> None:
    table = run("--as-of", "2026-01-01", "--complex", "MIX01", "--format", "table")
    assert "flip_share" in table and "33.3%" in table
    assert "starts_by_year" in table and "2022: 3" in table


@pytest.mark.parametrize(
    "args, message",
    [
        (["--complex", "NOPE"], "There is no complex with code NOPE."),
        (["--care-provider", "Onbekend"], "There is no care provider named Onbekend."),
        (["--as-of", "31-12-2025"], "is not a date"),
    ],
)
def test_an_unknown_scope_or_bad_date_exits_with_status_2(
    register: dict[str, Any], args: list[str], message: str, capsys: Any
) -> None:
    from django.utils import translation

    err = io.StringIO()
    with translation.override("en"), pytest.raises(SystemExit) as stopped:
        call_command("outcomes", *args, "--format", "json", stderr=err, stdout=io.StringIO())
    assert stopped.value.code == 2
    assert message in err.getvalue()
