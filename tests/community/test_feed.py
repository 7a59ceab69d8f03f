"""The calendar: the page with the personal feed address, and the .ics feed itself (parsed with
icalendar): meetings and approved activities, no names of people and no amounts, and a feed that
stops working when its owner leaves the complex."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorstroom.community.feed import feed_token
from doorstroom.community.meetings import meeting_start
from doorstroom.community.models import ActivityStatus, MeetingStatus, Resident
from tests.community.test_meetings import a_request, evaluated
from tests.factories import CommunityFactory, MeetingFactory, ResidentFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Amsterdam")


def feed_url(community: Any, user: Any) -> str:
    return reverse("community:feed", args=[feed_token(community, user)])


def events(response: Any) -> dict[str, Any]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def filled(community: Any, board: dict[str, Any], resident: Any) -> dict[str, Any]:
    day = timezone.localdate() + dt.timedelta(days=12)
    requester = ResidentFactory(community=community, display_name="Zeynep Yilmaz")
    return {
        "meeting": MeetingFactory(
            community=community,
            starts_at=meeting_start(day, dt.time(19, 30)),
            place="Gemeenschappelijke ruimte",
        ),
        "held": MeetingFactory(
            community=community,
            starts_at=timezone.now() - dt.timedelta(days=30),
            status=MeetingStatus.HELD,
        ),
        "cancelled": MeetingFactory(
            community=community,
            starts_at=timezone.now() + dt.timedelta(days=3),
            status=MeetingStatus.CANCELLED,
        ),
        "barbecue": a_request(
            community,
            requested_by=requester,
            title="Zomerbarbecue",
            place="Binnentuin",
            starts_on=day + dt.timedelta(days=3),
            start_time=dt.time(17, 0),
            end_time=dt.time(21, 30),
            status=ActivityStatus.APPROVED,
            amount_granted=Decimal("123.45"),
            organisers="Bram en Carla",
        ),
        "market": a_request(
            community,
            title="Rommelmarkt",
            starts_on=day + dt.timedelta(days=20),
            ends_on=day + dt.timedelta(days=21),
            start_time=None,
            status=ActivityStatus.APPROVED,
            amount_granted=Decimal("10"),
        ),
        "evaluated": evaluated(community, title="Paasbrunch"),
        "submitted": a_request(community, title="Nog niet besloten"),
        "rejected": a_request(community, title="Afgewezen plan", status=ActivityStatus.REJECTED),
    }


def test_the_feed_has_meetings_and_activities_without_names_or_amounts(
    community: Any, resident: Any, filled: dict[str, Any]
) -> None:
    found = events(Client().get(feed_url(community, resident.user)))
    meeting, held = filled["meeting"], filled["held"]
    barbecue, market = filled["barbecue"], filled["market"]
    # The host of the UIDs follows SITE_URL.
    hosts = {uid.split("@")[1] for uid in found}
    assert len(hosts) == 1
    host = hosts.pop()
    assert set(found) == {
        f"meeting-{meeting.pk}@{host}",
        f"meeting-{held.pk}@{host}",
        f"activity-{barbecue.pk}@{host}",
        f"activity-{market.pk}@{host}",
        f"activity-{filled['evaluated'].pk}@{host}",
    }
    event = found[f"meeting-{meeting.pk}@{host}"]
    assert str(event["summary"]) == "Bestuursvergadering De Galerij"
    assert str(event["location"]) == "Gemeenschappelijke ruimte"
    starts = event.decoded("dtstart")
    assert starts.tzinfo is not None
    assert starts.astimezone(ZONE).time() == dt.time(19, 30)
    assert event.decoded("dtend") - starts == dt.timedelta(minutes=community.meeting_minutes)

    party = found[f"activity-{barbecue.pk}@{host}"]
    assert str(party["summary"]) == "Zomerbarbecue" and str(party["location"]) == "Binnentuin"
    assert party.decoded("dtstart").astimezone(ZONE) == dt.datetime.combine(
        barbecue.starts_on, dt.time(17, 0), tzinfo=ZONE
    )
    assert party.decoded("dtend").astimezone(ZONE).time() == dt.time(21, 30)
    fair = found[f"activity-{market.pk}@{host}"]
    assert fair.decoded("dtstart") == market.starts_on  # all day
    assert fair.decoded("dtend") == market.ends_on + dt.timedelta(days=1)

    text = Client().get(feed_url(community, resident.user)).content.decode()
    for forbidden in (
        "Zeynep",
        "Yilmaz",
        "Bram",
        "Carla",
        "Anna",
        "123.45",
        "123,45",
        "Nog niet besloten",
        "Afgewezen",
    ):
        assert forbidden not in text, forbidden
    assert "X-WR-CALNAME:Bewonersgemeenschap De Galerij" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Amsterdam" in text


def test_the_uids_are_stable(community: Any, manager: Any, filled: dict[str, Any]) -> None:
    first = set(events(Client().get(feed_url(community, manager))))
    second = set(events(Client().get(feed_url(community, manager))))
    assert first == second and len(first) == 5


def test_the_feed_stops_when_the_resident_leaves(community: Any, resident: Any) -> None:
    url = feed_url(community, resident.user)
    assert Client().get(url).status_code == 200
    Resident.objects.filter(pk=resident.pk).update(
        left_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert Client().get(url).status_code == 404


def test_the_feed_stops_when_the_account_is_deactivated(community: Any, manager: Any) -> None:
    url = feed_url(community, manager)
    assert Client().get(url).status_code == 200
    manager.is_active = False
    manager.save()
    assert Client().get(url).status_code == 404


def test_a_bad_or_foreign_token_is_not_found(
    community: Any, resident: Any, outsiders: dict[str, Any]
) -> None:
    assert Client().get(reverse("community:feed", args=["niet-geldig"])).status_code == 404
    forged = signing.dumps({"c": community.pk, "u": resident.user.pk}, salt="another.salt")
    assert Client().get(reverse("community:feed", args=[forged])).status_code == 404
    # A token for a community the user does not belong to.
    for outsider in outsiders.values():
        assert Client().get(feed_url(community, outsider)).status_code == 404
    other = CommunityFactory()
    assert Client().get(feed_url(other, resident.user)).status_code == 404
    missing = signing.dumps({"c": 999999, "u": resident.user.pk}, salt="community.feed")
    assert Client().get(reverse("community:feed", args=[missing])).status_code == 404


def test_the_calendar_page_gives_the_personal_address(
    community: Any, resident: Any, manager: Any, outsiders: dict[str, Any], as_user: Any
) -> None:
    url = reverse("community:calendar", args=[community.pk])
    response = as_user(resident).get(url)
    assert response.status_code == 200
    urls = response.context["urls"]
    assert urls["https"].endswith(feed_url(community, resident.user))
    assert urls["webcal"].startswith("webcal://")
    assert urls["webcal"].split("://", 1)[1] == urls["https"].split("://", 1)[1]
    text = response.content.decode()
    assert urls["webcal"] in text and urls["https"] in text
    # The manager gets their own address.
    assert as_user(manager).get(url).context["urls"]["https"].endswith(feed_url(community, manager))
    for outsider in outsiders.values():
        assert as_user(outsider).get(url).status_code == 404


def test_the_feed_runs_a_fixed_number_of_queries(community: Any, resident: Any) -> None:
    from tests.queries import count_queries

    client = Client()
    counts = []
    for size in (1, 6):
        for i in range(size):
            MeetingFactory(
                community=community, starts_at=timezone.now() + dt.timedelta(days=40 * i + size)
            )
            a_request(community, status=ActivityStatus.APPROVED, amount_granted=Decimal("1"))
        counts.append(count_queries(client, feed_url(community, resident.user)))
    assert counts[0] == counts[1], counts
