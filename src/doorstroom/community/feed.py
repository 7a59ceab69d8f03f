"""The community's calendar as an .ics feed (RFC 5545, built with ``icalendar``): the board's
meetings and the approved activities of one complex, for a resident's or the manager's phone
calendar. The feed address is personal (signed with SECRET_KEY) and works while its owner may
view the community. It holds no names of people and no amounts."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    Community,
    Meeting,
    MeetingStatus,
)

ZONE = ZoneInfo("Europe/Amsterdam")
SALT = "community.feed"
PRODID = "-//Doorstroom//Bewonersgemeenschap//NL"
CONTENT_TYPE = "text/calendar; charset=utf-8"
#: How far back the feed goes.
HISTORY = dt.timedelta(days=365)
FEED_STATUSES = (ActivityStatus.APPROVED, ActivityStatus.EVALUATED, ActivityStatus.CLOSED)


def feed_token(community: Community, user: Any) -> str:
    return signing.dumps({"c": community.pk, "u": user.pk}, salt=SALT)


def read_token(token: str) -> tuple[int, int] | None:
    """The community and user ids of a feed token; None when it was not made by us."""
    try:
        data = signing.loads(token, salt=SALT)
        return int(data["c"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def feed_urls(community: Community, user: Any) -> dict[str, str]:
    """The https address of the user's personal feed and the same as webcal:// for phones."""
    url = settings.SITE_URL + reverse("community:feed", args=[feed_token(community, user)])
    _scheme, rest = url.split("://", 1)
    return {"https": url, "webcal": f"webcal://{rest}"}


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "doorstroom"


def _calendar_name(community: Community) -> str:
    return f"Bewonersgemeenschap {community.complex.name}"


def build_feed(community: Community, *, now: dt.datetime | None = None) -> bytes:
    """The feed of ``community`` in three queries: its planned and held meetings and its
    approved (later evaluated or closed) activities, from a year ago on."""
    now = now or timezone.now()
    since = now - HISTORY
    host = _host()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _calendar_name(community))
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    stamp = now.astimezone(dt.UTC)
    first = now.date()
    last = now.date()

    meetings = Meeting.objects.filter(
        community=community,
        status__in=[MeetingStatus.PLANNED, MeetingStatus.HELD],
        starts_at__gte=since,
    ).order_by("starts_at", "pk")
    for meeting in meetings:
        starts = timezone.localtime(meeting.starts_at, ZONE)
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", starts)
        event.add("dtend", starts + dt.timedelta(minutes=community.meeting_minutes))
        event.add("summary", f"Bestuursvergadering {community.complex.name}")
        event.add("location", meeting.place)
        event.add(
            "url",
            settings.SITE_URL + reverse("community:meeting", args=[community.pk, meeting.pk]),
        )
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
        first, last = min(first, starts.date()), max(last, starts.date())

    activities = ActivityRequest.objects.filter(
        community=community, status__in=FEED_STATUSES, starts_on__gte=since.date()
    ).order_by("starts_on", "pk")
    for activity in activities:
        event = icalendar.Event()
        event.add("uid", f"activity-{activity.pk}@{host}")
        event.add("dtstamp", stamp)
        last_day = activity.ends_on or activity.starts_on
        if activity.start_time is not None:
            starts = dt.datetime.combine(activity.starts_on, activity.start_time, tzinfo=ZONE)
            event.add("dtstart", starts)
            if activity.end_time is not None:
                ends = dt.datetime.combine(last_day, activity.end_time, tzinfo=ZONE)
                if ends > starts:
                    event.add("dtend", ends)
        else:
            event.add("dtstart", activity.starts_on)
            event.add("dtend", last_day + dt.timedelta(days=1))
        event.add("summary", activity.title)
        event.add("location", activity.place)
        event.add(
            "url",
            settings.SITE_URL + reverse("community:activities", args=[community.pk]),
        )
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
        first, last = min(first, activity.starts_on), max(last, last_day)

    calendar.add_missing_timezones(
        first_date=first.replace(month=1, day=1), last_date=last + dt.timedelta(days=366)
    )
    return bytes(calendar.to_ical())


__all__ = ["CONTENT_TYPE", "build_feed", "feed_token", "feed_urls", "read_token"]
