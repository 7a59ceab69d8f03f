"""The outcome measures of ../shared/spec/outcome-measures.md, section 2: the one module that
pages, reports, the command and the API use.

Placements are loaded with one query into NumPy arrays of day numbers (``Register``); every
measure is a vectorised pass over them, so 100,000 placements take milliseconds, not a query or a
Python step per placement. Definitions (see the spec for the full text):

- ``as_of`` censors: anything dated after it has not happened; a placement counts only when it
  started on or before it. Durations are whole days since the start.
- A placement's first event is its flip, or its exit without a flip, or it is censored at
  ``as_of`` (still in the care lease). A flip and an exit on the same day count as a flip.
- The cumulative incidence of flip (and of exit without flip, the competing event) by day 1095
  is the Aalen–Johansen estimator. Events at the same day, of both kinds, are handled together
  and before the censorings of that day (a placement censored at t is at risk at t).
- Shares are fractions in [0, 1], unrounded; a measure without a denominator is None (null).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Fixed horizons of the spec, in days.
DAYS_6M, DAYS_12M, DAYS_24M, DAYS_36M = 183, 365, 730, 1095

#: Exit reasons that count as a return to homelessness after a flip.
RETURN_REASONS = frozenset({"back_to_shelter", "eviction"})

#: The keys of the machine output, in the spec's order (plus ``as_of`` and ``scope``).
KEYS = (
    "placements",
    "active_care_leases",
    "flipped",
    "exited_without_flip",
    "flip_share",
    "median_days_to_flip",
    "cif_flip_36m",
    "cif_exit_36m",
    "overdue_3y",
    "returns_12m",
    "returns_24m",
    "returns_12m_n",
    "returns_24m_n",
    "starts_by_year",
)

#: A date that never comes: stands for "no flip" or "no exit" in the day arrays.
NEVER = np.iinfo(np.int64).max // 2

# Kinds of first event.
CENSORED, FLIP, EXIT = 0, 1, 2


def day_number(value: dt.date) -> int:
    return value.toordinal()


@dataclass(frozen=True)
class Register:
    """Placements as parallel arrays: start, flip and exit as day numbers (NEVER when absent)
    and whether the exit counts as a return to homelessness."""

    start: NDArray[np.int64]
    flip: NDArray[np.int64]
    exit: NDArray[np.int64]
    returned: NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.start.size)

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[dt.date, dt.date | None, dt.date | None, str | None]]
    ) -> Register:
        """From (start_date, flip_date, exit_date, exit_reason) tuples."""
        starts: list[int] = []
        flips: list[int] = []
        exits: list[int] = []
        returned: list[bool] = []
        for start, flip, exit_, reason in rows:
            starts.append(start.toordinal())
            flips.append(flip.toordinal() if flip else NEVER)
            exits.append(exit_.toordinal() if exit_ else NEVER)
            returned.append(reason in RETURN_REASONS)
        return cls(
            start=np.asarray(starts, dtype=np.int64),
            flip=np.asarray(flips, dtype=np.int64),
            exit=np.asarray(exits, dtype=np.int64),
            returned=np.asarray(returned, dtype=bool),
        )

    @classmethod
    def from_queryset(cls, placements: Any) -> Register:
        """One query: the four columns of every placement in ``placements``."""
        return cls.from_rows(
            placements.values_list("start_date", "flip_date", "exit_date", "exit_reason")
        )


@dataclass(frozen=True)
class FirstEvents:
    """Each placement started on or before ``as_of``: its first event and the time to it."""

    as_of: int
    start: NDArray[np.int64]
    flip: NDArray[np.int64]
    exit: NDArray[np.int64]
    returned: NDArray[np.bool_]
    kind: NDArray[np.int8]
    time: NDArray[np.int64]


def first_events(register: Register, as_of: dt.date) -> FirstEvents:
    day = as_of.toordinal()
    counted = register.start <= day
    start = register.start[counted]
    # Anything after as_of has not happened yet.
    flip = np.where(register.flip[counted] <= day, register.flip[counted], NEVER)
    exit_ = np.where(register.exit[counted] <= day, register.exit[counted], NEVER)
    flipped = (flip != NEVER) & (flip <= exit_)  # same-day flip and exit: a flip
    exited = ~flipped & (exit_ != NEVER)
    kind = np.full(start.size, CENSORED, dtype=np.int8)
    kind[flipped] = FLIP
    kind[exited] = EXIT
    event_day = np.where(flipped, flip, np.where(exited, exit_, day))
    return FirstEvents(
        as_of=day,
        start=start,
        flip=flip,
        exit=exit_,
        returned=register.returned[counted],
        kind=kind,
        time=event_day - start,
    )


@dataclass(frozen=True)
class IncidenceCurve:
    """The Aalen–Johansen cumulative incidence at each distinct event time (days)."""

    days: NDArray[np.int64]
    flip: NDArray[np.float64]
    exit: NDArray[np.float64]

    def at(self, day: int) -> tuple[float, float]:
        """Both incidences by ``day`` (a step function: the last event time on or before it)."""
        index = int(np.searchsorted(self.days, day, side="right")) - 1
        if index < 0:
            return 0.0, 0.0
        return float(self.flip[index]), float(self.exit[index])


def incidence_curve(events: FirstEvents) -> IncidenceCurve:
    """Aalen–Johansen with two competing events; events before censorings at tied times."""
    is_event = events.kind != CENSORED
    days = np.unique(events.time[is_event])
    if days.size == 0:
        empty = np.zeros(0, dtype=np.float64)
        return IncidenceCurve(days=days, flip=empty, exit=empty)
    sorted_times = np.sort(events.time)
    # At risk at t: every placement whose event or censoring time is t or later.
    at_risk = sorted_times.size - np.searchsorted(sorted_times, days, side="left")
    position = np.searchsorted(days, events.time)
    flips = np.bincount(position[events.kind == FLIP], minlength=days.size)
    exits = np.bincount(position[events.kind == EXIT], minlength=days.size)
    hazard = (flips + exits) / at_risk
    survival_after = np.cumprod(1.0 - hazard)
    survival_before = np.concatenate(([1.0], survival_after[:-1]))
    return IncidenceCurve(
        days=days,
        flip=np.cumsum(survival_before * flips / at_risk),
        exit=np.cumsum(survival_before * exits / at_risk),
    )


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _returns(events: FirstEvents, horizon: int) -> tuple[float | None, int]:
    flipped = events.kind == FLIP
    followed = flipped & (events.as_of - events.flip >= horizon)
    returned = followed & events.returned & (events.exit != NEVER)
    returned &= events.exit - events.flip <= horizon
    denominator = int(followed.sum())
    return _share(int(returned.sum()), denominator), denominator


def compute(register: Register, as_of: dt.date) -> dict[str, Any]:
    """Every measure of the spec for the placements in ``register``, as of ``as_of``."""
    events = first_events(register, as_of)
    placements = int(events.start.size)
    flipped = events.kind == FLIP
    censored = events.kind == CENSORED
    days_to_flip = events.time[flipped]
    cif_flip: float | None = None
    cif_exit: float | None = None
    if placements:
        cif_flip, cif_exit = incidence_curve(events).at(DAYS_36M)
    returns_12m, returns_12m_n = _returns(events, DAYS_12M)
    returns_24m, returns_24m_n = _returns(events, DAYS_24M)
    start_days = np.unique(events.start)  # a year per distinct start day, not per placement
    years = np.array([dt.date.fromordinal(int(d)).year for d in start_days], dtype=np.int64)
    by_year, counts = np.unique(
        years[np.searchsorted(start_days, events.start)], return_counts=True
    )
    return {
        "placements": placements,
        "active_care_leases": int(censored.sum()),
        "flipped": int(flipped.sum()),
        "exited_without_flip": int((events.kind == EXIT).sum()),
        "flip_share": _share(int(flipped.sum()), placements),
        "median_days_to_flip": float(np.median(days_to_flip)) if days_to_flip.size else None,
        "cif_flip_36m": cif_flip,
        "cif_exit_36m": cif_exit,
        "overdue_3y": int((censored & (events.as_of - events.start >= DAYS_36M)).sum()),
        "returns_12m": returns_12m,
        "returns_24m": returns_24m,
        "returns_12m_n": returns_12m_n,
        "returns_24m_n": returns_24m_n,
        "starts_by_year": {str(int(y)): int(n) for y, n in zip(by_year, counts, strict=True)},
    }


def outcomes(
    placements: Any, as_of: dt.date, scope: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The machine output: ``as_of``, ``scope`` and every measure, for a queryset of
    placements (already limited to what the viewer may see and to the scope)."""
    return {
        "as_of": as_of.isoformat(),
        "scope": dict(scope or {}),
        **compute(Register.from_queryset(placements), as_of),
    }
