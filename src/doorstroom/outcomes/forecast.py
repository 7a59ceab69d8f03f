"""The quota forecast: a seeded Monte Carlo simulation of starts, flips and exits over the next
12 months, from the hazards observed in the placements (docs/forecast.md explains the model).

- Hazards: monthly probabilities of a flip and of an exit without a flip, piecewise constant in
  bands of months since the start (0-6, 6-12, ... 36+), estimated from the first events of
  ``measures.first_events`` (events / person-months at risk per band, the piecewise-exponential
  maximum-likelihood estimate); a band with fewer than ``MIN_EVENTS`` events is pooled with the next
  one (the last with the one before).
- Starts: Poisson per month with the rate observed in the last 12 months (or, without any start
  then, the pipeline spread over a year). Only starts count towards the quota (outcomes/quota.py).
- The current care-lease placements are simulated together, month by month, as arrays of shape
  (simulations, placements): one uniform number per placement and simulation decides whether and
  when it flips or exits. New starts are simulated as counts per monthly cohort (binomial).
- Each flip ends a care lease, so the complex's lease gap grows and the next vacancy there goes to
  the care stream (portfolio/mix.py): a backfill vacancy, unless the care provider leased more
  dwellings than agreed.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from doorstroom.outcomes.measures import CENSORED, EXIT, FLIP, FirstEvents, Register, first_events

#: The average month, in days.
MONTH_DAYS = 365.25 / 12
#: Where the bands of months since the start begin; the last band is open-ended.
BAND_EDGES = (0.0, 6.0, 12.0, 18.0, 24.0, 30.0, 36.0)
#: A band with fewer events (flips and exits together) is pooled with its neighbour.
MIN_EVENTS = 5
#: Months simulated.
HORIZON = 12
#: Simulations per block: bounds the memory of the (simulations, placements) arrays.
CHUNK = 1000
#: The page runs at most this many simulations; the default seed makes a run reproducible.
PAGE_MAX_SIMS = 2000
DEFAULT_SIMS = 1000
DEFAULT_SEED = 2026
PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class Hazards:
    """Monthly probabilities of a flip and of an exit without flip per band of months since
    the start, with the events and person-months behind them."""

    edges: NDArray[np.float64]  # start of each (pooled) band in months; the first is 0
    flip: NDArray[np.float64]
    exit: NDArray[np.float64]
    flips: NDArray[np.int64]
    exits: NDArray[np.int64]
    exposure: NDArray[np.float64]  # person-months at risk

    @classmethod
    def constant(cls, flip: float, exit: float = 0.0) -> Hazards:
        return cls.banded([0.0], [flip], [exit])

    @classmethod
    def banded(cls, edges: list[float], flip: list[float], exit: list[float]) -> Hazards:
        """Given probabilities (for tests and the benchmark): no observed events behind them."""
        size = len(edges)
        return cls(
            edges=np.asarray(edges, dtype=np.float64),
            flip=np.asarray(flip, dtype=np.float64),
            exit=np.asarray(exit, dtype=np.float64),
            flips=np.zeros(size, dtype=np.int64),
            exits=np.zeros(size, dtype=np.int64),
            exposure=np.zeros(size, dtype=np.float64),
        )

    def band_of(self, months: NDArray[np.float64]) -> NDArray[np.intp]:
        return np.searchsorted(self.edges, months, side="right") - 1

    @property
    def bands(self) -> list[dict[str, Any]]:
        """The bands as rows for the page and the docs."""
        uppers = [*self.edges[1:].tolist(), None]
        return [
            {
                "from": int(lower),
                "to": int(upper) if upper is not None else None,
                "flip": float(self.flip[i]),
                "exit": float(self.exit[i]),
                "flips": int(self.flips[i]),
                "exits": int(self.exits[i]),
                "exposure": float(self.exposure[i]),
            }
            for i, (lower, upper) in enumerate(zip(self.edges.tolist(), uppers, strict=True))
        ]


def _pool(events: NDArray[np.int64], min_events: int) -> list[list[int]]:
    """Groups of adjacent bands, each with at least ``min_events`` events where possible."""
    groups: list[list[int]] = []
    current: list[int] = []
    count = 0
    for index, n in enumerate(events.tolist()):
        current.append(index)
        count += n
        if count >= min_events:
            groups.append(current)
            current, count = [], 0
    if current:
        if groups:
            groups[-1].extend(current)  # a sparse tail borrows the last estimate
        else:
            groups.append(current)
    return groups


def estimate_hazards(
    events: FirstEvents,
    *,
    edges: tuple[float, ...] = BAND_EDGES,
    min_events: int = MIN_EVENTS,
) -> Hazards:
    """Piecewise-constant monthly hazards of flip and of exit without flip, by months since start.

    Per band: rate = events / person-months at risk (each placement contributes the part of its
    time to its first event or censoring that falls in the band). The monthly probability of
    either event is 1 - exp(-(r_flip + r_exit)), split in proportion to the two rates.
    """
    lower = np.asarray(edges, dtype=np.float64)
    upper = np.append(lower[1:], np.inf)
    months = events.time.astype(np.float64) / MONTH_DAYS
    exposure = (np.clip(months[:, None], lower, upper) - lower).sum(axis=0)
    band = np.searchsorted(lower, months, side="right") - 1
    flips = np.bincount(band[events.kind == FLIP], minlength=lower.size).astype(np.int64)
    exits = np.bincount(band[events.kind == EXIT], minlength=lower.size).astype(np.int64)
    groups = _pool(flips + exits, min_events)
    pooled_flips = np.array([flips[g].sum() for g in groups], dtype=np.int64)
    pooled_exits = np.array([exits[g].sum() for g in groups], dtype=np.int64)
    pooled_exposure = np.array([exposure[g].sum() for g in groups], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_flip = np.where(pooled_exposure > 0, pooled_flips / pooled_exposure, 0.0)
        rate_exit = np.where(pooled_exposure > 0, pooled_exits / pooled_exposure, 0.0)
        rate = rate_flip + rate_exit
        p_any = 1.0 - np.exp(-rate)
        p_flip = np.where(rate > 0, p_any * rate_flip / rate, 0.0)
        p_exit = np.where(rate > 0, p_any * rate_exit / rate, 0.0)
    return Hazards(
        edges=np.array([lower[g[0]] for g in groups], dtype=np.float64),
        flip=p_flip,
        exit=p_exit,
        flips=pooled_flips,
        exits=pooled_exits,
        exposure=pooled_exposure,
    )


@dataclass(frozen=True)
class Simulation:
    """What the simulation says: cumulative counts per month (percentiles over simulations),
    expected totals over the horizon and the probability of meeting the quota."""

    n_sims: int
    seed: int
    horizon: int
    start_rate: float
    placements: int  # current care leases simulated
    quota_months: int | None  # whole months until the end of the quota year
    to_go: int | None  # starts still needed for the quota
    p_meet: float | None
    expected_starts: float
    expected_flips: float
    expected_exits: float
    expected_backfill: float
    #: name ("starts", "flips", "exits") -> array (len(PERCENTILES), horizon) of cumulative counts
    percentiles: dict[str, NDArray[np.float64]] = field(default_factory=dict)


def simulate(
    *,
    hazards: Hazards,
    ages: NDArray[np.float64],
    start_rate: float,
    n_sims: int,
    seed: int,
    horizon: int = HORIZON,
    complex_of: NDArray[np.int64] | None = None,
    lease_gap: NDArray[np.int64] | None = None,
    quota_months: int | None = None,
    to_go: int | None = None,
) -> Simulation:
    """Simulate ``n_sims`` times the next ``horizon`` months.

    ``ages``: months since the start of every current care-lease placement. ``complex_of``: the
    index of each placement's complex into ``lease_gap`` (agreed minus leased care dwellings of
    that complex today). ``quota_months``/``to_go``: the quota is met when at least ``to_go``
    starts happen in the first ``quota_months`` months.
    """
    if n_sims < 1:
        raise ValueError("n_sims must be at least 1")
    rng = np.random.default_rng(seed)
    ages = np.asarray(ages, dtype=np.float64)
    n_placements = ages.size
    if complex_of is None or lease_gap is None:
        complex_of = np.zeros(n_placements, dtype=np.int64)
        lease_gap = None
    order = np.argsort(complex_of, kind="stable")
    ages, complex_of = ages[order], np.asarray(complex_of)[order]
    complexes, first_of = np.unique(complex_of, return_index=True)
    gap = None if lease_gap is None else np.asarray(lease_gap, dtype=np.int64)[complexes]

    # Per step and placement: the two probabilities at its age (deterministic, shared by all
    # simulations), and the survival before the step.
    step_ages = ages[None, :] + np.arange(horizon)[:, None]  # (horizon, placements)
    band = hazards.band_of(step_ages)
    p_flip, p_exit = hazards.flip[band], hazards.exit[band]
    survival_before = np.cumprod(
        np.vstack([np.ones((1, n_placements)), 1.0 - p_flip - p_exit]), axis=0
    )[:-1]
    flip_from = survival_before * (1.0 - p_flip)  # flip: flip_from <= u < survival_before
    exit_from = survival_before * (1.0 - p_flip - p_exit)  # exit: exit_from <= u < flip_from

    # New starts begin mid-month and are at risk from the next month: age k - j - 0.5 at step k.
    cohort_age = np.arange(horizon)[:, None] - np.arange(horizon)[None, :] - 0.5  # (k, j)
    cohort_band = hazards.band_of(np.maximum(cohort_age, 0.0))
    cohort_flip = np.where(cohort_age > 0, hazards.flip[cohort_band], 0.0)
    cohort_exit = np.where(cohort_age > 0, hazards.exit[cohort_band], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cohort_exit_given = np.where(
            cohort_flip < 1.0, np.clip(cohort_exit / (1.0 - cohort_flip), 0.0, 1.0), 0.0
        )

    starts = np.zeros((n_sims, horizon), dtype=np.int64)
    flips = np.zeros((n_sims, horizon), dtype=np.int64)
    exits = np.zeros((n_sims, horizon), dtype=np.int64)
    backfill = np.zeros(n_sims, dtype=np.int64)
    for begin in range(0, n_sims, CHUNK):
        size = min(CHUNK, n_sims - begin)
        block = slice(begin, begin + size)
        u = rng.random((size, n_placements))
        flipped = np.zeros((size, n_placements), dtype=bool)
        for step in range(horizon):
            alive_before = u < survival_before[step]
            flip_now = alive_before & (u >= flip_from[step])
            exit_now = (u >= exit_from[step]) & (u < flip_from[step])
            flipped |= flip_now
            flips[block, step] = flip_now.sum(axis=1)
            exits[block, step] = exit_now.sum(axis=1)
        new = rng.poisson(start_rate, (size, horizon))
        alive = np.zeros((size, horizon), dtype=np.int64)
        new_flipped = np.zeros(size, dtype=np.int64)
        for step in range(horizon):
            if step:
                cohorts = alive[:, :step]
                f = rng.binomial(cohorts, cohort_flip[step, :step])
                e = rng.binomial(cohorts - f, cohort_exit_given[step, :step])
                alive[:, :step] = cohorts - f - e
                flips[block, step] += f.sum(axis=1)
                exits[block, step] += e.sum(axis=1)
                new_flipped += f.sum(axis=1)
            alive[:, step] = new[:, step]
        starts[block] = new
        if n_placements and gap is not None:
            per_complex = np.add.reduceat(flipped, first_of, axis=1, dtype=np.int64)
            opened = np.maximum(gap + per_complex, 0) - np.maximum(gap, 0)
            backfill[block] = opened.sum(axis=1) + new_flipped
        else:
            backfill[block] = flipped.sum(axis=1) + new_flipped

    cumulative = {
        "starts": np.cumsum(starts, axis=1),
        "flips": np.cumsum(flips, axis=1),
        "exits": np.cumsum(exits, axis=1),
    }
    p_meet = None
    if quota_months is not None and to_go is not None:
        months = min(max(quota_months, 0), horizon)
        by_year_end = cumulative["starts"][:, months - 1] if months else np.zeros(n_sims)
        p_meet = float(np.mean(by_year_end >= to_go))
    return Simulation(
        n_sims=n_sims,
        seed=seed,
        horizon=horizon,
        start_rate=float(start_rate),
        placements=n_placements,
        quota_months=quota_months,
        to_go=to_go,
        p_meet=p_meet,
        expected_starts=float(cumulative["starts"][:, -1].mean()) if horizon else 0.0,
        expected_flips=float(cumulative["flips"][:, -1].mean()) if horizon else 0.0,
        expected_exits=float(cumulative["exits"][:, -1].mean()) if horizon else 0.0,
        expected_backfill=float(backfill.mean()),
        percentiles={
            name: np.percentile(values, PERCENTILES, axis=0) for name, values in cumulative.items()
        },
    )


# --- from the database ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowForecast:
    """The forecast of one ledger row with the inputs behind it."""

    simulation: Simulation
    hazards: Hazards
    as_of: dt.date
    starts_last_12m: int
    start_rate_source: str  # "history", "pipeline" or "none"
    month_ends: list[dt.date]


def quota_months(today: dt.date, year: int) -> int:
    """Whole months simulated that fall in the quota year: the days until 31 December in
    average months, rounded (0 for a past year)."""
    end = dt.date(year, 12, 31)
    if end < today:
        return 0
    return round(((end - today).days + 1) / MONTH_DAYS)


def forecast_row(
    row: Any,
    *,
    user: Any,
    today: dt.date | None = None,
    n_sims: int = DEFAULT_SIMS,
    seed: int = DEFAULT_SEED,
) -> RowForecast:
    """The forecast of a ledger row (outcomes.ledger.LedgerRow) from its placements: the
    corporation's dwellings in complexes of the municipality. Three queries."""
    from doorstroom.outcomes.scopes import UnknownScope, placements_for
    from doorstroom.portfolio.mix import with_mix
    from doorstroom.portfolio.models import Complex

    today = today or dt.date.today()
    try:
        placements = placements_for(
            user,
            corporation=str(row.corporation.pk),
            municipality=row.municipality.municipality_name,
        )
        rows = list(
            placements.values_list(
                "start_date",
                "flip_date",
                "exit_date",
                "exit_reason",
                "target_group",
                "dwelling__complex_id",
            )
        )
    except UnknownScope:
        rows = []
    register = Register.from_rows(r[:4] for r in rows)
    events = first_events(register, today)
    hazards = estimate_hazards(events)
    counted = register.start <= today.toordinal()
    complex_ids = np.asarray([r[5] for r in rows], dtype=np.int64)[counted]
    current = events.kind == CENSORED
    ages = events.time[current] / MONTH_DAYS
    unique_ids, complex_of = np.unique(complex_ids[current], return_inverse=True)
    gaps: dict[int, int] = {}
    if unique_ids.size:
        for complex_ in with_mix(Complex.objects.filter(pk__in=unique_ids.tolist()), today):
            gaps[complex_.pk] = complex_.promised - complex_.care_leased  # type: ignore[attr-defined]
    lease_gap = np.asarray([gaps.get(int(i), 0) for i in unique_ids], dtype=np.int64)

    year_ago = today - dt.timedelta(days=365)
    groups = set(row.target_groups)
    starts_last_12m = sum(1 for r in rows if year_ago < r[0] <= today and r[4] in groups)
    if starts_last_12m:
        rate, source = starts_last_12m / 12, "history"
    elif row.pipeline:
        rate, source = row.pipeline / 12, "pipeline"
    else:
        rate, source = 0.0, "none"
    months = quota_months(today, row.year) if row.year == today.year else None
    simulation = simulate(
        hazards=hazards,
        ages=ages,
        start_rate=rate,
        n_sims=max(1, min(n_sims, PAGE_MAX_SIMS)),
        seed=seed,
        complex_of=complex_of.astype(np.int64),
        lease_gap=lease_gap,
        quota_months=months,
        to_go=row.to_go if months is not None else None,
    )
    month_ends = [today + dt.timedelta(days=round(MONTH_DAYS * (k + 1))) for k in range(HORIZON)]
    return RowForecast(
        simulation=simulation,
        hazards=hazards,
        as_of=today,
        starts_last_12m=starts_last_12m,
        start_rate_source=source,
        month_ends=month_ends,
    )


# --- benchmark -----------------------------------------------------------------------------------


def benchmark(n_complexes: int = 100, n_sims: int = 10_000, seed: int = 1) -> dict[str, float]:
    """Time ``n_sims`` simulated years for ``n_complexes`` complexes of synthetic data: 30 current
    care-lease placements per complex (aged 0-36 months), hazards estimated from a synthetic
    history of as many placements over five years. Not a test: run it by hand, e.g.
    ``python -c "from doorstroom.outcomes.forecast import benchmark; print(benchmark())"``."""
    rng = np.random.default_rng(seed)
    size = n_complexes * 30
    today = dt.date(2026, 6, 30).toordinal()
    start = today - rng.integers(0, 5 * 365, size)
    to_flip = rng.exponential(700, size).astype(np.int64)
    to_exit = rng.exponential(2500, size).astype(np.int64)
    never = np.iinfo(np.int64).max // 2
    register = Register(
        start=start.astype(np.int64),
        flip=np.where(to_flip <= to_exit, start + to_flip, never).astype(np.int64),
        exit=np.where(to_exit < to_flip, start + to_exit, never).astype(np.int64),
        returned=np.zeros(size, dtype=bool),
    )
    began = time.perf_counter()
    hazards = estimate_hazards(first_events(register, dt.date.fromordinal(today)))
    estimated = time.perf_counter()
    simulation = simulate(
        hazards=hazards,
        ages=rng.uniform(0, 36, size),
        start_rate=float(np.sum(start > today - 365)) / 12,
        n_sims=n_sims,
        seed=seed,
        complex_of=np.repeat(np.arange(n_complexes), 30),
        lease_gap=rng.integers(-1, 2, n_complexes),
        quota_months=6,
        to_go=100,
    )
    done = time.perf_counter()
    return {
        "complexes": float(n_complexes),
        "current_care_leases": float(simulation.placements),
        "n_sims": float(n_sims),
        "estimate_seconds": estimated - began,
        "simulate_seconds": done - estimated,
        "expected_flips": simulation.expected_flips,
        "p_meet": simulation.p_meet or 0.0,
    }
