"""The quarterly report for a municipality or a care-lease agreement: what it contains.

A report is built once (``build_report``) into plain tables that the PDF (report_pdf.py), the
spreadsheet (report_xlsx.py) and the tests read. It holds counts and shares only, never a
placement, a client reference or a dwelling.

Scopes: a municipality as a whole (its policy officers), the complexes of one corporation in a
municipality (that corporation's mixed-living manager) and one care-lease agreement (the
corporation's manager and the care provider's team lead). ``scopes_for(user)`` lists what a
person may ask for; anything else is not there (404 in the views).

Disclosure control, in anything a municipality receives (both municipality scopes):
- a count of 1 to 4 is shown as "<5" (``suppress``); 0 is shown, as it names nobody;
- when exactly one part of a shown total is "<5", the smallest other non-zero part is withheld
  too ("x"), so the hidden part cannot be found by subtraction (``protect_parts``);
- a share, median or incidence computed from a count that is not shown is withheld ("x").
The agreement report goes to the two parties of the agreement, who know their placements, so its
counts are shown as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.community.models import ActivityRequest, Community, Decision, DecisionOutcome
from doorstroom.community.models.activities import GRANTED_STATUSES
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.outcomes import measures
from doorstroom.outcomes.disclosure import (
    WITHHELD,
    CellValue,
    protect_parts,
    protect_share,
    shown,
    suppress,
)
from doorstroom.outcomes.quota import progress_of
from doorstroom.outcomes.scopes import UnknownScope, placements_for, visible_placements
from doorstroom.portfolio.models import CareLeaseAgreement, Complex, Quota
from doorstroom.tenancies.models import ExitReason, Placement

#: Reports of scopes with more placements than this are made by the background worker
#: (the setting REPORT_IN_BACKGROUND_FROM_PLACEMENTS overrides it).
BACKGROUND_FROM_PLACEMENTS = 2000


# Disclosure control -------------------------------------------------------------------------


@dataclass(frozen=True)
class Disclosure:
    """The disclosure rules of one report: ``protect`` for what a municipality receives."""

    protect: bool

    def count(self, n: int) -> CellValue:
        return suppress(n) if self.protect else n

    def parts(self, parts: Sequence[int], total: int) -> tuple[list[CellValue], CellValue]:
        return protect_parts(parts, total) if self.protect else (list(parts), total)

    def share(self, value: float | None, *sources: CellValue) -> CellValue:
        return protect_share(value, *sources) if self.protect else value


# The report as tables -----------------------------------------------------------------------

TEXT, COUNT, SHARE, DAYS = "text", "count", "share", "days"


@dataclass(frozen=True)
class Cell:
    value: CellValue
    kind: str = COUNT


@dataclass(frozen=True)
class Table:
    key: str  # also the sheet name in the spreadsheet (at most 31 characters)
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[QqKk]([1-4])\s*$")


def parse_quarter(text: str) -> Quarter:
    """'2026-Q3' (or 2026-K3, 2026Q3) as a Quarter; ValueError with a clear message otherwise."""
    match = _QUARTER.match(text or "")
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError(_("Enter a quarter as year and quarter number, for example 2026-Q3."))
    return Quarter(int(match.group(1)), int(match.group(2)))


def current_quarter(today: dt.date | None = None) -> Quarter:
    today = today or timezone.localdate()
    return Quarter(today.year, (today.month - 1) // 3 + 1)


@dataclass(frozen=True)
class ReportScope:
    """What a report is about. ``key`` is what the form and the background task pass around."""

    key: str
    label: str
    municipality: str
    corporation: Organisation | None = None
    agreement: CareLeaseAgreement | None = None

    @property
    def for_municipality(self) -> bool:
        return self.agreement is None

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.label.lower()).strip("-")[:60]

    def placements(self, user: Any) -> QuerySet[Placement]:
        if self.agreement is not None:
            agreement = self.agreement
            return visible_placements(user).filter(
                Q(care_lease__agreement=agreement)
                | Q(
                    care_lease__isnull=True,
                    care_provider_id=agreement.care_provider_id,
                    dwelling__complex_id=agreement.complex_id,
                )
            )
        try:
            return placements_for(
                user,
                municipality=self.municipality,
                corporation=str(self.corporation.pk) if self.corporation else None,
            )
        except UnknownScope:  # a municipality without complexes: an empty report
            return Placement.objects.none()

    def complexes(self) -> QuerySet[Complex]:
        if self.agreement is not None:
            return Complex.objects.filter(pk=self.agreement.complex_id)
        found = Complex.objects.filter(municipality_name__iexact=self.municipality)
        return found.filter(corporation=self.corporation) if self.corporation else found

    def quotas(self, year: int) -> QuerySet[Quota]:
        found = Quota.objects.filter(
            year=year, municipality__municipality_name__iexact=self.municipality
        )
        corporation_id = (
            self.agreement.corporation_id
            if self.agreement is not None
            else (self.corporation.pk if self.corporation else None)
        )
        if corporation_id is not None:
            found = found.filter(corporation_id=corporation_id)
        return found.select_related("municipality", "corporation").order_by(
            "corporation__name", "target_group"
        )


def scopes_for(user: Any) -> list[ReportScope]:
    """Every scope ``user`` may have a report of (two queries at most)."""
    memberships = memberships_of(user)
    scopes: dict[str, ReportScope] = {}
    for m in memberships:
        name = m.organisation.municipality_name
        if m.role == Role.POLICY_OFFICER and name:
            key = f"gemeente:{name.lower()}"
            scopes[key] = ReportScope(
                key=key,
                label=_("Municipality of %(name)s") % {"name": name},
                municipality=name,
            )
    managed = {
        m.organisation_id: m.organisation
        for m in memberships
        if m.role == Role.MIXED_LIVING_MANAGER
    }
    led = {m.organisation_id for m in memberships if m.role == Role.TEAM_LEAD}
    if managed:
        places = (
            Complex.objects.filter(corporation_id__in=managed)
            .order_by()
            .values_list("corporation_id", "municipality_name")
            .distinct()
        )
        for corporation_id, name in sorted(set(places), key=lambda p: (p[0], p[1].lower())):
            corporation = managed[corporation_id]
            key = f"gemeente:{name.lower()}:corporatie:{corporation_id}"
            scopes.setdefault(
                key,
                ReportScope(
                    key=key,
                    label=_("%(corporation)s in %(name)s")
                    % {"corporation": corporation.name, "name": name},
                    municipality=name,
                    corporation=corporation,
                ),
            )
    if managed or led:
        agreements = (
            CareLeaseAgreement.objects.filter(
                Q(corporation_id__in=managed) | Q(care_provider_id__in=led)
            )
            .select_related("complex", "care_provider", "corporation")
            .order_by("complex__name", "care_provider__name", "start_date")
        )
        for agreement in agreements:
            key = f"overeenkomst:{agreement.pk}"
            label = _("Agreement %(provider)s in %(complex)s since %(start)s") % {
                "provider": agreement.care_provider.name,
                "complex": agreement.complex.name,
                "start": agreement.start_date.isoformat(),
            }
            if agreement.reference:
                label = f"{label} ({agreement.reference})"
            scopes[key] = ReportScope(
                key=key,
                label=label,
                municipality=agreement.complex.municipality_name,
                corporation=agreement.corporation,
                agreement=agreement,
            )
    return list(scopes.values())


def scope_for(user: Any, key: str) -> ReportScope | None:
    """The scope with ``key`` if ``user`` may have its report, else None."""
    return next((scope for scope in scopes_for(user) if scope.key == key), None)


@dataclass(frozen=True)
class Report:
    title: str
    scope: ReportScope
    quarter: Quarter
    as_of: dt.date
    generated_on: dt.date
    protected: bool
    has_data: bool
    tables: list[Table]
    definitions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def period_start(self) -> dt.date:
        return self.quarter.start

    @property
    def period_end(self) -> dt.date:
        return self.quarter.end

    def filename(self, extension: str) -> str:
        return f"doorstroom-rapportage-{self.quarter}-{self.scope.slug}.{extension}"

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def in_background(placements: int) -> bool:
    from django.conf import settings

    limit = getattr(settings, "REPORT_IN_BACKGROUND_FROM_PLACEMENTS", BACKGROUND_FROM_PLACEMENTS)
    return placements > int(limit)


def build_report(
    user: Any, scope: ReportScope, quarter: Quarter, *, today: dt.date | None = None
) -> Report:
    """The report of ``scope`` for ``quarter``, with what ``user`` may see: a fixed number of
    queries whatever the number of placements."""
    today = today or timezone.localdate()
    as_of = min(quarter.end, today)
    rules = Disclosure(protect=scope.for_municipality)
    placements = scope.placements(user)
    figures = measures.compute(measures.Register.from_queryset(placements), as_of)
    tables = [
        _quota_table(scope, quarter, as_of, rules),
        _quarter_table(placements, quarter, as_of, rules),
        _exits_table(placements, quarter, as_of, rules),
        _measures_table(figures, as_of, rules),
        _starts_table(figures, rules),
        _community_table(scope, quarter, as_of, rules),
    ]
    return Report(
        title=_("Doorstroom quarterly report %(quarter)s") % {"quarter": quarter},
        scope=scope,
        quarter=quarter,
        as_of=as_of,
        generated_on=today,
        protected=rules.protect,
        has_data=figures["placements"] > 0,
        tables=tables,
        definitions=definitions(rules.protect),
    )


def _quota_table(scope: ReportScope, quarter: Quarter, as_of: dt.date, rules: Disclosure) -> Table:
    rows = []
    for progress in progress_of(list(scope.quotas(quarter.year)), as_of):
        realised = rules.count(progress.realised)
        rows.append(
            [
                Cell(progress.quota.corporation.name, TEXT),
                Cell(str(progress.quota.get_target_group_display()), TEXT),
                Cell(progress.target),
                Cell(realised),
                Cell(progress.to_go if shown(realised) else WITHHELD),
                Cell(
                    rules.share(
                        progress.realised / progress.target if progress.target else None,
                        realised,
                    ),
                    SHARE,
                ),
            ]
        )
    return Table(
        key="taakstelling",
        title=_("Quota %(year)s: placements started this year up to %(date)s")
        % {"year": quarter.year, "date": as_of.isoformat()},
        columns=[
            _("Corporation"),
            _("Target group"),
            _("Target"),
            _("Realised"),
            _("Still to go"),
            _("Share realised"),
        ],
        rows=rows,
        note="" if rows else _("No quota recorded for this year."),
    )


def _quarter_table(
    placements: QuerySet[Placement], quarter: Quarter, as_of: dt.date, rules: Disclosure
) -> Table:
    period = (quarter.start, as_of)
    flows = placements.aggregate(
        started=Count("pk", filter=Q(start_date__range=period)),
        flipped=Count("pk", filter=Q(flip_date__range=period)),
        exited=Count("pk", filter=Q(exit_date__range=period)),
        exited_after_flip=Count("pk", filter=Q(exit_date__range=period, flip_date__isnull=False)),
    )
    started, flipped, exited = (int(flows[k] or 0) for k in ("started", "flipped", "exited"))
    after = int(flows["exited_after_flip"] or 0)
    (before_cell, after_cell), exited_cell = rules.parts([exited - after, after], exited)
    rows = [
        [Cell(_("Placements started in the quarter"), TEXT), Cell(rules.count(started))],
        [Cell(_("Flips to an own tenancy in the quarter"), TEXT), Cell(rules.count(flipped))],
        [Cell(_("Placements ended in the quarter"), TEXT), Cell(exited_cell)],
        [Cell(_("of which before a flip"), TEXT), Cell(before_cell)],
        [Cell(_("of which after a flip"), TEXT), Cell(after_cell)],
    ]
    quiet = not (started or flipped or exited)
    return Table(
        key="plaatsingen",
        title=_("Placements from %(start)s to %(end)s")
        % {"start": quarter.start.isoformat(), "end": as_of.isoformat()},
        columns=[_("Figure"), _("Number")],
        rows=rows,
        note=_("No data: nothing started, flipped or ended in this period.") if quiet else "",
    )


def _exits_table(
    placements: QuerySet[Placement], quarter: Quarter, as_of: dt.date, rules: Disclosure
) -> Table:
    counts = {
        row["exit_reason"]: row["n"]
        for row in placements.filter(exit_date__range=(quarter.start, as_of))
        .order_by()
        .values("exit_reason")
        .annotate(n=Count("pk"))
    }
    reasons = list(ExitReason)
    numbers = [int(counts.get(reason.value, 0)) for reason in reasons]
    cells, total = rules.parts(numbers, sum(numbers))
    rows = [
        [Cell(str(reason.label), TEXT), Cell(cell)]
        for reason, cell in zip(reasons, cells, strict=True)
    ]
    rows.append([Cell(_("Total"), TEXT), Cell(total)])
    return Table(
        key="vertrek",
        title=_("Placements ended in the quarter, by reason"),
        columns=[_("Reason"), _("Number")],
        rows=rows,
        note="" if sum(numbers) else _("No data: no placement ended in this period."),
    )


def _measures_table(figures: dict[str, Any], as_of: dt.date, rules: Disclosure) -> Table:
    (active, flipped, exited), placements = rules.parts(
        [figures["active_care_leases"], figures["flipped"], figures["exited_without_flip"]],
        figures["placements"],
    )
    returned = {
        horizon: round((figures[f"returns_{horizon}"] or 0) * figures[f"returns_{horizon}_n"])
        for horizon in ("12m", "24m")
    }
    rows: list[list[Cell]] = [
        [Cell(_("Placements"), TEXT), Cell(placements)],
        [Cell(_("Still in the care lease"), TEXT), Cell(active)],
        [Cell(_("Flipped to an own tenancy"), TEXT), Cell(flipped)],
        [Cell(_("Left without a flip"), TEXT), Cell(exited)],
        [
            Cell(_("Share flipped"), TEXT),
            Cell(rules.share(figures["flip_share"], flipped, placements), SHARE),
        ],
        [
            Cell(_("Median days to the flip"), TEXT),
            Cell(rules.share(figures["median_days_to_flip"], flipped), DAYS),
        ],
        [
            Cell(_("Cumulative incidence of the flip by 36 months"), TEXT),
            Cell(rules.share(figures["cif_flip_36m"], flipped, placements), SHARE),
        ],
        [
            Cell(_("Cumulative incidence of leaving without a flip by 36 months"), TEXT),
            Cell(rules.share(figures["cif_exit_36m"], exited, placements), SHARE),
        ],
        [
            Cell(_("In the care lease for 3 years or longer"), TEXT),
            Cell(rules.count(figures["overdue_3y"])),
        ],
    ]
    for horizon, months in (("12m", 12), ("24m", 24)):
        followed = rules.count(figures[f"returns_{horizon}_n"])
        rows.append(
            [
                Cell(
                    _("Flipped placements followed for %(months)s months") % {"months": months},
                    TEXT,
                ),
                Cell(followed),
            ]
        )
        rows.append(
            [
                Cell(
                    _("Share of them back in homelessness within %(months)s months")
                    % {"months": months},
                    TEXT,
                ),
                Cell(
                    rules.share(
                        figures[f"returns_{horizon}"], followed, rules.count(returned[horizon])
                    ),
                    SHARE,
                ),
            ]
        )
    return Table(
        key="uitkomsten",
        title=_("Outcome measures on %(date)s (all placements since the start)")
        % {"date": as_of.isoformat()},
        columns=[_("Measure"), _("Value")],
        rows=rows,
        note="" if figures["placements"] else _("No data: no placement started by this date."),
    )


def _starts_table(figures: dict[str, Any], rules: Disclosure) -> Table:
    years = sorted(figures["starts_by_year"])
    numbers = [figures["starts_by_year"][year] for year in years]
    cells, total = rules.parts(numbers, sum(numbers))
    rows = [[Cell(year, TEXT), Cell(cell)] for year, cell in zip(years, cells, strict=True)]
    rows.append([Cell(_("Total"), TEXT), Cell(total)])
    return Table(
        key="starts_per_jaar",
        title=_("Placements started per year"),
        columns=[_("Year"), _("Number")],
        rows=rows,
        note="" if numbers else _("No data: no placement started by this date."),
    )


def _community_table(
    scope: ReportScope, quarter: Quarter, as_of: dt.date, rules: Disclosure
) -> Table:
    """Totals over the communities of the scope's complexes, with the definitions of
    community/figures.py (activities held: granted and not after ``as_of``, by their first
    date; participants from the evaluations; decisions taken in meetings of the period)."""
    complexes = scope.complexes()
    communities = Community.objects.filter(complex__in=complexes).count()
    activities = ActivityRequest.objects.filter(
        community__complex__in=complexes,
        starts_on__range=(quarter.start, as_of),
        status__in=GRANTED_STATUSES,
    ).aggregate(
        held=Count("pk"),
        participants=Coalesce(
            Sum("evaluation__participants"), Value(0), output_field=IntegerField()
        ),
    )
    decisions = Decision.objects.filter(
        request__community__complex__in=complexes,
        meeting__starts_at__date__range=(quarter.start, quarter.end),
    ).aggregate(
        approved=Count("pk", filter=Q(outcome=DecisionOutcome.APPROVED)),
        rejected=Count("pk", filter=Q(outcome=DecisionOutcome.REJECTED)),
    )
    held, participants = int(activities["held"] or 0), int(activities["participants"] or 0)
    approved, rejected = int(decisions["approved"] or 0), int(decisions["rejected"] or 0)
    (approved_cell, rejected_cell), decided_cell = rules.parts(
        [approved, rejected], approved + rejected
    )
    rate = approved / (approved + rejected) if approved + rejected else None
    rows = [
        [Cell(_("Communities"), TEXT), Cell(communities)],
        [Cell(_("Activities held"), TEXT), Cell(rules.count(held))],
        [Cell(_("Participants in the activities"), TEXT), Cell(rules.count(participants))],
        [Cell(_("Requests decided by the board"), TEXT), Cell(decided_cell)],
        [Cell(_("of which approved"), TEXT), Cell(approved_cell)],
        [Cell(_("of which rejected"), TEXT), Cell(rejected_cell)],
        [
            Cell(_("Approval rate"), TEXT),
            Cell(rules.share(rate, approved_cell, decided_cell), SHARE),
        ],
    ]
    return Table(
        key="gemeenschap",
        title=_("Community activity in the quarter"),
        columns=[_("Figure"), _("Number")],
        rows=rows,
        note=""
        if held or approved or rejected
        else _("No data: no community activity in this period."),
    )


def definitions(protected: bool) -> list[tuple[str, str]]:
    terms = [
        (
            _("Reference date"),
            _(
                "The last day of the quarter, or today for a quarter that has not ended. "
                "Anything dated later has not happened yet."
            ),
        ),
        (
            _("Placement"),
            _(
                "One client in one dwelling leased by a care provider, from one start date. "
                "Counted when it started on or before the reference date."
            ),
        ),
        (
            _("Flip"),
            _(
                "The client gets a direct, regular tenancy of the dwelling (omklappen). "
                "A flip and an exit on the same day count as a flip."
            ),
        ),
        (
            _("Share flipped"),
            _("Flipped placements divided by all placements up to the reference date."),
        ),
        (
            _("Median days to the flip"),
            _("The middle value of the days from start to flip over flipped placements."),
        ),
        (
            _("Cumulative incidence by 36 months"),
            _(
                "The share expected to have flipped (or left without a flip) within 1095 days "
                "of the start, estimated with the Aalen–Johansen method, which also counts "
                "placements that have not reached 36 months yet."
            ),
        ),
        (
            _("In the care lease for 3 years or longer"),
            _("Placements still in the care lease at least 1095 days after the start."),
        ),
        (
            _("Back in homelessness"),
            _(
                "Among flipped placements followed for 12 (24) months: the share that ended "
                "within 12 (24) months of the flip with the reason back to shelter or eviction."
            ),
        ),
        (
            _("Quota"),
            _(
                "The dwellings agreed between municipality and corporation for the year; "
                "realised counts placements that started in the year, up to the reference date."
            ),
        ),
        (
            _("Community activity"),
            _(
                "Approved activities held in the quarter (by their first date) and the "
                "participants their evaluations report; decisions of the board in meetings "
                "of the quarter."
            ),
        ),
        (
            _("Shares"),
            _("Shown as percentages; '–' means there is nothing to compute."),
        ),
    ]
    if protected:
        terms.append(
            (
                _("Small numbers"),
                _(
                    "So that nobody can be recognised, numbers from 1 to 4 are shown as '<5', "
                    "and 'x' marks a figure that is withheld because it could reveal such a "
                    "number (a share computed from it, or a second number in the same total)."
                ),
            )
        )
    return terms
