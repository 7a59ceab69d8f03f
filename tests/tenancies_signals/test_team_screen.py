"""The screens: the neighbourhood team's screen and areas, the corporation's signal screens, per
role; privacy (contact only with consent, never care records); a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from doorstroom.organisations.roles import Role
from doorstroom.portfolio.models import CareLease, RegularTenancy
from doorstroom.tenancies.models import NeighbourhoodArea, Referral, Signal, SignalKind
from doorstroom.tenancies.signals_services import record_signal
from tests.factories import DwellingFactory, UserFactory
from tests.queries import count_queries
from tests.tenancies_signals.conftest import CARE_SECRET, Setting

pytestmark = pytest.mark.django_db

CARE_WORDS = (CARE_SECRET, "ZRM", "finances", "CL-AAAAAA", "CL-BBBBBB")


def labelled_tenancy(setting: Setting, postcode: str = "3511 XY", name: str = "Dirk") -> Any:
    dwelling = DwellingFactory(complex=setting.regular.complex, postcode=postcode)
    return RegularTenancy.objects.create(
        dwelling=dwelling,
        tenant_name=name,
        start_date=dt.date(2024, 1, 1),
        care_label_until=timezone.localdate() + dt.timedelta(days=200),
    )


def test_the_team_sees_labelled_tenants_in_its_area_without_contact(
    setting: Setting, login: Any
) -> None:
    labelled_tenancy(setting, "3600 AA", "Elders Woont")
    page = login(setting.team_member).get("/buurtteam/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bram Jansen" in text and setting.labelled.street in text
    label_until = setting.flipped_placement.tenancy.care_label_until  # type: ignore[union-attr]
    assert label_until.strftime("%d-%m-%Y") in text
    assert "Cor Smit" not in text  # a regular tenancy without the label
    assert "Elders Woont" not in text  # another team's area
    assert "06-12345678" not in text and "bram@example.nl" not in text
    for word in CARE_WORDS:
        assert word not in text


def test_contact_details_only_with_consent_for_this_team(setting: Setting, login: Any) -> None:
    setting.consent(setting.flipped_client, partner=setting.other_team)
    client = login(setting.team_member)
    assert "bram@example.nl" not in client.get("/buurtteam/").content.decode()
    consent = setting.consent(setting.flipped_client)
    text = client.get("/buurtteam/").content.decode()
    assert "bram@example.nl" in text and "06-12345678" in text
    for word in CARE_WORDS:
        assert word not in text
    consent.withdrawn_at = timezone.now()
    consent.save()
    assert "bram@example.nl" not in client.get("/buurtteam/").content.decode()


def test_referrals_on_the_team_screen_show_no_care_records(setting: Setting, login: Any) -> None:
    setting.consent(setting.flipped_client)
    record_signal(
        acting_user=setting.officer,
        dwelling=setting.labelled,
        kind=SignalKind.NUISANCE,
        description="Harde muziek.",
    )
    text = login(setting.team_member).get("/buurtteam/").content.decode()
    assert "Harde muziek." in text
    for word in CARE_WORDS:
        assert word not in text
    other = login(setting.other_team_member).get("/buurtteam/").content.decode()
    assert "Harde muziek." not in other and "Bram Jansen" not in other


@pytest.mark.parametrize(
    "role", [Role.MIXED_LIVING_MANAGER, Role.CASE_WORKER, Role.POLICY_OFFICER, Role.RESIDENT]
)
def test_others_have_no_team_screen(setting: Setting, login: Any, member: Any, role: str) -> None:
    client = login(member(role).user)
    assert client.get("/buurtteam/").status_code == 404
    assert client.get("/buurtteam/gebieden/").status_code == 404


@pytest.mark.parametrize(
    "role", [Role.CASE_WORKER, Role.NEIGHBOURHOOD_TEAM_MEMBER, Role.POLICY_OFFICER, Role.RESIDENT]
)
def test_only_corporation_staff_see_signals(
    setting: Setting, login: Any, member: Any, role: str
) -> None:
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.regular, kind=SignalKind.NUISANCE
    )
    client = login(member(role).user)
    assert client.get("/signalen/").status_code == 404
    assert client.get(f"/signalen/{signal.pk}/").status_code == 404
    assert client.get(f"/signalen/nieuw/?woning={setting.regular.pk}").status_code == 404


def test_another_corporation_gets_404(setting: Setting, login: Any, member: Any) -> None:
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.regular, kind=SignalKind.NUISANCE
    )
    client = login(member(Role.MIXED_LIVING_MANAGER).user)
    assert client.get(f"/signalen/{signal.pk}/").status_code == 404
    assert client.get(f"/signalen/nieuw/?woning={setting.regular.pk}").status_code == 404
    assert client.post(f"/signalen/{signal.pk}/sluiten/", {"outcome": "x"}).status_code == 404
    assert Signal.objects.get().closed_on is None
    assert "Cor Smit" not in client.get("/signalen/").content.decode()


def test_record_close_and_refer_over_http(setting: Setting, login: Any) -> None:
    client = login(setting.officer)
    assert client.get(f"/signalen/nieuw/?woning={setting.regular.pk}").status_code == 200
    response = client.post(
        f"/signalen/nieuw/?woning={setting.empty.pk}", {"kind": SignalKind.NUISANCE}
    )
    assert response.status_code == 200 and not Signal.objects.exists()  # no tenancy: form error
    response = client.post(
        f"/signalen/nieuw/?woning={setting.regular.pk}",
        {"kind": SignalKind.NUISANCE, "description": "Overlast."},
    )
    signal = Signal.objects.get()
    assert response["Location"] == f"/signalen/{signal.pk}/"
    detail = client.get(f"/signalen/{signal.pk}/").content.decode()
    assert setting.team.name in detail  # offered as a receiver
    bad = client.post(f"/signalen/{signal.pk}/doorverwijzen/", {"receiver": setting.other_team.pk})
    assert bad.status_code == 400 and not Referral.objects.exists()
    good = client.post(f"/signalen/{signal.pk}/doorverwijzen/", {"receiver": setting.team.pk})
    assert good.status_code == 302 and Referral.objects.get().receiver == setting.team
    assert client.post(f"/signalen/{signal.pk}/sluiten/", {"outcome": ""}).status_code == 400
    assert client.post(f"/signalen/{signal.pk}/sluiten/", {"outcome": "Klaar."}).status_code == 302
    signal.refresh_from_db()
    assert signal.closed_on is not None


def test_the_corporation_never_sees_care_records(setting: Setting, login: Any) -> None:
    setting.consent(setting.flipped_client)
    signals = [
        record_signal(acting_user=setting.officer, dwelling=d, kind=SignalKind.SUPPORT_NEED)
        for d in (setting.care, setting.labelled)
    ]
    client = login(setting.manager)
    pages = [client.get("/signalen/").content.decode()] + [
        client.get(f"/signalen/{s.pk}/").content.decode() for s in signals
    ]
    for text in pages:
        for word in (CARE_SECRET, "ZRM", "06-12345678", "anna@example.nl", "bram@example.nl"):
            assert word not in text


# --- Areas -------------------------------------------------------------------------------------


def test_the_team_sees_and_gives_up_its_areas_but_cannot_claim_one(
    setting: Setting, login: Any
) -> None:
    client = login(setting.team_member)
    page = client.get("/buurtteam/gebieden/")
    assert page.status_code == 200
    assert page.context["form"] is None
    claimed = client.post(
        "/buurtteam/gebieden/", {"team": setting.team.pk, "postcode_digits": "3512"}
    )
    assert claimed.status_code == 404
    assert not NeighbourhoodArea.objects.filter(postcode_digits="3512").exists()
    own = NeighbourhoodArea.objects.create(team=setting.team, postcode_digits="3512")
    other_area = NeighbourhoodArea.objects.get(postcode_digits="3600")
    assert client.post(f"/buurtteam/gebieden/{other_area.pk}/verwijderen/").status_code == 404
    assert client.post(f"/buurtteam/gebieden/{own.pk}/verwijderen/").status_code == 302
    assert not NeighbourhoodArea.objects.filter(pk=own.pk).exists()
    assert NeighbourhoodArea.objects.filter(pk=other_area.pk).exists()


def test_the_administrator_gets_clear_errors_for_bad_areas(setting: Setting, login: Any) -> None:
    client = login(UserFactory(is_superuser=True, is_staff=True))
    taken = client.post(
        "/buurtteam/gebieden/", {"team": setting.team.pk, "postcode_digits": "3600"}
    )
    assert taken.status_code == 400
    assert setting.other_team.name in taken.content.decode()  # the clear error names the team
    assert (
        client.post(
            "/buurtteam/gebieden/", {"team": setting.team.pk, "postcode_digits": "12"}
        ).status_code
        == 400
    )


def test_the_platform_administrator_manages_every_teams_areas(setting: Setting, login: Any) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = login(admin)
    assert client.get("/buurtteam/gebieden/").status_code == 200
    response = client.post(
        "/buurtteam/gebieden/", {"team": setting.other_team.pk, "postcode_digits": "3700"}
    )
    assert response.status_code == 302
    assert NeighbourhoodArea.objects.get(postcode_digits="3700").team == setting.other_team


# --- Query counts ------------------------------------------------------------------------------


def _more_rows(setting: Setting, count: int) -> None:
    for _ in range(count):
        tenancy = labelled_tenancy(setting)
        signal = record_signal(
            acting_user=setting.officer, dwelling=tenancy.dwelling, kind=SignalKind.NUISANCE
        )
        Referral.objects.create(
            signal=signal, receiver=setting.team, respond_by=dt.date(2020, 1, 1)
        )
        care_dwelling = DwellingFactory(complex=setting.regular.complex, postcode="3511 AB")
        CareLease.objects.create(
            agreement=setting.care_placement.care_lease.agreement,  # type: ignore[union-attr]
            dwelling=care_dwelling,
            start_date=dt.date(2024, 1, 1),
        )
        record_signal(acting_user=setting.officer, dwelling=care_dwelling, kind=SignalKind.NUISANCE)
        referral = Referral.objects.filter(signal__dwelling=care_dwelling).first()
        if referral is None:  # no placement there: refer by hand to the care provider's list
            signal = Signal.objects.get(dwelling=care_dwelling)
            Referral.objects.create(
                signal=signal, receiver=setting.provider, respond_by=dt.date(2020, 1, 1)
            )


def test_list_pages_run_a_fixed_number_of_queries(setting: Setting, login: Any) -> None:
    setting.consent(setting.flipped_client)
    record_signal(acting_user=setting.officer, dwelling=setting.labelled, kind=SignalKind.NUISANCE)
    pages = {
        setting.officer: ["/signalen/", "/signalen/?status=all"],
        setting.team_member: ["/buurtteam/", "/buurtteam/gebieden/"],
        setting.case_worker: ["/signalen/doorverwijzingen/"],
    }
    clients = {user: login(user) for user in pages}
    before = {url: count_queries(clients[u], url) for u, urls in pages.items() for url in urls}
    _more_rows(setting, 4)
    for extra in range(3):
        NeighbourhoodArea.objects.create(team=setting.team, postcode_digits=f"35{20 + extra}")
    after = {url: count_queries(clients[u], url) for u, urls in pages.items() for url in urls}
    assert after == before


def test_kind_and_status_filters(setting: Setting, login: Any) -> None:
    nuisance = record_signal(
        acting_user=setting.officer, dwelling=setting.regular, kind=SignalKind.NUISANCE
    )
    record_signal(acting_user=setting.officer, dwelling=setting.care, kind=SignalKind.AGGRESSION)
    client = login(setting.officer)
    text = client.get("/signalen/?status=open&soort=OVE").content.decode()
    assert f'data-signal="{nuisance.pk}"' in text and text.count("data-signal=") == 1
    assert client.get("/signalen/?status=closed").content.decode().count("data-signal=") == 0
