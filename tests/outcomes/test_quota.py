"""Quota progress: placements that started in the year count, with the pace still needed."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstroom.organisations.roles import OrganisationKind
from doorstroom.outcomes.quota import QuotaProgress, progress_of
from doorstroom.portfolio import services
from doorstroom.portfolio.models import Quota
from doorstroom.tenancies import services as placements
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_progress_counts_placements_started_in_the_year_for_the_group() -> None:
    municipality = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, municipality_name="Utrecht"
    )
    complex_ = ComplexFactory(municipality_name="Utrecht")
    dwellings = DwellingFactory.create_batch(4, complex=complex_)
    agreement = AgreementFactory(
        complex=complex_, dwellings_promised=4, start_date=dt.date(2024, 1, 1)
    )
    for index, (start, group) in enumerate(
        [
            (dt.date(2025, 12, 31), "mo"),
            (dt.date(2026, 1, 1), "mo"),
            (dt.date(2026, 3, 1), "mo"),
            (dt.date(2026, 3, 1), "bw"),
        ]
    ):
        services.lease_dwelling(
            acting_user=None, agreement=agreement, dwelling=dwellings[index], start_date=start
        )
        placements.start_placement(
            acting_user=None,
            dwelling=dwellings[index],
            client_ref=f"C{index}",
            start_date=start,
            target_group=group,
        )
    quota = Quota.objects.create(
        municipality=municipality,
        corporation=complex_.corporation,
        year=2026,
        target_group="mo",
        dwellings=8,
    )
    other_city = Quota.objects.create(
        municipality=OrganisationFactory(
            kind=OrganisationKind.MUNICIPALITY, municipality_name="Zeist"
        ),
        corporation=complex_.corporation,
        year=2026,
        target_group="mo",
        dwellings=3,
    )
    progress = progress_of([quota, other_city], today=dt.date(2026, 7, 1))
    assert [p.realised for p in progress] == [2, 0]
    mine = progress[0]
    assert mine.to_go == 6
    assert mine.months_left == 6
    assert str(mine.pace_needed) == "1.0"
    assert not mine.on_track


def test_pace_for_past_and_met_quotas() -> None:
    quota = Quota(year=2024, dwellings=10)
    past = QuotaProgress(quota=quota, realised=7, today=dt.date(2026, 5, 1))
    assert past.months_left == 0 and past.pace_needed is None and past.to_go == 3
    met = QuotaProgress(quota=Quota(year=2026, dwellings=4), realised=5, today=dt.date(2026, 5, 1))
    assert met.to_go == 0 and met.on_track


def test_policy_officer_sees_aggregates_of_the_municipality_but_no_person(member, login) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from doorstroom.organisations.roles import Role

    officer = member(Role.POLICY_OFFICER)
    officer.organisation.municipality_name = "Utrecht"
    officer.organisation.save()
    complex_ = ComplexFactory(municipality_name="utrecht", name="Galerij")
    dwellings = DwellingFactory.create_batch(3, complex=complex_)
    services.start_regular_tenancy(
        acting_user=None,
        dwelling=dwellings[0],
        tenant_name="Geheime Huurder",
        start_date=dt.date(2020, 1, 1),
        care_label_until=dt.date.today() + dt.timedelta(days=10),
    )
    ComplexFactory(municipality_name="Zeist", name="Elders")
    response = login(officer.user).get(reverse("outcomes:quota"))
    [row] = response.context["aggregates"]
    assert (row["complexes"], row["dwellings"], row["labelled"]) == (1, 3, 1)
    content = response.content.decode()
    assert "Geheime Huurder" not in content and complex_.corporation.name in content
    # One labelled dwelling could point at a person: the municipality sees "<5", no share.
    assert row["labelled_shown"] == "<5" and row["care_leased_shown"] == 0
    assert row["share"] is None
    assert "&lt;5" in content
