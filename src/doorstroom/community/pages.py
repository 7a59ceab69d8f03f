"""What every community page shares: finding the community (404 for missing and forbidden alike)
and rendering inside the community layout with the viewer's permissions asked once."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from doorstroom.community.models import Community
from doorstroom.community.selectors import residency_of
from doorstroom.organisations.access import get_for_user_or_404

#: The permissions the layout and the pages ask, as template names (``can.decide``).
PERMISSIONS = (
    "view_community",
    "invite_resident",
    "manage_board",
    "change_settings",
    "submit_request",
    "run_meeting",
    "decide",
    "write_minutes",
    "set_budget",
    "view_budget",
    "view_figures",
    "view_contribution_totals",
    "log_contribution",
)


def get_community_or_404(
    user: Any, community_id: int, permission: str = "community.view_community"
) -> Community:
    return get_for_user_or_404(
        Community.objects.select_related("complex__corporation"), user, permission, community_id
    )


def permissions_of(user: Any, community: Community) -> dict[str, bool]:
    return {name: user.has_perm(f"community.{name}", community) for name in PERMISSIONS}


def render_community(
    request: HttpRequest,
    template: str,
    community: Community,
    context: dict[str, Any] | None = None,
    *,
    section: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render ``template`` (which extends community/base.html) with ``community``, the viewer's
    permissions as ``can``, their residency as ``me`` and the active ``section`` of the menu."""
    full = {
        "community": community,
        "can": permissions_of(request.user, community),
        "me": residency_of(request.user),
        "section": section,
        **(context or {}),
    }
    return render(request, template, full, status=status)
