"""The home page: residents see coming activities and their own requests, board members also
what the board has to decide, and the manager the open requests of the corporation's
communities; with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from doorstroom.community.models import ActivityStatus
from tests.factories import ActivityRequestFactory, ResidentFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def keys_and_items(client: Any) -> dict[str, list[str]]:
    response = client.get(reverse("home:start"))
    assert response.status_code == 200
    return {
        block["section"].key: [item.label for item in block["items"]]
        for block in response.context["blocks"]
    }


def test_a_resident_sees_coming_activities_and_own_requests(
    community: Any, resident: Any, as_user: Any
) -> None:
    other = ResidentFactory(community=community)
    coming = ActivityRequestFactory(requested_by=other, title="Zomerfeest")
    coming.status, coming.amount_granted = ActivityStatus.APPROVED, 50
    coming.save()
    ActivityRequestFactory(requested_by=resident, title="Mijn taalcafé")
    ActivityRequestFactory(requested_by=other, title="Andermans aanvraag")
    blocks = keys_and_items(as_user(resident))
    assert blocks == {"activities": ["Zomerfeest"], "my_requests": ["Mijn taalcafé"]}
    page = as_user(resident).get(reverse("home:start")).content.decode()
    assert reverse("community:overview", args=[community.pk]) in page


def test_a_board_member_also_sees_what_the_board_decides(
    community: Any, resident: Any, board: dict[str, Any], as_user: Any
) -> None:
    ActivityRequestFactory(requested_by=resident, title="Buurtbarbecue")
    blocks = keys_and_items(as_user(board["chair"]))
    assert blocks["requests"] == ["Buurtbarbecue"]


def test_the_manager_sees_open_requests_of_the_corporation_only(
    community: Any, resident: Any, manager: Any, as_user: Any
) -> None:
    ActivityRequestFactory(requested_by=resident, title="Buurtbarbecue")
    ActivityRequestFactory(title="Elders")  # another corporation's community
    assert keys_and_items(as_user(manager))["board"] == ["Buurtbarbecue"]


def test_home_queries_do_not_grow_with_requests(
    community: Any, resident: Any, board: dict[str, Any], as_user: Any
) -> None:
    client = as_user(board["chair"])
    url = reverse("home:start")
    ActivityRequestFactory(requested_by=resident)
    few = count_queries(client, url)
    for days in range(2, 8):
        ActivityRequestFactory(
            requested_by=resident, starts_on=timezone.localdate() + dt.timedelta(days=days)
        )
    assert count_queries(client, url) == few
