"""The quota ledger per year and, per municipality and corporation, the forecast of this year's
quota with its fan chart. The corporation's manager and letting officers and the municipality's
policy officers see it; anyone else gets 404. A municipality sees counts below 5 as "<5"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from doorstroom.organisations.selectors import has_role_anywhere
from doorstroom.outcomes.disclosure import THRESHOLD, WITHHELD, is_small
from doorstroom.outcomes.fan_chart import fan_chart
from doorstroom.outcomes.forecast import (
    DEFAULT_SEED,
    DEFAULT_SIMS,
    PAGE_MAX_SIMS,
    RowForecast,
    forecast_row,
)
from doorstroom.outcomes.ledger import (
    LEDGER_ROLES,
    LedgerRow,
    ledger_for,
    row_for,
    sees_persons_of,
    shown,
    visible_quotas,
)


class ForecastForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=2**32 - 1,
        initial=DEFAULT_SEED,
        help_text=_("The same seed gives the same result; change it to see another run."),
    )
    simulaties = forms.IntegerField(
        label=_("Number of simulations"),
        min_value=100,
        max_value=PAGE_MAX_SIMS,
        initial=DEFAULT_SIMS,
    )


def _allowed(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_superuser or has_role_anywhere(user, *LEDGER_ROLES)):
        raise Http404


def _today() -> dt.date:
    return dt.date.today()


def _ledger_line(row: LedgerRow, suppress: bool) -> dict[str, Any]:
    """A row's figures as the viewer may see them."""
    return {
        "row": row,
        "suppress": suppress,
        "target": row.target,
        "realised": shown(row.realised, suppress),
        "share": None if suppress and is_small(row.realised) else row.share,
        # still to go = target − realised: it would reveal a suppressed realised count
        "to_go": WITHHELD if suppress and is_small(row.realised) else row.to_go,
        "nominations": shown(row.accepted_nominations, suppress),
        "vacancies": shown(row.open_care_vacancies, suppress),
        "pipeline": shown(row.pipeline, suppress),
    }


@require_GET
def ledger_overview(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    today = _today()
    years = sorted(set(visible_quotas(request.user).values_list("year", flat=True)), reverse=True)
    try:
        year = int(request.GET.get("jaar", today.year))
    except ValueError:
        year = today.year
    rows = ledger_for(request.user, today, year)
    return render(
        request,
        "outcomes/forecast/ledger.html",
        {
            "lines": [
                _ledger_line(r, not sees_persons_of(request.user, r.corporation.pk)) for r in rows
            ],
            "year": year,
            "years": years or [today.year],
            "today": today,
        },
    )


def _forecast_figures(forecast: RowForecast, suppress: bool) -> dict[str, Any]:
    simulation = forecast.simulation
    chart = fan_chart(forecast)
    table = [
        {
            "month_end": r.month_end,
            "starts": [shown(v, suppress) for v in r.starts],
            "flips": [shown(v, suppress) for v in r.flips],
            "exits": [shown(v, suppress) for v in r.exits],
        }
        for r in chart.rows
    ]
    # The fan chart draws exact counts: not for a municipality when any could be small.
    small = suppress and (
        forecast.starts_last_12m < THRESHOLD
        or simulation.placements < THRESHOLD
        or max(r.starts[2] for r in chart.rows) < THRESHOLD
    )
    return {
        "simulation": simulation,
        "chart": None if small else chart,
        "chart_withheld": small,
        "table": table,
        "expected_starts": shown(simulation.expected_starts, suppress),
        "expected_flips": shown(simulation.expected_flips, suppress),
        "expected_exits": shown(simulation.expected_exits, suppress),
        "expected_backfill": shown(simulation.expected_backfill, suppress),
        "placements": shown(simulation.placements, suppress),
        "starts_last_12m": shown(forecast.starts_last_12m, suppress),
        "start_rate": (
            None if suppress and is_small(forecast.starts_last_12m) else simulation.start_rate
        ),
        "start_rate_source": forecast.start_rate_source,
        "bands": [
            {
                **band,
                "flips_shown": shown(band["flips"], suppress),
                "exits_shown": shown(band["exits"], suppress),
                # a hazard is events ÷ months at risk: withheld with a suppressed count
                "flip": None if suppress and is_small(band["flips"]) else band["flip"],
                "exit": None if suppress and is_small(band["exits"]) else band["exit"],
            }
            for band in forecast.hazards.bands
        ],
    }


@require_GET
def forecast_detail(
    request: HttpRequest, municipality_id: int, corporation_id: int
) -> HttpResponse:
    _allowed(request)
    today = _today()
    row = row_for(request.user, municipality_id, corporation_id, today.year, today)
    if row is None:
        raise Http404
    form = ForecastForm(request.GET or None)
    seed, n_sims = DEFAULT_SEED, DEFAULT_SIMS
    if request.GET and form.is_valid():
        seed, n_sims = form.cleaned_data["seed"], form.cleaned_data["simulaties"]
    elif not request.GET:
        form = ForecastForm(initial={"seed": seed, "simulaties": n_sims})
    suppress = not sees_persons_of(request.user, corporation_id)
    forecast = forecast_row(row, user=request.user, today=today, n_sims=n_sims, seed=seed)
    line = _ledger_line(row, suppress)
    return render(
        request,
        "outcomes/forecast/detail.html",
        {
            "line": line,
            "lines": [line],
            "row": row,
            "form": form,
            "seed": seed,
            "n_sims": n_sims,
            "today": today,
            "figures": _forecast_figures(forecast, suppress),
        },
    )
