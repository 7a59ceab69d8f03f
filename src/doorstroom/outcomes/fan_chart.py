"""The fan chart of the forecast: cumulative starts over the next 12 months, the band between the
10th and 90th percentile of the simulations and the median, with the starts still needed for the
quota. Geometry here, markup in outcomes/forecast/_fan_chart.html; the table with the same data
(outcomes/forecast/_fan_table.html) is what screen readers use, as in clients/charts.py.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from doorstroom.outcomes.forecast import RowForecast


@dataclass(frozen=True)
class FanRow:
    month_end: dt.date
    starts: tuple[int, int, int]  # 10th, 50th, 90th percentile of cumulative starts
    flips: tuple[int, int, int]
    exits: tuple[int, int, int]


@dataclass(frozen=True)
class FanChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    band: str  # polygon points: 90th percentile left to right, then 10th back
    median: str  # path
    y_ticks: list[tuple[int, float]]  # value, y
    x_ticks: list[tuple[str, float]]  # label, x
    target: tuple[float, float, float, int] | None  # x of the year end, y, label y, to go
    summary: str
    rows: list[FanRow]


def _nice_ceiling(value: float) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return math.ceil(step * magnitude)
    return math.ceil(value)


def _triple(values: list[float]) -> tuple[int, int, int]:
    low, mid, high = (round(v) for v in values)
    return (low, mid, high)


def fan_rows(forecast: RowForecast) -> list[FanRow]:
    p = forecast.simulation.percentiles
    return [
        FanRow(
            month_end=forecast.month_ends[k],
            starts=_triple(p["starts"][:, k].tolist()),
            flips=_triple(p["flips"][:, k].tolist()),
            exits=_triple(p["exits"][:, k].tolist()),
        )
        for k in range(forecast.simulation.horizon)
    ]


def fan_chart(forecast: RowForecast, *, width: int = 640, height: int = 300) -> FanChart:
    simulation = forecast.simulation
    rows = fan_rows(forecast)
    left, right, top, bottom = 44, width - 16, 16, height - 40
    to_go = simulation.to_go
    highest = max([r.starts[2] for r in rows] + [to_go or 0, 1])
    ceiling = _nice_ceiling(highest)
    steps = simulation.horizon

    def x_of(step: int | float) -> float:
        return round(left + (right - left) * step / steps, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / ceiling, 1)

    upper = [(x_of(0), y_of(0))] + [(x_of(k + 1), y_of(r.starts[2])) for k, r in enumerate(rows)]
    lower = [(x_of(0), y_of(0))] + [(x_of(k + 1), y_of(r.starts[0])) for k, r in enumerate(rows)]
    band = " ".join(f"{x},{y}" for x, y in upper + lower[::-1])
    median = " ".join(
        f"{'M' if k == 0 else 'L'}{x} {y}"
        for k, (x, y) in enumerate(
            [(x_of(0), y_of(0))] + [(x_of(k + 1), y_of(r.starts[1])) for k, r in enumerate(rows)]
        )
    )
    tick_step = ceiling / 5
    y_ticks = [(round(tick_step * i), y_of(tick_step * i)) for i in range(6)]
    x_ticks = [(date_format(rows[k - 1].month_end, "M Y"), x_of(k)) for k in range(3, steps + 1, 3)]
    target = None
    if to_go is not None and simulation.quota_months:
        year_end = x_of(min(simulation.quota_months, steps))
        target = (year_end, y_of(to_go), round(y_of(to_go) - 6, 1), to_go)
    summary = _(
        "Fan chart of the simulated number of new placements from today over the next "
        "%(months)s months: the band runs from the 10th to the 90th percentile of "
        "%(sims)s simulations, the line is the median. The table below gives the same figures."
    ) % {"months": steps, "sims": simulation.n_sims}
    return FanChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        band=band,
        median=median,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        target=target,
        summary=summary,
        rows=rows,
    )
