"""The outcome dashboards per role, and the definitions of their figures.

One page, ``/uitkomsten/``: the active membership decides what it shows (see outcomes/dashboard.py);
a plain GET form chooses the reference date and the scope. Every other role gets a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.outcomes import dashboard
from doorstroom.outcomes.measures import DAYS_6M, DAYS_12M, DAYS_24M, DAYS_36M


class DashboardFilter(UtrechtFormMixin, forms.Form):
    peildatum = forms.DateField(
        label=gettext_lazy("Reference date"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Everything after this date has not happened yet."),
    )
    bereik = forms.ChoiceField(label=gettext_lazy("Scope"), required=False)

    def __init__(self, *args: Any, scopes: dashboard.Scopes, everything: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[Any] = [("", everything)]
        for group, options in scopes.groups():
            choices.append((group, [(option.value, option.label) for option in options]))
        field = self.fields["bereik"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean_peildatum(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("peildatum")
        if value and value.year < 1900:
            raise forms.ValidationError(_("Choose a reference date after 1900."))
        return value


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    viewer = dashboard.viewer_for(request.membership)  # type: ignore[attr-defined]
    if viewer is None:
        raise Http404
    scopes = dashboard.scopes_of(viewer)
    everything = dashboard.resolve_scope(viewer, scopes, "")
    assert everything is not None
    form = DashboardFilter(
        request.GET if request.GET else None, scopes=scopes, everything=everything.label
    )
    as_of = timezone.localdate()
    scope = everything
    if form.is_bound:
        form.is_valid()
        as_of = form.cleaned_data.get("peildatum") or as_of
        chosen = dashboard.resolve_scope(viewer, scopes, form.cleaned_data.get("bereik") or "")
        scope = chosen or everything
    board = dashboard.build(request.user, viewer, scopes, scope, as_of)
    return render(
        request,
        "outcomes/dashboard/overview.html",
        {
            "form": form,
            "board": board,
            "viewer": viewer,
            "charts": [board.incidence, board.quarters, board.states]
            + ([board.mix] if board.mix else []),
        },
    )


@require_GET
def definitions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "outcomes/dashboard/definitions.html",
        {
            "definitions": [
                (key, label, text) for key, (label, text) in dashboard.DEFINITIONS.items()
            ],
            "horizons": [(6, DAYS_6M), (12, DAYS_12M), (24, DAYS_24M), (36, DAYS_36M)],
            "small": dashboard.SMALL,
        },
    )
