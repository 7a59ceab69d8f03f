"""No double allocation, ever: many people act on one dwelling at the same moment, each through
their own database connection, and the dwelling gets exactly one open offer and one tenancy.

PostgreSQL only (SQLite serialises every write anyway): run with
``scripts/with-postgres .venv/bin/pytest -q tests/lettings/test_allocation_concurrency.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from doorstroom.lettings import offers
from doorstroom.lettings.models import Allocation, Offer, OfferStatus, Vacancy, VacancyStatus
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.models import RegularTenancy
from tests.lettings.offer_helpers import (
    candidate,
    ensure_reference_data,
    limits_for_this_year,
    regular_vacancy,
)

THREADS = 20

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run it with scripts/with-postgres")
    ensure_reference_data()
    limits_for_this_year()


def run_at_once(action: Callable[[int], Any]) -> list[str]:
    """Run ``action(i)`` in THREADS threads released together; each thread uses (and closes) its
    own database connection. Returns 'ok', 'refused' (a ValidationError) or the unexpected error."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            action(number)
            outcome = "ok"
        except ValidationError:
            outcome = "refused"
        except Exception as exc:  # reported in the assertion below
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    return outcomes


def test_twenty_concurrent_acceptances_allocate_the_dwelling_once(
    world: dict[str, Any],
) -> None:
    officer = world["people"][Role.LETTING_OFFICER]
    vacancy = regular_vacancy(world["dwellings"][0])
    applicant = candidate(vacancy, officer)
    offer = offers.make_offer(
        acting_user=officer,
        vacancy=vacancy,
        application=applicant,
        start_date=vacancy.available_from,
    )

    def accept(number: int) -> None:
        # Half answer through the applicant's link, half are staff recording a phone call.
        own_copy = Offer.objects.get(pk=offer.pk)
        offers.respond(acting_user=officer if number % 2 else None, offer=own_copy, accept=True)

    outcomes = run_at_once(accept)

    assert sorted(outcomes) == ["ok"] + ["refused"] * (THREADS - 1), outcomes
    assert RegularTenancy.objects.filter(dwelling=vacancy.dwelling).count() == 1
    assert Allocation.objects.count() == 1
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.ALLOCATED
    assert Vacancy.objects.get(pk=vacancy.pk).status == VacancyStatus.ALLOCATED


def test_twenty_concurrent_offers_leave_one_open_offer(world: dict[str, Any]) -> None:
    officer = world["people"][Role.LETTING_OFFICER]
    vacancy = regular_vacancy(world["dwellings"][0])
    applicants = [candidate(vacancy, officer) for _i in range(THREADS)]

    def make(number: int) -> None:
        offers.make_offer(
            acting_user=officer,
            vacancy=Vacancy.objects.get(pk=vacancy.pk),
            application=applicants[number],
            start_date=vacancy.available_from,
        )

    outcomes = run_at_once(make)

    assert sorted(outcomes) == ["ok"] + ["refused"] * (THREADS - 1), outcomes
    assert Offer.objects.filter(vacancy=vacancy, status=OfferStatus.OFFERED).count() == 1
