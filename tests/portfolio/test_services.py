"""Portfolio services: bad input is refused with a clear message and nothing is half-written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.portfolio import services
from doorstroom.portfolio.models import CareLease, CareLeaseAgreement, Complex, Quota
from doorstroom.tenancies import services as placements
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
YEAR_AGO = dt.date.today() - dt.timedelta(days=365)


def test_overlapping_agreements_cannot_lease_more_than_the_complex_has() -> None:
    complex_ = ComplexFactory()
    DwellingFactory.create_batch(10, complex=complex_)
    AgreementFactory(complex=complex_, dwellings_promised=6, start_date=dt.date(2024, 1, 1))
    second = CareLeaseAgreement(
        complex=complex_,
        care_provider=OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER),
        dwellings_promised=5,
        start_date=dt.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.save_agreement(acting_user=None, agreement=second)
    message = " ".join(error.value.message_dict["dwellings_promised"])
    assert "11" in message and "10" in message
    assert CareLeaseAgreement.objects.count() == 1


def test_agreements_that_do_not_overlap_may_each_use_the_complex() -> None:
    complex_ = ComplexFactory()
    DwellingFactory.create_batch(10, complex=complex_)
    AgreementFactory(
        complex=complex_,
        dwellings_promised=8,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2023, 1, 1),
    )
    later = CareLeaseAgreement(
        complex=complex_,
        care_provider=OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER),
        dwellings_promised=8,
        start_date=dt.date(2023, 1, 1),
    )
    services.save_agreement(acting_user=None, agreement=later)
    assert CareLeaseAgreement.objects.count() == 2


@pytest.mark.parametrize("target", ["1.5", "-0.1"])
def test_mix_target_outside_zero_to_one_is_refused(target: str) -> None:
    complex_ = ComplexFactory()
    complex_.mix_target = Decimal(target)
    with pytest.raises(ValidationError) as error:
        services.save_complex(acting_user=None, complex_=complex_)
    assert "mix_target" in error.value.message_dict
    assert Complex.objects.get(pk=complex_.pk).mix_target == Decimal("0.333")


def test_the_database_refuses_a_mix_target_outside_zero_to_one() -> None:
    complex_ = ComplexFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Complex.objects.filter(pk=complex_.pk).update(mix_target=Decimal("2"))


def test_quota_without_a_municipality_is_refused() -> None:
    quota = Quota(
        corporation=OrganisationFactory(kind=OrganisationKind.CORPORATION),
        year=2026,
        target_group="mo",
        dwellings=5,
    )
    with pytest.raises(ValidationError) as error:
        services.save_quota(acting_user=None, quota=quota)
    assert "municipality" in error.value.message_dict
    assert not Quota.objects.exists()


def test_invalid_postcode_and_unknown_typology_are_explained() -> None:
    complex_ = ComplexFactory.build(
        corporation=OrganisationFactory(kind=OrganisationKind.CORPORATION),
        postcode="35 AB",
        typology="XYZ",
    )
    with pytest.raises(ValidationError) as error:
        services.save_complex(acting_user=None, complex_=complex_)
    assert "postcode" in error.value.message_dict
    complex_.postcode = "3511ab"
    with pytest.raises(ValidationError) as error:
        services.save_complex(acting_user=None, complex_=complex_)
    assert "typology" in error.value.message_dict
    complex_.typology = "GAL"
    services.save_complex(acting_user=None, complex_=complex_)
    assert Complex.objects.get(pk=complex_.pk).postcode == "3511 AB"


def test_leasing_beyond_the_agreement_is_refused_and_history_is_kept() -> None:
    complex_ = ComplexFactory()
    first, second = DwellingFactory.create_batch(2, complex=complex_)
    agreement = AgreementFactory(complex=complex_, dwellings_promised=1, start_date=YEAR_AGO)
    lease = services.lease_dwelling(
        acting_user=None, agreement=agreement, dwelling=first, start_date=YEAR_AGO
    )
    with pytest.raises(ValidationError, match="1"):
        services.lease_dwelling(
            acting_user=None, agreement=agreement, dwelling=second, start_date=YEAR_AGO
        )
    with pytest.raises(ValidationError):
        services.lease_dwelling(
            acting_user=None, agreement=agreement, dwelling=first, start_date=dt.date.today()
        )
    services.end_care_lease(acting_user=None, lease=lease, end_date=dt.date.today())
    services.lease_dwelling(
        acting_user=None, agreement=agreement, dwelling=second, start_date=dt.date.today()
    )
    assert CareLease.objects.filter(agreement=agreement).count() == 2  # the ended lease stays
    assert AuditEvent.objects.filter(
        object_type="portfolio.carelease", action=AuditAction.UPDATE
    ).exists()


def test_a_dwelling_with_a_client_cannot_be_handed_back() -> None:
    complex_ = ComplexFactory()
    dwelling = DwellingFactory(complex=complex_)
    agreement = AgreementFactory(complex=complex_, dwellings_promised=1, start_date=YEAR_AGO)
    lease = services.lease_dwelling(
        acting_user=None, agreement=agreement, dwelling=dwelling, start_date=YEAR_AGO
    )
    placements.start_placement(
        acting_user=None, dwelling=dwelling, client_ref="C1", start_date=YEAR_AGO
    )
    with pytest.raises(ValidationError):
        services.end_care_lease(acting_user=None, lease=lease, end_date=dt.date.today())
    assert CareLease.objects.get(pk=lease.pk).end_date is None


def test_only_the_own_corporations_manager_may_change(member: Any) -> None:
    complex_ = ComplexFactory()
    letting = member(Role.LETTING_OFFICER, organisation=complex_.corporation).user
    other_manager = member(Role.MIXED_LIVING_MANAGER).user
    for user in (letting, other_manager):
        with pytest.raises(PermissionDenied):
            services.save_complex(acting_user=user, complex_=complex_)
    manager = member(Role.MIXED_LIVING_MANAGER, organisation=complex_.corporation).user
    complex_.name = "Nieuwe naam"
    services.save_complex(acting_user=manager, complex_=complex_)
    event = AuditEvent.objects.filter(
        object_type="portfolio.complex", action=AuditAction.UPDATE
    ).get()
    assert event.actor == manager and event.changes["name"][1] == "Nieuwe naam"


def test_manager_creates_a_complex_through_the_form_and_sees_dutch_errors(
    member: Any, login: Any
) -> None:
    manager = member(Role.MIXED_LIVING_MANAGER)
    client = login(manager.user)
    data = {
        "code": "N01",
        "name": "Nieuw",
        "street": "Straat 1",
        "postcode": "1234",
        "city": "Utrecht",
        "municipality_name": "Utrecht",
        "year_built": "1980",
        "floors": "4",
        "typology": "GAL",
        "neighbourhood_assessment": "good",
        "mix_target": "1.2",
        "mix_tolerance": "0.05",
    }
    response = client.post(reverse("portfolio:complex_add"), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "geen Nederlandse postcode" in content
    assert not Complex.objects.exists()
    data.update(postcode="1234 AB", mix_target="0.333")
    response = client.post(reverse("portfolio:complex_add"), data)
    assert response.status_code == 302
    assert Complex.objects.get().corporation == manager.organisation


def test_overlapping_agreement_form_names_the_problem(member: Any, login: Any) -> None:
    manager = member(Role.MIXED_LIVING_MANAGER)
    complex_ = ComplexFactory(corporation=manager.organisation)
    DwellingFactory.create_batch(3, complex=complex_)
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER)
    response = login(manager.user).post(
        reverse("portfolio:agreement_add", args=[complex_.pk]),
        {
            "care_provider": provider.pk,
            "dwellings_promised": "5",
            "start_date": "2026-01-01",
            "max_care_lease_months": "36",
            "label_months": "24",
        },
    )
    assert response.status_code == 200
    assert "het complex heeft er 3" in response.content.decode()
    assert not CareLeaseAgreement.objects.exists()
