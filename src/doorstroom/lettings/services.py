"""Nominating a client for a complex, and the placement meeting's decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved, snapshot_fields
from doorstroom.clients.models import Client
from doorstroom.clients.readiness import Readiness, evaluate, policy_for
from doorstroom.lettings.models import (
    OPEN_STATUSES,
    Decision,
    MeetingDecision,
    Nomination,
    NominationStatus,
    PlacementMeeting,
)
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind
from doorstroom.portfolio.models import CareLeaseAgreement, Complex, Dwelling, active_on

MIN_MOTIVATION = 20


def _allowed(user: Any, permission: str, obj: Any) -> bool:
    """The rule itself: ``user.has_perm`` lets every superuser through, and a platform
    administrator is no party to a nomination or a placement meeting."""
    return bool(user.is_active and rules.has_perm(permission, user, obj))


def _check(acting_user: Any, permission: str, obj: Any) -> None:
    if acting_user is not None and not _allowed(acting_user, permission, obj):
        raise PermissionDenied(_("You may not do this."))


@transaction.atomic
def nominate(
    *,
    acting_user: Any,
    client: Client,
    complex_: Complex,
    motivation: str,
    dwelling: Dwelling | None = None,
    override_reason: str = "",
) -> Nomination:
    """Nominate a client; a client who is not ready needs a team lead's override with a reason."""
    _check(acting_user, "clients.change_client", client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    agreement = (
        CareLeaseAgreement.objects.filter(active_on(timezone.localdate()))
        .filter(care_provider_id=client.care_provider_id, complex=complex_)
        .first()
    )
    if agreement is None:
        raise ValidationError(
            {"complex": _("Your organisation has no current agreement for this complex.")}
        )
    if dwelling is not None and dwelling.complex_id != complex_.pk:
        raise ValidationError({"dwelling": _("This dwelling is not in the chosen complex.")})
    if len(motivation.strip()) < MIN_MOTIVATION:
        raise ValidationError(
            {
                "motivation": _("Write a motivation of at least %(n)s characters.")
                % {"n": MIN_MOTIVATION}
            }
        )
    if Nomination.objects.filter(client=client, status__in=OPEN_STATUSES).exists():
        raise ValidationError(_("This client already has an open nomination; withdraw it first."))
    result = evaluate(client, policy=policy_for(client, agreement.pk))
    override_by = None
    if result.verdict != Readiness.READY:
        if not override_reason.strip():
            failing = "; ".join(f"{gate.label}: {gate.reason}" for gate in result.failing)
            raise ValidationError(
                _("This client is not ready (%(verdict)s). Failing gates: %(gates)s")
                % {"verdict": result.label.lower(), "gates": failing}
            )
        if acting_user is not None and not _allowed(
            acting_user, "clients.override_readiness", client
        ):
            raise ValidationError(
                {"override_reason": _("Only a team lead can override the readiness gates.")}
            )
        override_by = acting_user
    nomination = Nomination(
        client=client,
        care_provider=client.care_provider,
        agreement=agreement,
        complex=complex_,
        dwelling=dwelling,
        motivation=motivation.strip(),
        readiness_at_nomination=result.verdict,
        nominated_by=acting_user,
        override_reason=override_reason.strip() if override_by else "",
        override_by=override_by,
    )
    nomination.full_clean(exclude=["nominated_by"] if acting_user is None else None)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("This client already has an open nomination; withdraw it first.")
        ) from exc
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=client.care_provider,
        obj=nomination,
        fields=["complex", "dwelling", "motivation", *(["override_reason"] if override_by else [])],
    )
    return nomination


@transaction.atomic
def withdraw_nomination(*, acting_user: Any, nomination: Nomination) -> Nomination:
    _check(acting_user, "clients.change_client", nomination.client)
    if nomination.status not in OPEN_STATUSES:
        raise ValidationError(_("Only an open or deferred nomination can be withdrawn."))
    before = snapshot_fields(nomination)
    nomination.status = NominationStatus.WITHDRAWN
    nomination.save(update_fields=["status"])
    record_saved(
        actor=acting_user, organisation=nomination.care_provider, obj=nomination, before=before
    )
    return nomination


@transaction.atomic
def hold_meeting(
    *,
    acting_user: Any,
    corporation: Organisation,
    care_provider: Organisation,
    held_on: dt.date,
    attendees: Iterable[Any],
    notes: str = "",
) -> PlacementMeeting:
    if (
        corporation.kind != OrganisationKind.CORPORATION
        or care_provider.kind != OrganisationKind.CARE_PROVIDER
    ):
        raise ValidationError(
            _("A placement meeting is held by a corporation and a care provider.")
        )
    meeting = PlacementMeeting(
        corporation=corporation,
        care_provider=care_provider,
        held_on=held_on,
        notes=notes,
        created_by=acting_user,
    )
    _check(acting_user, "lettings.view_meeting", meeting)
    people = list(attendees)
    strangers = [
        person
        for person in people
        if not person.memberships.filter(organisation__in=[corporation, care_provider]).exists()
    ]
    if strangers:
        raise ValidationError(
            {"attendees": _("Attendees must work for the corporation or the care provider.")}
        )
    if not people:
        raise ValidationError({"attendees": _("Record who attended.")})
    meeting.full_clean(exclude=["created_by"] if acting_user is None else None)
    meeting.save()
    meeting.attendees.set(people)
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=corporation,
        obj=meeting,
        fields=["held_on", "attendees"],
    )
    return meeting


@transaction.atomic
def decide(
    *,
    acting_user: Any,
    meeting: PlacementMeeting,
    nomination: Nomination,
    decision: str,
    reason: str,
    review_on: dt.date | None = None,
) -> MeetingDecision:
    """Record the meeting's decision on a nomination; only people of the two organisations decide."""
    if acting_user is None or not _allowed(acting_user, "lettings.decide_in_meeting", meeting):
        raise PermissionDenied(
            _("Only people of the meeting's organisations can record its decisions.")
        )
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if (
        nomination.care_provider_id != meeting.care_provider_id
        or nomination.complex.corporation_id != meeting.corporation_id
    ):
        raise ValidationError(_("This nomination does not belong to this meeting's organisations."))
    if nomination.status not in OPEN_STATUSES:
        raise ValidationError(_("This nomination was already decided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the decision.")})
    if decision == Decision.DEFERRED and (review_on is None or review_on <= meeting.held_on):
        raise ValidationError(
            {"review_on": _("A deferred nomination needs a review date after the meeting.")}
        )
    result = MeetingDecision(
        meeting=meeting,
        nomination=nomination,
        decision=decision,
        reason=reason.strip(),
        review_on=review_on if decision == Decision.DEFERRED else None,
        decided_by=acting_user,
    )
    result.full_clean()
    result.save()
    before = snapshot_fields(nomination)
    nomination.status = decision
    nomination.review_on = result.review_on
    nomination.save(update_fields=["status", "review_on"])
    record_saved(actor=acting_user, organisation=meeting.corporation, obj=nomination, before=before)
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=meeting.corporation,
        obj=result,
        fields=["decision", "reason", "review_on"],
    )
    return result
