"""Calendar invitations (.ics, RFC 5545) for introduction interviews, built with ``icalendar``.

One VCALENDAR with METHOD:REQUEST and one VEVENT, in Europe/Amsterdam time with its VTIMEZONE,
so Outlook, Google Calendar and Apple Calendar put the interview in the agenda at the right hour.
The UID is stable per slot and candidate: a calendar that receives the invitation twice updates
the one appointment instead of adding a second.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from doorstroom.lettings.mail import Attachment
from doorstroom.lettings.models import Application, InterviewSlot

ZONE = ZoneInfo("Europe/Amsterdam")
FILENAME = "kennismakingsgesprek.ics"
MIMETYPE = "text/calendar; method=REQUEST"
PRODID = "-//Doorstroom//Kennismakingsgesprek//NL"


def event_uid(slot: InterviewSlot, application: Application) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "doorstroom"
    return f"kennismakingsgesprek-{slot.pk}-{application.pk}@{host}"


def _address(email: str, name: str, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = icalendar.vText(name)
    for key, value in params.items():
        address.params[key] = icalendar.vText(value)
    return address


def organizer_email(slot: InterviewSlot) -> str:
    """The interviewer's address; the corporation's sender address when they have none."""
    return slot.interviewer.email or settings.DEFAULT_FROM_EMAIL


def interview_invitation(
    slot: InterviewSlot, application: Application, *, now: dt.datetime | None = None
) -> bytes:
    """The .ics file of ``application``'s introduction interview in ``slot``."""
    dwelling = slot.vacancy.dwelling
    starts = timezone.localtime(slot.starts_at, ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", event_uid(slot, application))
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", starts)
    event.add("dtend", starts + dt.timedelta(minutes=slot.duration_minutes))
    event.add("summary", f"Kennismakingsgesprek {dwelling.complex.name}")
    event.add("location", slot.location)
    event.add("description", f"{dwelling.address}, {dwelling.complex.name}")
    event.add("organizer", _address(organizer_email(slot), str(slot.interviewer)))
    event.add(
        "attendee",
        _address(
            application.email,
            application.full_name,
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp="FALSE",
        ),
    )
    if slot.interviewer.email:
        event.add(
            "attendee",
            _address(
                slot.interviewer.email,
                str(slot.interviewer),
                role="CHAIR",
                partstat="ACCEPTED",
                rsvp="FALSE",
            ),
        )
    event.add("status", "CONFIRMED")
    event.add("sequence", 0)
    calendar.add_component(event)
    # The zone's rules for the years around the interview are enough; the default (1970-2038)
    # makes every invitation several kilobytes longer.
    calendar.add_missing_timezones(
        first_date=starts.date().replace(month=1, day=1) - dt.timedelta(days=366),
        last_date=starts.date() + dt.timedelta(days=366),
    )
    return bytes(calendar.to_ical())


def interview_attachment(slot: InterviewSlot, application: Application) -> Attachment:
    return Attachment(
        filename=FILENAME, content=interview_invitation(slot, application), mimetype=MIMETYPE
    )
