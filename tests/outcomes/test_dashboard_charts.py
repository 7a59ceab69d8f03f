"""The SVG charts of the outcome dashboards and the rounding and suppression behind them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import translation

from doorstroom.outcomes import charts, dashboard
from doorstroom.outcomes.measures import IncidenceCurve


def test_count_axes_have_whole_steps() -> None:
    assert [charts.nice_maximum(v) for v in (0, 1, 5, 30, 99, 101)] == [4, 4, 8, 40, 100, 200]


@pytest.mark.parametrize(
    ("value", "expected"), [(0.5, 1), (1.5, 2), (84.5, 85), (84.49, 84), (273.0, 273)]
)
def test_rounding_for_reading_is_half_up(value: float, expected: int) -> None:
    assert dashboard.whole(value) == expected


def test_small_counts_are_suppressed_for_the_municipality_only() -> None:
    assert [dashboard.count_text(n, True) for n in (0, 1, 4, 5)] == ["0", "<5", "<5", "5"]
    assert dashboard.count_text(3, False) == "3"


def test_a_withheld_share_is_never_shown() -> None:
    result = {
        "placements": 12,
        "active_care_leases": 5,
        "flipped": 4,
        "exited_without_flip": 3,
        "flip_share": 4 / 12,
        "median_days_to_flip": 300.5,
        "cif_flip_36m": 0.4,
        "cif_exit_36m": 0.3,
        "overdue_3y": 5,
        "returns_12m": 0.2,
        "returns_24m": None,
        "returns_12m_n": 10,
        "returns_24m_n": 0,
        "starts_by_year": {"2024": 12},
    }
    with translation.override("en"):
        shown = {f.key: f.text for f in dashboard.figures_of(result, suppress=True)}
        open_ = {f.key: f.text for f in dashboard.figures_of(result, suppress=False)}
    assert shown["flipped"] == "<5" and shown["flip_share"] == "withheld"
    assert shown["median_days_to_flip"] == "withheld"
    assert shown["returns_12m"] == "withheld"  # 2 of 10 returned
    assert shown["returns_24m"] == "–" and shown["returns_24m_n"] == "0"
    assert shown["placements"] == "12" and shown["active_care_leases"] == "5"
    assert open_["flip_share"] == "33%" and open_["median_days_to_flip"] == "301 days"
    assert open_["returns_12m"] == "20%"


def test_the_incidence_chart_draws_steps_and_leaves_out_a_withheld_series() -> None:
    curve = IncidenceCurve(
        days=np.array([100, 400], dtype=np.int64),
        flip=np.array([0.25, 0.5]),
        exit=np.array([0.0, 0.25]),
    )
    with translation.override("en"):
        chart = charts.incidence_chart(
            curve, follow_up_days=2000, table_rows=[("0", ["0%", "withheld"])], exit_withheld=True
        )
    svg = str(chart.svg)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="chart-incidence-title">' in svg and "<desc" in svg
    assert svg.count("<path") == 1  # the flip only
    assert "Left without a flip (withheld)" in [item.label for item in chart.legend]
    assert chart.table.rows == [("0", ["0%", "withheld"])]


def test_text_in_a_chart_is_escaped() -> None:
    line = charts.MixLine("<script>alert(1)</script>", [0.2, None, 0.3], ["20%", "–", "30%"])
    chart = charts.mix_chart(["a", "b", "c"], [line])
    assert "<script>" not in str(chart.svg)
    # A gap for the missing value: two separate moves, no line across it.
    assert str(chart.svg).count(" M") + str(chart.svg).count('"M') == 2


def test_suppressed_bars_are_not_drawn_but_labelled() -> None:
    chart = charts.quarter_chart([("2025 Q1", charts.Bar(None, "<5"), charts.Bar(7, "7"))])
    svg = str(chart.svg)
    assert svg.count('fill="#1d4f91"') == 0 and svg.count('fill="#9a5b00"') == 1
    assert "&lt;5" in svg
    assert chart.table.rows == [("2025 Q1", ["<5", "7"])]


def test_quarter_ends() -> None:
    assert dashboard.quarter_ends(dt.date(2026, 5, 15), 3) == [
        dt.date(2025, 12, 31),
        dt.date(2026, 3, 31),
        dt.date(2026, 5, 15),
    ]
