"""The demo world is deterministic, covers every role, and its logins work."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio.mix import mix_of, with_mix
from doorstroom.portfolio.models import CareLeaseAgreement, Complex, Quota
from doorstroom.portfolio.suitability import Verdict, policy_for, scorecard
from doorstroom.tenancies.models import Placement
from tests.environment import bare_environment

ROOT = Path(__file__).resolve().parents[2]


def load(tmp_path: Path, seed: int = 7) -> list[dict[str, Any]]:
    path = tmp_path / f"logins-{seed}.json"
    call_command("demo-data", seed=seed, logins_file=str(path), stdout=io.StringIO())
    return json.loads(path.read_text())


@pytest.mark.django_db
def test_demo_world_has_every_kind_and_every_role(tmp_path: Path) -> None:
    logins = load(tmp_path)
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind.values)
    assert {login["role"] for login in logins} == set(Role.values) | {"platform_admin"}
    for login in logins:
        assert login["password"]
        if login["role"] == Role.RESIDENT:  # residents choose whether to use a second factor
            assert login["backup_codes"] == [] and login["totp_secret"] == ""
        else:
            assert len(login["backup_codes"]) == 10 and login["totp_secret"]


@pytest.mark.django_db
def test_demo_portfolio_has_the_gallery_complex_and_a_stacked_block_judged_not_suitable(
    tmp_path: Path,
) -> None:
    load(tmp_path)
    complexes = {c.code: c for c in with_mix(Complex.objects.all())}
    gallery, stacked = complexes["MIX01"], complexes["STK01"]
    assert gallery.typology == "GAL" and mix_of(gallery).dwellings == 90
    agreement = CareLeaseAgreement.objects.get(complex=gallery)
    assert agreement.dwellings_promised == 30
    assert 20 <= mix_of(gallery).care_leased <= 30
    card = scorecard(stacked, mix_of(stacked), policy_for(stacked.corporation_id))
    assert card.verdict == Verdict.NOT_SUITABLE
    assert Placement.objects.filter(flip_date__isnull=False).count() > 10
    assert Quota.objects.values("year").distinct().count() == 3


@pytest.mark.django_db
def test_demo_logins_work_with_password_and_backup_code(tmp_path: Path) -> None:
    logins = load(tmp_path)
    for login in logins:
        client = Client()
        response = client.post(
            reverse("accounts:login"),
            {"username": login["username"], "password": login["password"]},
        )
        assert response.status_code == 302, login["username"]
        if login["backup_codes"]:  # residents have no second step
            client.post(reverse("accounts:verify"), {"token": login["backup_codes"][0]})
        assert client.get(reverse("home:start")).status_code == 200, login["username"]


@pytest.mark.django_db
def test_demo_data_refuses_a_database_that_already_has_data(tmp_path: Path) -> None:
    load(tmp_path)
    with pytest.raises(CommandError, match="bevat al gegevens"):
        load(tmp_path)


def fresh_world(var_dir: Path, seed: int) -> str:
    env = bare_environment(DEBUG="1", VAR_DIR=str(var_dir), EMAIL_URL="console://")
    for args in (
        ["migrate", "-v", "0"],
        ["demo-data", "--seed", str(seed), "--today", "2026-11-24"],
    ):
        subprocess.run(
            [sys.executable, "-m", "doorstroom", *args],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        )
    return (var_dir / "demo-logins.json").read_text()


def test_same_seed_builds_the_same_world_in_a_fresh_sqlite_database(tmp_path: Path) -> None:
    first = fresh_world(tmp_path / "a", seed=5)
    second = fresh_world(tmp_path / "b", seed=5)
    other = fresh_world(tmp_path / "c", seed=6)
    assert first == second
    assert first != other


@pytest.mark.django_db
def test_demo_community_lives(tmp_path: Path) -> None:
    """A board of four with its history, a year of meetings, approved, rejected, sent-back and
    evaluated activities, a budget about half spent, and contributions logged."""
    from django.utils import timezone

    from doorstroom.community.models import (
        ActivityRequest,
        BoardTerm,
        Community,
        ContributionLog,
        Decision,
        Meeting,
        Resident,
    )
    from doorstroom.community.selectors import board_on, budget_summary

    load(tmp_path)
    community = Community.objects.get(complex__code="MIX01")
    assert len(board_on(community)) == 4
    assert BoardTerm.objects.filter(community=community).count() == 5  # one stepped down
    assert Resident.objects.filter(community=community).count() >= 15
    assert Meeting.objects.filter(community=community, status="held").count() >= 10
    statuses = set(ActivityRequest.objects.values_list("status", flat=True))
    assert {"submitted", "sent_back", "approved", "rejected", "evaluated", "closed"} <= statuses
    assert Decision.objects.filter(outcome="sent_back").count() >= 2
    summary = budget_summary(community, timezone.localdate().year)
    assert summary.use_percentage is not None and 40 <= summary.use_percentage <= 65
    assert ContributionLog.objects.count() >= 30
