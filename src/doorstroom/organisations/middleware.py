"""The membership a user is acting in: chosen in the header, remembered in the session."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from doorstroom.organisations.models import Membership
from doorstroom.organisations.selectors import memberships_of

SESSION_KEY = "active_membership_id"


def active_membership(request: HttpRequest) -> Membership | None:
    memberships = memberships_of(request.user)
    if not memberships:
        return None
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0]


class ActiveMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = SimpleLazyObject(lambda: active_membership(request))  # type: ignore[attr-defined]
        return self.get_response(request)
