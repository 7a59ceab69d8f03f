"""The ZRM charts: the geometry is right and the SVG is well-formed, with no script."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string

from doorstroom.clients import charts, zrm

SVG = "{http://www.w3.org/2000/svg}"


def fake_assessment(pk: int, on: dt.date, scores: dict[str, int], version: str = "2017") -> Any:
    rows = [SimpleNamespace(domain=code, score=score) for code, score in scores.items()]
    return SimpleNamespace(
        pk=pk, assessed_on=on, version=version, scores=SimpleNamespace(all=lambda: rows)
    )


def scores(value: int, version: str = "2017", **overrides: int) -> dict[str, int]:
    result = {d.code: value for d in zrm.domains(version)}
    result.update(overrides)
    return result


def test_score_table_orders_dates_and_domains() -> None:
    later = fake_assessment(2, dt.date(2025, 6, 1), scores(4, financien=5))
    earlier = fake_assessment(1, dt.date(2025, 1, 1), scores(2))
    table = charts.score_table([later, earlier])
    assert table.dates == [dt.date(2025, 1, 1), dt.date(2025, 6, 1)]
    assert [row.code for row in table.rows] == [d.code for d in zrm.domains()]
    finances = table.rows[0]
    assert finances.scores == [2, 5] and finances.change == 3 and finances.change_size == 3
    assert not charts.score_table([])


def test_score_table_across_versions_keeps_old_only_domains() -> None:
    old = fake_assessment(1, dt.date(2016, 1, 1), scores(2, "2013"), "2013")
    new = fake_assessment(2, dt.date(2018, 1, 1), scores(3))
    table = charts.score_table([old, new])
    codes = [row.code for row in table.rows]
    assert codes[:13] == [d.code for d in zrm.domains()]
    assert "verslaving" in codes[13:]
    verslaving = next(r for r in table.rows if r.code == "verslaving")
    assert verslaving.scores == [2, None] and verslaving.change is None


def test_radar_points_lie_on_their_level() -> None:
    table = charts.score_table([fake_assessment(1, dt.date(2025, 1, 1), scores(5, financien=1))])
    radar = charts.radar(table, radius=100)
    assert radar is not None
    [series] = radar.series
    assert series.key == "latest" and len(series.points) == 13
    x, y, score = series.points[0]  # finances: straight up, level 1 of 5
    assert (
        score == 1
        and x == pytest.approx(radar.cx, abs=0.1)
        and y == pytest.approx(radar.cy - 20, abs=0.1)
    )
    for x, y, _score in series.points[1:]:
        assert ((x - radar.cx) ** 2 + (y - radar.cy) ** 2) ** 0.5 == pytest.approx(100, abs=0.2)
    assert len(radar.rings) == 5 and len(radar.axes) == 13


def test_radar_shows_previous_only_when_comparable() -> None:
    both = charts.score_table(
        [
            fake_assessment(1, dt.date(2025, 1, 1), scores(2)),
            fake_assessment(2, dt.date(2025, 6, 1), scores(3)),
        ]
    )
    radar = charts.radar(both)
    assert radar is not None and [s.key for s in radar.series] == ["previous", "latest"]
    mixed = charts.score_table(
        [
            fake_assessment(1, dt.date(2016, 1, 1), scores(2, "2013"), "2013"),
            fake_assessment(2, dt.date(2025, 6, 1), scores(3)),
        ]
    )
    radar = charts.radar(mixed)
    assert radar is not None and [s.key for s in radar.series] == ["latest"]
    assert charts.radar(charts.score_table([])) is None


def test_lines_place_dates_in_time() -> None:
    table = charts.score_table(
        [
            fake_assessment(1, dt.date(2025, 1, 1), scores(1)),
            fake_assessment(2, dt.date(2025, 1, 11), scores(3)),
            fake_assessment(3, dt.date(2025, 2, 10), scores(5)),
        ]
    )
    lines = charts.lines(table)
    assert lines is not None and len(lines.panels) == 13
    xs = [x for x, _y, _s, _d in lines.panels[0].points]
    assert xs[0] == lines.plot_left and xs[-1] == lines.plot_right
    assert xs[1] == pytest.approx(lines.plot_left + lines.plot_width * 10 / 40, abs=0.1)
    ys = [y for _x, y, _s, _d in lines.panels[0].points]
    assert ys[0] > ys[1] > ys[2]  # higher level, higher on the chart
    single = charts.lines(charts.score_table([fake_assessment(1, dt.date(2025, 1, 1), scores(3))]))
    assert (
        single is not None
        and single.panels[0].points[0][0] == lines.plot_left + lines.plot_width / 2
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_charts_render_as_well_formed_svg(language: str) -> None:
    from django.utils import translation

    table = charts.score_table(
        [
            fake_assessment(1, dt.date(2025, 1, 1), scores(2)),
            fake_assessment(2, dt.date(2025, 6, 1), scores(4)),
        ]
    )
    with translation.override(language):
        radar_html = render_to_string("clients/_radar.html", {"radar": charts.radar(table)})
        lines_html = render_to_string("clients/_lines.html", {"lines": charts.lines(table)})
    for html in (radar_html, lines_html):
        svg = html[
            html.index('<svg class="ds-chart__svg') : html.index(
                "</svg>", html.index('<svg class="ds-chart__svg')
            )
            + 6
        ]
        # Our own template's output, not untrusted input.
        root = ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))  # noqa: S314
        assert root.get("role") == "img"
        assert root.find(f"{SVG}title") is not None
        assert "script" not in html.lower()
        for element in root.iter():
            for attribute in ("x", "y", "cx", "cy", "x1", "x2", "y1", "y2"):
                value = element.get(attribute)
                if value is not None:
                    float(value)  # a dot decimal, never a localised comma
