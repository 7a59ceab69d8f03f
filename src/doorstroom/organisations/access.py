"""One access helper per object kind: 'missing' and 'forbidden' give the same 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from doorstroom.organisations.models import Organisation


def get_organisation_or_404(user: Any, organisation_id: int, permission: str) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not user.has_perm(permission, organisation):
        raise Http404
    return organisation
