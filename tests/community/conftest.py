"""A community with a manager, a board of four and ordinary residents, and people who must not
get in: staff of other roles and organisations, and a resident of another complex."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from doorstroom.organisations.roles import OrganisationKind, Role
from tests.factories import (
    BoardTermFactory,
    CommunityFactory,
    ComplexFactory,
    OrganisationFactory,
    ResidentFactory,
)


@pytest.fixture
def community(corporation: Any) -> Any:
    return CommunityFactory(complex=ComplexFactory(corporation=corporation, name="De Galerij"))


@pytest.fixture
def manager(member: Callable[..., Any], corporation: Any) -> Any:
    return member(
        Role.MIXED_LIVING_MANAGER, organisation=corporation, email="beheer@example.nl"
    ).user


@pytest.fixture
def resident(community: Any) -> Any:
    """An ordinary resident (no board seat)."""
    return ResidentFactory(community=community, display_name="Anna", user__email="anna@example.nl")


@pytest.fixture
def board(community: Any) -> dict[str, Any]:
    """The four board members by position: chair, secretary, treasurer and member (Resident objects)."""
    seats = {}
    for position, name in [
        ("chair", "Bram"),
        ("secretary", "Carla"),
        ("treasurer", "Dirk"),
        ("member", "Eva"),
    ]:
        resident = ResidentFactory(
            community=community, display_name=name, user__email=f"{name.lower()}@example.nl"
        )
        BoardTermFactory(resident=resident, community=community, position=position)
        seats[position] = resident
    return seats


@pytest.fixture
def outsiders(member: Callable[..., Any], corporation: Any, care_provider: Any) -> dict[str, Any]:
    """Users who must never see this community (each gets a 404)."""
    other_community = CommunityFactory()
    return {
        "letting_officer": member(Role.LETTING_OFFICER, organisation=corporation).user,
        "privacy_officer": member(Role.PRIVACY_OFFICER, organisation=corporation).user,
        "case_worker": member(Role.CASE_WORKER, organisation=care_provider).user,
        "team_lead": member(Role.TEAM_LEAD, organisation=care_provider).user,
        "policy_officer": member(Role.POLICY_OFFICER).user,
        "neighbourhood_team": member(Role.NEIGHBOURHOOD_TEAM_MEMBER).user,
        "other_manager": member(
            Role.MIXED_LIVING_MANAGER,
            organisation=OrganisationFactory(kind=OrganisationKind.CORPORATION),
        ).user,
        "other_resident": ResidentFactory(community=other_community).user,
    }


@pytest.fixture
def as_user(login: Callable[[Any], Client]) -> Callable[[Any], Client]:
    """A logged-in test client for a user or a Resident (second factor verified)."""

    def make(person: Any) -> Client:
        return login(getattr(person, "user", person))

    return make
