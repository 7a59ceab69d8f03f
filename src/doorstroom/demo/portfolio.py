"""The demo portfolio: a 90-dwelling gallery complex with 30 dwellings leased to the care provider
and three years of placements (most of them flipped), a stacked block judged not suitable, a
corridor flat that is suitable only under conditions, and the municipal quota over three years.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from faker import Faker

from doorstroom.organisations.models import Organisation
from doorstroom.portfolio import services
from doorstroom.portfolio.models import (
    CareLease,
    CareLeaseAgreement,
    CommunalSpace,
    CommunalSpaceKind,
    Complex,
    Dwelling,
    Furnishing,
    NeighbourhoodAssessment,
    Quota,
    QuotaTargetGroup,
    RegularTenancy,
)
from doorstroom.tenancies import services as placements
from doorstroom.tenancies.models import ExitReason, Placement

EXIT_REASONS = [
    ExitReason.BACK_TO_SHELTER,
    ExitReason.CARE_FACILITY,
    ExitReason.REGULAR_HOUSING,
    ExitReason.EVICTION,
    ExitReason.OTHER,
]


def _complex(corporation: Organisation, **fields: Any) -> Complex:
    return services.save_complex(
        acting_user=None, complex_=Complex(corporation=corporation, **fields)
    )


def _dwellings(
    complex_: Complex,
    street: str,
    postcode: str,
    count: int,
    rng: random.Random,
    *,
    dwelling_type: str,
    first: int = 1,
) -> list[Dwelling]:
    result = []
    for index in range(count):
        rooms = rng.choice([1, 2, 2, 2, 3, 3])
        result.append(
            services.save_dwelling(
                acting_user=None,
                dwelling=Dwelling(
                    complex=complex_,
                    vhe_code=f"{complex_.code}-{index + 1:03d}",
                    street=street,
                    house_number=first + index,
                    postcode=postcode,
                    city=complex_.city,
                    dwelling_type=dwelling_type,
                    rooms=rooms,
                    floor_area=Decimal(28 + rooms * 14 + rng.randint(0, 9)),
                    net_rent=Decimal(rng.randint(480, 720)) + Decimal("0.50"),
                    service_costs=Decimal(rng.randint(25, 60)),
                    furnishing=Furnishing.NONE,
                    accessibility=rng.choice(["ZON", "ZON", "NUL"]),
                ),
            )
        )
    return result


def build_portfolio(
    *,
    corporation: Organisation,
    care_provider: Organisation,
    municipality: Organisation,
    seed: int,
    today: dt.date,
) -> None:
    rng = random.Random(seed * 7 + 1)
    fake = Faker("nl_NL")
    fake.seed_instance(seed + 99)

    gallery = _complex(
        corporation,
        code="MIX01",
        name="De Galerij Overvecht",
        street="Zamenhofdreef 2-180",
        postcode="3562 JT",
        city="Utrecht",
        municipality_name="Utrecht",
        year_built=1968,
        floors=9,
        typology="GAL",
        staff_present_daily=True,
        neighbourhood_assessment=NeighbourhoodAssessment.AVERAGE,
        leefbaarometer_class=5,
        neighbourhood_note="Buurtteam Overvecht zit op loopafstand.",
    )
    for kind, size, description in (
        (CommunalSpaceKind.LIVING_ROOM, 65, "Huiskamer op de begane grond"),
        (CommunalSpaceKind.GARDEN, 240, "Binnentuin met moestuinbakken"),
    ):
        services.add_communal_space(
            acting_user=None,
            space=CommunalSpace(complex=gallery, kind=kind, size_m2=size, description=description),
        )
    gallery_dwellings = _dwellings(
        gallery, "Zamenhofdreef", "3562 JT", 90, rng, dwelling_type="GAL", first=2
    )

    stacked = _complex(
        corporation,
        code="STK01",
        name="Portiekblok Kanaleneiland",
        street="Marshalllaan 1-48",
        postcode="3527 TA",
        city="Utrecht",
        municipality_name="Utrecht",
        year_built=1961,
        floors=4,
        typology="POF",
        staff_present_daily=False,
        neighbourhood_assessment=NeighbourhoodAssessment.POOR,
        leefbaarometer_class=3,
        neighbourhood_note="Veel overlastmeldingen in de straat; geen ontmoetingsplek in de buurt.",
    )
    stacked_dwellings = _dwellings(stacked, "Marshalllaan", "3527 TA", 48, rng, dwelling_type="POF")

    corridor = _complex(
        corporation,
        code="COR01",
        name="Zuilense Hof",
        street="Amsterdamsestraatweg 400-470",
        postcode="3551 CX",
        city="Utrecht",
        municipality_name="Utrecht",
        year_built=1975,
        floors=6,
        typology="COR",
        staff_present_daily=False,
        neighbourhood_assessment=NeighbourhoodAssessment.GOOD,
    )
    services.add_communal_space(
        acting_user=None,
        space=CommunalSpace(
            complex=corridor,
            kind=CommunalSpaceKind.MEETING_ROOM,
            size_m2=18,
            description="Kleine ontmoetingsruimte",
        ),
    )
    corridor_dwellings = _dwellings(
        corridor, "Amsterdamsestraatweg", "3551 CX", 36, rng, dwelling_type="COR", first=400
    )

    agreement = services.save_agreement(
        acting_user=None,
        agreement=CareLeaseAgreement(
            complex=gallery,
            care_provider=care_provider,
            reference="SOK-2023-014",
            dwellings_promised=30,
            start_date=dt.date(2023, 1, 1),
        ),
    )

    # Regular tenants in every dwelling except the 30 for the care provider and 2 vacant ones.
    care_dwellings, regular_dwellings = gallery_dwellings[:30], gallery_dwellings[30:88]
    for dwelling in [*regular_dwellings, *stacked_dwellings[:45], *corridor_dwellings[:34]]:
        services.start_regular_tenancy(
            acting_user=None,
            dwelling=dwelling,
            tenant_name=fake.name(),
            start_date=fake.date_between(dt.date(2005, 1, 1), dt.date(2022, 12, 1)),
        )

    _simulate_placements(agreement, care_dwellings, regular_dwellings, rng, fake, today)
    furnish = [
        lease.dwelling
        for lease in CareLease.objects.filter(agreement=agreement, end_date__isnull=True)
    ]
    Dwelling.objects.filter(pk__in=[d.pk for d in furnish]).update(furnishing=Furnishing.PARTLY)

    for year, mo, bw in ((2024, 12, 3), (2025, 14, 3), (2026, 16, 4)):
        for group, number in (
            (QuotaTargetGroup.SHELTER, mo),
            (QuotaTargetGroup.SHELTERED_HOUSING, bw),
        ):
            services.save_quota(
                acting_user=None,
                quota=Quota(
                    municipality=municipality,
                    corporation=corporation,
                    year=year,
                    target_group=group,
                    dwellings=number,
                    source=f"Prestatieafspraken Utrecht {year}",
                ),
            )


def _simulate_placements(
    agreement: CareLeaseAgreement,
    care_dwellings: list[Dwelling],
    regular_dwellings: list[Dwelling],
    rng: random.Random,
    fake: Faker,
    today: dt.date,
) -> None:
    """Three years of placements: most flip within 3 years, some exit; flips are backfilled."""
    counter = iter(range(1, 10_000))
    # (date, kind, payload) events processed in date order.
    queue: list[tuple[dt.date, str, Any]] = []
    for index, dwelling in enumerate(care_dwellings):
        start = dt.date(2023, 1, 9) + dt.timedelta(days=index * 3)
        services.lease_dwelling(
            acting_user=None, agreement=agreement, dwelling=dwelling, start_date=start
        )
        if index == 1:
            # One client stays in the care lease too long: 37 months today, overdue.
            queue.append((today - relativedelta(months=37), "stay", dwelling))
        else:
            queue.append((start, "place", dwelling))
    backfill_pool = list(regular_dwellings)
    rng.shuffle(backfill_pool)
    while queue:
        queue.sort(key=lambda item: item[0])
        day, kind, payload = queue.pop(0)
        if day > today:
            continue
        if kind in ("place", "stay"):
            group = (
                QuotaTargetGroup.SHELTERED_HOUSING
                if rng.random() < 0.2
                else QuotaTargetGroup.SHELTER
            )
            placement = placements.start_placement(
                acting_user=None,
                dwelling=payload,
                client_ref=f"TV-{next(counter):04d}",
                start_date=day,
                target_group=group,
            )
            if kind == "stay":
                continue
            if rng.random() < 0.85:
                queue.append((day + dt.timedelta(days=rng.randint(420, 1050)), "flip", placement))
            else:
                queue.append((day + dt.timedelta(days=rng.randint(90, 600)), "exit", placement))
        elif kind == "flip":
            placements.flip_placement(
                acting_user=None, placement=payload, flip_date=day, tenant_name=fake.name()
            )
            # The care provider gets another dwelling when a regular tenant moves out; the most recent
            # flips are not backfilled yet, which leaves the agreement a visible gap.
            if backfill_pool and day < today - relativedelta(months=3):
                dwelling = backfill_pool.pop()
                tenancy = RegularTenancy.objects.get(dwelling=dwelling, end_date__isnull=True)
                moved_out = day + dt.timedelta(days=rng.randint(10, 40))
                if moved_out <= today:
                    services.end_regular_tenancy(
                        acting_user=None, tenancy=tenancy, end_date=moved_out
                    )
                    lease_start = moved_out + dt.timedelta(days=14)
                    if lease_start <= today:
                        services.lease_dwelling(
                            acting_user=None,
                            agreement=agreement,
                            dwelling=dwelling,
                            start_date=lease_start,
                        )
                        queue.append(
                            (lease_start + dt.timedelta(days=rng.randint(7, 30)), "place", dwelling)
                        )
        elif kind == "exit":
            placement = Placement.objects.get(pk=payload.pk)
            placements.exit_placement(
                acting_user=None,
                placement=placement,
                exit_date=day,
                reason=rng.choice(EXIT_REASONS),
            )
            # The care provider places the next client in the same dwelling.
            queue.append(
                (day + dt.timedelta(days=rng.randint(20, 60)), "place", placement.dwelling)
            )
