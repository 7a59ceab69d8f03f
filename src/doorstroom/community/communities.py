"""Starting the community of a complex: the mixed-living manager opens the community pages for a
complex of the corporation, after which residents can be invited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved
from doorstroom.community.models import Community
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import holds_role_in
from doorstroom.portfolio.models import CommunalSpaceKind, Complex


def may_start(user: Any, complex_: Complex) -> bool:
    return user is None or holds_role_in(user, complex_.corporation_id, {Role.MIXED_LIVING_MANAGER})


def startable_complexes(user: Any) -> list[Complex]:
    """The complexes of the user's corporations (as manager) that have no community yet."""
    from doorstroom.organisations.selectors import memberships_of

    corporations = [
        m.organisation_id for m in memberships_of(user) if m.role == Role.MIXED_LIVING_MANAGER
    ]
    return list(
        Complex.objects.filter(corporation_id__in=corporations, community__isnull=True).order_by(
            "name"
        )
    )


@transaction.atomic
def start_community(*, acting_user: Any, complex_: Complex, meeting_place: str = "") -> Community:
    if not may_start(acting_user, complex_):
        raise PermissionDenied(_("You may not do this."))
    complex_ = Complex.objects.select_for_update(of=("self",)).get(pk=complex_.pk)
    if Community.objects.filter(complex=complex_).exists():
        raise ValidationError(_("This complex already has a community."))
    # The meeting is in the communal living room when there is one, else another communal space.
    spaces = sorted(
        (space for space in complex_.communal_spaces.all() if space.description),
        key=lambda space: space.kind != CommunalSpaceKind.LIVING_ROOM,
    )
    place = meeting_place.strip() or (spaces[0].description if spaces else "")
    community = Community(complex=complex_)
    if place:
        community.meeting_place = place[:120]
    community.full_clean()
    community.save()
    record_saved(actor=acting_user, organisation=complex_.corporation, obj=community, before=None)
    return community
