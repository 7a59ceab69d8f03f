"""A corporation, a care provider with an agreement, a case worker and a manager, and a helper
that places a client in a fresh dwelling on a given start date."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from doorstroom.clients.models import Client
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.models import CareLease
from doorstroom.tenancies import clock
from doorstroom.tenancies.models import Placement
from doorstroom.tenancies.services import flip_placement, start_placement
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory

_refs = itertools.count(1)


@dataclass
class World:
    corporation: Any
    provider: Any
    agreement: Any
    case_worker: Any
    team_lead: Any
    manager: Any
    made: list[Placement] = field(default_factory=list)

    def place(self, start: dt.date, *, case_worker: Any = None, agreement: Any = None) -> Placement:
        agreement = agreement or self.agreement
        dwelling = DwellingFactory(complex=agreement.complex)
        CareLease.objects.create(agreement=agreement, dwelling=dwelling, start_date=start)
        reference = f"CL-T{next(_refs):05d}"
        Client.objects.create(
            care_provider=agreement.care_provider,
            reference=reference,
            first_name="Geheim",
            last_name="Persoon",
            case_worker=case_worker or self.case_worker,
        )
        placement = start_placement(
            acting_user=None, dwelling=dwelling, client_ref=reference, start_date=start
        )
        self.made.append(placement)
        return placement

    def flip(self, placement: Placement, on: dt.date) -> Placement:
        return flip_placement(
            acting_user=None, placement=placement, flip_date=on, tenant_name="Geheim Persoon"
        )


@pytest.fixture
def world(member: Callable[..., Any]) -> World:
    complex_ = ComplexFactory()
    agreement = AgreementFactory(
        complex=complex_, start_date=dt.date(2015, 1, 1), dwellings_promised=50
    )
    provider = agreement.care_provider
    return World(
        corporation=complex_.corporation,
        provider=provider,
        agreement=agreement,
        case_worker=member(
            Role.CASE_WORKER, organisation=provider, email="begeleider@zorg.test"
        ).user,
        team_lead=member(Role.TEAM_LEAD, organisation=provider, email="teamleider@zorg.test").user,
        manager=member(
            Role.MIXED_LIVING_MANAGER,
            organisation=complex_.corporation,
            email="beheerder@corporatie.test",
        ).user,
    )


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """Freeze the clock's today on a date."""

    def freeze(day: dt.date) -> None:
        monkeypatch.setattr(clock, "local_today", lambda: day)

    return freeze
