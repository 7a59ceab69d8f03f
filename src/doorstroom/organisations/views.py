"""Organisation pages: the ones you belong to, and who works there."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doorstroom.organisations.access import get_organisation_or_404
from doorstroom.organisations.middleware import SESSION_KEY
from doorstroom.organisations.models import Membership, Organisation
from doorstroom.organisations.selectors import memberships_of


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.visible_to(request.user).order_by("name")
    return render(request, "organisations/list.html", {"organisations": organisations})


@require_GET
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_or_404(
        request.user, organisation_id, "organisations.view_organisation"
    )
    sees_members = request.user.has_perm("organisations.view_members", organisation)
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
        if sees_members
        else Membership.objects.none()
    )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "members": members,
            "sees_members": sees_members,
        },
    )


@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    """Act in another of your own memberships (organisation and role)."""
    try:
        wanted = int(request.POST.get("membership", ""))
    except ValueError:
        wanted = 0
    for membership in memberships_of(request.user):
        if membership.pk == wanted:
            request.session[SESSION_KEY] = membership.pk
            messages.success(
                request,
                _("You are now working as %(role)s at %(organisation)s.")
                % {"role": membership.get_role_display(), "organisation": membership.organisation},
            )
            return redirect("home:start")
    messages.error(request, _("That role is not one of yours."))
    return redirect("home:start")
