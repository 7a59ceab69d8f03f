"""Early warning (vroegsignalering): recording and closing signals, referring them to the
neighbourhood team or the care provider, and what the receiver does with a referral.

A signal is about the current occupancy of a dwelling (a care lease or a regular tenancy). A
signal on a care lease or a labelled tenancy (a current placement in care_lease or flipped) is
referred at once, in the same transaction, to the placement's care provider and, when the client
consents to it (LABEL_AND_CONTACT), to the neighbourhood team covering the address. Receivers
hear of a referral by e-mail after commit: the address and the kind of signal, no care details.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved, snapshot_fields
from doorstroom.clients.models import Client, ConsentScope
from doorstroom.clients.sharing import may_share
from doorstroom.lettings.links import site_url
from doorstroom.lettings.mail import send_after_commit
from doorstroom.organisations.access import require_permission as _check
from doorstroom.organisations.models import Membership, Organisation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.portfolio.models import CareLease, Dwelling, RegularTenancy, active_on
from doorstroom.tenancies.areas import covers, team_for
from doorstroom.tenancies.models import (
    Placement,
    PlacementState,
    Referral,
    ReferralAction,
    ReferralStatus,
    Signal,
    SignalKind,
    SignalSource,
)


def response_days() -> int:
    """Days a receiver has to respond to a referral (setting REFERRAL_RESPONSE_DAYS)."""
    return int(settings.REFERRAL_RESPONSE_DAYS)


CORPORATION_ROLES: set[str] = {Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER}
CARE_ROLES: set[str] = {Role.CASE_WORKER, Role.TEAM_LEAD}
TEAM_ROLES: set[str] = {Role.NEIGHBOURHOOD_TEAM_MEMBER}
RECEIVER_ROLES = CARE_ROLES | TEAM_ROLES
#: A placement in one of these states makes a signal a referral to its care provider.
REFERRING_STATES = (PlacementState.CARE_LEASE, PlacementState.FLIPPED)
#: The action kinds a receiver records, in the order they usually come.
ACTION_KINDS = (ReferralStatus.CONTACT_MADE, ReferralStatus.REFERRED_ON, ReferralStatus.CLOSED)


def _org_ids(user: Any, roles: set[str]) -> set[int]:
    return {m.organisation_id for m in memberships_of(user) if m.role in roles}


# --- Reads ---------------------------------------------------------------------------------------


def signals_visible_to(user: Any) -> QuerySet[Signal]:
    """The signals of the corporations where ``user`` is staff (manager or letting officer)."""
    return Signal.objects.filter(dwelling__corporation_id__in=_org_ids(user, CORPORATION_ROLES))


def referrals_received_by(user: Any, roles: set[str] = RECEIVER_ROLES) -> QuerySet[Referral]:
    """Referrals sent to an organisation where ``user`` is a case worker, team lead or team member."""
    return Referral.objects.filter(receiver_id__in=_org_ids(user, roles))


def overdue_referrals(corporation: Organisation, on: dt.date | None = None) -> QuerySet[Referral]:
    """Unresolved referrals past their response date, of signals in the corporation's dwellings."""
    day = on or timezone.localdate()
    return (
        Referral.objects.unresolved()
        .filter(signal__dwelling__corporation=corporation, respond_by__lt=day)
        .select_related("signal__dwelling", "receiver")
        .order_by("respond_by", "pk")
    )


def is_overdue(referral: Referral, on: dt.date | None = None) -> bool:
    return referral.status != ReferralStatus.CLOSED and referral.respond_by < (
        on or timezone.localdate()
    )


def current_occupancy(
    dwelling: Dwelling, on: dt.date
) -> tuple[CareLease | None, RegularTenancy | None]:
    """The care lease or regular tenancy of the dwelling on ``on`` (at most one of them)."""
    lease = CareLease.objects.filter(active_on(on), dwelling=dwelling).first()
    if lease is not None:
        return lease, None
    return None, RegularTenancy.objects.filter(active_on(on), dwelling=dwelling).first()


def referring_placement(dwelling: Dwelling) -> Placement | None:
    """The dwelling's current placement in the care lease or the labelled tenancy, if any."""
    return (
        Placement.objects.select_related("care_provider")
        .filter(dwelling=dwelling, exit_date__isnull=True, state__in=REFERRING_STATES)
        .first()
    )


def client_of(placement: Placement) -> Client | None:
    return Client.objects.filter(
        care_provider=placement.care_provider, reference=placement.client_ref
    ).first()


def team_consented(placement: Placement, team: Organisation) -> bool:
    """Whether the placed client lets this neighbourhood team know of the label and contact."""
    client = client_of(placement)
    return client is not None and may_share(client, team.pk, ConsentScope.LABEL_AND_CONTACT)


def possible_receivers(signal: Signal) -> list[Organisation]:
    """Organisations this signal may be referred to now, not yet referred to."""
    taken = set(signal.referrals.values_list("receiver_id", flat=True))
    result: list[Organisation] = []
    placement = signal.placement
    if placement is not None and placement.care_provider_id not in taken:
        result.append(placement.care_provider)
    team = team_for(signal.dwelling)
    if (
        team is not None
        and team.pk not in taken
        and (placement is None or team_consented(placement, team))
    ):
        result.append(team)
    return result


# --- Signals -------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _open_signal(
    *,
    acting_user: Any,
    dwelling: Dwelling,
    kind: str,
    description: str,
    opened_on: dt.date,
    source: str,
) -> Signal:
    """Create the signal on the occupancy of ``opened_on`` and refer it where that is due."""
    lease, tenancy = current_occupancy(dwelling, opened_on)
    if lease is None and tenancy is None:
        raise ValidationError(
            _(
                "This dwelling has no tenancy or care lease on %(date)s: a signal is about the "
                "people living there, so there must be a tenancy."
            )
            % {"date": opened_on.strftime("%d-%m-%Y")}
        )
    placement = referring_placement(dwelling)
    if placement is not None and not (
        (lease is not None and placement.care_lease_id == lease.pk)
        or (tenancy is not None and placement.tenancy_id == tenancy.pk)
    ):
        placement = None  # the placement is not of the occupancy the signal is about
    signal = Signal(
        dwelling=dwelling,
        care_lease=lease,
        regular_tenancy=tenancy,
        placement=placement,
        kind=kind,
        source=source,
        description=description,
        opened_on=opened_on,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    signal.full_clean(validate_constraints=False)
    signal.save()
    record_saved(actor=acting_user, organisation=dwelling.corporation, obj=signal, before=None)
    if placement is not None:
        respond_by = opened_on + dt.timedelta(days=response_days())
        _create_referral(
            acting_user=acting_user,
            signal=signal,
            receiver=placement.care_provider,
            respond_by=respond_by,
        )
        team = team_for(dwelling)
        if team is not None and team_consented(placement, team):
            _create_referral(
                acting_user=acting_user, signal=signal, receiver=team, respond_by=respond_by
            )
    return signal


@transaction.atomic
def record_signal(
    *,
    acting_user: Any,
    dwelling: Dwelling,
    kind: str,
    description: str = "",
    opened_on: dt.date | None = None,
) -> Signal:
    """The corporation's staff record a signal on the dwelling's current tenancy or care lease."""
    dwelling = (
        Dwelling.objects.select_for_update(of=("self",))
        .select_related("corporation")
        .get(pk=dwelling.pk)
    )
    _check(acting_user, "tenancies.record_signal", Signal(dwelling=dwelling))
    if kind not in SignalKind.values:
        raise ValidationError({"kind": _("Choose a kind of signal.")})
    day = opened_on or _today()
    if day > _today():
        raise ValidationError({"opened_on": _("A signal cannot be dated in the future.")})
    return _open_signal(
        acting_user=acting_user,
        dwelling=dwelling,
        kind=kind,
        description=description.strip(),
        opened_on=day,
        source=SignalSource.MANUAL,
    )


def open_arrears_signal(
    *, acting_user: Any, dwelling: Dwelling, opened_on: dt.date, description: str
) -> Signal:
    """A rent-arrears signal opened by the arrears rules (``tenancies.arrears``)."""
    return _open_signal(
        acting_user=acting_user,
        dwelling=dwelling,
        kind=SignalKind.RENT_ARREARS,
        description=description,
        opened_on=opened_on,
        source=SignalSource.ARREARS,
    )


@transaction.atomic
def escalate_signal(*, acting_user: Any, signal: Signal, on: dt.date) -> Signal:
    """Mark the signal escalated and tell the receivers of its unresolved referrals."""
    signal = (
        Signal.objects.select_for_update(of=("self",))
        .select_related("dwelling__corporation")
        .get(pk=signal.pk)
    )
    _check(acting_user, "tenancies.record_signal", signal)
    if signal.escalated_on is not None or signal.closed_on is not None:
        return signal
    before = snapshot_fields(signal)
    signal.escalated_on = max(on, signal.opened_on)
    signal.save(update_fields=["escalated_on"])
    record_saved(
        actor=acting_user, organisation=signal.dwelling.corporation, obj=signal, before=before
    )
    for referral in signal.referrals.unresolved().select_related("receiver"):
        to = _receiver_people(referral.receiver)
        if to:
            send_after_commit(
                "tenancies_referral_escalated",
                {
                    "address": signal.dwelling.address,
                    "kind": signal.get_kind_display(),
                    "corporation": signal.dwelling.corporation.name,
                    "respond_by": referral.respond_by,
                    "link": _receiver_link(referral.receiver),
                },
                to,
            )
    return signal


@transaction.atomic
def close_signal(
    *, acting_user: Any, signal: Signal, outcome: str, on: dt.date | None = None
) -> Signal:
    signal = (
        Signal.objects.select_for_update(of=("self",))
        .select_related("dwelling__corporation")
        .get(pk=signal.pk)
    )
    _check(acting_user, "tenancies.record_signal", signal)
    if signal.closed_on is not None:
        raise ValidationError(_("This signal is closed already."))
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Describe the outcome.")})
    day = on or _today()
    if day < signal.opened_on:
        raise ValidationError({"closed_on": _("A signal cannot close before it opened.")})
    before = snapshot_fields(signal)
    signal.closed_on, signal.outcome = day, outcome
    signal.save(update_fields=["closed_on", "outcome"])
    record_saved(
        actor=acting_user, organisation=signal.dwelling.corporation, obj=signal, before=before
    )
    return signal


# --- Referrals -----------------------------------------------------------------------------------


def _receiver_people(receiver: Organisation) -> list[str]:
    roles = TEAM_ROLES if receiver.kind == OrganisationKind.NEIGHBOURHOOD_TEAM else CARE_ROLES
    emails = (
        Membership.objects.filter(organisation=receiver, role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(set(emails))


def _receiver_link(receiver: Organisation) -> str:
    name = (
        "team:home" if receiver.kind == OrganisationKind.NEIGHBOURHOOD_TEAM else "signals:received"
    )
    try:
        return site_url(reverse(name))
    except NoReverseMatch:
        return site_url("/")


def _create_referral(
    *, acting_user: Any, signal: Signal, receiver: Organisation, respond_by: dt.date
) -> Referral:
    referral = Referral(
        signal=signal,
        receiver=receiver,
        respond_by=respond_by,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    referral.save()
    record_saved(
        actor=acting_user, organisation=signal.dwelling.corporation, obj=referral, before=None
    )
    to = _receiver_people(receiver)
    if to:
        send_after_commit(
            "tenancies_referral_new",
            {
                "address": signal.dwelling.address,
                "kind": signal.get_kind_display(),
                "corporation": signal.dwelling.corporation.name,
                "respond_by": respond_by,
                "link": _receiver_link(receiver),
            },
            to,
        )
    return referral


@transaction.atomic
def refer(*, acting_user: Any, signal: Signal, receiver: Organisation) -> Referral:
    """Refer an open signal by hand to the covering neighbourhood team or the care provider."""
    signal = (
        Signal.objects.select_for_update(of=("self",))
        .select_related("dwelling__corporation", "placement__care_provider")
        .get(pk=signal.pk)
    )
    _check(acting_user, "tenancies.record_signal", signal)
    if signal.closed_on is not None:
        raise ValidationError(_("This signal is closed; a closed signal is not referred."))
    if signal.referrals.filter(receiver=receiver).exists():
        raise ValidationError(
            {"receiver": _("This signal is already referred to this organisation.")}
        )
    placement = signal.placement
    if receiver.kind == OrganisationKind.NEIGHBOURHOOD_TEAM:
        if not covers(receiver, signal.dwelling):
            raise ValidationError(
                {
                    "receiver": _(
                        "%(team)s does not cover postcode area %(digits)s of this address; refer "
                        "to the team that does."
                    )
                    % {"team": receiver, "digits": signal.dwelling.postcode[:4]}
                }
            )
        if placement is not None and not team_consented(placement, receiver):
            raise ValidationError(
                {
                    "receiver": _(
                        "The client has not consented to sharing the label and contact details "
                        "with this neighbourhood team, so the signal cannot be referred to it."
                    )
                }
            )
    elif receiver.kind == OrganisationKind.CARE_PROVIDER:
        if placement is None or placement.care_provider_id != receiver.pk:
            raise ValidationError(
                {
                    "receiver": _(
                        "A signal is referred only to the care provider of the placement in "
                        "this dwelling."
                    )
                }
            )
    else:
        raise ValidationError(
            {"receiver": _("Refer to a neighbourhood team or to the care provider.")}
        )
    day = max(signal.opened_on, _today())
    return _create_referral(
        acting_user=acting_user,
        signal=signal,
        receiver=receiver,
        respond_by=day + dt.timedelta(days=response_days()),
    )


@transaction.atomic
def record_referral_action(
    *,
    acting_user: Any,
    referral: Referral,
    kind: str,
    note: str = "",
    on: dt.date | None = None,
) -> ReferralAction:
    """The receiver records what it did: made contact, referred on, or closed with the outcome."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("signal__dwelling__corporation", "receiver")
        .get(pk=referral.pk)
    )
    _check(acting_user, "tenancies.answer_referral", referral)
    if acting_user is None:
        raise PermissionDenied(_("Only a person of the receiving organisation answers a referral."))
    if kind not in {k.value for k in ACTION_KINDS}:
        raise ValidationError({"kind": _("Choose what you did.")})
    if referral.status == ReferralStatus.CLOSED:
        raise ValidationError(_("This referral is closed."))
    note = (note or "").strip()
    if kind == ReferralStatus.CLOSED and not note:
        raise ValidationError({"note": _("Describe the outcome when you close the referral.")})
    day = on or _today()
    if day > _today():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    referred_on = timezone.localdate(referral.created_at)
    if day < min(referral.signal.opened_on, referred_on):
        raise ValidationError({"on": _("The date cannot be before the referral.")})
    last = referral.actions.order_by("-on", "-at", "-pk").first()
    if last is not None and day < last.on:
        raise ValidationError(
            {
                "on": _("The date cannot be before the last recorded action (%(date)s).")
                % {"date": last.on.strftime("%d-%m-%Y")}
            }
        )
    action = ReferralAction(referral=referral, kind=kind, on=day, note=note, by=acting_user)
    action.save()
    corporation = referral.signal.dwelling.corporation
    record_saved(actor=acting_user, organisation=referral.receiver, obj=action, before=None)
    before = snapshot_fields(referral)
    referral.status = kind
    if referral.first_response_on is None:
        referral.first_response_on = day
    referral.save(update_fields=["status", "first_response_on"])
    record_saved(actor=acting_user, organisation=corporation, obj=referral, before=before)
    return action
