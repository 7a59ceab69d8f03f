"""Offers (aanbiedingen): a vacancy goes to one candidate at a time, who accepts or refuses it
before a deadline; the corporation may withdraw it. Then the next candidate.

Regular stream: the candidate is an applicant of this vacancy whose introduction interview was
positive (or left doubt), and the affordability check (``lettings.affordability``) runs before the
offer is made. Care stream: the offer goes to the care provider for a client whose nomination the
placement meeting accepted. Accepting calls ``lettings.allocation.allocate`` in the same
transaction. Every action locks the vacancy row first, so actions on one dwelling run one after
the other, and the database keeps one open offer per vacancy.

Statuses are VERA AANBIEDINGSTATUS codes, reasons AANBIEDINGDETAILSTATUS codes (refusals under
GEW, withdrawals under ING) and the reason for a non-fitting allocation a PASSENDHEIDDETAILSOORT
code: all read from the reference data, never typed in here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.services import saved_event, snapshot_fields
from doorstroom.lettings import affordability
from doorstroom.lettings.links import applicant_link, site_url
from doorstroom.lettings.mail import send_after_commit
from doorstroom.lettings.models import (
    Affordability,
    Application,
    ApplicationStatus,
    InterviewOutcome,
    InterviewSlot,
    Nomination,
    NominationStatus,
    Offer,
    OfferStatus,
    Vacancy,
    VacancyStatus,
)
from doorstroom.lettings.vacancies import policy_for
from doorstroom.portfolio.mix import Stream
from doorstroom.portfolio.models import CareLease, CareLeaseAgreement, Dwelling, RegularTenancy
from doorstroom.portfolio.models import active_on as period_active_on
from doorstroom.reference.codes import current_names

DETAIL_LIST = "AANBIEDINGDETAILSTATUS"
REFUSAL_PARENT = "AANBIEDINGSTATUS.GEW"
WITHDRAWAL_PARENT = "AANBIEDINGSTATUS.ING"
NON_FITTING_LIST = "PASSENDHEIDDETAILSOORT"
#: AANBIEDINGDETAILSTATUS REA: the candidate did not respond within the response period.
EXPIRED = "REA"
#: AANBIEDINGDETAILSTATUS ONT: offered in error; the candidate stays in the running.
OFFERED_IN_ERROR = "ONT"
#: Application statuses in which a candidate can receive an offer.
OFFERABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.INVITED)
#: Interview outcomes after which a candidate can receive an offer.
INTERVIEW_OK = (InterviewOutcome.POSITIVE, InterviewOutcome.DOUBT)

#: The path of an applicant's personal page; the token is ``link_token(application)``.


# --- reference data ------------------------------------------------------------------------------


def refusal_reasons() -> list[tuple[str, str]]:
    """(code, Dutch name) of the current VERA reasons for refusing an offer."""
    return list(current_names(DETAIL_LIST, REFUSAL_PARENT).items())


def withdrawal_reasons() -> list[tuple[str, str]]:
    """(code, Dutch name) of the current VERA reasons for withdrawing an offer."""
    return list(current_names(DETAIL_LIST, WITHDRAWAL_PARENT).items())


def non_fitting_reasons() -> list[tuple[str, str]]:
    """(code, Dutch name) of the VERA reasons for a non-fitting allocation."""
    return list(current_names(NON_FITTING_LIST).items())


def reason_name(code: str) -> str:
    """The Dutch name of a refusal or withdrawal reason (the code itself when unknown)."""
    if not code:
        return ""
    return current_names(DETAIL_LIST).get(code, code)


def non_fitting_name(code: str) -> str:
    if not code:
        return ""
    return current_names(NON_FITTING_LIST).get(code, code)


# --- helpers -------------------------------------------------------------------------------------


def allowed(user: Any, permission: str, obj: Any) -> bool:
    """The rule itself: a platform administrator (superuser) is no party to a letting."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and rules.has_perm(permission, user, obj)
    )


def check_permission(acting_user: Any, permission: str, obj: Any) -> None:
    """``acting_user=None`` is the system, or the applicant through their personal link."""
    if acting_user is not None and not allowed(acting_user, permission, obj):
        raise PermissionDenied(_("You may not do this."))


def lock_vacancy(vacancy_id: int) -> Vacancy:
    """Lock the vacancy row: every offer and allocation of one dwelling waits for the previous."""
    return (
        Vacancy.objects.select_for_update(of=("self",))
        .select_related("dwelling__complex", "dwelling__corporation")
        .get(pk=vacancy_id)
    )


def reread_offer(offer: Offer) -> Offer:
    """The offer as it is now in the database (after the vacancy lock is held)."""
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related(
            "vacancy__dwelling__complex",
            "vacancy__dwelling__corporation",
            "application",
            "nomination__client",
            "nomination__agreement",
            "nomination__care_provider",
            "nomination__nominated_by",
            "offered_by",
        )
        .get(pk=offer.pk)
    )


def occupied_on(dwelling: Dwelling, day: dt.date) -> str | None:
    """Why the dwelling is not free on ``day`` (a contract that has not ended by then), or None."""
    open_or_later = Q(end_date__isnull=True) | Q(end_date__gt=day)
    if CareLease.objects.filter(open_or_later, dwelling=dwelling).exists():
        return _("This dwelling is occupied: it is leased to a care provider on that date.")
    if RegularTenancy.objects.filter(open_or_later, dwelling=dwelling).exists():
        return _("This dwelling is occupied: it is let to a tenant on that date.")
    return None


#: Who the audit trail names when nobody is logged in.
APPLICANT_LABEL = "applicant (personal link)"
SCHEDULER_LABEL = "scheduled task (expire_overdue_offers)"


def audit_saved(
    *, actor: Any, organisation: Any, obj: Any, before: dict[str, Any] | None, label: str = ""
) -> None:
    """``record_saved`` that names the applicant or the scheduler when ``actor`` is None."""
    event = saved_event(
        actor=actor,
        organisation=organisation,
        obj=obj,
        before=before,
        actor_label="" if actor is not None else label,
    )
    if event is not None:
        event.save()


def dwelling_context(offer: Offer) -> dict[str, Any]:
    dwelling = offer.vacancy.dwelling
    return {
        "offer": offer,
        "dwelling": dwelling,
        "address": dwelling.address,
        "complex_name": dwelling.complex.name,
        "corporation": dwelling.corporation.name,
        "net_rent": dwelling.net_rent,
        "service_costs": dwelling.service_costs,
        "total_rent": dwelling.net_rent + dwelling.service_costs,
        "start_date": offer.start_date,
        "respond_by": offer.respond_by,
    }


def save_application_status(
    application: Application, status: str, *, actor: Any, offer: Offer, label: str = ""
) -> None:
    before = snapshot_fields(application)
    application.status = status
    ended = status in (
        ApplicationStatus.NOT_SELECTED,
        ApplicationStatus.ALLOCATED,
        ApplicationStatus.WITHDRAWN,
    )
    application.ended_at = timezone.now() if ended else None
    application.save(update_fields=["status", "ended_at"])
    audit_saved(
        actor=actor,
        organisation=offer.vacancy.dwelling.corporation,
        obj=application,
        before=before,
        label=label,
    )


def one_open_offer() -> str:
    return _(
        "This dwelling is already on offer to a candidate: wait for the response or withdraw "
        "that offer first."
    )


# --- making an offer -----------------------------------------------------------------------------


@transaction.atomic
def make_offer(
    *,
    acting_user: Any,
    vacancy: Vacancy,
    application: Application | None = None,
    nomination: Nomination | None = None,
    start_date: dt.date,
    respond_by: dt.date | None = None,
    non_fitting_reason: str = "",
    today: dt.date | None = None,
) -> Offer:
    """Offer the vacancy to one applicant (regular stream) or one accepted nomination (care
    stream), with a response deadline and a proposed start date."""
    check_permission(acting_user, "lettings.let_vacancy", vacancy)
    day = today or timezone.localdate()
    vacancy = lock_vacancy(vacancy.pk)
    if vacancy.status != VacancyStatus.OPEN:
        raise ValidationError(_("This vacancy is closed."))
    if (application is None) == (nomination is None):
        raise ValidationError(_("Offer the dwelling to one applicant or to one nomination."))
    if vacancy.offers.filter(status=OfferStatus.OFFERED).exists():
        raise ValidationError(one_open_offer())
    if vacancy.stream == Stream.REGULAR and application is None:
        raise ValidationError(_("A dwelling in the regular stream is offered to an applicant."))
    if vacancy.stream == Stream.CARE and nomination is None:
        raise ValidationError(
            _("A dwelling in the care stream is offered to the care provider for a nomination.")
        )
    if respond_by is None:
        days = policy_for(vacancy.dwelling.complex).offer_response_days
        respond_by = day + dt.timedelta(days=days)
    errors: dict[str, str] = {}
    if respond_by < day:
        errors["respond_by"] = _("The response deadline cannot be in the past.")
    if start_date < respond_by:
        errors["start_date"] = _(
            "The tenancy cannot start before the response deadline (%(date)s)."
        ) % {"date": respond_by.strftime("%d-%m-%Y")}
    elif start_date < vacancy.available_from:
        errors["start_date"] = _(
            "The dwelling is available from %(date)s; the tenancy cannot start earlier."
        ) % {"date": vacancy.available_from.strftime("%d-%m-%Y")}
    if errors:
        raise ValidationError(errors)
    problem = occupied_on(vacancy.dwelling, start_date)
    if problem:
        raise ValidationError(problem)

    reason = ""
    if application is not None:
        application, reason = _check_applicant(
            vacancy, application, non_fitting_reason=non_fitting_reason, day=day
        )
    else:
        assert nomination is not None
        nomination = _check_nomination(vacancy, nomination, start_date=start_date, day=day)

    offer = Offer(
        vacancy=vacancy,
        application=application,
        nomination=nomination,
        respond_by=respond_by,
        start_date=start_date,
        non_fitting_reason=reason,
        offered_by=acting_user,
    )
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError as exc:  # another offer was made at the same moment
        raise ValidationError(one_open_offer()) from exc
    corporation = vacancy.dwelling.corporation
    audit_saved(actor=acting_user, organisation=corporation, obj=offer, before=None)
    context = dwelling_context(offer)
    if application is not None:
        save_application_status(
            application, ApplicationStatus.OFFERED, actor=acting_user, offer=offer
        )
        context.update({"name": application.full_name, "link": applicant_link(application)})
        send_after_commit("offer_made", context, [application.email])
    else:
        assert nomination is not None
        context.update(
            {
                "reference": nomination.client.reference,
                "care_provider": nomination.care_provider.name,
                "link": site_url(reverse("offers:care")),
            }
        )
        if nomination.nominated_by.email:
            send_after_commit("offer_made_care", context, [nomination.nominated_by.email])
    return offer


def _check_applicant(
    vacancy: Vacancy, application: Application, *, non_fitting_reason: str, day: dt.date
) -> tuple[Application, str]:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.vacancy_id != vacancy.pk:
        raise ValidationError(_("This applicant did not apply for this dwelling."))
    if application.status not in OFFERABLE:
        raise ValidationError(
            _("This application is no longer in the running (%(status)s).")
            % {"status": application.get_status_display()}
        )
    slot = InterviewSlot.objects.filter(application=application).first()
    if slot is None or slot.outcome not in INTERVIEW_OK:
        raise ValidationError(
            _(
                "Offer the dwelling only to a candidate whose introduction interview was "
                "positive or left doubt."
            )
        )
    result = affordability.check(
        household_size=application.household_size,
        senior=application.senior_household,
        income=application.gross_income,
        net_rent=vacancy.dwelling.net_rent,
        on=day,
    )
    reason = non_fitting_reason.strip()
    if result.code != Affordability.NOT_FITTING:
        return application, ""
    if not reason:
        raise ValidationError(
            {
                "non_fitting_reason": _(
                    "The rent does not fit this household's income: choose the reason for a "
                    "non-fitting allocation."
                )
            }
        )
    if reason not in dict(non_fitting_reasons()):
        raise ValidationError({"non_fitting_reason": _("Choose a reason from the list.")})
    return application, reason


def _check_nomination(
    vacancy: Vacancy, nomination: Nomination, *, start_date: dt.date, day: dt.date
) -> Nomination:
    nomination = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("client", "agreement", "care_provider", "nominated_by")
        .get(pk=nomination.pk)
    )
    if nomination.status != NominationStatus.ACCEPTED:
        raise ValidationError(
            _("Only a nomination the placement meeting accepted can be offered a dwelling.")
        )
    if nomination.complex_id != vacancy.dwelling.complex_id:
        raise ValidationError(_("This nomination is for another complex."))
    agreement = nomination.agreement
    runs = CareLeaseAgreement.objects.filter(pk=agreement.pk)
    for date in (day, start_date):
        if not runs.filter(period_active_on(date)).exists():
            raise ValidationError(
                _("The care provider's agreement for this complex does not run on %(date)s.")
                % {"date": date.strftime("%d-%m-%Y")}
            )
    leased = agreement.leases.filter(end_date__isnull=True).count()
    if leased >= agreement.dwellings_promised:
        raise ValidationError(
            _("All %(n)s dwellings of the care provider's agreement are leased already.")
            % {"n": agreement.dwellings_promised}
        )
    if Offer.objects.filter(nomination=nomination, status=OfferStatus.OFFERED).exists():
        raise ValidationError(_("This nomination already has an open offer for another dwelling."))
    return nomination


def open_offer_of(application: Application) -> Offer | None:
    """The applicant's offer that awaits their response, if any."""
    return (
        Offer.objects.filter(application=application, status=OfferStatus.OFFERED)
        .select_related("vacancy__dwelling__complex", "vacancy__dwelling__corporation")
        .first()
    )


# --- responding ----------------------------------------------------------------------------------


@transaction.atomic
def respond(
    *,
    acting_user: Any,
    offer: Offer,
    accept: bool,
    reason: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> Offer:
    """The candidate accepts or refuses. ``acting_user=None`` is the applicant through their
    personal link; staff record a response given by phone; for a care-stream offer the care
    provider's case worker or team lead responds. Accepting allocates the dwelling."""
    check_permission(acting_user, "lettings.respond_to_offer", offer)
    day = today or timezone.localdate()
    lock_vacancy(offer.vacancy_id)
    offer = reread_offer(offer)
    if offer.status != OfferStatus.OFFERED:
        raise ValidationError(
            _("This offer is no longer open: it was %(status)s.")
            % {"status": offer.get_status_display().lower()}
        )
    label = APPLICANT_LABEL
    before = snapshot_fields(offer)
    offer.responded_at = timezone.now()
    offer.responded_by = acting_user
    offer.response_note = note.strip()
    corporation = offer.vacancy.dwelling.corporation
    if accept:
        if day > offer.respond_by:
            raise ValidationError(
                _(
                    "The response period has expired: the offer had to be accepted by %(date)s. "
                    "Please contact the corporation."
                )
                % {"date": offer.respond_by.strftime("%d-%m-%Y")}
            )
        offer.save(update_fields=["responded_at", "responded_by", "response_note"])
        audit_saved(
            actor=acting_user, organisation=corporation, obj=offer, before=before, label=label
        )
        from doorstroom.lettings.allocation import allocate

        allocate(acting_user=acting_user, offer=offer, today=day, actor_label=label)
        offer.refresh_from_db()
        return offer
    reason = reason.strip()
    if reason not in dict(refusal_reasons()):
        raise ValidationError({"reason": _("Choose the reason for the refusal.")})
    offer.status = OfferStatus.REFUSED
    offer.detail_status = reason
    offer.save(
        update_fields=["status", "detail_status", "responded_at", "responded_by", "response_note"]
    )
    audit_saved(actor=acting_user, organisation=corporation, obj=offer, before=before, label=label)
    context = {**dwelling_context(offer), "reason": reason_name(reason)}
    if offer.application is not None:
        application = offer.application
        save_application_status(
            application, ApplicationStatus.NOT_SELECTED, actor=acting_user, offer=offer, label=label
        )
        context["name"] = application.full_name
        send_after_commit("offer_refused", context, [application.email])
    # A care provider who refuses keeps its accepted nomination: it can be offered another dwelling.
    return offer


@transaction.atomic
def withdraw_offer(
    *, acting_user: Any, offer: Offer, reason: str, note: str = "", actor_label: str = ""
) -> Offer:
    """The corporation withdraws an open offer (VERA reason under ING). ``actor_label`` names a
    system actor in the audit trail when ``acting_user`` is None."""
    check_permission(acting_user, "lettings.let_vacancy", offer.vacancy)
    lock_vacancy(offer.vacancy_id)
    offer = reread_offer(offer)
    if offer.status != OfferStatus.OFFERED:
        raise ValidationError(
            _("This offer is no longer open: it was %(status)s.")
            % {"status": offer.get_status_display().lower()}
        )
    reason = reason.strip()
    if reason not in dict(withdrawal_reasons()):
        raise ValidationError({"reason": _("Choose the reason for withdrawing the offer.")})
    before = snapshot_fields(offer)
    offer.status = OfferStatus.WITHDRAWN
    offer.detail_status = reason
    offer.response_note = note.strip()
    offer.save(update_fields=["status", "detail_status", "response_note"])
    audit_saved(
        actor=acting_user,
        organisation=offer.vacancy.dwelling.corporation,
        obj=offer,
        before=before,
        label=actor_label,
    )
    context = {**dwelling_context(offer), "reason": reason_name(reason)}
    if offer.application is not None:
        application = offer.application
        # Offered in error: the candidate did nothing wrong and stays in the running.
        status = (
            ApplicationStatus.INVITED
            if reason == OFFERED_IN_ERROR
            else ApplicationStatus.NOT_SELECTED
        )
        save_application_status(
            application, status, actor=acting_user, offer=offer, label=actor_label
        )
        context.update({"name": application.full_name, "link": applicant_link(application)})
        send_after_commit("offer_withdrawn", context, [application.email])
    elif offer.nomination is not None and offer.nomination.nominated_by.email:
        context.update({"reference": offer.nomination.client.reference})
        send_after_commit("offer_withdrawn_care", context, [offer.nomination.nominated_by.email])
    return offer


def expire_overdue_offers(*, today: dt.date) -> int:
    """Withdraw the open offers whose response deadline has passed (reason REA); returns how
    many. Safe to run again: offers already handled are skipped. Run daily by the scheduler."""
    overdue = Offer.objects.filter(status=OfferStatus.OFFERED, respond_by__lt=today).select_related(
        "vacancy"
    )
    withdrawn = 0
    for offer in overdue:
        try:
            withdraw_offer(
                acting_user=None, offer=offer, reason=EXPIRED, actor_label=SCHEDULER_LABEL
            )
        except ValidationError:  # answered or withdrawn meanwhile
            continue
        withdrawn += 1
    return withdrawn
