"""The quota page: target, realised, still to go and the pace needed, per year and target group."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doorstroom.config.forms import apply_errors
from doorstroom.organisations.access import get_for_user_or_404
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import has_role_anywhere, memberships_of
from doorstroom.outcomes.disclosure import is_small, suppress
from doorstroom.outcomes.quota import progress_of
from doorstroom.portfolio import services
from doorstroom.portfolio.forms import QuotaForm
from doorstroom.portfolio.mix import mix_of, with_mix
from doorstroom.portfolio.models import Complex, Quota

QUOTA_ROLES = (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER, Role.POLICY_OFFICER)


def municipal_aggregates(user: Any) -> list[dict[str, Any]]:
    """Per corporation, the mixed-living figures in the policy officer's municipalities (counts only)."""
    names = [
        m.organisation.municipality_name
        for m in memberships_of(user)
        if m.role == Role.POLICY_OFFICER and m.organisation.municipality_name
    ]
    if not names:
        return []
    query = Q()
    for name in names:
        query |= Q(municipality_name__iexact=name)
    totals: dict[int, dict[str, Any]] = {}
    for complex_ in with_mix(Complex.objects.filter(query).select_related("corporation")):
        mix = mix_of(complex_)
        row = totals.setdefault(
            complex_.corporation_id,
            {
                "corporation": complex_.corporation,
                "complexes": 0,
                "dwellings": 0,
                "care_leased": 0,
                "labelled": 0,
                "promised": 0,
            },
        )
        row["complexes"] += 1
        for key in ("dwellings", "care_leased", "labelled", "promised"):
            row[key] += getattr(mix, key)
    for row in totals.values():
        # Dwellings with a care lease or a label say who lives there: small counts are
        # suppressed for the municipality, and the share computed from them withheld.
        small = is_small(row["care_leased"]) or is_small(row["labelled"])
        row["care_leased_shown"] = suppress(row["care_leased"])
        row["labelled_shown"] = suppress(row["labelled"])
        row["share"] = (
            None
            if small
            else (Decimal(row["care_leased"] + row["labelled"]) / row["dwellings"])
            if row["dwellings"]
            else Decimal(0)
        )
    return sorted(totals.values(), key=lambda row: row["corporation"].name)


@require_GET
def quota_overview(request: HttpRequest) -> HttpResponse:
    if not (has_role_anywhere(request.user, *QUOTA_ROLES) or request.user.is_superuser):
        raise Http404
    quotas = Quota.objects.visible_to(request.user).select_related("municipality", "corporation")
    years = sorted(set(quotas.values_list("year", flat=True)), reverse=True)
    today = dt.date.today()
    try:
        year = int(request.GET.get("jaar", today.year))
    except ValueError:
        year = today.year
    rows = progress_of(
        list(
            quotas.filter(year=year).order_by(
                "municipality__name", "corporation__name", "target_group"
            )
        ),
        today,
    )
    history = progress_of(list(quotas.order_by("-year", "target_group")), today)
    return render(
        request,
        "outcomes/quota.html",
        {
            "aggregates": municipal_aggregates(request.user),
            "rows": rows,
            "year": year,
            "years": years or [today.year],
            "history": history,
            "can_add": has_role_anywhere(
                request.user, Role.MIXED_LIVING_MANAGER, Role.POLICY_OFFICER
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def quota_edit(request: HttpRequest, quota_id: int | None = None) -> HttpResponse:
    if quota_id is None:
        if not has_role_anywhere(request.user, Role.MIXED_LIVING_MANAGER, Role.POLICY_OFFICER):
            raise Http404
        membership = request.membership  # type: ignore[attr-defined]
        instance = Quota(year=dt.date.today().year)
        if membership and membership.role == Role.POLICY_OFFICER:
            instance.municipality = membership.organisation
        elif membership and membership.role == Role.MIXED_LIVING_MANAGER:
            instance.corporation = membership.organisation
    else:
        instance = get_for_user_or_404(
            Quota.objects.all(), request.user, "portfolio.change_quota", quota_id
        )
    form = QuotaForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            quota = services.save_quota(acting_user=request.user, quota=form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied:
            form.add_error(
                None, _("You can only record quotas of your own municipality or corporation.")
            )
        else:
            messages.success(request, _("The quota has been saved."))
            return redirect(f"{reverse('outcomes:quota')}?jaar={quota.year}")
    title = _("Change quota") if instance.pk else _("New quota")
    intro = _(
        "The number of dwellings the corporation makes available to a target group in a year, "
        "as agreed with the municipality (prestatieafspraken)."
    )
    return render(
        request,
        "form_page.html",
        {"form": form, "title": title, "intro": intro, "back_url": reverse("outcomes:quota")},
    )
