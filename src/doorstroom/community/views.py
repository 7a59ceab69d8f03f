"""The way in: a resident goes to their own community; a manager picks one of the corporation's
communities. The overview shows what is coming up and what needs the viewer."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doorstroom.community.communities import start_community, startable_complexes
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    Community,
    Meeting,
    MeetingStatus,
)
from doorstroom.community.pages import get_community_or_404, render_community
from doorstroom.community.selectors import board_on, residency_of


@require_http_methods(["GET", "POST"])
def landing(request: HttpRequest) -> HttpResponse:
    """Residents go straight to their community; managers see the corporation's communities and
    can start one for a complex that has none yet."""
    startable = startable_complexes(request.user)
    if request.method == "POST":
        chosen = next((c for c in startable if str(c.pk) == request.POST.get("complex")), None)
        if chosen is None:
            raise Http404
        try:
            community = start_community(acting_user=request.user, complex_=chosen)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("community:landing")
        messages.success(
            request,
            _("The community of %(name)s has started. Invite its residents.")
            % {"name": chosen.name},
        )
        return redirect("community:residents", community.pk)
    resident = residency_of(request.user)
    communities = list(Community.objects.visible_to(request.user).select_related("complex"))
    if resident is not None and len(communities) == 1:
        return redirect("community:overview", resident.community_id)
    return render(
        request, "community/landing.html", {"communities": communities, "startable": startable}
    )


@require_GET
def overview(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    today = timezone.localdate()
    upcoming = list(
        ActivityRequest.objects.filter(
            community=community, status=ActivityStatus.APPROVED, starts_on__gte=today
        ).order_by("starts_on", "start_time")[:5]
    )
    next_meeting = (
        Meeting.objects.filter(
            community=community, status=MeetingStatus.PLANNED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    resident = residency_of(request.user)
    mine = (
        list(
            ActivityRequest.objects.filter(requested_by=resident)
            .exclude(status__in=[ActivityStatus.CLOSED, ActivityStatus.WITHDRAWN])
            .order_by("-submitted_at")[:5]
        )
        if resident is not None and resident.community_id == community.pk
        else []
    )
    return render_community(
        request,
        "community/overview.html",
        community,
        {
            "upcoming": upcoming,
            "next_meeting": next_meeting,
            "board": board_on(community, today),
            "mine": mine,
        },
        section="overview",
    )
