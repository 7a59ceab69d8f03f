"""Introduction interviews (kennismakingsgesprekken): the letting officer offers time slots, invites
a scored candidate, the candidate picks a slot through their personal link, both get an e-mail
with a calendar invitation (.ics), and the interviewer records the outcome afterwards.

A slot is booked under a row lock, so two candidates who pick the same moment get one booking and
one clear refusal; the database also keeps one slot per application and one slot per interviewer
per starting time.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved, snapshot_fields
from doorstroom.lettings.calendar import interview_attachment
from doorstroom.lettings.links import applicant_link, site_url
from doorstroom.lettings.mail import send_after_commit
from doorstroom.lettings.models import (
    Application,
    ApplicationStatus,
    InterviewOutcome,
    InterviewSlot,
    Vacancy,
    VacancyStatus,
)
from doorstroom.lettings.rules import CORPORATION_ROLES
from doorstroom.lettings.selection import REVIEWERS, check
from doorstroom.organisations.selectors import holds_role_in
from doorstroom.portfolio.mix import Stream

#: The path of an applicant's personal page; the token is ``link_token(application)``.
#: Interviews last between these numbers of minutes (as the model's validators).
DURATION = (10, 240)
#: Outcomes that end the application.
ENDING_OUTCOMES = (InterviewOutcome.NEGATIVE, InterviewOutcome.NO_SHOW)


def _time(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")


def _locked_vacancy(vacancy: Vacancy) -> Vacancy:
    return (
        Vacancy.objects.select_for_update(of=("self",))
        .select_related("dwelling__complex", "dwelling__corporation")
        .get(pk=vacancy.pk)
    )


def _locked_slot(slot: InterviewSlot) -> InterviewSlot:
    found = (
        InterviewSlot.objects.select_for_update(of=("self",))
        .select_related(
            "vacancy__dwelling__complex", "vacancy__dwelling__corporation", "interviewer"
        )
        .filter(pk=slot.pk)
        .first()
    )
    if found is None:
        raise ValidationError(_("This interview slot no longer exists."))
    return found


def _clash(interviewer: Any, starts: dt.datetime) -> str:
    return _("%(interviewer)s already has an interview slot at %(time)s.") % {
        "interviewer": interviewer,
        "time": _time(starts),
    }


# --- slots ---------------------------------------------------------------------------------------


@transaction.atomic
def add_slots(
    *,
    acting_user: Any,
    vacancy: Vacancy,
    starts: Sequence[dt.datetime],
    duration_minutes: int,
    location: str,
    interviewer: Any,
) -> list[InterviewSlot]:
    """Offer interview slots for a regular-stream vacancy: each start a slot of
    ``duration_minutes`` at ``location`` with ``interviewer`` (letting staff of the corporation)."""
    check(acting_user, "lettings.let_vacancy", vacancy)
    vacancy = _locked_vacancy(vacancy)
    if vacancy.status != VacancyStatus.OPEN:
        raise ValidationError(_("This vacancy is closed."))
    if vacancy.stream != Stream.REGULAR:
        raise ValidationError(_("Introduction interviews are for regular-stream vacancies."))
    errors: dict[str, str] = {}
    location = location.strip()
    if not location:
        errors["location"] = _("Say where the interview takes place.")
    if not DURATION[0] <= duration_minutes <= DURATION[1]:
        errors["duration_minutes"] = _(
            "An interview takes between %(low)s and %(high)s minutes."
        ) % {"low": DURATION[0], "high": DURATION[1]}
    corporation = vacancy.dwelling.corporation
    if interviewer is None or not (
        interviewer.is_active and holds_role_in(interviewer, corporation.pk, CORPORATION_ROLES)
    ):
        errors["interviewer"] = _(
            "The interviewer is a mixed-living manager or letting officer of %(corporation)s."
        ) % {"corporation": corporation}
    now = timezone.now()
    if not starts:
        errors["starts"] = _("Give at least one starting time.")
    elif any(start <= now for start in starts):
        past = min(starts)
        errors["starts"] = _("%(time)s has passed: offer only times in the future.") % {
            "time": _time(past)
        }
    elif len(set(starts)) != len(starts):
        errors["starts"] = _("Each starting time can be given once.")
    if errors:
        raise ValidationError(errors)
    length = dt.timedelta(minutes=duration_minutes)
    ordered = sorted(starts)
    for earlier, later in itertools.pairwise(ordered):
        if earlier + length > later:
            raise ValidationError(
                {
                    "starts": _("The slots at %(first)s and %(second)s overlap.")
                    % {"first": _time(earlier), "second": _time(later)}
                }
            )
    # Slots of the same interviewer that overlap a new one (any vacancy): one person, one place.
    window = InterviewSlot.objects.filter(
        interviewer=interviewer,
        starts_at__lt=ordered[-1] + length,
        starts_at__gt=ordered[0] - dt.timedelta(minutes=DURATION[1]),
    )
    for existing in window:
        existing_end = existing.starts_at + dt.timedelta(minutes=existing.duration_minutes)
        for start in ordered:
            if start < existing_end and existing.starts_at < start + length:
                raise ValidationError({"starts": _clash(interviewer, existing.starts_at)})
    slots = []
    for start in ordered:
        slot = InterviewSlot(
            vacancy=vacancy,
            starts_at=start,
            duration_minutes=duration_minutes,
            location=location,
            interviewer=interviewer,
        )
        try:
            with transaction.atomic():
                slot.save()
        except IntegrityError as exc:  # added by someone else at the same moment
            raise ValidationError({"starts": _clash(interviewer, start)}) from exc
        record_saved(actor=acting_user, organisation=corporation, obj=slot, before=None)
        slots.append(slot)
    return slots


@transaction.atomic
def cancel_slot(*, acting_user: Any, slot: InterviewSlot) -> None:
    """Take back a slot nobody has booked."""
    check(acting_user, "lettings.let_vacancy", slot)
    slot = _locked_slot(slot)
    if slot.application_id is not None:
        raise ValidationError(
            _("A candidate has booked this slot; it can no longer be cancelled here.")
        )
    record(
        actor=acting_user,
        action=AuditAction.DELETE,
        organisation=slot.vacancy.dwelling.corporation,
        obj=slot,
        changes={
            name: (value, None)
            for name, value in snapshot_fields(slot).items()
            if name not in ("id", "notes")
        },
    )
    slot.delete()


# --- inviting and booking ------------------------------------------------------------------------


def _free_slots(vacancy_id: int) -> QuerySet[InterviewSlot]:
    return InterviewSlot.objects.filter(
        vacancy_id=vacancy_id, application__isnull=True, starts_at__gt=timezone.now()
    ).order_by("starts_at", "pk")


@transaction.atomic
def invite(*, acting_user: Any, application: Application) -> Application:
    """Invite a candidate scored by two staff members for an introduction interview: they get an
    e-mail with their personal link, where they pick one of the free slots."""
    check(acting_user, "lettings.let_vacancy", application)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("vacancy__dwelling__complex", "vacancy__dwelling__corporation")
        .get(pk=application.pk)
    )
    vacancy = application.vacancy
    if vacancy.status != VacancyStatus.OPEN:
        raise ValidationError(_("This vacancy is closed."))
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.INVITED):
        raise ValidationError(
            _("This application is no longer in the running (%(status)s).")
            % {"status": application.get_status_display()}
        )
    if (
        application.status == ApplicationStatus.INVITED
        or InterviewSlot.objects.filter(application=application).exists()
    ):
        raise ValidationError(_("This candidate has already been invited for an interview."))
    if application.reviews.count() < REVIEWERS:
        raise ValidationError(
            _("Invite a candidate once two staff members have scored the motivation.")
        )
    free = _free_slots(vacancy.pk).count()
    if not free:
        raise ValidationError(
            _("There are no free interview slots for this vacancy: add slots first.")
        )
    before = snapshot_fields(application)
    application.status = ApplicationStatus.INVITED
    application.save(update_fields=["status"])
    record_saved(
        actor=acting_user,
        organisation=vacancy.dwelling.corporation,
        obj=application,
        before=before,
    )
    send_after_commit(
        "interview_invitation",
        {
            "name": application.full_name,
            "address": vacancy.dwelling.address,
            "complex_name": vacancy.dwelling.complex.name,
            "corporation": vacancy.dwelling.corporation.name,
            "link": applicant_link(application),
            "free_slots": free,
        },
        [application.email],
    )
    return application


def bookable_slots(application: Application) -> QuerySet[InterviewSlot]:
    """The free future slots an invited candidate can pick (none once they have one)."""
    if application.status != ApplicationStatus.INVITED:
        return InterviewSlot.objects.none()
    if InterviewSlot.objects.filter(application=application).exists():
        return InterviewSlot.objects.none()
    return _free_slots(application.vacancy_id).select_related("interviewer")


@transaction.atomic
def book_slot(
    *,
    application: Application,
    slot: InterviewSlot,
    acting_user: Any = None,
) -> InterviewSlot:
    """The candidate (``acting_user=None``, through their personal link) or letting staff for them
    book an interview slot. Both the candidate and the interviewer get an .ics invitation."""
    if acting_user is not None:
        check(acting_user, "lettings.let_vacancy", application)
    # Lock the application first (one slot per application), then the slot (one candidate per
    # slot): always in this order, so two bookings cannot wait for each other.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("vacancy__dwelling__complex")
        .get(pk=application.pk)
    )
    slot = _locked_slot(slot)
    if slot.vacancy_id != application.vacancy_id:
        raise ValidationError(_("This interview slot is not for the dwelling you applied for."))
    if application.status != ApplicationStatus.INVITED:
        raise ValidationError(
            _("You can choose an interview time once you are invited for an interview.")
        )
    if InterviewSlot.objects.filter(application=application).exists():
        raise ValidationError(_("You have already chosen a time for your interview."))
    if slot.application_id is not None:
        raise ValidationError(
            _("This time has just been chosen by someone else. Please choose another time.")
        )
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("This time has passed. Please choose another time."))
    before = snapshot_fields(slot)
    slot.application = application
    slot.booked_at = timezone.now()
    try:
        with transaction.atomic():
            slot.save(update_fields=["application", "booked_at"])
    except IntegrityError as exc:
        raise ValidationError(_("You have already chosen a time for your interview.")) from exc
    corporation = slot.vacancy.dwelling.corporation
    record_saved(actor=acting_user, organisation=corporation, obj=slot, before=before)
    dwelling = slot.vacancy.dwelling
    context = {
        "name": application.full_name,
        "address": dwelling.address,
        "complex_name": dwelling.complex.name,
        "corporation": corporation.name,
        "starts_at": timezone.localtime(slot.starts_at),
        "ends_at": timezone.localtime(slot.starts_at) + dt.timedelta(minutes=slot.duration_minutes),
        "duration": slot.duration_minutes,
        "location": slot.location,
        "interviewer": str(slot.interviewer),
    }
    attachment = interview_attachment(slot, application)
    send_after_commit(
        "interview_booked",
        {**context, "link": applicant_link(application)},
        [application.email],
        [attachment],
    )
    if slot.interviewer.email:
        send_after_commit(
            "interview_booked_staff",
            {
                **context,
                "link": site_url(reverse("selection:application", args=[application.pk])),
            },
            [slot.interviewer.email],
            [attachment],
        )
    return slot


# --- the outcome ---------------------------------------------------------------------------------


@transaction.atomic
def record_outcome(
    *, acting_user: Any, slot: InterviewSlot, outcome: str, notes: str = ""
) -> InterviewSlot:
    """Record how the interview went (positive, doubt, negative, or that the candidate did not
    show up) once it has started. A negative outcome or a no-show ends the application; a
    correction is allowed and audited (a corrected negative puts the candidate back)."""
    check(acting_user, "lettings.score_application", slot)
    slot = _locked_slot(slot)
    if outcome not in InterviewOutcome.values:
        raise ValidationError({"outcome": _("Choose positive, doubt, negative or no-show.")})
    if slot.application_id is None:
        raise ValidationError(_("Nobody has booked this slot: there is no outcome to record."))
    if timezone.now() < slot.starts_at:
        raise ValidationError(
            _("The interview starts at %(time)s; record the outcome afterwards.")
            % {"time": _time(slot.starts_at)}
        )
    application = Application.objects.select_for_update(of=("self",)).get(pk=slot.application_id)
    ends = outcome in ENDING_OUTCOMES
    if application.status in (ApplicationStatus.OFFERED, ApplicationStatus.ALLOCATED) and ends:
        raise ValidationError(
            _("This candidate has already been offered the dwelling; withdraw the offer first.")
        )
    notes = notes.strip()
    if len(notes) > 5000:
        raise ValidationError({"notes": _("Keep the notes under 5000 characters.")})
    corporation = slot.vacancy.dwelling.corporation
    before = snapshot_fields(slot)
    slot.outcome = outcome
    slot.notes = notes
    slot.outcome_recorded_by = acting_user
    slot.outcome_recorded_at = timezone.now()
    slot.save(update_fields=["outcome", "notes", "outcome_recorded_by", "outcome_recorded_at"])
    record_saved(actor=acting_user, organisation=corporation, obj=slot, before=before)

    before_application = snapshot_fields(application)
    previous = before.get("outcome")
    if ends and application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.INVITED):
        application.status = ApplicationStatus.NOT_SELECTED
        application.ended_at = timezone.now()
    elif (
        not ends
        and previous in ENDING_OUTCOMES
        and application.status == ApplicationStatus.NOT_SELECTED
        and slot.vacancy.status == VacancyStatus.OPEN
    ):
        # The earlier outcome ended the application; the correction puts the candidate back.
        application.status = ApplicationStatus.INVITED
        application.ended_at = None
    if snapshot_fields(application) != before_application:
        application.save(update_fields=["status", "ended_at"])
        record_saved(
            actor=acting_user, organisation=corporation, obj=application, before=before_application
        )
    return slot


def may_record_outcome(slot: InterviewSlot | None, *, now: dt.datetime | None = None) -> bool:
    """Whether the outcome form applies: a booked slot whose time has come."""
    return (
        slot is not None
        and slot.application_id is not None
        and (now or timezone.now()) >= slot.starts_at
    )
