"""Aftercare screens of the care provider: the check-ins due and overdue, and recording one.

Only the client's own care provider (case workers, team leads) sees these; everyone else gets 404.
Every write goes through ``tenancies.aftercare``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doorstroom.config.forms import apply_errors
from doorstroom.tenancies import aftercare, clock
from doorstroom.tenancies.forms_aftercare import CheckInForm
from doorstroom.tenancies.models import AftercareCheckIn


@require_GET
def check_in_list(request: HttpRequest) -> HttpResponse:
    if not aftercare.provider_ids(request.user):
        raise Http404
    on = clock.local_today()
    rows = [
        {"check_in": check_in, "overdue": check_in.due_on < on}
        for check_in in aftercare.due_for(request.user, on)
    ]
    return render(
        request,
        "tenancies/aftercare/list.html",
        {"rows": rows, "due_soon_days": aftercare.DUE_SOON_DAYS},
    )


def _check_in_or_404(request: HttpRequest, check_in_id: int) -> AftercareCheckIn:
    check_in = (
        AftercareCheckIn.objects.select_related("placement__dwelling__complex")
        .filter(
            pk=check_in_id, placement__care_provider_id__in=aftercare.provider_ids(request.user)
        )
        .first()
    )
    if check_in is None or not request.user.has_perm(
        "tenancies.record_check_in", check_in.placement
    ):
        raise Http404
    return check_in


@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, check_in_id: int) -> HttpResponse:
    check_in = _check_in_or_404(request, check_in_id)
    if check_in.done_on is not None:
        form = None
    elif request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                aftercare.record_check_in(
                    acting_user=request.user,
                    check_in=check_in,
                    done_on=form.cleaned_data["done_on"],
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The check-in has been recorded."))
                return redirect("aftercare:list")
    else:
        form = CheckInForm(initial={"done_on": clock.local_today()})
    return render(
        request,
        "tenancies/aftercare/record.html",
        {
            "check_in": check_in,
            "form": form,
            "overdue": check_in.done_on is None and check_in.due_on < clock.local_today(),
            "placement_url": clock.placement_url(check_in.placement_id),
        },
    )
