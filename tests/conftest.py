"""Shared fixtures: people in roles, and clients logged in with both factors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import ROLE_POLICY, OrganisationKind, Role
from tests.factories import MembershipFactory, OrganisationFactory, TOTPDeviceFactory


def kind_for(role: str) -> str:
    return sorted(ROLE_POLICY[role].kinds)[0]


@pytest.fixture
def member(db: Any) -> Callable[..., Membership]:
    """Make a person with ``role`` in ``organisation`` (a fresh one of the right kind if omitted)."""

    def make(
        role: str = Role.MIXED_LIVING_MANAGER, organisation: Any = None, **user: Any
    ) -> Membership:
        organisation = organisation or OrganisationFactory(kind=kind_for(role))
        kwargs = {"organisation": organisation, "role": role}
        if user:
            kwargs.update({f"user__{k}": v for k, v in user.items()})
        return MembershipFactory(**kwargs)

    return make


def verified_client(user: Any) -> Client:
    """A test client logged in with password and a verified second factor."""
    device = TOTPDeviceFactory(user=user)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def login() -> Callable[[Any], Client]:
    return verified_client


@pytest.fixture
def corporation(db: Any) -> Any:
    return OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Woningcorporatie Test")


@pytest.fixture
def care_provider(db: Any) -> Any:
    return OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorgaanbieder Test")


from tests.smtp import smtp_server  # noqa: E402, F401  (fixture for every test)


@pytest.fixture(autouse=True)
def _data_migrations_after_a_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests run after a flush: give them the data the data migrations load."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if transactional:
        from tests.migration_data import restore

        request.getfixturevalue("transactional_db")
        restore()


@pytest.fixture(autouse=True)
def _no_language_left_behind() -> Any:
    """A request activates Dutch in the test's thread; reset it so the next test starts clean."""
    from django.utils import translation

    yield
    translation.deactivate()
