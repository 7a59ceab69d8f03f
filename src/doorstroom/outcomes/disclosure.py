"""Disclosure control for anything a municipality receives: the one rule, used by the
dashboards, the ledger, the reports and the API.

A count of 1 to 4 is shown as "<5" so nobody can be recognised; 0 names nobody and is shown.
A share computed from a suppressed count is withheld (reports.protect_share)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

THRESHOLD = 5
SUPPRESSED = "<5"
#: A figure that could reveal a suppressed count.
WITHHELD = "x"


def is_small(count: int | float) -> bool:
    return 0 < count < THRESHOLD


def suppress(count: int) -> int | str:
    """A count as a municipality may receive it: 1 to 4 become "<5"; 0 and 5 or more stay."""
    return SUPPRESSED if is_small(count) else count


#: A cell's value: a number, SUPPRESSED or WITHHELD, or None when there is nothing to compute.
CellValue = int | float | str | None


def shown(*cells: CellValue) -> bool:
    """Whether every cell is an actual number (not suppressed, not withheld)."""
    return all(not isinstance(cell, str) for cell in cells)


def protect_share(value: float | None, *sources: CellValue) -> CellValue:
    """A share (or median, or incidence) computed from ``sources``: withheld when one of them is
    not shown."""
    return value if shown(*sources) else WITHHELD


def protect_parts(parts: Sequence[int], total: int) -> tuple[list[CellValue], CellValue]:
    """The parts of a total: each suppressed; when exactly one part is suppressed and the total
    is shown, the smallest other non-zero part is withheld too, so subtraction reveals nothing."""
    cells: list[CellValue] = [suppress(n) for n in parts]
    hidden = [i for i, cell in enumerate(cells) if cell == SUPPRESSED]
    total_cell = suppress(total)
    if len(hidden) == 1 and shown(total_cell):
        others = sorted((n, i) for i, n in enumerate(parts) if i != hidden[0] and n > 0)
        if others:
            cells[others[0][1]] = WITHHELD
    return cells, total_cell


#: The counts of the machine output, and which counts each other figure is computed from.
_COUNTS = (
    "placements",
    "active_care_leases",
    "flipped",
    "exited_without_flip",
    "overdue_3y",
    "returns_12m_n",
    "returns_24m_n",
)
_PARTS = ("active_care_leases", "flipped", "exited_without_flip")
_SOURCES = {
    "flip_share": ("flipped", "placements"),
    "median_days_to_flip": ("flipped",),
    "cif_flip_36m": ("flipped", "placements"),
    "cif_exit_36m": ("exited_without_flip", "placements"),
}
_RETURNS = {"returns_12m": "returns_12m_n", "returns_24m": "returns_24m_n"}


def suppress_outcomes(result: dict[str, Any]) -> dict[str, Any]:
    """The machine output (measures.outcomes) as a municipality may receive it: counts of 1 to 4
    as "<5", and every figure computed from such a count withheld (None)."""
    out = dict(result)
    for key in _COUNTS:
        out[key] = suppress(result[key])
    # The three kinds of first event add up to the placements; so do the starts per year.
    parts, _total = protect_parts([result[key] for key in _PARTS], result["placements"])
    out.update(zip(_PARTS, parts, strict=True))
    years = list(result["starts_by_year"])
    cells, _total = protect_parts(
        [result["starts_by_year"][y] for y in years], result["placements"]
    )
    out["starts_by_year"] = dict(zip(years, cells, strict=True))
    hidden = {key for key in _COUNTS if isinstance(out[key], str)}
    for key, sources in _SOURCES.items():
        if hidden & set(sources):
            out[key] = None
    for key, denominator in _RETURNS.items():
        share, n = result[key], result[denominator]
        if share is not None and (is_small(n) or is_small(round(share * n))):
            out[key] = None
    return out
