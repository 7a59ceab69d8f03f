"""Who belongs to a community: the manager invites an occupant by e-mail, the occupant accepts with
a display name (and a new account), edits their profile, and leaves when they move out (recorded
by the manager, or when the tenancy or care lease of their dwelling ends)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.accounts.models import User
from doorstroom.accounts.services import create_user
from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved, snapshot_fields
from doorstroom.community import mail
from doorstroom.community.models import (
    BoardTerm,
    Community,
    Invitation,
    Resident,
    ResidentVisibility,
)
from doorstroom.community.selectors import forget_cached
from doorstroom.organisations.access import require_permission
from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import Role
from doorstroom.organisations.services import grant_role, revoke_role

#: An invitation link works for this many days.
INVITATION_DAYS = 30
INVITATION_SALT = "community.invitation"
#: The code of the error that makes the invitation page say the link no longer works.
INVALID_INVITATION = "invitation_invalid"


# --- invitations ----------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The token of an invitation link: its number signed with SECRET_KEY (nothing is stored)."""
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("community:accept", args=[invitation_token(invitation)])


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link points to, with its community; None for a forged or mangled link."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return (
        Invitation.objects.select_related("community__complex__corporation").filter(pk=pk).first()
    )


def invitation_is_open(invitation: Invitation, today: dt.date | None = None) -> bool:
    """Not accepted, not withdrawn and not expired: the link still works."""
    today = today or timezone.localdate()
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_on >= today
    )


def _normal_email(email: str) -> str:
    return str(email).strip().lower()


@transaction.atomic
def invite_resident(
    *, acting_user: Any, community: Community, email: str, dwelling: Any = None
) -> Invitation:
    """Send an occupant of the complex a link to join the community pages (valid 30 days)."""
    require_permission(acting_user, "community.invite_resident", community)
    community = (
        Community.objects.select_for_update(of=("self",))
        .select_related("complex")
        .get(pk=community.pk)
    )
    email = _normal_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("Fill in an e-mail address, for example naam@voorbeeld.nl.")}
        ) from None
    if dwelling is not None and dwelling.complex_id != community.complex_id:
        raise ValidationError({"dwelling": _("Choose a dwelling of this complex.")})
    if Resident.objects.current().filter(user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("This address already belongs to a resident of a community.")}
        )
    today = timezone.localdate()
    waiting = list(
        Invitation.objects.select_for_update(of=("self",)).filter(
            community=community,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
    )
    for old in waiting:
        if old.expires_on >= today:
            raise ValidationError(
                {
                    "email": _(
                        "This address already has an open invitation (valid until %(date)s). "
                        "Withdraw it first to send a new one."
                    )
                    % {"date": old.expires_on.strftime("%d-%m-%Y")}
                }
            )
        # An expired link that was never used: withdrawn, so that a new one can be sent.
        _withdraw(old, acting_user, community)
    invitation = Invitation(
        community=community,
        email=email,
        dwelling=dwelling,
        invited_by=acting_user,
        expires_on=today + dt.timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    record_saved(
        actor=acting_user,
        organisation=community.complex.corporation,
        obj=invitation,
        before=None,
    )
    mail.send(
        "invitation",
        {
            "complex_name": community.complex.name,
            "city": community.complex.city,
            "url": invitation_url(invitation),
            "expires_on": invitation.expires_on,
            "days": INVITATION_DAYS,
        },
        [email],
    )
    return invitation


def _withdraw(invitation: Invitation, acting_user: Any, community: Community) -> None:
    before = snapshot_fields(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_saved(
        actor=acting_user,
        organisation=community.complex.corporation,
        obj=invitation,
        before=before,
    )


@transaction.atomic
def revoke_invitation(*, acting_user: Any, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that was not used yet: its link stops working."""
    require_permission(acting_user, "community.invite_resident", invitation.community)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("community__complex")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."))
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has already been withdrawn."))
    _withdraw(invitation, acting_user, invitation.community)
    return invitation


def _display_name_taken(community: Community, name: str, exclude_pk: int | None = None) -> bool:
    others = Resident.objects.filter(
        community=community, left_on__isnull=True, display_name__iexact=name
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def _clean_profile(
    community: Community,
    display_name: str,
    visibility: str,
    about: str,
    exclude_pk: int | None = None,
) -> tuple[str, str, str]:
    display_name = " ".join(str(display_name).split())
    about = str(about or "").strip()
    errors: dict[str, str] = {}
    if not display_name:
        errors["display_name"] = _("Choose a display name.")
    elif len(display_name) > 60:
        errors["display_name"] = _("A display name has at most 60 characters.")
    elif _display_name_taken(community, display_name, exclude_pk):
        errors["display_name"] = _(
            "Another resident already uses this display name. Choose another."
        )
    if visibility not in ResidentVisibility.values:
        errors["visibility"] = _("Choose who sees your name.")
    if len(about) > 300:
        errors["about"] = _("Write at most 300 characters about yourself.")
    if errors:
        raise ValidationError(errors)
    return display_name, visibility, about


def existing_account(email: str) -> User | None:
    """The account that already uses an e-mail address (as address or as user name)."""
    email = _normal_email(email)
    return (
        User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .order_by("pk")
        .first()
    )


@transaction.atomic
def accept_invitation(
    *,
    invitation: Invitation,
    acting_user: Any = None,
    display_name: str,
    visibility: str,
    about: str = "",
    password: str | None = None,
) -> Resident:
    """Join the community through an invitation. Someone without an account gets one (user name:
    the e-mail address) with ``password``; someone with an account accepts while logged in as
    that account (``acting_user``). Either way they become a resident of the complex's
    corporation and a Resident from today. The invitation works once."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("community__complex__corporation", "dwelling")
        .get(pk=invitation.pk)
    )
    if not invitation_is_open(invitation):
        raise ValidationError(
            _("This invitation is no longer valid. Ask the manager for a new one."),
            code=INVALID_INVITATION,
        )
    community = invitation.community
    corporation = community.complex.corporation
    existing = existing_account(invitation.email)
    signed_in = acting_user is not None and acting_user.is_authenticated
    if existing is not None and not (signed_in and existing.pk == acting_user.pk):
        raise ValidationError(
            _("An account with this e-mail address exists already. Log in first, then accept.")
        )
    if signed_in and existing is None:
        raise ValidationError(
            _("This invitation is for another e-mail address. Log out first, then accept.")
        )
    display_name, visibility, about = _clean_profile(community, display_name, visibility, about)
    today = timezone.localdate()
    if existing is None:
        username = _normal_email(invitation.email)
        candidate = User(username=username, email=username)
        try:
            password_validation.validate_password(password or "", user=candidate)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user = create_user(acting_user=None, username=username, password=password, email=username)
    else:
        user = existing
        if Resident.objects.current(today).filter(user=user).exists():
            raise ValidationError(_("You already belong to a community."))
    if not Membership.objects.filter(
        user=user, organisation=corporation, role=Role.RESIDENT
    ).exists():
        grant_role(acting_user=user, user=user, organisation=corporation, role=Role.RESIDENT)
    resident = Resident(
        community=community,
        user=user,
        dwelling=invitation.dwelling,
        display_name=display_name,
        visibility=visibility,
        about=about,
        joined_on=today,
    )
    resident.full_clean()
    resident.save()
    record_saved(actor=user, organisation=corporation, obj=resident, before=None)
    before = snapshot_fields(invitation)
    invitation.accepted_at = timezone.now()
    invitation.resident = resident
    invitation.save(update_fields=["accepted_at", "resident"])
    record_saved(actor=user, organisation=corporation, obj=invitation, before=before)
    forget_cached(user)
    return resident


# --- the profile --------------------------------------------------------------------------------


@transaction.atomic
def update_profile(
    *, acting_user: Any, resident: Resident, display_name: str, visibility: str, about: str = ""
) -> Resident:
    """A resident changes what others see of them: display name, who sees it, about me."""
    if acting_user is not None and acting_user.pk != resident.user_id:
        raise PermissionDenied(_("You may not do this."))
    resident = (
        Resident.objects.select_for_update(of=("self",))
        .select_related("community__complex__corporation")
        .get(pk=resident.pk)
    )
    if resident.left_on is not None and resident.left_on < timezone.localdate():
        raise ValidationError(_("You no longer belong to this community."))
    display_name, visibility, about = _clean_profile(
        resident.community, display_name, visibility, about, exclude_pk=resident.pk
    )
    before = snapshot_fields(resident)
    resident.display_name, resident.visibility, resident.about = display_name, visibility, about
    resident.full_clean()
    resident.save(update_fields=["display_name", "visibility", "about"])
    record_saved(
        actor=acting_user,
        organisation=resident.community.complex.corporation,
        obj=resident,
        before=before,
    )
    if acting_user is not None:
        forget_cached(acting_user)
    return resident


# --- leaving ------------------------------------------------------------------------------------


#: What the board page says about a term that ended because its holder moved out.
MOVED_OUT = "Verhuisd"


def _leave(resident: Resident, left_on: dt.date, reason: str, acting_user: Any) -> None:
    """The resident leaves on ``left_on``: their board terms end that day (terms that would only
    start later are dropped), and their resident membership of the corporation goes when they
    have left and live in no other complex of the corporation."""
    corporation = resident.community.complex.corporation
    before = snapshot_fields(resident)
    resident.left_on = left_on
    resident.save(update_fields=["left_on"])
    record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        organisation=corporation,
        obj=resident,
        changes={"left_on": (before["left_on"], left_on), "reason": ("", reason)},
    )
    for term in BoardTerm.objects.select_for_update(of=("self",)).filter(
        resident=resident, end_date__gt=left_on
    ):
        if term.start_date >= left_on:
            record(
                actor=acting_user,
                action=AuditAction.DELETE,
                organisation=corporation,
                obj=term,
                changes={"start_date": (term.start_date, None), "reason": (None, reason)},
            )
            term.delete()
            continue
        term_before = snapshot_fields(term)
        term.end_date = left_on
        # The board page shows this to every resident: never the manager's own words, which may
        # say more about the person than that they moved (those stay in the audit trail).
        term.ended_early_reason = MOVED_OUT
        term.save(update_fields=["end_date", "ended_early_reason"])
        record_saved(actor=acting_user, organisation=corporation, obj=term, before=term_before)
    if left_on < timezone.localdate():  # who leaves today still lives here today
        _drop_membership_when_gone(resident.user, corporation, acting_user)
    forget_cached(resident.user)


def _drop_membership_when_gone(user: Any, corporation: Any, acting_user: Any) -> None:
    today = timezone.localdate()
    still_living = (
        Resident.objects.filter(user=user, community__complex__corporation=corporation)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .exists()
    )
    if still_living:
        return
    for membership in Membership.objects.filter(
        user=user, organisation=corporation, role=Role.RESIDENT
    ):
        revoke_role(acting_user=acting_user, membership=membership)


@transaction.atomic
def end_residency(
    *, acting_user: Any, resident: Resident, left_on: dt.date, reason: str = ""
) -> Resident:
    """The manager records that a resident moved out (or leaves on a later date)."""
    require_permission(acting_user, "community.invite_resident", resident.community)
    Community.objects.select_for_update(of=("self",)).get(pk=resident.community_id)
    resident = (
        Resident.objects.select_for_update(of=("self",))
        .select_related("community__complex__corporation", "user")
        .get(pk=resident.pk)
    )
    reason = str(reason or "").strip()
    if resident.left_on is not None:
        raise ValidationError(
            _("This resident already leaves on %(date)s.")
            % {"date": resident.left_on.strftime("%d-%m-%Y")}
        )
    if left_on < resident.joined_on:
        raise ValidationError(
            {
                "left_on": _("A resident cannot leave before joining (%(date)s).")
                % {"date": resident.joined_on.strftime("%d-%m-%Y")}
            }
        )
    if len(reason) > 200:
        raise ValidationError({"reason": _("Write at most 200 characters.")})
    _leave(resident, left_on, reason or _("Moved out"), acting_user)
    return resident


@transaction.atomic
def leave_for_dwelling(*, dwelling: Any, left_on: dt.date, acting_user: Any) -> list[Resident]:
    """The tenancy or care lease of ``dwelling`` ends on ``left_on``: the residents registered at
    it leave the community that day, and their board terms end. Called by the portfolio's
    ``dwelling_released`` signal, inside the transaction that ended the contract."""
    leaving = list(
        Resident.objects.select_for_update(of=("self",))
        .select_related("community__complex__corporation", "user")
        .filter(dwelling=dwelling, joined_on__lte=left_on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=left_on))
    )
    for resident in leaving:
        _leave(resident, left_on, _("The tenancy of the dwelling ended"), acting_user)
    return leaving


@transaction.atomic
def revoke_former_resident_memberships(*, today: dt.date | None = None) -> int:
    """For a daily job: the resident membership of people whose residency ended (a move-out
    recorded with a later date) and who live in no other complex of the corporation."""
    today = today or timezone.localdate()
    revoked = 0
    candidates = (
        Membership.objects.filter(role=Role.RESIDENT)
        .filter(
            user__residencies__left_on__lt=today,
            user__residencies__community__complex__corporation=F("organisation"),
        )
        .select_related("user", "organisation")
        .distinct()
    )
    for membership in candidates:
        living = (
            Resident.objects.filter(
                user=membership.user,
                community__complex__corporation=membership.organisation,
            )
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
            .exists()
        )
        if not living:
            revoke_role(acting_user=None, membership=membership)
            revoked += 1
    return revoked
