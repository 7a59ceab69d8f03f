"""Read models of the outcome dashboards: who sees which placements, the figures of a scope on a
reference date, starts and flips per quarter, placements by state and the mix per complex.

Every measure comes from outcomes/measures.py; this module only chooses the placements, rounds
for reading and, for the municipality, suppresses small counts. Each dashboard runs a fixed
number of queries, whatever the number of placements: one for the placements, at most two for
the scopes to choose from, and one per quarter for the mix.

Roles: the mixed-living manager sees their corporation (per complex and per agreement); the
case worker and team lead their own care provider's placements (Doorstroom has no teams within a
care provider, so "per team" is the care provider as a whole); the policy officer the complexes
in their municipality across corporations, as aggregates only: counts below 5 read "<5" and a
share or median computed from such a count is withheld.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import Role
from doorstroom.outcomes import charts, disclosure
from doorstroom.outcomes.disclosure import SUPPRESSED, WITHHELD, protect_parts
from doorstroom.outcomes.measures import (
    CENSORED,
    DAYS_36M,
    EXIT,
    FLIP,
    KEYS,
    NEVER,
    Register,
    compute,
    first_events,
    incidence_curve,
)
from doorstroom.outcomes.scopes import placements_for
from doorstroom.portfolio.mix import mix_of, with_mix
from doorstroom.portfolio.models import CareLeaseAgreement, Complex
from doorstroom.tenancies.models import Placement, PlacementState

#: Counts below this are shown as "<5" to a municipality.
SMALL = disclosure.THRESHOLD
#: Quarters in the quarterly chart and points in the mix chart.
QUARTERS = 8

CORPORATION, CARE_PROVIDER, MUNICIPALITY = "corporation", "care_provider", "municipality"
VIEWER_ROLES = {
    Role.MIXED_LIVING_MANAGER: CORPORATION,
    Role.CASE_WORKER: CARE_PROVIDER,
    Role.TEAM_LEAD: CARE_PROVIDER,
    Role.POLICY_OFFICER: MUNICIPALITY,
}

#: Name and definition of every key of the spec (shared/spec/outcome-measures.md, section 2).
DEFINITIONS: dict[str, tuple[Any, Any]] = {
    "placements": (
        gettext_lazy("Placements"),
        gettext_lazy("The number of placements with a start date on or before the reference date."),
    ),
    "active_care_leases": (
        gettext_lazy("Still in the care lease"),
        gettext_lazy(
            "Placements whose first event is censored: on the reference date the client has "
            "neither flipped nor left, and is still in the care provider's lease."
        ),
    ),
    "flipped": (
        gettext_lazy("Flipped"),
        gettext_lazy("Placements whose first event is a flip."),
    ),
    "exited_without_flip": (
        gettext_lazy("Left without a flip"),
        gettext_lazy("Placements whose first event is an exit without a flip."),
    ),
    "flip_share": (
        gettext_lazy("Share flipped"),
        gettext_lazy(
            'Flipped divided by placements: the figure partners quote ("85% has flipped").'
        ),
    ),
    "median_days_to_flip": (
        gettext_lazy("Median time to the flip"),
        gettext_lazy(
            "The median of the days from the start to the flip over the flipped placements "
            "(the mean of the two middle values when their number is even); empty when none "
            "flipped."
        ),
    ),
    "cif_flip_36m": (
        gettext_lazy("Flipped within 3 years (cumulative incidence)"),
        gettext_lazy(
            "The cumulative incidence of the flip by day 1095, by the Aalen–Johansen estimator, "
            "with an exit without a flip as the competing event and censoring at the reference "
            "date. Tied times are not jittered: all events on the same day (of both kinds) are "
            "handled together, and before the censorings of that day."
        ),
    ),
    "cif_exit_36m": (
        gettext_lazy("Left without a flip within 3 years (cumulative incidence)"),
        gettext_lazy(
            "The same as the cumulative incidence of the flip, for the competing event: an exit "
            "without a flip by day 1095."
        ),
    ),
    "overdue_3y": (
        gettext_lazy("3 years or longer in the care lease"),
        gettext_lazy(
            "Placements still in the care lease (censored) that started 1095 days or more before "
            "the reference date."
        ),
    ),
    "returns_12m": (
        gettext_lazy("Back to homelessness within 12 months of the flip"),
        gettext_lazy(
            "Among the flipped placements whose flip is 365 days or more before the reference "
            "date: the share with an exit for the reason 'back to shelter, street or no fixed "
            "abode' or 'eviction' within 365 days of the flip. Empty when there are none."
        ),
    ),
    "returns_24m": (
        gettext_lazy("Back to homelessness within 24 months of the flip"),
        gettext_lazy("The same as within 12 months, with 730 days."),
    ),
    "returns_12m_n": (
        gettext_lazy("Flipped 12 months or more ago"),
        gettext_lazy(
            "The number of flipped placements whose flip is 365 days or more before the "
            "reference date: the denominator of the returns within 12 months."
        ),
    ),
    "returns_24m_n": (
        gettext_lazy("Flipped 24 months or more ago"),
        gettext_lazy(
            "The number of flipped placements whose flip is 730 days or more before the "
            "reference date: the denominator of the returns within 24 months."
        ),
    ),
    "starts_by_year": (
        gettext_lazy("Placements started per year"),
        gettext_lazy(
            "For each calendar year of the start date, the number of placements that started "
            "in it (up to the reference date)."
        ),
    ),
}
assert tuple(DEFINITIONS) == KEYS

SHARES = {"flip_share", "cif_flip_36m", "cif_exit_36m", "returns_12m", "returns_24m"}
COUNTS = {
    "placements",
    "active_care_leases",
    "flipped",
    "exited_without_flip",
    "overdue_3y",
    "returns_12m_n",
    "returns_24m_n",
}
#: The kinds of first event: they add up to the placements.
PARTS = ("active_care_leases", "flipped", "exited_without_flip")


# --- who sees what -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    kind: str  # CORPORATION, CARE_PROVIDER or MUNICIPALITY
    organisation: Organisation

    @property
    def aggregates_only(self) -> bool:
        return self.kind == MUNICIPALITY


def viewer_for(membership: Any) -> Viewer | None:
    """The dashboard a membership gets; None for every other role (the page answers 404)."""
    if membership is None:
        return None
    kind = VIEWER_ROLES.get(membership.role)
    return Viewer(kind, membership.organisation) if kind else None


def _role_placements(user: Any, viewer: Viewer) -> QuerySet[Placement]:
    placements = placements_for(user)
    organisation = viewer.organisation
    if viewer.kind == CORPORATION:
        return placements.filter(dwelling__corporation_id=organisation.pk)
    if viewer.kind == CARE_PROVIDER:
        return placements.filter(care_provider_id=organisation.pk)
    if not organisation.municipality_name:
        return placements.none()
    return placements.filter(
        dwelling__complex__municipality_name__iexact=organisation.municipality_name
    )


@dataclass(frozen=True)
class ScopeOption:
    value: str
    label: str


@dataclass
class Scopes:
    """What a viewer may narrow the dashboard to, and the complexes behind each choice."""

    complexes: dict[int, Complex] = field(default_factory=dict)
    agreements: dict[int, CareLeaseAgreement] = field(default_factory=dict)
    providers: dict[int, Organisation] = field(default_factory=dict)
    corporations: dict[int, Organisation] = field(default_factory=dict)
    offer_agreements: bool = True

    def groups(self) -> list[tuple[str, list[ScopeOption]]]:
        groups = []
        if self.complexes:
            groups.append(
                (
                    _("Complex"),
                    [
                        ScopeOption(f"complex-{c.pk}", f"{c.name} ({c.code})")
                        for c in sorted(self.complexes.values(), key=lambda c: c.name)
                    ],
                )
            )
        if self.agreements and self.offer_agreements:
            groups.append(
                (
                    _("Agreement"),
                    [
                        ScopeOption(f"agreement-{a.pk}", _agreement_label(a))
                        for a in sorted(
                            self.agreements.values(),
                            key=lambda a: (a.complex.name, a.care_provider.name, a.start_date),
                        )
                    ],
                )
            )
        if len(self.providers) > 1:
            groups.append(
                (
                    _("Care provider"),
                    [
                        ScopeOption(f"provider-{p.pk}", p.name)
                        for p in sorted(self.providers.values(), key=lambda p: p.name)
                    ],
                )
            )
        if len(self.corporations) > 1:
            groups.append(
                (
                    _("Corporation"),
                    [
                        ScopeOption(f"corporation-{o.pk}", o.name)
                        for o in sorted(self.corporations.values(), key=lambda o: o.name)
                    ],
                )
            )
        return groups

    def values(self) -> set[str]:
        return {option.value for _label, options in self.groups() for option in options}


def _agreement_label(agreement: CareLeaseAgreement) -> str:
    reference = f" {agreement.reference}" if agreement.reference else ""
    return _("%(provider)s in %(complex)s%(reference)s, from %(start)s") % {
        "provider": agreement.care_provider.name,
        "complex": agreement.complex.name,
        "reference": reference,
        "start": agreement.start_date.strftime("%d-%m-%Y"),
    }


def scopes_of(viewer: Viewer) -> Scopes:
    """Two queries at most: the agreements (with complex, corporation and care provider) and,
    for a corporation or municipality, the complexes."""
    organisation = viewer.organisation
    agreements = CareLeaseAgreement.objects.select_related(
        "complex", "care_provider", "corporation"
    )
    scopes = Scopes()
    if viewer.kind == CORPORATION:
        complexes = list(Complex.objects.filter(corporation_id=organisation.pk))
        agreements = agreements.filter(corporation_id=organisation.pk)
    elif viewer.kind == CARE_PROVIDER:
        complexes = []
        agreements = agreements.filter(care_provider_id=organisation.pk)
    else:
        scopes.offer_agreements = False
        name = organisation.municipality_name
        if not name:
            return scopes
        complexes = list(
            Complex.objects.filter(municipality_name__iexact=name).select_related("corporation")
        )
        agreements = agreements.filter(complex__municipality_name__iexact=name)
    scopes.complexes = {c.pk: c for c in complexes}
    for agreement in agreements:
        scopes.agreements[agreement.pk] = agreement
        scopes.complexes.setdefault(agreement.complex_id, agreement.complex)
        scopes.providers[agreement.care_provider_id] = agreement.care_provider
    if viewer.kind == MUNICIPALITY:
        scopes.corporations = {c.corporation_id: c.corporation for c in complexes}
    return scopes


@dataclass(frozen=True)
class Scope:
    value: str  # "" for everything the viewer may see
    label: str
    complexes: list[Complex]


def resolve_scope(viewer: Viewer, scopes: Scopes, value: str) -> Scope | None:
    """The chosen scope, or None when ``value`` is not one the viewer may choose."""
    everything = {
        CORPORATION: _("All complexes of %(name)s"),
        CARE_PROVIDER: _("All placements of %(name)s"),
        MUNICIPALITY: _("All complexes in %(name)s"),
    }[viewer.kind] % {
        "name": viewer.organisation.municipality_name
        if viewer.kind == MUNICIPALITY
        else viewer.organisation.name
    }
    every_complex = sorted(scopes.complexes.values(), key=lambda c: c.name)
    if not value:
        return Scope("", everything, every_complex)
    if value not in scopes.values():
        return None
    kind, _dash, number = value.partition("-")
    pk = int(number)
    if kind == "complex":
        complex_ = scopes.complexes[pk]
        return Scope(value, f"{complex_.name} ({complex_.code})", [complex_])
    if kind == "agreement":
        agreement = scopes.agreements[pk]
        return Scope(value, _agreement_label(agreement), [agreement.complex])
    if kind == "provider":
        ids = {a.complex_id for a in scopes.agreements.values() if a.care_provider_id == pk}
        return Scope(
            value,
            scopes.providers[pk].name,
            [c for c in every_complex if c.pk in ids],
        )
    return Scope(
        value,
        scopes.corporations[pk].name,
        [c for c in every_complex if c.corporation_id == pk],
    )


def scoped_placements(
    user: Any, viewer: Viewer, scopes: Scopes, scope: Scope
) -> QuerySet[Placement]:
    placements = _role_placements(user, viewer)
    if not scope.value:
        return placements
    kind, _dash, number = scope.value.partition("-")
    pk = int(number)
    if kind == "complex":
        return placements.filter(dwelling__complex_id=pk)
    if kind == "agreement":
        agreement = scopes.agreements[pk]
        # A placement imported without its care lease belongs to the agreement of its care
        # provider in its complex.
        return placements.filter(
            Q(care_lease__agreement_id=pk)
            | Q(
                care_lease__isnull=True,
                care_provider_id=agreement.care_provider_id,
                dwelling__complex_id=agreement.complex_id,
            )
        )
    if kind == "provider":
        return placements.filter(care_provider_id=pk)
    return placements.filter(dwelling__corporation_id=pk)


# --- rounding and suppression --------------------------------------------------------------------


def whole(value: float) -> int:
    """Rounded half up: 0.5 -> 1, 84.5 -> 85 (not banker's rounding)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_text(share: float | None) -> str:
    return "–" if share is None else f"{whole(share * 100)}%"


def count_text(count: int, suppress: bool) -> str:
    return SUPPRESSED if is_small(count, suppress) else str(count)


def is_small(count: int, suppress: bool) -> bool:
    return suppress and disclosure.is_small(count)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    text: str  # rounded for reading; "<5" or "–" where withheld or empty
    withheld: bool = False
    detail: str = ""

    @property
    def definition_url(self) -> str:
        return f"{reverse('dashboard:definitions')}#{self.key}"


def figures_of(result: dict[str, Any], *, suppress: bool) -> list[Figure]:
    """Every key of the spec (but starts per year, which has its own table), for reading."""
    figures = []
    withheld_text = _("withheld")
    # The kinds of first event add up to the placements: one hidden part must not follow from
    # the others by subtraction (disclosure.protect_parts).
    parts_cells = dict(
        zip(
            PARTS,
            protect_parts([result[key] for key in PARTS], result["placements"])[0],
            strict=True,
        )
    )
    hidden = {
        key
        for key in COUNTS
        if suppress and (is_small(result[key], True) or parts_cells.get(key) == WITHHELD)
    }
    for key in KEYS:
        if key == "starts_by_year":
            continue
        label = str(DEFINITIONS[key][0])
        value = result[key]
        withheld = False
        detail = ""
        if key in COUNTS:
            withheld = suppress and parts_cells.get(key) == WITHHELD
            text = withheld_text if withheld else count_text(value, suppress)
        elif key == "median_days_to_flip":
            withheld = "flipped" in hidden
            text = (
                withheld_text
                if withheld
                else "–"
                if value is None
                else _("%(days)s days") % {"days": whole(value)}
            )
        else:
            numerators = {
                "flip_share": [result["flipped"], result["placements"]],
                "cif_flip_36m": [result["flipped"], result["placements"]],
                "cif_exit_36m": [result["exited_without_flip"], result["placements"]],
                "returns_12m": [_returned(result, "12m"), result["returns_12m_n"]],
                "returns_24m": [_returned(result, "24m"), result["returns_24m_n"]],
            }[key]
            sources = {
                "flip_share": {"flipped", "placements"},
                "cif_flip_36m": {"flipped", "placements"},
                "cif_exit_36m": {"exited_without_flip", "placements"},
            }.get(key, set())
            withheld = value is not None and (
                any(is_small(n, suppress) for n in numerators) or bool(sources & hidden)
            )
            text = withheld_text if withheld else percent_text(value)
            if key.startswith("returns_") and not withheld and value is not None:
                detail = _("of %(n)s") % {"n": result[f"{key}_n"]}
        figures.append(Figure(key, label, text, withheld, detail))
    return figures


def _returned(result: dict[str, Any], horizon: str) -> int:
    share, n = result[f"returns_{horizon}"], result[f"returns_{horizon}_n"]
    return whole(share * n) if share is not None else 0


# --- the series behind the charts ----------------------------------------------------------------


def _quarter_of(day: int) -> tuple[int, int]:
    date = dt.date.fromordinal(day)
    return date.year, (date.month - 1) // 3 + 1


def _quarter_index(days: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Year * 4 + quarter - 1 of each day number, vectorised."""
    dates = (np.datetime64("0001-01-01") + (days - 1).astype("timedelta64[D]")).astype(
        "datetime64[M]"
    )
    months = dates.astype(np.int64)  # months since 1970-01
    years = months // 12 + 1970
    return years * 4 + (months % 12) // 3


def quarter_ends(as_of: dt.date, count: int = QUARTERS) -> list[dt.date]:
    """The last day of each of the ``count`` quarters up to ``as_of``; the last is ``as_of``."""
    year, quarter = as_of.year, (as_of.month - 1) // 3 + 1
    ends = [as_of]
    for _step in range(count - 1):
        # The day before the first day of the quarter that ``ends[-1]`` is in.
        ends.append(dt.date(year, 3 * quarter - 2, 1) - dt.timedelta(days=1))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return list(reversed(ends))


def quarter_label(date: dt.date) -> str:
    return _("%(year)s Q%(quarter)s") % {"year": date.year, "quarter": (date.month - 1) // 3 + 1}


@dataclass
class Dashboard:
    viewer: Viewer
    as_of: dt.date
    scope: Scope
    result: dict[str, Any]
    figures: list[Figure]
    starts_by_year: list[tuple[str, str]]
    incidence: charts.Chart
    quarters: charts.Chart
    states: charts.Chart
    mix: charts.Chart | None


def _rows(placements: QuerySet[Placement]) -> list[tuple[Any, ...]]:
    return list(
        placements.order_by().values_list(
            "start_date", "flip_date", "exit_date", "exit_reason", "tenancy__care_label_until"
        )
    )


def build(user: Any, viewer: Viewer, scopes: Scopes, scope: Scope, as_of: dt.date) -> Dashboard:
    suppress = viewer.aggregates_only
    rows = _rows(scoped_placements(user, viewer, scopes, scope))
    register = Register.from_rows(row[:4] for row in rows)
    result = compute(register, as_of)
    events = first_events(register, as_of)
    figures = figures_of(result, suppress=suppress)
    years = list(result["starts_by_year"])
    year_counts = [result["starts_by_year"][year] for year in years]
    year_cells = protect_parts(year_counts, result["placements"])[0] if suppress else year_counts
    starts_by_year = [
        (year, _("withheld") if cell == WITHHELD else str(cell))
        for year, cell in zip(years, year_cells, strict=True)
    ]
    return Dashboard(
        viewer=viewer,
        as_of=as_of,
        scope=scope,
        result=result,
        figures=figures,
        starts_by_year=starts_by_year,
        incidence=_incidence(events, result, suppress),
        quarters=_quarters(events, as_of, suppress),
        states=_states(register, rows, events, as_of, suppress),
        mix=_mix(scope.complexes, as_of, suppress),
    )


def _incidence(events: Any, result: dict[str, Any], suppress: bool) -> charts.Chart:
    curve = incidence_curve(events)
    placements = result["placements"]
    flip_withheld = is_small(result["flipped"], suppress) or is_small(placements, suppress)
    exit_withheld = is_small(result["exited_without_flip"], suppress) or is_small(
        placements, suppress
    )
    follow_up = int(events.time.max()) if events.time.size else 0
    rows = []
    for month in range(0, 37, 3):
        day = DAYS_36M if month == 36 else whole(month * charts.DAYS_PER_MONTH)
        if day > follow_up and month:
            break
        flip, exit_ = curve.at(day)
        rows.append(
            (
                str(month),
                [
                    _("withheld") if flip_withheld else percent_text(flip),
                    _("withheld") if exit_withheld else percent_text(exit_),
                ],
            )
        )
    return charts.incidence_chart(
        curve,
        follow_up_days=follow_up,
        table_rows=rows if placements else [],
        flip_withheld=flip_withheld,
        exit_withheld=exit_withheld,
    )


def _bar(count: int, suppress: bool) -> charts.Bar:
    return charts.Bar(None if is_small(count, suppress) else count, count_text(count, suppress))


def _per_quarter(days: np.ndarray[Any, Any], first: int) -> np.ndarray[Any, Any]:
    if not days.size:
        return np.zeros(QUARTERS, dtype=np.int64)
    offset = _quarter_index(days) - first
    return np.bincount(offset[(offset >= 0) & (offset < QUARTERS)], minlength=QUARTERS)


def _quarters(events: Any, as_of: dt.date, suppress: bool) -> charts.Chart:
    ends = quarter_ends(as_of)
    first = ends[0].year * 4 + (ends[0].month - 1) // 3
    starts = _per_quarter(events.start, first)
    flips = _per_quarter(events.flip[events.flip != NEVER], first)
    return charts.quarter_chart(
        [
            (quarter_label(end), _bar(int(starts[i]), suppress), _bar(int(flips[i]), suppress))
            for i, end in enumerate(ends)
        ]
    )


def state_counts(
    register: Register, label_until: Iterable[dt.date | None], events: Any, as_of: dt.date
) -> dict[str, int]:
    """Placements (started on or before ``as_of``) by their state on ``as_of``: an exit ends
    every state, a flip starts the label, the label's end makes it a regular tenancy."""
    day = as_of.toordinal()
    counted = register.start <= day
    until = np.asarray(
        [value.toordinal() if value else NEVER for value in label_until], dtype=np.int64
    )
    until = until[counted] if until.size else until
    exited = events.exit != NEVER
    flipped = (events.kind == FLIP) & ~exited
    return {
        PlacementState.CARE_LEASE: int((events.kind == CENSORED).sum()),
        PlacementState.FLIPPED: int((flipped & (until > day)).sum()),
        PlacementState.LABEL_ENDED: int((flipped & (until <= day)).sum()),
        PlacementState.EXITED: int(
            ((events.kind == EXIT) | ((events.kind == FLIP) & exited)).sum()
        ),
    }


def _states(
    register: Register, rows: list[tuple[Any, ...]], events: Any, as_of: dt.date, suppress: bool
) -> charts.Chart:
    counts = state_counts(register, (row[4] for row in rows), events, as_of)
    withheld = set()
    if suppress:  # the states add up to the placements: protect the parts
        cells = protect_parts(list(counts.values()), sum(counts.values()))[0]
        withheld = {state for state, cell in zip(counts, cells, strict=True) if cell == WITHHELD}
    return charts.state_chart(
        [
            (
                str(PlacementState(state).label),
                charts.Bar(None, _("withheld")) if state in withheld else _bar(n, suppress),
            )
            for state, n in counts.items()
        ]
    )


def _mix(complexes: list[Complex], as_of: dt.date, suppress: bool) -> charts.Chart | None:
    """One query per quarter end: the mix of portfolio/mix.py on that day, per complex."""
    if not complexes:
        return None
    ends = quarter_ends(as_of)
    ids = [c.pk for c in complexes]
    lines: dict[int, tuple[list[float | None], list[str]]] = {pk: ([], []) for pk in ids}
    for end in ends:
        for complex_ in with_mix(Complex.objects.filter(pk__in=ids), on=end):
            mix = mix_of(complex_)
            shares, texts = lines[complex_.pk]
            if not mix.dwellings:
                shares.append(None)
                texts.append("–")
            elif is_small(mix.vulnerable, suppress):
                shares.append(None)
                texts.append(_("withheld"))
            else:
                shares.append(float(mix.share))
                text = percent_text(float(mix.share))
                if not suppress:
                    text += f" ({mix.vulnerable}/{mix.dwellings})"
                texts.append(text)
    return charts.mix_chart(
        [end.strftime("%d-%m-%Y") for end in ends],
        [charts.MixLine(f"{c.name} ({c.code})", lines[c.pk][0], lines[c.pk][1]) for c in complexes],
    )


# --- the policy officer's home page --------------------------------------------------------------


def headline_items(user: Any, membership: Any) -> list[Any]:
    """The headline outcome figures of the policy officer's municipality, today, for the home
    page's "outcomes" section (aggregates only, small counts suppressed)."""
    from doorstroom.home.sections import Item

    viewer = viewer_for(membership)
    if viewer is None or viewer.kind != MUNICIPALITY:
        return []
    today = dt.date.today()
    rows = _rows(_role_placements(user, viewer))
    result = compute(Register.from_rows(row[:4] for row in rows), today)
    if not result["placements"]:
        return []
    url = reverse("dashboard:overview")
    wanted = ("placements", "flip_share", "cif_flip_36m", "overdue_3y", "returns_12m")
    return [
        Item(
            label=figure.label,
            detail=figure.text + (f" {figure.detail}" if figure.detail else ""),
            url=url,
        )
        for figure in figures_of(result, suppress=True)
        if figure.key in wanted
    ]
