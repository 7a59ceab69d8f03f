"""What the letting process puts on each role's home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from doorstroom.lettings import offers
from doorstroom.organisations.roles import Role
from tests.factories import ApplicationFactory, VacancyFactory
from tests.lettings.offer_helpers import (
    accepted_nomination,
    candidate,
    care_vacancy,
    ensure_reference_data,
    limits_for_this_year,
)

pytestmark = pytest.mark.django_db


def _items(response: Any, key: str) -> list[Any]:
    return next(b["items"] for b in response.context["blocks"] if b["section"].key == key)


def test_the_letting_officer_sees_what_to_score_interviews_and_open_offers(
    world: dict[str, Any], login: Any
) -> None:
    ensure_reference_data()
    limits_for_this_year()
    officer = world["people"][Role.LETTING_OFFICER]
    vacancy = VacancyFactory(dwelling=world["dwellings"][0])
    to_score = ApplicationFactory(vacancy=vacancy)
    interviewed = candidate(vacancy, officer)
    ApplicationFactory(vacancy=VacancyFactory())  # another corporation's
    offer = offers.make_offer(
        acting_user=officer,
        vacancy=vacancy,
        application=interviewed,
        start_date=vacancy.available_from + dt.timedelta(days=10),
    )

    response = login(officer).get(reverse("home:start"))

    labels = [item.label for item in _items(response, "applications")]
    assert to_score.full_name in labels
    assert _items(response, "applications")[0].url.startswith("/verhuur/selectie/")
    assert [item.url for item in _items(response, "offers")] == [
        reverse("offers:vacancy", args=[offer.vacancy_id])
    ]


def test_the_care_provider_sees_the_dwellings_offered_to_it(
    world: dict[str, Any], login: Any
) -> None:
    ensure_reference_data()
    nomination = accepted_nomination(world)
    vacancy = care_vacancy(world["dwellings"][1])
    offers.make_offer(
        acting_user=world["manager"],
        vacancy=vacancy,
        nomination=nomination,
        start_date=vacancy.available_from + dt.timedelta(days=10),
    )
    for person in (world["worker"], world["lead"]):
        items = _items(login(person).get(reverse("home:start")), "offered")
        assert [item.url for item in items] == [reverse("offers:care")]
        assert nomination.client.reference in items[0].label
        assert nomination.client.first_name not in items[0].label
