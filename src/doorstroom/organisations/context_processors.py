from typing import Any

from django.http import HttpRequest

from doorstroom.organisations.selectors import memberships_of


def active_membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    return {
        "session_ready": user.is_verified() or not user.requires_two_factor,
        "active_membership": membership if membership else None,
        "all_memberships": memberships_of(user),
    }
