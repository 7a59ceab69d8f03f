"""Which placements an outcome figure is about: what the viewer may see, narrowed to a scope
(spec section 2: all visible, one care provider, one complex, one corporation, one
municipality). Every page, report, command and API call gets its placements here."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.portfolio.models import Complex
from doorstroom.tenancies.models import Placement


class UnknownScope(ValueError):
    """A scope that names no complex, care provider, corporation or municipality."""


def visible_placements(user: Any) -> QuerySet[Placement]:
    """Placements the user may count: the system (None) all; the care provider its own; the
    corporation's staff those in its dwellings; a policy officer those in the complexes of their
    municipality (they see aggregates only, never a placement)."""
    if user is None:
        return Placement.objects.all()
    municipalities = [
        m.organisation.municipality_name
        for m in memberships_of(user)
        if m.role == Role.POLICY_OFFICER and m.organisation.municipality_name
    ]
    return Placement.objects.filter(
        Q(pk__in=Placement.objects.visible_to(user).values("pk"))
        | Q(dwelling__complex__municipality_name__in=municipalities)
    )


def placements_for(
    user: Any,
    *,
    complex_code: str | None = None,
    care_provider: str | None = None,
    corporation: str | None = None,
    municipality: str | None = None,
) -> QuerySet[Placement]:
    """The placements of a scope that ``user`` may see; UnknownScope when a name matches
    nothing at all (an empty scope the user may not see is simply empty)."""
    placements = visible_placements(user)
    if complex_code:
        if not Complex.objects.filter(code__iexact=complex_code).exists():
            raise UnknownScope(
                _("There is no complex with code %(code)s.") % {"code": complex_code}
            )
        placements = placements.filter(dwelling__complex__code__iexact=complex_code)
    if care_provider:
        provider = _organisation(care_provider, OrganisationKind.CARE_PROVIDER)
        placements = placements.filter(care_provider=provider)
    if corporation:
        owner = _organisation(corporation, OrganisationKind.CORPORATION)
        placements = placements.filter(dwelling__corporation=owner)
    if municipality:
        if not Complex.objects.filter(municipality_name__iexact=municipality).exists():
            raise UnknownScope(
                _("There is no complex in the municipality %(name)s.") % {"name": municipality}
            )
        placements = placements.filter(dwelling__complex__municipality_name__iexact=municipality)
    return placements


def _organisation(name: str, kind: str) -> Organisation:
    found = Organisation.objects.filter(kind=kind).filter(
        Q(name__iexact=name) | Q(pk=int(name) if name.isdigit() else None)
    )
    organisation = found.first()
    if organisation is None:
        label = OrganisationKind(kind).label
        raise UnknownScope(
            _("There is no %(kind)s named %(name)s.") % {"kind": str(label).lower(), "name": name}
        )
    return organisation
