"""Contributions: a resident's own pledge and log (with the form to log and to delete an entry),
and the totals of the complex for the board and the manager. Writes go through
``community.contributions``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doorstroom.community import contributions as services
from doorstroom.community.forms_contributions import ContributionForm
from doorstroom.community.models import ContributionLog
from doorstroom.community.pages import get_community_or_404, render_community
from doorstroom.community.selectors import residency_of
from doorstroom.config.forms import apply_errors

#: How many of the resident's own entries the page lists (the totals count all of them).
OWN_ENTRIES = 50


@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest, community_id: int) -> HttpResponse:
    """The resident's pledge, the form to log what they did, and their own log. A POST with
    ``delete`` removes one of their own entries."""
    community = get_community_or_404(request.user, community_id, "community.log_contribution")
    me = residency_of(request.user)
    if me is None or me.community_id != community.pk:
        raise Http404
    if request.method == "POST" and "delete" in request.POST:
        try:
            entry_id = int(request.POST["delete"])
        except ValueError:
            raise Http404 from None
        entry = get_object_or_404(ContributionLog.objects.filter(resident=me), pk=entry_id)
        services.delete_contribution(acting_user=request.user, entry=entry)
        messages.success(request, _("The entry has been deleted."))
        return redirect("community:contributions", community.pk)
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_contribution(
                acting_user=request.user,
                resident=me,
                kind=form.cleaned_data["kind"],
                hours=form.cleaned_data["hours"],
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you! Your contribution has been logged."))
            return redirect("community:contributions", community.pk)
    entries = list(ContributionLog.objects.filter(resident=me)[:OWN_ENTRIES])
    return render_community(
        request,
        "community/contributions/mine.html",
        community,
        {
            "form": form,
            "pledge": services.pledge_of(me, request.user.email),  # type: ignore[union-attr]
            "entries": entries,
            "totals": services.own_totals(me),
            "today": timezone.localdate(),
        },
        section="contributions",
    )


@require_GET
def totals(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(
        request.user, community_id, "community.view_contribution_totals"
    )
    return render_community(
        request,
        "community/contributions/totals.html",
        community,
        {"totals": services.complex_totals(community)},
        section="contribution_totals",
    )
