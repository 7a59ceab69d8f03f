"""Each role lands on its own home page listing what needs its attention."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from doorstroom.home.sections import PLATFORM_ADMIN_SECTIONS, SECTIONS


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    if membership:
        sections = SECTIONS.get(membership.role, [])
    elif request.user.is_superuser:
        sections = PLATFORM_ADMIN_SECTIONS
    else:
        sections = []
    blocks = [
        {"section": section, "items": section.provider(request.user, membership)}
        for section in sections
        if section.shown(request.user, membership)
    ]
    from doorstroom.community.selectors import residency_of

    context = {"blocks": blocks, "membership": membership, "residency": residency_of(request.user)}
    return render(request, "home/start.html", context)
