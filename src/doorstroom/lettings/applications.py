"""Applications of regular home seekers for an advertised vacancy, without an account: applying,
confirming the e-mail address through the personal link, and withdrawing.

The applicant acts through their secret link, so these services take no ``acting_user``: the
audit trail records the applicant as "applicant" (never by name). Selection, interviews and
offers continue in their own modules.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doorstroom.audit.services import saved_event, snapshot_fields
from doorstroom.lettings.links import applicant_link
from doorstroom.lettings.mail import send_after_commit
from doorstroom.lettings.models import (
    Application,
    ApplicationStatus,
    ContributionKind,
    InterviewSlot,
    Offer,
    OfferStatus,
    Vacancy,
)
from doorstroom.lettings.vacancies import policy_for

logger = logging.getLogger(__name__)

#: How the audit trail names an applicant acting through their personal link (never by name).
APPLICANT_ACTOR = "applicant (personal link)"
MOTIVATION_FIELDS = ("motivation_why", "motivation_bring", "motivation_experience")
PLEDGE_HOURS = (1, 40)
MAX_INCOME = Decimal("9999999")

# Dutch amounts: "32.500", "32.500,50", "32500,50", "32.500,-"; also "32500.50" (a decimal point
# followed by one or two digits cannot be a Dutch thousands separator).
_DUTCH_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$")
_DUTCH_PLAIN = re.compile(r"^\d+(,\d{1,2})?$")
_DECIMAL_POINT = re.compile(r"^\d+\.\d{1,2}$")


def parse_amount(text: str) -> Decimal:
    """An amount of euros as people write it in Dutch; ValidationError when it is no number."""
    value = "".join(str(text).split()).removeprefix("€").removeprefix("EUR")
    value = value.removesuffix(",-").removesuffix(",--")
    if _DUTCH_GROUPED.match(value):
        normal = value.replace(".", "").replace(",", ".")
    elif _DUTCH_PLAIN.match(value):
        normal = value.replace(",", ".")
    elif _DECIMAL_POINT.match(value):
        normal = value
    else:
        raise ValidationError(
            _("Fill in the amount in euros as a number, for example 32.500 or 32500,50."),
            code="not_a_number",
        )
    try:
        amount = Decimal(normal)
    except InvalidOperation as exc:  # pragma: no cover - the patterns only let digits through
        raise ValidationError(
            _("Fill in the amount in euros as a number."), code="invalid"
        ) from exc
    if amount > MAX_INCOME:
        raise ValidationError(
            _("That amount is too high: fill in the gross income per year."), code="max_value"
        )
    return amount


def written_length(text: str) -> int:
    """Characters of an answer as it counts for the minimum: runs of spaces count once."""
    return len(" ".join(str(text).split()))


def motivation_error(text: str, min_chars: int) -> str | None:
    """The message for an answer shorter than the complex's minimum, or None."""
    count = written_length(text)
    if count >= min_chars:
        return None
    return ngettext(
        "Write at least %(min)s characters; you wrote %(count)s character.",
        "Write at least %(min)s characters; you wrote %(count)s characters.",
        count,
    ) % {"min": min_chars, "count": count}


def _date(day: dt.date) -> str:
    return formats.date_format(day, "j F Y")


def closed_message(vacancy: Vacancy) -> str:
    if vacancy.advert_deadline is not None and vacancy.status == "open":
        return _("Applications for this dwelling closed on %(date)s.") % {
            "date": _date(vacancy.advert_deadline)
        }
    return _("Applications for this dwelling are closed.")


def _locked_vacancy(vacancy_id: int) -> Vacancy:
    return (
        Vacancy.objects.select_for_update(of=("self",))
        .select_related("dwelling__complex", "dwelling__corporation")
        .get(pk=vacancy_id)
    )


def _audit(application: Application, before: dict[str, Any] | None, obj: Any = None) -> None:
    event = saved_event(
        actor=None,
        actor_label=APPLICANT_ACTOR,
        organisation=application.vacancy.dwelling.corporation,
        obj=obj if obj is not None else application,
        before=before,
    )
    if event is not None:
        event.save()


def _check_answers(
    *,
    min_chars: int,
    full_name: str,
    answers: dict[str, str],
    pledge_kinds: Iterable[str],
    pledge_hours: int | None,
    registration_date: dt.date | None,
    day: dt.date,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not full_name.strip():
        errors["full_name"] = [_("Fill in your name.")]
    for field, text in answers.items():
        message = motivation_error(text, min_chars)
        if message:
            errors[field] = [message]
    kinds = list(pledge_kinds)
    if not kinds:
        errors["pledge_kinds"] = [_("Choose at least one way you will contribute.")]
    elif any(kind not in ContributionKind.values for kind in kinds):
        errors["pledge_kinds"] = [_("Choose from the list.")]
    if pledge_hours is None or not PLEDGE_HOURS[0] <= pledge_hours <= PLEDGE_HOURS[1]:
        errors["pledge_hours"] = [
            _("Fill in between %(min)s and %(max)s hours a month.")
            % {"min": PLEDGE_HOURS[0], "max": PLEDGE_HOURS[1]}
        ]
    if registration_date is not None and registration_date > day:
        errors["registration_date"] = [_("The registration date cannot be in the future.")]
    return errors


def _duplicate() -> ValidationError:
    return ValidationError(
        {
            "email": ValidationError(
                _(
                    "You have already applied for this dwelling with this e-mail address. "
                    "Use the link in the e-mail we sent you to see or withdraw your application."
                ),
                code="duplicate",
            )
        }
    )


@transaction.atomic
def apply(
    *,
    vacancy: Vacancy,
    email: str,
    full_name: str,
    phone: str = "",
    adults: int = 1,
    children: int = 0,
    senior_household: bool = False,
    gross_income: Decimal,
    registration_date: dt.date,
    registration_number: str = "",
    motivation_why: str,
    motivation_bring: str,
    motivation_experience: str,
    pledge_kinds: Iterable[str],
    pledge_text: str = "",
    pledge_hours: int,
    today: dt.date | None = None,
) -> Application:
    """A home seeker applies for an advertised vacancy. The application counts once they confirm
    their e-mail address through the link we send them (see :func:`verify`)."""
    day = today or timezone.localdate()
    vacancy = _locked_vacancy(vacancy.pk)
    if not vacancy.accepts_applications(day):
        raise ValidationError(closed_message(vacancy), code="closed")
    email = email.strip().lower()
    if Application.objects.filter(vacancy=vacancy, email__iexact=email).exists():
        raise _duplicate()
    policy = policy_for(vacancy.dwelling.complex)
    answers = {
        "motivation_why": motivation_why.strip(),
        "motivation_bring": motivation_bring.strip(),
        "motivation_experience": motivation_experience.strip(),
    }
    kinds = list(dict.fromkeys(pledge_kinds))
    errors = _check_answers(
        min_chars=policy.motivation_min_chars,
        full_name=full_name,
        answers=answers,
        pledge_kinds=kinds,
        pledge_hours=pledge_hours,
        registration_date=registration_date,
        day=day,
    )
    application = Application(
        vacancy=vacancy,
        email=email,
        full_name=full_name.strip(),
        phone=phone.strip(),
        adults=adults,
        children=children,
        senior_household=senior_household,
        gross_income=gross_income,
        registration_date=registration_date,
        registration_number=registration_number.strip(),
        pledge_kinds=kinds,
        pledge_text=pledge_text.strip(),
        pledge_hours=pledge_hours,
        status=ApplicationStatus.UNVERIFIED,
        **answers,
    )
    try:
        application.full_clean(exclude=list(errors), validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # the same address applied at the same moment
        raise _duplicate() from exc
    _audit(application, None)
    send_after_commit(
        "application_confirm",
        {
            "full_name": application.full_name,
            "address": _public_address(vacancy),
            "complex_name": vacancy.dwelling.complex.name,
            "deadline": vacancy.advert_deadline,
            "link": applicant_link(application),
        },
        [application.email],
    )
    logger.info("application %s received for vacancy %s", application.pk, vacancy.pk)
    return application


def _public_address(vacancy: Vacancy) -> str:
    dwelling = vacancy.dwelling
    number = f"{dwelling.house_number}"
    if dwelling.house_number_addition:
        number += f"-{dwelling.house_number_addition}"
    return f"{dwelling.street} {number}, {dwelling.city}"


def _locked_application(application: Application) -> Application:
    # The vacancy first, then the application: the order every letting service locks in.
    _locked_vacancy(application.vacancy_id)
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("vacancy__dwelling__complex", "vacancy__dwelling__corporation")
        .get(pk=application.pk)
    )


@transaction.atomic
def verify(*, application: Application, today: dt.date | None = None) -> Application:
    """The applicant opened their personal link: their e-mail address is confirmed and the
    application counts. A link first opened after the deadline does not make it count."""
    day = today or timezone.localdate()
    application = _locked_application(application)
    if application.status != ApplicationStatus.UNVERIFIED:
        return application
    vacancy = application.vacancy
    if not vacancy.accepts_applications(day):
        raise ValidationError(
            _(
                "You did not confirm your e-mail address before applications closed, "
                "so your application does not count."
            ),
            code="closed",
        )
    before = snapshot_fields(application)
    application.verified_at = timezone.now()
    application.status = ApplicationStatus.SUBMITTED
    application.save(update_fields=["verified_at", "status"])
    _audit(application, before)
    logger.info("application %s confirmed", application.pk)
    return application


@transaction.atomic
def withdraw(*, application: Application) -> Application:
    """The applicant withdraws through their link. A booked interview that has not taken place
    is freed for another candidate; an open offer must be answered instead."""
    application = _locked_application(application)
    if Offer.objects.filter(application=application, status=OfferStatus.OFFERED).exists():
        raise ValidationError(
            _(
                "The dwelling is on offer to you. Accept or refuse the offer instead of "
                "withdrawing your application."
            ),
            code="offer_open",
        )
    if application.status == ApplicationStatus.ALLOCATED:
        raise ValidationError(
            _(
                "The dwelling has been allocated to you. Contact the corporation if you no "
                "longer want it."
            ),
            code="allocated",
        )
    if application.status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.NOT_SELECTED):
        raise ValidationError(_("Your application has already ended."), code="ended")
    slot = (
        InterviewSlot.objects.select_for_update()
        .filter(application=application, outcome="")
        .first()
    )
    if slot is not None:
        slot_before = snapshot_fields(slot)
        slot.application = None
        slot.booked_at = None
        slot.save(update_fields=["application", "booked_at"])
        _audit(application, slot_before, obj=slot)
    before = snapshot_fields(application)
    application.status = ApplicationStatus.WITHDRAWN
    application.ended_at = timezone.now()
    application.save(update_fields=["status", "ended_at"])
    _audit(application, before)
    send_after_commit(
        "application_withdrawn",
        {
            "full_name": application.full_name,
            "address": _public_address(application.vacancy),
            "complex_name": application.vacancy.dwelling.complex.name,
        },
        [application.email],
    )
    logger.info("application %s withdrawn", application.pk)
    return application
