"""Server-rendered SVG charts of the outcome dashboards: the cumulative incidence of flip and exit,
starts and flips per quarter, placements by state and the mix per complex over time.

Each function returns a ``Chart``: the SVG markup (role="img" with <title> and <desc>, inline
presentation attributes, no JavaScript) and a ``DataTable`` with the same numbers, which the page
shows under the chart and which is what screen readers use. The numbers come formatted from
outcomes/dashboard.py, so a withheld or suppressed value ("<5") reads the same in both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from doorstroom.outcomes.measures import DAYS_36M, IncidenceCurve

WIDTH = 640
TEXT = "#222222"
MUTED = "#545454"
GRID = "#c8c8c8"
AXIS = "#8c8c8c"
#: Series colours (contrast of at least 3:1 on white) with a dash pattern, so colour is never
#: the only difference between two lines.
STYLES = (
    ("#1d4f91", ""),
    ("#9a5b00", "8 4"),
    ("#2e7d32", "2 3"),
    ("#8e2469", "10 3 2 3"),
    ("#00697a", "4 4"),
    ("#b3261e", "12 4"),
    ("#5b4a99", "1 4"),
    ("#3d3d3d", "6 2 1 2"),
)
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class DataTable:
    caption: str
    columns: list[str]  # the first heads the row headers
    rows: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    dash: str = ""
    bar: bool = False


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: SafeString
    table: DataTable
    legend: list[LegendItem]
    note: str = ""


# --- plumbing ------------------------------------------------------------------------------------


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(
    x: float, y: float, content: str, *, anchor: str = "middle", size: int = 12, fill: str = MUTED
) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}">{escape(content)}</text>'
    )


def _svg(key: str, height: int, title: str, desc: str, body: Sequence[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every text in it is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ds-chart__svg" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" focusable="false" '
        f'aria-labelledby="{key}-title {key}-desc" font-family="inherit">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>'
        + "".join(body)
        + "</svg>"
    )


def nice_maximum(value: float) -> int:
    """The top of a count axis with four whole-number steps of 1, 2, 2.5 or 5 times a power of
    ten: 1 -> 4, 7 -> 8, 30 -> 40, 99 -> 100."""
    return 4 * next(step for step in _STEPS if 4 * step >= value)


_STEPS = sorted({int(m * 10**k) for k in range(13) for m in (1, 2, 2.5, 5) if (m * 10**k) % 1 == 0})


@dataclass(frozen=True)
class _Frame:
    left: float
    top: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width


def _y_grid(frame: _Frame, maximum: float, labels: Sequence[tuple[float, str]]) -> list[str]:
    body = []
    for value, label in labels:
        y = frame.bottom - frame.height * value / maximum
        colour = AXIS if value == 0 else GRID
        body.append(
            f'<line x1="{_num(frame.left)}" x2="{_num(frame.right)}" y1="{_num(y)}" '
            f'y2="{_num(y)}" stroke="{colour}" stroke-width="1"/>'
        )
        body.append(_text(frame.left - 6, y + 4, label, anchor="end", size=11))
    return body


def _percent_ticks() -> list[tuple[float, str]]:
    return [(value, f"{int(value * 100)}%") for value in (0, 0.25, 0.5, 0.75, 1)]


def _count_ticks(maximum: int) -> list[tuple[float, str]]:
    step = maximum // 4
    return [(step * i, str(step * i)) for i in range(5)]


# --- cumulative incidence of flip and exit -------------------------------------------------------


def incidence_chart(
    curve: IncidenceCurve,
    *,
    follow_up_days: int,
    table_rows: list[tuple[str, list[str]]],
    flip_withheld: bool = False,
    exit_withheld: bool = False,
) -> Chart:
    """Step lines of the Aalen–Johansen cumulative incidence of flip and of exit without flip
    over months since the start (up to 36 months); ``table_rows`` give the same per quarter."""
    key = "chart-incidence"
    frame = _Frame(left=48, top=16, width=WIDTH - 48 - 20, height=240)
    height = int(frame.bottom + 44)
    horizon = min(max(follow_up_days, 0), DAYS_36M)

    def x_of(day: float) -> float:
        return frame.left + frame.width * min(day, DAYS_36M) / DAYS_36M

    def y_of(share: float) -> float:
        return frame.bottom - frame.height * share

    body = _y_grid(frame, 1.0, _percent_ticks())
    for month in range(0, 37, 6):
        x = x_of(month * DAYS_PER_MONTH if month < 36 else DAYS_36M)
        body.append(
            f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{_num(frame.bottom)}" '
            f'y2="{_num(frame.bottom + 4)}" stroke="{AXIS}"/>'
        )
        body.append(_text(x, frame.bottom + 18, str(month), size=11))
    body.append(
        _text(frame.left + frame.width / 2, frame.bottom + 38, _("months since the start"), size=12)
    )
    legend = []
    for values, label, withheld, (colour, dash) in (
        (curve.flip, _("Flipped"), flip_withheld, STYLES[0]),
        (curve.exit, _("Left without a flip"), exit_withheld, STYLES[1]),
    ):
        legend.append(LegendItem(label + (f" ({_('withheld')})" if withheld else ""), colour, dash))
        if withheld:
            continue
        path = [f"M{_num(x_of(0))} {_num(y_of(0))}"]
        for day, share in zip(curve.days.tolist(), values.tolist(), strict=True):
            if day > DAYS_36M:
                break
            path.append(f"H{_num(x_of(day))} V{_num(y_of(share))}")
        path.append(f"H{_num(x_of(horizon))}")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2.5"'
            f"{dash_attr}/>"
        )
    title = _("Cumulative incidence of flip and of leaving without a flip")
    desc = _(
        "Step lines over 0 to 36 months since the start: the share of placements that flipped "
        "and the share that left without a flip, with leaving as the competing event. "
        "The table below gives the same figures per quarter."
    )
    table = DataTable(
        caption=_("Cumulative incidence by months since the start"),
        columns=[_("Months since the start"), _("Flipped"), _("Left without a flip")],
        rows=table_rows,
    )
    return Chart(key, title, _svg(key, height, title, desc, body), table, legend)


# --- bars ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    value: int | None  # None: suppressed, not drawn
    text: str  # what the table and the label over the bar say ("<5" when suppressed)


def quarter_chart(quarters: Sequence[tuple[str, Bar, Bar]]) -> Chart:
    """Grouped bars per quarter: placements started (first) and flips (second)."""
    key = "chart-quarters"
    frame = _Frame(left=48, top=20, width=WIDTH - 48 - 12, height=220)
    height = int(frame.bottom + 30)
    maximum = nice_maximum(
        max([bar.value or 0 for _label, *bars in quarters for bar in bars], default=0)
    )
    body = _y_grid(frame, maximum, _count_ticks(maximum))
    group = frame.width / max(len(quarters), 1)
    bar_width = min(group * 0.36, 28)
    for index, (label, *bars) in enumerate(quarters):
        centre = frame.left + group * (index + 0.5)
        for offset, bar, (colour, _dash) in zip((-1, 0), bars, STYLES[:2], strict=True):
            x = centre + offset * bar_width + (-1 if offset else 1)
            value = bar.value or 0
            top = frame.bottom - frame.height * value / maximum
            if bar.value:
                body.append(
                    f'<rect x="{_num(x)}" y="{_num(top)}" width="{_num(bar_width)}" '
                    f'height="{_num(frame.bottom - top)}" fill="{colour}"/>'
                )
            body.append(_text(x + bar_width / 2, top - 4, bar.text, size=10, fill=TEXT))
        body.append(_text(centre, frame.bottom + 18, label, size=11))
    title = _("Placements started and flips per quarter")
    desc = _(
        "Bars per quarter: the number of placements that started and the number of flips. "
        "The table below gives the same numbers."
    )
    table = DataTable(
        caption=_("Starts and flips per quarter"),
        columns=[_("Quarter"), _("Started"), _("Flipped")],
        rows=[(label, [starts.text, flips.text]) for label, starts, flips in quarters],
    )
    legend = [
        LegendItem(_("Started"), STYLES[0][0], bar=True),
        LegendItem(_("Flipped"), STYLES[1][0], bar=True),
    ]
    return Chart(key, title, _svg(key, height, title, desc, body), table, legend)


def state_chart(states: Sequence[tuple[str, Bar]]) -> Chart:
    """Horizontal bars: the placements in each state on the reference date."""
    key = "chart-states"
    row_height = 48
    left, right = 8, 56
    height = row_height * len(states) + 8
    maximum = max([bar.value or 0 for _label, bar in states], default=0) or 1
    body = []
    for index, (label, bar) in enumerate(states):
        top = index * row_height + 8
        body.append(_text(left, top + 12, label, anchor="start", size=13, fill=TEXT))
        width = (WIDTH - left - right) * (bar.value or 0) / maximum
        body.append(
            f'<rect x="{left}" y="{top + 20}" width="{_num(WIDTH - left - right)}" height="16" '
            f'fill="#ececec"/>'
        )
        if bar.value:
            body.append(
                f'<rect x="{left}" y="{top + 20}" width="{_num(width)}" height="16" '
                f'fill="{STYLES[0][0]}"/>'
            )
        body.append(
            _text(WIDTH - right + 8, top + 33, bar.text, anchor="start", size=13, fill=TEXT)
        )
    title = _("Placements by state")
    desc = _(
        "Horizontal bars: the number of placements in each state on the reference date. "
        "The table below gives the same numbers."
    )
    table = DataTable(
        caption=_("Placements by state on the reference date"),
        columns=[_("State"), _("Placements")],
        rows=[(label, [bar.text]) for label, bar in states],
    )
    return Chart(key, title, _svg(key, height, title, desc, body), table, [])


# --- the mix per complex over time ---------------------------------------------------------------


@dataclass(frozen=True)
class MixLine:
    label: str
    shares: list[float | None]  # one per date; None: withheld or no dwellings
    texts: list[str]  # what the table says per date


def mix_chart(dates: Sequence[str], lines: Sequence[MixLine], *, drawn: int = len(STYLES)) -> Chart:
    """One line per complex (the first ``drawn``; the table has them all): the share of
    vulnerable dwellings (leased to a care provider or with the label) at each date."""
    key = "chart-mix"
    frame = _Frame(left=48, top=16, width=WIDTH - 48 - 24, height=220)
    height = int(frame.bottom + 30)
    maximum = 1.0

    def x_of(index: int) -> float:
        if len(dates) < 2:
            return frame.left + frame.width / 2
        return frame.left + frame.width * index / (len(dates) - 1)

    body = _y_grid(frame, maximum, _percent_ticks())
    last = len(dates) - 1
    for index, label in enumerate(dates):
        # Every other date and always the last, so that the labels do not overlap.
        if (last - index) % 2 == 0:
            anchor = "end" if index == last and last else "middle"
            body.append(_text(x_of(index), frame.bottom + 18, label, anchor=anchor, size=11))
    legend = []
    for line, (colour, dash) in zip(lines[:drawn], STYLES, strict=False):
        legend.append(LegendItem(line.label, colour, dash))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segments: list[str] = []
        pen_down = False
        for index, share in enumerate(line.shares):
            if share is None:
                pen_down = False
                continue
            x, y = x_of(index), frame.bottom - frame.height * share / maximum
            segments.append(f"{'L' if pen_down else 'M'}{_num(x)} {_num(y)}")
            pen_down = True
            body.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{colour}"/>')
        if segments:
            body.append(
                f'<path d="{" ".join(segments)}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
    title = _("The mix per complex over time")
    desc = _(
        "Lines per complex: the share of dwellings leased to a care provider or let with the "
        "'wonen met zorg' label, at the end of each quarter. The table below gives the same "
        "shares."
    )
    table = DataTable(
        caption=_("Share of vulnerable dwellings per complex"),
        columns=[_("Complex"), *dates],
        rows=[(line.label, line.texts) for line in lines],
    )
    note = (
        _("The chart shows the first %(n)s complexes; the table shows all of them.") % {"n": drawn}
        if len(lines) > drawn
        else ""
    )
    return Chart(key, title, _svg(key, height, title, desc, body), table, legend, note)
