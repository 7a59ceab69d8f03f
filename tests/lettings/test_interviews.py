"""Introduction interviews: slots offered by letting staff, the invitation with the personal link,
booking a slot (once, with an .ics invitation to both parties through a real SMTP server), the
outcome afterwards, and the slots screen (with every refusal)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from doorstroom.audit.models import AuditEvent
from doorstroom.lettings import interviews
from doorstroom.lettings.models import (
    Application,
    ApplicationStatus,
    InterviewOutcome,
    InterviewSlot,
)
from doorstroom.organisations.roles import Role
from tests.factories import ApplicationFactory, VacancyFactory
from tests.lettings.test_selection import OUTSIDERS, letting_setup, score
from tests.queries import count_queries
from tests.smtp import Mailbox, attachments_of, text_of

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()


@pytest.fixture
def letting(world: dict[str, Any], member: Any) -> dict[str, Any]:
    return letting_setup(world, member)


def at(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A time ``days`` from today, Amsterdam time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def scored(letting: dict[str, Any], **fields: Any) -> Application:
    application = ApplicationFactory(vacancy=letting["vacancy"], **fields)
    score(letting["officer"], application, 4)
    score(letting["officer2"], application, 4)
    return application


def add(letting: dict[str, Any], *starts: dt.datetime, **kwargs: Any) -> list[InterviewSlot]:
    options = {
        "acting_user": letting["officer"],
        "vacancy": letting["vacancy"],
        "starts": list(starts),
        "duration_minutes": 30,
        "location": "Gemeenschappelijke ruimte, Teststraat 1",
        "interviewer": letting["officer"],
    }
    return interviews.add_slots(**(options | kwargs))


def invited(letting: dict[str, Any], **fields: Any) -> Application:
    """A candidate scored twice and invited; adds a slot (from 09:00, three days ahead) when no
    free one is left."""
    application = scored(letting, **fields)
    slots = InterviewSlot.objects.filter(vacancy=letting["vacancy"])
    if not slots.filter(application__isnull=True, starts_at__gt=timezone.now()).exists():
        add(letting, at(3, 9) + dt.timedelta(minutes=45 * slots.count()))
    return interviews.invite(acting_user=letting["officer"], application=application)


def linked_application(text: str, site: str = "") -> Application | None:
    """The application the personal link in ``text`` opens (tokens carry a timestamp, so they
    differ from one second to the next: resolve the link rather than compare it)."""
    found = re.search(re.escape(site) + r"/woningaanbod/reactie/([^/\s]+)/", text)
    return Application.objects.by_token(found.group(1)).first() if found else None


def in_the_past(slot: InterviewSlot) -> InterviewSlot:
    """Move a booked slot to yesterday: the interview has taken place."""
    InterviewSlot.objects.filter(pk=slot.pk).update(starts_at=at(-1))
    slot.refresh_from_db()
    return slot


# --- slots ---------------------------------------------------------------------------------------


def test_letting_staff_add_slots_for_an_interviewer_of_the_corporation(
    letting: dict[str, Any],
) -> None:
    slots = add(letting, at(2, 10), at(2, 9), at(2, 11), interviewer=letting["manager"])
    assert [s.starts_at for s in slots] == [at(2, 9), at(2, 10), at(2, 11)]
    assert all(s.interviewer == letting["manager"] for s in slots)
    assert AuditEvent.objects.filter(object_type="lettings.interviewslot").count() == 3


@pytest.mark.parametrize("who", [Role.CASE_WORKER, "other_manager"])
def test_the_interviewer_is_letting_staff_of_the_corporation(
    world: dict[str, Any], letting: dict[str, Any], who: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(letting, at(2), interviewer=world["people"][who])
    assert "interviewer" in refused.value.message_dict
    assert not InterviewSlot.objects.exists()


def test_slots_are_in_the_future_and_do_not_clash(letting: dict[str, Any]) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match="has passed"):
        add(letting, at(2), at(-1))
    with translation.override("en"), pytest.raises(ValidationError, match="overlap"):
        add(letting, at(2, 10), at(2, 10, 15))
    add(letting, at(2, 10))
    other = VacancyFactory(dwelling=letting["vacancy"].dwelling.complex.dwellings.last())
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        add(letting, at(2, 10, 15), vacancy=other)  # the same interviewer, another dwelling
    [message] = refused.value.message_dict["starts"]
    assert "already has an interview slot" in message
    assert InterviewSlot.objects.count() == 1
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewSlot.objects.create(
            vacancy=other, starts_at=at(2, 10), location="X", interviewer=letting["officer"]
        )


def test_outsiders_cannot_add_slots(world: dict[str, Any], letting: dict[str, Any]) -> None:
    for who in OUTSIDERS:
        with pytest.raises(PermissionDenied):
            add(letting, at(2), acting_user=world["people"][who])


def test_a_free_slot_is_cancelled_a_booked_one_is_not(letting: dict[str, Any]) -> None:
    free, taken = add(letting, at(2, 9), at(2, 10))
    interviews.cancel_slot(acting_user=letting["officer"], slot=free)
    assert not InterviewSlot.objects.filter(pk=free.pk).exists()
    application = invited(letting)
    interviews.book_slot(application=application, slot=taken)
    with translation.override("en"), pytest.raises(ValidationError, match="booked"):
        interviews.cancel_slot(acting_user=letting["officer"], slot=taken)
    assert InterviewSlot.objects.filter(pk=taken.pk).exists()


# --- the invitation ------------------------------------------------------------------------------


def test_a_candidate_scored_twice_is_invited_with_their_personal_link(
    letting: dict[str, Any], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://doorstroom.example.nl"
    application = scored(letting)
    add(letting, at(3))
    with django_capture_on_commit_callbacks(execute=True):
        interviews.invite(acting_user=letting["officer"], application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INVITED
    [message] = mail.outbox
    assert message.to == [application.email]
    assert linked_application(message.body, "https://doorstroom.example.nl") == application
    assert "Teststraat" in message.subject
    event = AuditEvent.objects.filter(object_type="lettings.application").latest("pk")
    assert event.changes["status"] == ["submitted", "invited"]

    with translation.override("en"), pytest.raises(ValidationError, match="already been invited"):
        interviews.invite(acting_user=letting["officer"], application=application)


def test_invite_needs_two_reviews_and_free_slots(letting: dict[str, Any]) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    score(letting["officer"], application, 4)
    add(letting, at(3))
    with translation.override("en"), pytest.raises(ValidationError, match="two staff members"):
        interviews.invite(acting_user=letting["officer"], application=application)
    score(letting["officer2"], application, 4)
    InterviewSlot.objects.all().delete()
    with translation.override("en"), pytest.raises(ValidationError, match="no free interview"):
        interviews.invite(acting_user=letting["officer"], application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_outsiders_cannot_invite(world: dict[str, Any], letting: dict[str, Any]) -> None:
    application = scored(letting)
    add(letting, at(3))
    with pytest.raises(PermissionDenied):
        interviews.invite(acting_user=world["people"][Role.CASE_WORKER], application=application)


# --- booking -------------------------------------------------------------------------------------


def test_bookable_slots_are_the_free_future_slots_of_an_invited_candidate(
    letting: dict[str, Any],
) -> None:
    submitted = scored(letting)
    first, second, third = add(letting, at(2, 9), at(2, 10), at(2, 11))
    InterviewSlot.objects.filter(pk=third.pk).update(starts_at=at(-1, 11))
    assert list(interviews.bookable_slots(submitted)) == []
    application = interviews.invite(acting_user=letting["officer"], application=submitted)
    assert list(interviews.bookable_slots(application)) == [first, second]
    other = invited(letting)
    interviews.book_slot(application=other, slot=first)
    assert list(interviews.bookable_slots(application)) == [second]
    assert list(interviews.bookable_slots(other)) == []


def test_booking_sends_an_ics_invitation_to_candidate_and_interviewer(
    letting: dict[str, Any],
    smtp_server: Mailbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = letting["officer"]
    complex_name = letting["vacancy"].dwelling.complex.name
    application = invited(letting, full_name="Sanne de Vries")
    [slot] = InterviewSlot.objects.all()
    with django_capture_on_commit_callbacks(execute=True):
        booked = interviews.book_slot(application=application, slot=slot)
    assert booked.application == application and booked.booked_at is not None

    messages = smtp_server.wait_for(2)
    assert len(messages) == 2
    by_recipient = {m["To"]: m for m in messages}
    assert set(by_recipient) == {application.email, officer.email}
    for message in by_recipient.values():
        ics = attachments_of(message)["kennismakingsgesprek.ics"]
        part = next(p for p in message.walk() if p.get_filename() == "kennismakingsgesprek.ics")
        assert part.get_content_type() == "text/calendar"
        assert part.get_param("method") == "REQUEST"
        calendar = icalendar.Calendar.from_ical(ics)
        assert calendar["METHOD"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert event.decoded("DTSTART") == at(3, 9)
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert event.decoded("DTEND") == at(3, 9, 30)
        assert str(event["SUMMARY"]) == f"Kennismakingsgesprek {complex_name}"
        assert str(event["LOCATION"]) == "Gemeenschappelijke ruimte, Teststraat 1"
        assert str(event["ORGANIZER"]) == f"mailto:{officer.email}"
        assert f"mailto:{application.email}" in [str(a) for a in event["ATTENDEE"]]
        assert str(event["UID"]).startswith(f"kennismakingsgesprek-{slot.pk}-{application.pk}@")
    candidate = text_of(by_recipient[application.email])
    assert "Sanne de Vries" in candidate
    assert linked_application(candidate) == application
    staff = text_of(by_recipient[officer.email])
    assert reverse("selection:application", args=[application.pk]) in staff


def test_a_slot_taken_by_someone_else_is_refused(letting: dict[str, Any]) -> None:
    first = invited(letting)
    second = invited(letting)
    [slot] = InterviewSlot.objects.all()
    interviews.book_slot(application=first, slot=slot)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        interviews.book_slot(application=second, slot=slot)
    assert refused.value.messages == [
        "This time has just been chosen by someone else. Please choose another time."
    ]
    slot.refresh_from_db()
    assert slot.application == first
    assert not InterviewSlot.objects.filter(application=second).exists()


def test_a_candidate_books_one_future_slot_of_their_own_vacancy(
    letting: dict[str, Any], world: dict[str, Any]
) -> None:
    application = invited(letting)
    [slot] = InterviewSlot.objects.all()
    later, past = add(letting, at(4, 9), at(4, 10))
    InterviewSlot.objects.filter(pk=past.pk).update(starts_at=at(-2))
    other_vacancy = VacancyFactory(dwelling=world["dwellings"][1])
    foreign = add(letting, at(5), vacancy=other_vacancy)[0]

    with translation.override("en"):
        with pytest.raises(ValidationError, match="not for the dwelling"):
            interviews.book_slot(application=application, slot=foreign)
        with pytest.raises(ValidationError, match="has passed"):
            interviews.book_slot(application=application, slot=past)
        interviews.book_slot(application=application, slot=slot)
        with pytest.raises(ValidationError, match="already chosen"):
            interviews.book_slot(application=application, slot=later)
        not_invited = scored(letting)
        with pytest.raises(ValidationError, match="once you are invited"):
            interviews.book_slot(application=not_invited, slot=later)
    assert InterviewSlot.objects.filter(application__isnull=False).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_give_one_booking(letting: dict[str, Any]) -> None:
    candidates = [invited(letting) for _ in range(6)]
    [slot] = InterviewSlot.objects.all()
    barrier = threading.Barrier(len(candidates))
    outcomes: list[str] = []

    def book(application: Application) -> None:
        barrier.wait()
        try:
            interviews.book_slot(application=application, slot=slot)
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(a,)) for a in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["refused"] * 5
    assert InterviewSlot.objects.filter(application__isnull=False).count() == 1


# --- the outcome ---------------------------------------------------------------------------------


def _booked(letting: dict[str, Any]) -> InterviewSlot:
    application = invited(letting)
    [slot] = InterviewSlot.objects.filter(application__isnull=True, starts_at__gt=timezone.now())[
        :1
    ]
    return interviews.book_slot(application=application, slot=slot)


def test_the_outcome_is_recorded_only_after_the_interview_started(
    letting: dict[str, Any],
) -> None:
    slot = _booked(letting)
    with translation.override("en"), pytest.raises(ValidationError, match="afterwards"):
        interviews.record_outcome(
            acting_user=letting["officer"], slot=slot, outcome=InterviewOutcome.POSITIVE
        )
    slot.refresh_from_db()
    assert slot.outcome == ""

    slot = in_the_past(slot)
    recorded = interviews.record_outcome(
        acting_user=letting["officer2"],
        slot=slot,
        outcome=InterviewOutcome.POSITIVE,
        notes="Enthousiast, wil de moestuin trekken.",
    )
    assert recorded.outcome == InterviewOutcome.POSITIVE
    assert recorded.outcome_recorded_by == letting["officer2"]
    assert recorded.application is not None
    recorded.application.refresh_from_db()
    assert recorded.application.status == ApplicationStatus.INVITED
    event = AuditEvent.objects.filter(object_type="lettings.interviewslot").latest("pk")
    assert "moestuin" not in str(event.changes)  # interview notes stay out of the trail


@pytest.mark.parametrize("outcome", [InterviewOutcome.NEGATIVE, InterviewOutcome.NO_SHOW])
def test_a_negative_outcome_or_a_no_show_ends_the_application(
    letting: dict[str, Any], outcome: str
) -> None:
    slot = in_the_past(_booked(letting))
    interviews.record_outcome(acting_user=letting["officer"], slot=slot, outcome=outcome)
    slot.refresh_from_db()
    assert slot.outcome == outcome  # a no-show is recorded as such
    application = Application.objects.get(pk=slot.application_id)
    assert application.status == ApplicationStatus.NOT_SELECTED
    assert application.ended_at is not None


def test_a_corrected_outcome_is_audited_and_puts_the_candidate_back(
    letting: dict[str, Any],
) -> None:
    slot = in_the_past(_booked(letting))
    interviews.record_outcome(
        acting_user=letting["officer"], slot=slot, outcome=InterviewOutcome.NO_SHOW
    )
    interviews.record_outcome(
        acting_user=letting["manager"], slot=slot, outcome=InterviewOutcome.DOUBT, notes="Trein"
    )
    slot.refresh_from_db()
    assert slot.outcome == InterviewOutcome.DOUBT
    application = Application.objects.get(pk=slot.application_id)
    assert application.status == ApplicationStatus.INVITED and application.ended_at is None
    changes = [
        e.changes.get("outcome")
        for e in AuditEvent.objects.filter(
            object_type="lettings.interviewslot", object_id=str(slot.pk)
        ).order_by("pk")
    ]
    assert changes[-2:] == [["", "no_show"], ["no_show", "doubt"]]


def test_no_outcome_for_a_free_slot_or_by_outsiders(
    world: dict[str, Any], letting: dict[str, Any]
) -> None:
    [free] = add(letting, at(2))
    InterviewSlot.objects.filter(pk=free.pk).update(starts_at=at(-1, 15))
    free.refresh_from_db()
    with translation.override("en"), pytest.raises(ValidationError, match="Nobody has booked"):
        interviews.record_outcome(
            acting_user=letting["officer"], slot=free, outcome=InterviewOutcome.POSITIVE
        )
    slot = in_the_past(_booked(letting))
    with pytest.raises(ValidationError):
        interviews.record_outcome(acting_user=letting["officer"], slot=slot, outcome="great")
    for who in OUTSIDERS:
        with pytest.raises(PermissionDenied):
            interviews.record_outcome(
                acting_user=world["people"][who], slot=slot, outcome=InterviewOutcome.POSITIVE
            )
    slot.refresh_from_db()
    assert slot.outcome == ""


# --- screens -------------------------------------------------------------------------------------


def test_letting_staff_see_the_slots_and_others_get_404(
    world: dict[str, Any], letting: dict[str, Any], login: Any
) -> None:
    url = reverse("selection:slots", args=[letting["vacancy"].pk])
    for user in (letting["manager"], letting["officer"]):
        assert login(user).get(url).status_code == 200
    for who in OUTSIDERS:
        client = login(world["people"][who])
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "add"}).status_code == 404


def test_slots_are_added_and_cancelled_on_the_screen(letting: dict[str, Any], login: Any) -> None:
    client = login(letting["officer"])
    url = reverse("selection:slots", args=[letting["vacancy"].pk])
    day = at(5).date().isoformat()
    data = {
        "action": "add",
        "day": day,
        "times": "09:00, 09:45;10.30",
        "duration_minutes": "40",
        "location": "Buurtkamer",
        "interviewer": letting["manager"].pk,
    }
    assert client.post(url, data).status_code == 302
    slots = list(InterviewSlot.objects.order_by("starts_at"))
    assert [s.starts_at for s in slots] == [at(5, 9), at(5, 9, 45), at(5, 10, 30)]
    assert {s.interviewer for s in slots} == {letting["manager"]}

    clash = client.post(url, data | {"times": "09:20"})
    assert clash.status_code == 200 and "times" in clash.context["form"].errors
    bad = client.post(url, data | {"times": "negen uur"})
    assert bad.status_code == 200 and "times" in bad.context["form"].errors
    past = client.post(url, data | {"day": at(-3).date().isoformat()})
    assert past.status_code == 200 and "times" in past.context["form"].errors
    assert InterviewSlot.objects.count() == 3

    assert client.post(url, {"action": "cancel", "slot": slots[0].pk}).status_code == 302
    assert InterviewSlot.objects.count() == 2


def test_the_slots_page_runs_a_fixed_number_of_queries(letting: dict[str, Any], login: Any) -> None:
    client = login(letting["officer"])
    url = reverse("selection:slots", args=[letting["vacancy"].pk])
    _booked(letting)
    few = count_queries(client, url)
    add(letting, at(6, 9), at(6, 10), at(6, 11))
    _booked(letting)
    assert count_queries(client, url) == few


def test_a_candidate_is_invited_from_the_shortlist(
    letting: dict[str, Any], login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    application = scored(letting)
    add(letting, at(3))
    client = login(letting["officer"])
    url = reverse("selection:shortlist", args=[letting["vacancy"].pk])
    assert 'value="invite"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "invite", "application": application.pk})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INVITED
    assert len(mail.outbox) == 1
    other = ApplicationFactory(vacancy=VacancyFactory())  # another corporation's applicant
    assert client.post(url, {"action": "invite", "application": other.pk}).status_code == 404


def test_the_outcome_is_recorded_on_the_application_page(
    letting: dict[str, Any], login: Any
) -> None:
    slot = _booked(letting)
    client = login(letting["officer"])
    url = reverse("selection:application", args=[slot.application_id])
    page = client.get(url)
    assert page.context["outcome_form"] is None  # not before the interview
    early = client.post(url, {"action": "outcome", "outcome": "positive", "notes": ""})
    assert early.status_code == 302
    slot.refresh_from_db()
    assert slot.outcome == ""

    in_the_past(slot)
    assert client.get(url).context["outcome_form"] is not None
    done = client.post(url, {"action": "outcome", "outcome": "negative", "notes": "Geen klik"})
    assert done.status_code == 302
    slot.refresh_from_db()
    assert slot.outcome == InterviewOutcome.NEGATIVE and slot.notes == "Geen klik"
    assert Application.objects.get(pk=slot.application_id).status == "not_selected"
    assert "Geen klik" in client.get(url).content.decode()
