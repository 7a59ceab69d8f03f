"""The live mix: what counts as vulnerable, the next vacancy's stream, all in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from doorstroom.portfolio import services
from doorstroom.portfolio.mix import Mix, Stream, mix_of, with_mix
from doorstroom.portfolio.models import Complex
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
YEAR_AGO = TODAY - dt.timedelta(days=365)


def test_care_leases_and_labelled_tenancies_count_as_vulnerable() -> None:
    complex_ = ComplexFactory()
    dwellings = DwellingFactory.create_batch(9, complex=complex_)
    agreement = AgreementFactory(complex=complex_, dwellings_promised=3, start_date=YEAR_AGO)
    for dwelling in dwellings[:2]:
        services.lease_dwelling(
            acting_user=None, agreement=agreement, dwelling=dwelling, start_date=YEAR_AGO
        )
    services.start_regular_tenancy(
        acting_user=None,
        dwelling=dwellings[2],
        tenant_name="A",
        start_date=YEAR_AGO,
        care_label_until=TODAY + dt.timedelta(days=30),
    )
    # An expired label and an ended lease do not count.
    services.start_regular_tenancy(
        acting_user=None,
        dwelling=dwellings[3],
        tenant_name="B",
        start_date=YEAR_AGO,
        care_label_until=TODAY,
    )
    ended = services.lease_dwelling(
        acting_user=None, agreement=agreement, dwelling=dwellings[4], start_date=YEAR_AGO
    )
    services.end_care_lease(acting_user=None, lease=ended, end_date=TODAY)

    mix = mix_of(complex_)
    assert (mix.dwellings, mix.care_leased, mix.labelled, mix.vulnerable) == (9, 2, 1, 3)
    assert mix.share == Decimal(3) / 9
    assert mix.promised == 3 and mix.lease_gap == 1


def test_next_vacancy_fills_the_agreement_gap_first() -> None:
    stream, reason = Mix(90, 25, 20, 30, Decimal("0.333"), Decimal("0.05")).next_vacancy()
    assert stream == Stream.CARE
    assert "25" in reason and "30" in reason


def test_next_vacancy_follows_the_target_when_the_agreement_is_full() -> None:
    assert Mix(90, 20, 5, 20, Decimal("0.333"), Decimal("0.05")).next_vacancy()[0] == Stream.CARE
    assert (
        Mix(90, 20, 10, 20, Decimal("0.333"), Decimal("0.05")).next_vacancy()[0] == Stream.REGULAR
    )
    assert Mix(0, 0, 0, 0, Decimal("0.333"), Decimal("0.05")).share == 0


def test_mix_of_many_complexes_runs_a_fixed_number_of_queries(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        complex_ = ComplexFactory()
        DwellingFactory.create_batch(4, complex=complex_)
    with django_assert_num_queries(1):
        mixes = [mix_of(c) for c in with_mix(Complex.objects.all())]
    assert [m.dwellings for m in mixes] == [4] * 5
