"""Vacancies: opened when a dwelling becomes free, given a stream by rule, overridden with a reason,
and advertised (regular stream). The stream rule itself lives in portfolio/mix.py; this module adds
the vacancies already on their way to the care stream, so two vacancies do not fill one gap twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved, snapshot_fields
from doorstroom.lettings.models import (
    ACTIVE_STATUSES,
    DEFAULT_CRITERIA,
    ApplicationStatus,
    LettingPolicy,
    RubricCriterion,
    Vacancy,
    VacancyCause,
    VacancyStatus,
)
from doorstroom.organisations.access import require_permission as check
from doorstroom.portfolio.mix import Mix, Stream, mix_of
from doorstroom.portfolio.models import Complex, Dwelling


def policy_for(complex_: Complex) -> LettingPolicy:
    """The complex's letting policy, created with the default rubric the first time it is asked."""
    policy, created = LettingPolicy.objects.get_or_create(complex=complex_)
    if created:
        RubricCriterion.objects.bulk_create(
            RubricCriterion(policy=policy, name=str(name), description=str(text), position=i)
            for i, (name, text) in enumerate(DEFAULT_CRITERIA)
        )
    return policy


@dataclass(frozen=True)
class StreamProposal:
    stream: str
    reason: str


def propose_stream(complex_: Complex, *, exclude: Vacancy | None = None) -> StreamProposal:
    """The stream for the next vacancy in ``complex_``, counting open care-stream vacancies as
    already filling the agreement's gap and the mix."""
    mix = mix_of(complex_)
    pending = Vacancy.objects.open().filter(dwelling__complex=complex_, stream=Stream.CARE)
    if exclude is not None:
        pending = pending.exclude(pk=exclude.pk)
    pending_care = pending.count()
    projected = Mix(
        dwellings=mix.dwellings,
        care_leased=mix.care_leased + pending_care,
        labelled=mix.labelled,
        promised=mix.promised,
        target=mix.target,
        tolerance=mix.tolerance,
    )
    stream, reason = projected.next_vacancy()
    if pending_care:
        counted = _("(%(n)s open care-stream vacancies counted as filled.)") % {"n": pending_care}
        reason = f"{reason} {counted}"
    return StreamProposal(stream=stream, reason=reason)


def rebalance(complex_: Complex, vacancies: int = 6) -> list[StreamProposal]:
    """How the next ``vacancies`` vacancies would re-balance the mix, if each comes from a regular
    tenancy and each care-stream vacancy is leased to the care provider."""
    mix = mix_of(complex_)
    pending_care = Vacancy.objects.open().filter(dwelling__complex=complex_, stream=Stream.CARE)
    care_leased = mix.care_leased + pending_care.count()
    proposals = []
    for _i in range(vacancies):
        projected = Mix(
            dwellings=mix.dwellings,
            care_leased=care_leased,
            labelled=mix.labelled,
            promised=mix.promised,
            target=mix.target,
            tolerance=mix.tolerance,
        )
        stream, reason = projected.next_vacancy()
        proposals.append(StreamProposal(stream=stream, reason=reason))
        if stream == Stream.CARE:
            care_leased += 1
    return proposals


@transaction.atomic
def open_vacancy(
    *,
    acting_user: Any,
    dwelling: Dwelling,
    available_from: dt.date,
    cause: str = VacancyCause.OTHER,
) -> Vacancy:
    """Open a vacancy for a dwelling with the proposed stream; one open vacancy per dwelling."""
    check(acting_user, "portfolio.change_dwelling", dwelling.complex)
    dwelling = Dwelling.objects.select_for_update().select_related("complex").get(pk=dwelling.pk)
    if Vacancy.objects.open().filter(dwelling=dwelling).exists():
        raise ValidationError(_("This dwelling already has an open vacancy."))
    proposal = propose_stream(dwelling.complex)
    vacancy = Vacancy(
        dwelling=dwelling,
        cause=cause,
        available_from=available_from,
        stream=proposal.stream,
        proposed_stream=proposal.stream,
        proposal_reason=proposal.reason,
    )
    vacancy.full_clean()
    try:
        with transaction.atomic():
            vacancy.save()
    except IntegrityError as exc:
        raise ValidationError(_("This dwelling already has an open vacancy.")) from exc
    record_saved(actor=acting_user, organisation=dwelling.corporation, obj=vacancy, before=None)
    return vacancy


def _locked(vacancy: Vacancy) -> Vacancy:
    return (
        Vacancy.objects.select_for_update(of=("self",))
        .select_related("dwelling__complex", "dwelling__corporation")
        .get(pk=vacancy.pk)
    )


@transaction.atomic
def choose_stream(*, acting_user: Any, vacancy: Vacancy, stream: str, reason: str = "") -> Vacancy:
    """The manager keeps the proposed stream or chooses the other one with a reason (audited)."""
    check(acting_user, "lettings.choose_stream", vacancy)
    vacancy = _locked(vacancy)
    if vacancy.status != VacancyStatus.OPEN:
        raise ValidationError(_("This vacancy is closed."))
    if stream not in Stream.values:
        raise ValidationError({"stream": _("Choose the care stream or the regular stream.")})
    if vacancy.offers.exists() or vacancy.applications.exists():
        raise ValidationError(
            _("Candidates have applied or received an offer: the stream can no longer change.")
        )
    reason = reason.strip()
    if stream != vacancy.proposed_stream and not reason:
        raise ValidationError({"reason": _("Give the reason for choosing the other stream.")})
    before = snapshot_fields(vacancy)
    vacancy.stream = stream
    vacancy.override_reason = reason if stream != vacancy.proposed_stream else ""
    vacancy.overridden_by = acting_user if stream != vacancy.proposed_stream else None
    if stream == Stream.CARE:
        vacancy.advert_published_at = None
        vacancy.advert_deadline = None
    vacancy.full_clean()
    vacancy.save()
    record_saved(
        actor=acting_user, organisation=vacancy.dwelling.corporation, obj=vacancy, before=before
    )
    return vacancy


@transaction.atomic
def publish_advert(
    *,
    acting_user: Any,
    vacancy: Vacancy,
    deadline: dt.date | None = None,
    text: str = "",
    today: dt.date | None = None,
) -> Vacancy:
    """Publish a regular-stream vacancy on the public advert page until ``deadline``."""
    check(acting_user, "lettings.let_vacancy", vacancy)
    vacancy = _locked(vacancy)
    day = today or timezone.localdate()
    if vacancy.status != VacancyStatus.OPEN:
        raise ValidationError(_("This vacancy is closed."))
    if vacancy.stream != Stream.REGULAR:
        raise ValidationError(_("Only a regular-stream vacancy is advertised."))
    if deadline is None:
        deadline = day + dt.timedelta(days=policy_for(vacancy.dwelling.complex).advert_days)
    if deadline < day:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    before = snapshot_fields(vacancy)
    vacancy.advert_deadline = deadline
    vacancy.advert_text = text.strip()
    if vacancy.advert_published_at is None:
        vacancy.advert_published_at = timezone.now()
    vacancy.full_clean()
    vacancy.save()
    record_saved(
        actor=acting_user, organisation=vacancy.dwelling.corporation, obj=vacancy, before=before
    )
    return vacancy


@transaction.atomic
def cancel_vacancy(*, acting_user: Any, vacancy: Vacancy) -> Vacancy:
    """Close a vacancy without allocation (e.g. the dwelling goes to renovation or sale)."""
    check(acting_user, "lettings.choose_stream", vacancy)
    vacancy = _locked(vacancy)
    if vacancy.status != VacancyStatus.OPEN:
        raise ValidationError(_("This vacancy is closed."))
    if vacancy.offers.filter(status="AAN").exists():
        raise ValidationError(_("Withdraw the open offer first."))
    _close(vacancy, acting_user)
    return vacancy


def _close(vacancy: Vacancy, acting_user: Any) -> None:
    """Cancel a (locked) vacancy and end its applications that are still running: the applicants
    are told, and the retention job erases their data in time."""
    from doorstroom.lettings.links import applicant_link
    from doorstroom.lettings.mail import send_after_commit

    corporation = vacancy.dwelling.corporation
    before = snapshot_fields(vacancy)
    vacancy.status = VacancyStatus.CANCELLED
    vacancy.closed_at = timezone.now()
    vacancy.save(update_fields=["status", "closed_at"])
    record_saved(actor=acting_user, organisation=corporation, obj=vacancy, before=before)
    for application in vacancy.applications.filter(status__in=ACTIVE_STATUSES).select_for_update():
        before = snapshot_fields(application)
        application.status = ApplicationStatus.NOT_SELECTED
        application.ended_at = timezone.now()
        application.save(update_fields=["status", "ended_at"])
        record_saved(actor=acting_user, organisation=corporation, obj=application, before=before)
        send_after_commit(
            "vacancy_cancelled",
            {
                "name": application.full_name,
                "address": vacancy.dwelling.address,
                "corporation": corporation.name,
                "link": applicant_link(application),
            },
            [application.email],
        )


def on_dwelling_released(
    *, dwelling: Dwelling, available_from: dt.date, cause: str, acting_user: Any, **_kwargs: Any
) -> None:
    """A tenancy ended or a care lease was handed back: the dwelling gets a vacancy."""
    if not Vacancy.objects.open().filter(dwelling=dwelling).exists():
        open_vacancy(
            acting_user=None, dwelling=dwelling, available_from=available_from, cause=cause
        )


def on_dwelling_taken(*, dwelling: Dwelling, acting_user: Any, **_kwargs: Any) -> None:
    """A tenancy or lease started outside the letting process (e.g. recorded afterwards):
    the open vacancy is closed so nobody lets the dwelling twice."""
    for vacancy in (
        Vacancy.objects.open()
        .filter(dwelling=dwelling)
        .select_related("dwelling__corporation")
        .select_for_update(of=("self",))
    ):
        _close(vacancy, acting_user)
