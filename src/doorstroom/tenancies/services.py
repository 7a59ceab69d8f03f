"""Every change to a placement: start, the way to the flip, the flip, the label's end and the exit.

Each service checks permission (tenancies/rules.py; ``acting_user=None`` is the system: the demo,
the allocation, scheduled work), checks the transition (tenancies/transitions.py), changes state in
one transaction with the placement row locked, writes the audit trail and a timeline event, and
sends e-mail after commit. The flip ends the care provider's lease and starts the client's own
tenancy with the 'wonen met zorg' label on the same date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import MASKED_BY_MODEL, record, record_saved, snapshot_fields
from doorstroom.lettings.mail import send_after_commit
from doorstroom.organisations.access import require_permission as check
from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import Role
from doorstroom.portfolio import services as portfolio
from doorstroom.portfolio.models import CareLease, Dwelling, LeaseEndReason, RegularTenancy
from doorstroom.tenancies import checklist as flip_checklist
from doorstroom.tenancies.models import (
    EventKind,
    ExitReason,
    FlipSignOff,
    FlipStatement,
    InventoryItem,
    LabelDecision,
    NeighbourhoodArea,
    Placement,
    PlacementState,
    SignOffParty,
    StatementKind,
)
from doorstroom.tenancies.timeline import record_event
from doorstroom.tenancies.transitions import check_transition

# The case worker's note on the flip is a care record: the audit trail says it changed, not what.
MASKED_BY_MODEL.setdefault("tenancies.flipstatement", set()).add("note")

#: Who may carry out the flip once both parties have signed off (either of the two signers).
SIGN_OFF_PERMISSIONS = {
    SignOffParty.CARE_PROVIDER: "tenancies.sign_off_for_care_provider",
    SignOffParty.CORPORATION: "tenancies.sign_off_for_corporation",
}


def _portfolio_actor(acting_user: Any, permission: str, obj: Any) -> Any:
    """The person for the portfolio services when they hold the portfolio permission themselves;
    otherwise the system acts for them (the placement's own rules allowed the action, and the
    placement's audit row names the person)."""
    if acting_user is not None and acting_user.has_perm(permission, obj):
        return acting_user
    return None


def _locked(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related(
            "dwelling__complex",
            "dwelling__corporation",
            "care_provider",
            "care_lease__agreement",
            "tenancy",
        )
        .get(pk=placement.pk)
    )


def _today() -> dt.date:
    return timezone.localdate()


def _emails(organisation_id: int, roles: set[str]) -> list[str]:
    return sorted(
        {
            m.user.email
            for m in Membership.objects.filter(
                organisation_id=organisation_id, role__in=roles, user__is_active=True
            ).select_related("user")
            if m.user.email
        }
    )


def _notify_parties(placement: Placement, event: str, detail: str = "") -> None:
    """Tell the corporation's managers and the care provider's team leads, after commit."""
    to = _emails(placement.dwelling.corporation_id, {Role.MIXED_LIVING_MANAGER}) + _emails(
        placement.care_provider_id, {Role.TEAM_LEAD}
    )
    if not to:
        return
    send_after_commit(
        "tenancies_placement_changed",
        {
            "reference": placement.client_ref,
            "address": placement.dwelling.address,
            "complex_name": placement.dwelling.complex.name,
            "event": event,
            "detail": detail,
            "state": PlacementState(placement.state).label,
        },
        to,
    )


# --- start ---------------------------------------------------------------------------------------


@transaction.atomic
def start_placement(
    *,
    acting_user: Any,
    dwelling: Dwelling,
    client_ref: str,
    start_date: dt.date,
    target_group: str = "mo",
) -> Placement:
    """Place a client in a dwelling the care provider leases on ``start_date``."""
    lease = (
        CareLease.objects.select_for_update(of=("self",))
        .select_related("agreement")
        .filter(dwelling=dwelling, start_date__lte=start_date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=start_date))
        .first()
    )
    if lease is None:
        raise ValidationError(_("The care provider does not lease this dwelling on that date."))
    if Placement.objects.filter(dwelling=dwelling, exit_date__isnull=True).exists():
        raise ValidationError(_("This dwelling already has a current placement."))
    overlapping = Placement.objects.filter(
        care_provider=lease.agreement.care_provider, client_ref=client_ref
    ).filter(Q(exit_date__isnull=True) | Q(exit_date__gt=start_date))
    if overlapping.exists():
        raise ValidationError(_("This client already has a placement in that period."))
    placement = Placement(
        care_provider=lease.agreement.care_provider,
        client_ref=client_ref,
        dwelling=dwelling,
        care_lease=lease,
        target_group=target_group,
        start_date=start_date,
    )
    placement.full_clean()
    placement.save()
    record_saved(
        actor=acting_user, organisation=lease.agreement.corporation, obj=placement, before=None
    )
    record_event(placement=placement, kind=EventKind.STARTED, on=start_date, by=acting_user)
    return placement


# --- the way to the flip -------------------------------------------------------------------------


@transaction.atomic
def record_statement(
    *, acting_user: Any, placement: Placement, kind: str, positive: bool, note: str = ""
) -> FlipStatement:
    """The case worker records their advice on the flip, or the client's own wish."""
    placement = _locked(placement)
    check(acting_user, "tenancies.record_statement", placement)
    if acting_user is None:
        raise ValidationError(_("A statement is recorded by a person."))
    if kind not in StatementKind.values:
        raise ValidationError({"kind": _("Choose the case worker's advice or the client's wish.")})
    if placement.state != PlacementState.CARE_LEASE:
        raise ValidationError(_("Advice and wishes are recorded during the care lease only."))
    statement = FlipStatement(
        placement=placement, kind=kind, positive=positive, note=note, recorded_by=acting_user
    )
    statement.full_clean()
    statement.save()
    record_saved(
        actor=acting_user,
        organisation=placement.care_provider,
        obj=statement,
        before=None,
    )
    record_event(
        placement=placement,
        kind=EventKind.STATEMENT,
        on=_today(),
        summary=f"{StatementKind(kind).label}: "
        + (_("in favour of the flip") if positive else _("not in favour of the flip")),
        by=acting_user,
    )
    return statement


def sign_off_party(user: Any, placement: Placement) -> str | None:
    """The party ``user`` signs for, following from their role; None when they may not sign."""
    for party, permission in SIGN_OFF_PERMISSIONS.items():
        if user is not None and user.has_perm(permission, placement):
            return str(party)
    return None


@transaction.atomic
def sign_off(*, acting_user: Any, placement: Placement) -> FlipSignOff:
    """The team lead (care provider) or the manager (corporation) signs the flip off; only when
    the checklist is met."""
    placement = _locked(placement)
    party = sign_off_party(acting_user, placement)
    if party is None:
        raise PermissionDenied(_("You may not sign this flip off."))
    if placement.state != PlacementState.CARE_LEASE:
        raise ValidationError(_("Only a placement in the care lease can be signed off."))
    if not flip_checklist.evaluate(placement).met:
        raise ValidationError(_("The flip checklist is not met yet; it cannot be signed off."))
    if FlipSignOff.objects.filter(placement=placement, party=party).exists():
        raise ValidationError(_("Your organisation has already signed off this flip."))
    signed = FlipSignOff.objects.create(placement=placement, party=party, signed_by=acting_user)
    record_saved(
        actor=acting_user, organisation=placement.dwelling.corporation, obj=signed, before=None
    )
    record_event(
        placement=placement,
        kind=EventKind.SIGNED_OFF,
        on=_today(),
        summary=str(SignOffParty(party).label),
        by=acting_user,
    )
    return signed


@transaction.atomic
def withdraw_sign_off(*, acting_user: Any, placement: Placement) -> None:
    placement = _locked(placement)
    party = sign_off_party(acting_user, placement)
    if party is None:
        raise PermissionDenied(_("You may not sign this flip off."))
    if placement.state != PlacementState.CARE_LEASE:
        raise ValidationError(_("After the flip a sign-off can no longer be withdrawn."))
    signed = FlipSignOff.objects.filter(placement=placement, party=party).first()
    if signed is None:
        raise ValidationError(_("Your organisation has not signed off this flip."))
    record(
        actor=acting_user,
        action=AuditAction.DELETE,
        organisation=placement.dwelling.corporation,
        obj=signed,
    )
    signed.delete()
    record_event(
        placement=placement,
        kind=EventKind.SIGN_OFF_WITHDRAWN,
        on=_today(),
        summary=str(SignOffParty(party).label),
        by=acting_user,
    )


# --- inventory -----------------------------------------------------------------------------------


def _open_for_inventory(placement: Placement) -> None:
    if placement.state != PlacementState.CARE_LEASE:
        raise ValidationError(_("The inventory is kept during the care lease only."))


@transaction.atomic
def add_inventory_item(
    *,
    acting_user: Any,
    placement: Placement,
    name: str,
    quantity: int = 1,
    stays_at_flip: bool = True,
    note: str = "",
) -> InventoryItem:
    placement = _locked(placement)
    check(acting_user, "tenancies.change_inventory", placement)
    _open_for_inventory(placement)
    item = InventoryItem(
        placement=placement,
        name=name.strip(),
        quantity=quantity,
        stays_at_flip=stays_at_flip,
        note=note,
    )
    item.full_clean()
    item.save()
    record_saved(
        actor=acting_user, organisation=placement.dwelling.corporation, obj=item, before=None
    )
    record_event(
        placement=placement,
        kind=EventKind.INVENTORY,
        on=_today(),
        summary=_("Added: %(item)s") % {"item": item},
        by=acting_user,
    )
    return item


@transaction.atomic
def remove_inventory_item(*, acting_user: Any, item: InventoryItem) -> None:
    placement = _locked(item.placement)
    check(acting_user, "tenancies.change_inventory", placement)
    _open_for_inventory(placement)
    record(
        actor=acting_user,
        action=AuditAction.DELETE,
        organisation=placement.dwelling.corporation,
        obj=item,
    )
    label = str(item)
    item.delete()
    record_event(
        placement=placement,
        kind=EventKind.INVENTORY,
        on=_today(),
        summary=_("Removed: %(item)s") % {"item": label},
        by=acting_user,
    )


@transaction.atomic
def mark_stays_at_flip(*, acting_user: Any, item: InventoryItem, stays: bool) -> InventoryItem:
    placement = _locked(item.placement)
    check(acting_user, "tenancies.change_inventory", placement)
    _open_for_inventory(placement)
    item = InventoryItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot_fields(item)
    item.stays_at_flip = stays
    item.save(update_fields=["stays_at_flip"])
    record_saved(
        actor=acting_user, organisation=placement.dwelling.corporation, obj=item, before=before
    )
    record_event(
        placement=placement,
        kind=EventKind.INVENTORY,
        on=_today(),
        summary=(_("Stays at the flip: %(item)s") if stays else _("Leaves at the flip: %(item)s"))
        % {"item": item},
        by=acting_user,
    )
    return item


# --- the flip ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """The agreement after a flip: dwellings promised, leased now, and what the next vacancy is."""

    promised: int
    leased: int
    next_stream: str
    next_reason: str

    @property
    def gap(self) -> int:
        return max(self.promised - self.leased, 0)


def gap_after_flip(placement: Placement) -> Gap | None:
    from doorstroom.lettings.vacancies import propose_stream

    lease = placement.care_lease
    if lease is None:
        return None
    agreement = lease.agreement
    leased = agreement.leases.filter(end_date__isnull=True).count()
    proposal = propose_stream(placement.dwelling.complex)
    return Gap(
        promised=agreement.dwellings_promised,
        leased=leased,
        next_stream=proposal.stream,
        next_reason=proposal.reason,
    )


def _check_flip_date(placement: Placement, flip_date: dt.date) -> None:
    if flip_date < placement.start_date:
        raise ValidationError({"flip_date": _("The flip cannot be before the start.")})
    if flip_date > _today():
        raise ValidationError({"flip_date": _("The flip cannot be dated in the future.")})


@transaction.atomic
def flip_placement(
    *, acting_user: Any, placement: Placement, flip_date: dt.date, tenant_name: str
) -> Placement:
    """The lease flips: the care lease ends, the client's own labelled tenancy starts.

    A person needs both sign-offs and a checklist that is still met; the system (``None``: the
    demo, an import of history) records flips that happened without them.
    """
    placement = _locked(placement)
    check(acting_user, "tenancies.flip_placement", placement)
    check_transition(placement, PlacementState.FLIPPED)
    _check_flip_date(placement, flip_date)
    tenant_name = (tenant_name or "").strip()
    if not tenant_name:
        raise ValidationError({"tenant_name": _("Give the name of the new tenant.")})
    lease = placement.care_lease
    if lease is None:
        raise ValidationError(_("This placement has no care lease to flip."))
    if acting_user is not None:
        parties = set(
            FlipSignOff.objects.filter(placement=placement).values_list("party", flat=True)
        )
        if parties != set(SignOffParty.values):
            raise ValidationError(
                _(
                    "The flip needs the sign-off of both the care provider's team lead and the "
                    "corporation's manager."
                )
            )
        if not flip_checklist.evaluate(placement).met:
            raise ValidationError(
                _("The flip checklist is no longer met; withdraw or review the sign-offs.")
            )
    before = snapshot_fields(placement)
    complex_ = placement.dwelling.complex
    portfolio.end_care_lease(
        acting_user=_portfolio_actor(acting_user, "portfolio.change_agreement", complex_),
        lease=lease,
        end_date=flip_date,
        reason=LeaseEndReason.FLIPPED,
    )
    label_until = flip_date + relativedelta(months=lease.agreement.label_months)
    placement.tenancy = portfolio.start_regular_tenancy(
        acting_user=_portfolio_actor(acting_user, "portfolio.change_dwelling", complex_),
        dwelling=placement.dwelling,
        tenant_name=tenant_name,
        start_date=flip_date,
        care_label_until=label_until,
    )
    placement.flip_date = flip_date
    placement.state = PlacementState.FLIPPED
    placement.full_clean(validate_unique=False)
    placement.save(update_fields=["flip_date", "state", "tenancy"])
    record_saved(
        actor=acting_user, organisation=lease.agreement.corporation, obj=placement, before=before
    )
    record_event(
        placement=placement,
        kind=EventKind.FLIPPED,
        on=flip_date,
        summary=_("Label 'wonen met zorg' until %(date)s.")
        % {"date": label_until.strftime("%d-%m-%Y")},
        by=acting_user,
    )
    if acting_user is not None:
        _notify_parties(placement, str(EventKind.FLIPPED.label), placement.tenancy.tenant_name)
        _inform_neighbourhood_team(placement, placement.tenancy)
    return placement


def neighbourhood_team_of(dwelling: Dwelling) -> Any:
    digits = (dwelling.postcode or "").replace(" ", "")[:4]
    area = NeighbourhoodArea.objects.select_related("team").filter(postcode_digits=digits).first()
    return area.team if area is not None else None


def _client_of(placement: Placement) -> Any:
    from doorstroom.clients.models import Client

    return Client.objects.filter(
        care_provider=placement.care_provider, reference=placement.client_ref
    ).first()


def _inform_neighbourhood_team(placement: Placement, tenancy: RegularTenancy) -> bool:
    """E-mail the team covering the dwelling's postcode, only with the client's consent
    LABEL_AND_CONTACT for that team in force. Returns whether a message was queued."""
    from doorstroom.clients.models import ConsentScope
    from doorstroom.clients.sharing import may_share

    team = neighbourhood_team_of(placement.dwelling)
    client = _client_of(placement)
    if team is None or client is None:
        return False
    if not may_share(client, team.pk, ConsentScope.LABEL_AND_CONTACT):
        return False
    to = _emails(team.pk, {Role.NEIGHBOURHOOD_TEAM_MEMBER})
    if not to:
        return False
    send_after_commit(
        "tenancies_flip_team",
        {
            "team": team.name,
            "tenant_name": tenancy.tenant_name,
            "address": placement.dwelling.address,
            "label_until": tenancy.care_label_until,
            "phone": client.phone,
            "email": client.email,
            "care_provider": placement.care_provider.name,
        },
        to,
    )
    return True


# --- the label -----------------------------------------------------------------------------------


def _set_label_end(acting_user: Any, placement: Placement, new_end: dt.date) -> None:
    assert placement.tenancy_id is not None
    tenancy = RegularTenancy.objects.select_for_update().get(pk=placement.tenancy_id)
    before = snapshot_fields(tenancy)
    tenancy.care_label_until = new_end
    tenancy.save(update_fields=["care_label_until"])
    record_saved(
        actor=acting_user, organisation=placement.dwelling.corporation, obj=tenancy, before=before
    )
    placement.tenancy = tenancy


def _end_label_now(acting_user: Any, placement: Placement, on: dt.date, summary: str) -> None:
    before = snapshot_fields(placement)
    placement.state = PlacementState.LABEL_ENDED
    placement.save(update_fields=["state"])
    record_saved(
        actor=acting_user, organisation=placement.dwelling.corporation, obj=placement, before=before
    )
    record_event(
        placement=placement, kind=EventKind.LABEL_ENDED, on=on, summary=summary, by=acting_user
    )
    _notify_parties(placement, str(EventKind.LABEL_ENDED.label), on.strftime("%d-%m-%Y"))


@transaction.atomic
def end_label(
    *, acting_user: Any, placement: Placement, on: dt.date, reason: str = ""
) -> Placement:
    """End the 'wonen met zorg' label that reached its end date on or before ``on``.

    ``acting_user=None`` is the scheduler: idempotent, it refuses nothing and does nothing for a
    placement whose label has already ended, that has ended altogether, or whose label still runs
    after ``on`` (e.g. extended by a decision after the scheduler picked it). A person ends the
    label by a recorded decision with a reason (see ``change_label_end``).
    """
    if acting_user is not None:
        return change_label_end(
            acting_user=acting_user, placement=placement, new_end=on, reason=reason
        )
    placement = _locked(placement)
    if placement.state != PlacementState.FLIPPED or placement.tenancy is None:
        return placement
    label_end = placement.tenancy.care_label_until
    if label_end is not None and label_end > on:
        return placement
    ended_on = label_end or on
    _end_label_now(None, placement, ended_on, reason or _("The label reached its end date."))
    return placement


@transaction.atomic
def change_label_end(
    *, acting_user: Any, placement: Placement, new_end: dt.date, reason: str
) -> Placement:
    """A recorded decision to end the label earlier (today or a past date ends it now) or later."""
    placement = _locked(placement)
    check(acting_user, "tenancies.change_label", placement)
    if placement.state == PlacementState.CARE_LEASE:
        raise ValidationError(
            _("The label starts at the flip; this placement has not flipped yet.")
        )
    if placement.state != PlacementState.FLIPPED:
        check_transition(placement, PlacementState.LABEL_ENDED)
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Give the reason for this decision.")
    assert placement.flip_date is not None
    if new_end < placement.flip_date:
        errors["new_end"] = _("The label cannot end before the flip.")
    tenancy = placement.tenancy
    if tenancy is None:
        raise ValidationError(_("This placement has no own tenancy."))
    if not errors and tenancy.care_label_until == new_end:
        errors["new_end"] = _("The label already ends on this date.")
    if errors:
        raise ValidationError(errors)
    previous = tenancy.care_label_until or new_end
    decision = LabelDecision(
        placement=placement,
        previous_end=previous,
        new_end=new_end,
        reason=reason,
        decided_by=acting_user,
    )
    decision.full_clean()
    decision.save()
    record_saved(
        actor=acting_user, organisation=placement.dwelling.corporation, obj=decision, before=None
    )
    _set_label_end(acting_user, placement, new_end)
    today = _today()
    summary = _("From %(old)s to %(new)s: %(reason)s") % {
        "old": previous.strftime("%d-%m-%Y"),
        "new": new_end.strftime("%d-%m-%Y"),
        "reason": reason,
    }
    if new_end <= today:
        check_transition(placement, PlacementState.LABEL_ENDED)
        _end_label_now(acting_user, placement, new_end, summary)
    else:
        record_event(
            placement=placement,
            kind=EventKind.LABEL_CHANGED,
            on=today,
            summary=summary,
            by=acting_user,
        )
        _notify_parties(placement, str(EventKind.LABEL_CHANGED.label), summary)
    return placement


# --- the exit ------------------------------------------------------------------------------------


@transaction.atomic
def exit_placement(
    *,
    acting_user: Any,
    placement: Placement,
    exit_date: dt.date,
    reason: str,
    destination: str = "",
) -> Placement:
    """The placement ends (in any state) on ``exit_date`` with a reason of the outcome-measures
    spec; after the flip the client's own tenancy ends on the same date."""
    placement = _locked(placement)
    check(acting_user, "tenancies.exit_placement", placement)
    if placement.exit_date:
        raise ValidationError(_("This placement has already ended."))
    check_transition(placement, PlacementState.EXITED)
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Choose the reason for the exit.")
    elif reason not in ExitReason.values:
        errors["reason"] = _("'%(code)s' is not an exit reason.") % {"code": reason}
    if exit_date < placement.start_date:
        errors["exit_date"] = _("The exit cannot be before the start.")
    elif placement.flip_date and exit_date < placement.flip_date:
        errors["exit_date"] = _("The exit cannot be before the flip.")
    elif exit_date > _today():
        errors["exit_date"] = _("The exit cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    before = snapshot_fields(placement)
    placement.exit_date, placement.exit_reason = exit_date, reason
    placement.exit_destination = (destination or "").strip()
    placement.state = PlacementState.EXITED
    placement.full_clean(validate_unique=False)
    placement.save(update_fields=["exit_date", "exit_reason", "exit_destination", "state"])
    if placement.flip_date:
        tenancy = (
            RegularTenancy.objects.filter(pk=placement.tenancy_id, end_date__isnull=True).first()
            if placement.tenancy_id
            else placement.dwelling.regular_tenancies.filter(end_date__isnull=True).first()
        )
        if tenancy is not None:
            portfolio.end_regular_tenancy(
                acting_user=_portfolio_actor(
                    acting_user, "portfolio.change_dwelling", placement.dwelling.complex
                ),
                tenancy=tenancy,
                end_date=exit_date,
            )
    record_saved(
        actor=acting_user, organisation=placement.dwelling.corporation, obj=placement, before=before
    )
    record_event(
        placement=placement,
        kind=EventKind.EXITED,
        on=exit_date,
        summary=str(ExitReason(reason).label),
        by=acting_user,
    )
    if acting_user is not None:
        _notify_parties(placement, str(EventKind.EXITED.label), str(ExitReason(reason).label))
    return placement
