"""Read models for organisations and memberships, cached per request on the user object."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from doorstroom.organisations.models import Membership

_CACHE_ATTR = "_doorstroom_memberships"


def memberships_of(user: Any) -> list[Membership]:
    """All memberships of ``user`` with their organisation, fetched once per user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name", "role")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_in(user: Any, organisation_id: int) -> set[str]:
    return {m.role for m in memberships_of(user) if m.organisation_id == organisation_id}


def has_role_anywhere(user: Any, *roles: str) -> bool:
    return any(m.role in roles for m in memberships_of(user))


def holds_role_in(user: Any, organisation_id: int | None, roles: Collection[str]) -> bool:
    """Whether ``user`` holds one of ``roles`` in the organisation with id ``organisation_id``."""
    return any(
        m.organisation_id == organisation_id and m.role in roles for m in memberships_of(user)
    )
