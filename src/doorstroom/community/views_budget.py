"""The budget of a community (year overview; the manager sets it) and its figures, for the board
and the manager. Writes go through community.budget; figures come from community.figures."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doorstroom.community import budget as services
from doorstroom.community.figures import year_figures
from doorstroom.community.forms_activities import BudgetForm
from doorstroom.community.models import Budget
from doorstroom.community.pages import get_community_or_404, render_community
from doorstroom.community.selectors import budget_summary
from doorstroom.config.forms import apply_errors


def _year_or_404(year: int) -> int:
    if not services.valid_year(year):
        raise Http404
    return year


@require_GET
def budget(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.view_budget")
    return redirect("community:budget_year", community.pk, services.current_year())


@require_GET
def budget_year(request: HttpRequest, community_id: int, year: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.view_budget")
    year = _year_or_404(year)
    overview = services.year_overview(community, year)
    return render_community(
        request,
        "community/budget/year.html",
        community,
        {
            "year": year,
            "overview": overview,
            "summary": overview.summary,
            "open_requested": services.open_requested_total(community, year),
            "previous_year": year - 1 if services.valid_year(year - 1) else None,
            "next_year": year + 1 if services.valid_year(year + 1) else None,
        },
        section="budget",
    )


@require_http_methods(["GET", "POST"])
def set_budget(request: HttpRequest, community_id: int, year: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.set_budget")
    year = _year_or_404(year)
    current = Budget.objects.filter(community=community, year=year).first()
    if request.method == "POST":
        form = BudgetForm(request.POST)
        if form.is_valid():
            try:
                services.set_budget(
                    acting_user=request.user,
                    community=community,
                    year=year,
                    amount=form.cleaned_data["amount"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The budget for %(year)s is saved.") % {"year": year})
                return redirect("community:budget_year", community.pk, year)
        status = 400
    else:
        initial = (
            {
                "amount": number_format(current.amount, decimal_pos=2, use_l10n=True),
                "note": current.note,
            }
            if current
            else {}
        )
        form = BudgetForm(initial=initial)
        status = 200
    return render_community(
        request,
        "community/budget/set.html",
        community,
        {
            "form": form,
            "year": year,
            "current": current,
            "granted": budget_summary(community, year).granted,
        },
        section="budget",
        status=status,
    )


@require_GET
def figures(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.view_figures")
    try:
        year = int(request.GET.get("jaar", ""))
    except ValueError:
        year = services.current_year()
    if not services.valid_year(year):
        year = services.current_year()
    data = year_figures(community, year)
    most_held, most_participants = data.most_held, data.most_participants
    months = [
        {
            "figures": month,
            "held_width": round(month.held * 100 / most_held) if most_held else 0,
            "participants_width": round(month.participants * 100 / most_participants)
            if most_participants
            else 0,
        }
        for month in data.months
    ]
    return render_community(
        request,
        "community/figures/year.html",
        community,
        {
            "year": year,
            "figures": data,
            "months": months,
            "previous_year": year - 1 if services.valid_year(year - 1) else None,
            "next_year": year + 1 if services.valid_year(year + 1) else None,
        },
        section="figures",
    )
