"""Server-rendered SVG charts of ZRM scores: geometry here, markup in clients/_radar.html and
clients/_lines.html. No JavaScript, no external library; every chart has a table with the same data
next to it (clients/_score_table.html), which is what screen readers use.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from doorstroom.clients import zrm
from doorstroom.clients.models import Assessment

LEVELS = (1, 2, 3, 4, 5)


# --- the data both a chart and its table show ----------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    code: str
    label: str
    scores: list[int | None]  # one per column (assessment), oldest first

    @property
    def change(self) -> int | None:
        """Latest minus the one before, when both are scored."""
        if len(self.scores) < 2 or self.scores[-1] is None or self.scores[-2] is None:
            return None
        return self.scores[-1] - self.scores[-2]

    @property
    def change_size(self) -> int:
        return abs(self.change or 0)


@dataclass(frozen=True)
class ScoreTable:
    dates: list[dt.date]  # column headings, oldest first
    rows: list[ScoreRow]

    def __bool__(self) -> bool:
        return bool(self.dates)


def score_table(assessments: Sequence[Assessment]) -> ScoreTable:
    """Domains (rows) by assessment (columns, oldest first); scores must be prefetched.

    Rows follow the domains of the newest assessment's version, then any older-only domains.
    """
    ordered = sorted(assessments, key=lambda a: (a.assessed_on, a.pk))
    if not ordered:
        return ScoreTable([], [])
    by_assessment = [{s.domain: s.score for s in a.scores.all()} for a in ordered]
    codes: list[tuple[str, str]] = []
    seen: set[str] = set()
    for assessment in reversed(ordered):
        for domain in zrm.VERSIONS.get(assessment.version, []):
            if domain.code not in seen:
                seen.add(domain.code)
                codes.append((domain.code, str(domain.label)))
    rows = [
        ScoreRow(code, label, [scores.get(code) for scores in by_assessment])
        for code, label in codes
    ]
    return ScoreTable([a.assessed_on for a in ordered], rows)


# --- radar of the latest two ---------------------------------------------------------------------


@dataclass(frozen=True)
class RadarAxis:
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    lines: list[str]


@dataclass(frozen=True)
class RadarSeries:
    key: str  # "latest" or "previous": the CSS modifier
    label: str
    points: list[tuple[float, float, int]]

    @property
    def polygon(self) -> str:
        return " ".join(f"{x},{y}" for x, y, _score in self.points)

    @property
    def squares(self) -> list[tuple[float, float]]:
        """Top-left corners of 8x8 square markers (the previous assessment's points)."""
        return [(round(x - 4, 1), round(y - 4, 1)) for x, y, _score in self.points]


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    cx: float
    cy: float
    rings: list[tuple[int, str, float, float]]  # level, polygon, label x, label y
    axes: list[RadarAxis]
    series: list[RadarSeries]
    summary: str = ""


def radar(table: ScoreTable, *, radius: float = 130) -> Radar | None:
    """A radar of the latest (and, if any, previous) assessment over the domains both scored."""
    if not table:
        return None
    rows = [row for row in table.rows if row.scores[-1] is not None]
    count = len(rows)
    if count < 3:
        return None
    margin_x, margin_y = 175, 60
    width = int(2 * (radius + margin_x))
    height = int(2 * (radius + margin_y))
    cx, cy = width / 2, height / 2

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * value / 5
        return round(cx + distance * math.cos(angle), 1), round(cy + distance * math.sin(angle), 1)

    rings = []
    for level in LEVELS:
        corners = [point(i, level) for i in range(count)]
        label_x, label_y = point(0, level)
        rings.append(
            (
                level,
                " ".join(f"{x},{y}" for x, y in corners),
                round(label_x + 4, 1),
                round(label_y + 4, 1),
            )
        )
    axes = []
    for index, row in enumerate(rows):
        x, y = point(index, 5)
        label_x, label_y = point(index, 5.6)
        cos = math.cos(-math.pi / 2 + 2 * math.pi * index / count)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        lines = textwrap.wrap(row.label, 22) or [row.label]
        # Labels above the centre grow upwards, so their last line stays near the axis end.
        if label_y < cy - radius * 0.5:
            label_y -= 14 * (len(lines) - 1)
        elif abs(label_y - cy) <= radius * 0.5:
            label_y -= 7 * (len(lines) - 1)
        axes.append(RadarAxis(x, y, label_x, round(label_y + 4, 1), anchor, lines))
    series = []
    columns = [(len(table.dates) - 1, "latest")]
    previous = len(table.dates) - 2
    if previous >= 0 and all(row.scores[previous] is not None for row in rows):
        columns.insert(0, (previous, "previous"))
    for column, key in columns:
        points = []
        for index, row in enumerate(rows):
            score = row.scores[column]
            assert score is not None
            x, y = point(index, score)
            points.append((x, y, score))
        label = table.dates[column].strftime("%d-%m-%Y")
        series.append(RadarSeries(key, label, points))
    dates = (
        _("%(earlier)s and %(later)s") % {"earlier": series[0].label, "later": series[1].label}
        if len(series) == 2
        else series[0].label
    )
    summary = _(
        "Radar chart of the ZRM scores per domain on %(dates)s, on a scale of 1 to 5. "
        "The table below gives the same scores."
    ) % {"dates": dates}
    return Radar(width, height, cx, cy, rings, axes, series, summary)


# --- every domain over time, as small multiples --------------------------------------------------


@dataclass(frozen=True)
class Panel:
    label: str
    x: float
    y: float
    path: str
    points: list[tuple[float, float, int, str]]  # x, y, score, date
    last: tuple[float, float, int] | None  # where to write the latest score, and the score


@dataclass(frozen=True)
class Lines:
    width: int
    height: int
    panel_width: int
    panel_height: int
    plot_left: int
    plot_right: int
    plot_width: int
    date_y: int
    levels: list[tuple[int, float, float]]  # level, y within a panel, y of its label
    level_x: int
    first_date: str
    last_date: str
    panels: list[Panel] = field(default_factory=list)
    summary: str = ""


def lines(table: ScoreTable, *, columns: int = 3) -> Lines | None:
    """One small line chart per domain (x: assessment date, y: level 1-5), in a grid."""
    if not table:
        return None
    panel_width, panel_height = 240, 120
    plot_left, plot_right, plot_top, plot_bottom = 22, 30, 30, 24
    plot_width = panel_width - plot_left - plot_right
    plot_height = panel_height - plot_top - plot_bottom
    first, last = table.dates[0], table.dates[-1]
    span = (last - first).days

    def x_of(date: dt.date) -> float:
        if span == 0:
            return round(plot_left + plot_width / 2, 1)
        return round(plot_left + plot_width * (date - first).days / span, 1)

    def y_of(level: float) -> float:
        return round(plot_top + plot_height * (5 - level) / 4, 1)

    panels = []
    for index, row in enumerate(table.rows):
        origin_x = (index % columns) * panel_width
        origin_y = (index // columns) * panel_height
        points = [
            (x_of(date), y_of(score), score, date.strftime("%d-%m-%Y"))
            for date, score in zip(table.dates, row.scores, strict=True)
            if score is not None
        ]
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y, _s, _d) in enumerate(points)
        )
        last_point = (
            (round(points[-1][0] + 7, 1), round(points[-1][1] + 4, 1), points[-1][2])
            if points
            else None
        )
        panels.append(Panel(row.label, origin_x, origin_y, path, points, last_point))
    rows = math.ceil(len(table.rows) / columns)
    summary = _(
        "Line charts of the ZRM score per domain from %(first)s to %(last)s, on a scale of 1 to 5. "
        "The table below gives the same scores."
    ) % {"first": first.strftime("%d-%m-%Y"), "last": last.strftime("%d-%m-%Y")}
    return Lines(
        width=columns * panel_width,
        height=rows * panel_height,
        panel_width=panel_width,
        panel_height=panel_height,
        plot_left=plot_left,
        plot_right=plot_left + plot_width,
        plot_width=plot_width,
        date_y=panel_height - 6,
        levels=[(level, y_of(level), round(y_of(level) + 4, 1)) for level in LEVELS],
        level_x=plot_left - 6,
        first_date=first.strftime("%d-%m-%Y"),
        last_date=last.strftime("%d-%m-%Y"),
        panels=panels,
        summary=summary,
    )
