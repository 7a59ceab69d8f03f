"""Neighbourhood teams' areas: which team covers an address (by its four-digit postcode area),
and the services with which a team or the platform administrator manages its areas."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.organisations.selectors import holds_role_in
from doorstroom.portfolio.models import Dwelling
from doorstroom.tenancies.models import NeighbourhoodArea

_DIGITS = re.compile(r"^[1-9][0-9]{3}$")


def postcode_digits(postcode: str) -> str:
    """'3511 AB' -> '3511'."""
    return re.sub(r"\D", "", postcode or "")[:4]


def team_for(dwelling: Dwelling) -> Organisation | None:
    """The neighbourhood team covering the dwelling's postcode area, or None."""
    area = (
        NeighbourhoodArea.objects.select_related("team")
        .filter(postcode_digits=postcode_digits(dwelling.postcode))
        .first()
    )
    return area.team if area is not None else None


def covers(team: Organisation, dwelling: Dwelling) -> bool:
    return NeighbourhoodArea.objects.filter(
        team=team, postcode_digits=postcode_digits(dwelling.postcode)
    ).exists()


def may_manage_areas(user: Any, team: Organisation) -> bool:
    """The platform administrator, or a member of the team itself."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return holds_role_in(user, team.pk, {Role.NEIGHBOURHOOD_TEAM_MEMBER})


def may_assign_areas(user: Any) -> bool:
    """Only the platform administrator assigns an area to a team: an area decides which labelled
    tenants a team sees, so a team cannot claim one itself. A team may give an area up."""
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


@transaction.atomic
def add_area(*, acting_user: Any, team: Organisation, postcode_digits: str) -> NeighbourhoodArea:
    if acting_user is not None and not may_assign_areas(acting_user):
        raise PermissionDenied(_("You may not do this."))
    if team.kind != OrganisationKind.NEIGHBOURHOOD_TEAM:
        raise ValidationError({"team": _("Only a neighbourhood team covers postcode areas.")})
    digits = (postcode_digits or "").strip()
    if not _DIGITS.match(digits):
        raise ValidationError({"postcode_digits": _("Four digits, e.g. 3562.")})
    other = (
        NeighbourhoodArea.objects.select_for_update()
        .select_related("team")
        .filter(postcode_digits=digits)
        .first()
    )
    if other is not None:
        if other.team_id == team.pk:
            raise ValidationError({"postcode_digits": _("Your team covers this area already.")})
        raise ValidationError(
            {
                "postcode_digits": _(
                    "Postcode area %(digits)s is covered by another neighbourhood team, "
                    "%(team)s. Ask them or the platform administrator to hand it over."
                )
                % {"digits": digits, "team": other.team}
            }
        )
    area = NeighbourhoodArea(team=team, postcode_digits=digits)
    try:
        with transaction.atomic():
            area.save()
    except IntegrityError:  # added by someone else a moment ago
        raise ValidationError(
            {"postcode_digits": _("Another neighbourhood team covers this postcode area.")}
        ) from None
    record_saved(actor=acting_user, organisation=team, obj=area, before=None)
    return area


@transaction.atomic
def remove_area(*, acting_user: Any, area: NeighbourhoodArea) -> None:
    area = NeighbourhoodArea.objects.select_for_update().select_related("team").get(pk=area.pk)
    if acting_user is not None and not may_manage_areas(acting_user, area.team):
        raise PermissionDenied(_("You may not do this."))
    record(
        actor=acting_user,
        action=AuditAction.DELETE,
        organisation=area.team,
        obj=area,
        fields=["postcode_digits"],
    )
    area.delete()
