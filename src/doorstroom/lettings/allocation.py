"""Allocation (toewijzing): an accepted offer gives the dwelling to its candidate.

Regular stream: the tenancy starts in the applicant's name. Care stream: the dwelling is leased to
the care provider under its agreement and the client is placed in it. The allocation records the
affordability result with the limits used, the other candidates hear kindly that they were not
selected, and the allocation letter (PDF) goes out by e-mail once the transaction has committed.

No double allocation: ``allocate`` locks the vacancy row before anything else and re-reads the
offer under that lock, so of many simultaneous acceptances one allocates and the others find the
offer taken; the database adds one open offer and one allocated offer per vacancy, one allocation
per vacancy, and one open tenancy or lease per dwelling.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from doorstroom.audit.services import snapshot_fields
from doorstroom.lettings import affordability
from doorstroom.lettings.letters import LETTER_FILENAME_PREFIX, allocation_letter_pdf, allocations
from doorstroom.lettings.links import applicant_link
from doorstroom.lettings.mail import Attachment, send_after_commit
from doorstroom.lettings.models import (
    ACTIVE_STATUSES,
    Affordability,
    Allocation,
    ApplicationStatus,
    NominationStatus,
    Offer,
    OfferStatus,
    VacancyStatus,
)
from doorstroom.lettings.offers import (
    audit_saved,
    check_permission,
    dwelling_context,
    lock_vacancy,
    occupied_on,
    reread_offer,
    save_application_status,
)
from doorstroom.portfolio import services as portfolio
from doorstroom.portfolio.models import CareLease, RegularTenancy
from doorstroom.tenancies.services import start_placement


@transaction.atomic
def allocate(
    *, acting_user: Any, offer: Offer, today: dt.date | None = None, actor_label: str = ""
) -> Allocation:
    """Allocate the dwelling of an open offer to its candidate and start the contract.
    ``actor_label`` names the actor in the audit trail when ``acting_user`` is None (e.g. the
    applicant through their personal link)."""
    check_permission(acting_user, "lettings.respond_to_offer", offer)
    day = today or timezone.localdate()
    vacancy = lock_vacancy(offer.vacancy_id)  # first: this serialises every allocation
    offer = reread_offer(offer)
    if vacancy.status != VacancyStatus.OPEN:
        raise ValidationError(
            _("This dwelling has already been allocated or its vacancy is closed.")
        )
    if offer.status != OfferStatus.OFFERED:
        raise ValidationError(
            _("This offer is no longer open: it was %(status)s.")
            % {"status": offer.get_status_display().lower()}
        )
    dwelling = vacancy.dwelling
    corporation = dwelling.corporation
    problem = occupied_on(dwelling, offer.start_date)
    if problem:
        raise ValidationError(problem)

    def audit(obj: Any, before: dict[str, Any] | None) -> None:
        audit_saved(
            actor=acting_user, organisation=corporation, obj=obj, before=before, label=actor_label
        )

    application = offer.application
    nomination = offer.nomination
    if application is not None and application.status != ApplicationStatus.OFFERED:
        raise ValidationError(
            _("This application is no longer in the running (%(status)s).")
            % {"status": application.get_status_display()}
        )
    if nomination is not None and nomination.status != NominationStatus.ACCEPTED:
        raise ValidationError(
            _("The nomination is no longer accepted (%(status)s).")
            % {"status": nomination.get_status_display()}
        )
    with translation.override(settings.LANGUAGE_CODE):  # the explanation is stored in Dutch
        if application is not None:
            result = affordability.check(
                household_size=application.household_size,
                senior=application.senior_household,
                income=application.gross_income,
                net_rent=dwelling.net_rent,
                on=day,
            )
        else:
            result = affordability.not_applicable_for_care_lease()
    detail = offer.non_fitting_reason if result.code == Affordability.NOT_FITTING else ""
    if result.code == Affordability.NOT_FITTING and not detail:
        raise ValidationError(
            _(
                "The rent no longer fits this household's income (the limits changed after the "
                "offer was made): withdraw the offer and make it again with a reason for a "
                "non-fitting allocation."
            )
        )

    # Close the vacancy before the contract starts: the portfolio announces a started contract
    # and lettings.vacancies.on_dwelling_taken then cancels the dwelling's *open* vacancies.
    before = snapshot_fields(vacancy)
    vacancy.status = VacancyStatus.ALLOCATED
    vacancy.closed_at = timezone.now()
    vacancy.save(update_fields=["status", "closed_at"])
    audit(vacancy, before)

    tenancy: RegularTenancy | None = None
    lease: CareLease | None = None
    try:
        # The portfolio services run as the system (acting_user=None): only the manager may
        # change dwellings there; the allocation below records who really acted.
        if application is not None:
            tenancy = portfolio.start_regular_tenancy(
                acting_user=None,
                dwelling=dwelling,
                tenant_name=application.full_name,
                start_date=offer.start_date,
            )
        else:
            assert nomination is not None
            lease = portfolio.lease_dwelling(
                acting_user=None,
                agreement=nomination.agreement,
                dwelling=dwelling,
                start_date=offer.start_date,
            )
            start_placement(
                acting_user=None,
                dwelling=dwelling,
                client_ref=nomination.client.reference,
                start_date=offer.start_date,
            )
    except ValidationError as exc:
        raise ValidationError(exc.messages) from exc

    allocation = Allocation(
        vacancy=vacancy,
        offer=offer,
        start_date=offer.start_date,
        net_rent=dwelling.net_rent,
        household_size=application.household_size if application is not None else None,
        affordability=result.code,
        affordability_detail=detail,
        affordability_explanation=result.explanation,
        limits=result.limits,
        regular_tenancy=tenancy,
        care_lease=lease,
        allocated_by=acting_user,
    )
    allocation.save()
    audit(allocation, None)

    before = snapshot_fields(offer)
    offer.status = OfferStatus.ALLOCATED
    offer.save(update_fields=["status"])
    audit(offer, before)

    if application is not None:
        save_application_status(
            application,
            ApplicationStatus.ALLOCATED,
            actor=acting_user,
            offer=offer,
            label=actor_label,
        )
    if nomination is not None:
        before = snapshot_fields(nomination)
        nomination.status = NominationStatus.PLACED
        nomination.dwelling = dwelling
        nomination.save(update_fields=["status", "dwelling"])
        audit(nomination, before)

    others = vacancy.applications.filter(status__in=ACTIVE_STATUSES)
    if application is not None:
        others = others.exclude(pk=application.pk)
    context = dwelling_context(offer)
    for other in others.select_for_update():
        save_application_status(
            other, ApplicationStatus.NOT_SELECTED, actor=acting_user, offer=offer, label=actor_label
        )
        send_after_commit(
            "allocation_not_selected",
            {**context, "name": other.full_name, "link": applicant_link(other)},
            [other.email],
        )

    pk = allocation.pk
    transaction.on_commit(lambda: send_allocation_letter(pk))
    return allocation


def send_allocation_letter(allocation_id: int) -> None:
    """E-mail the allocation letter (PDF) to the new tenant, or to the care provider's person
    who nominated the client. Runs after the allocation has committed: making a PDF takes time
    and must not hold the vacancy lock."""
    allocation = allocations().get(pk=allocation_id)
    offer = allocation.offer
    attachment = Attachment(
        f"{LETTER_FILENAME_PREFIX}.pdf", allocation_letter_pdf(allocation), "application/pdf"
    )
    context = dwelling_context(offer)
    if offer.application is not None:
        context.update(
            {"name": offer.application.full_name, "link": applicant_link(offer.application)}
        )
        send_after_commit("allocation_letter", context, [offer.application.email], [attachment])
    elif offer.nomination is not None and offer.nomination.nominated_by.email:
        context.update(
            {
                "reference": offer.nomination.client.reference,
                "care_provider": offer.nomination.care_provider.name,
            }
        )
        send_after_commit(
            "allocation_care", context, [offer.nomination.nominated_by.email], [attachment]
        )
