"""The quota forecast: seeded Monte Carlo of starts, flips and exits from observed hazards."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from doorstroom.outcomes import forecast
from doorstroom.outcomes.forecast import (
    MONTH_DAYS,
    Hazards,
    benchmark,
    estimate_hazards,
    quota_months,
    simulate,
)
from doorstroom.outcomes.measures import Register, first_events

D = dt.date


def run(**kwargs):  # type: ignore[no-untyped-def]
    arguments = {
        "hazards": Hazards.constant(0.05, 0.01),
        "ages": np.linspace(0, 40, 30),
        "start_rate": 1.5,
        "n_sims": 400,
        "seed": 11,
        "quota_months": 6,
        "to_go": 8,
    }
    arguments.update(kwargs)
    return simulate(**arguments)


def test_the_same_seed_gives_the_same_result_and_another_seed_another() -> None:
    first, again, other = run(), run(), run(seed=12)
    for name in ("starts", "flips", "exits"):
        assert np.array_equal(first.percentiles[name], again.percentiles[name])
    assert (first.p_meet, first.expected_flips, first.expected_backfill) == (
        again.p_meet,
        again.expected_flips,
        again.expected_backfill,
    )
    assert (first.expected_flips, first.expected_starts) != (
        other.expected_flips,
        other.expected_starts,
    )


def test_more_simulations_than_one_block_stay_reproducible(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(forecast, "CHUNK", 150)
    assert run().expected_flips == run().expected_flips


def test_hazard_zero_gives_no_flips_and_no_exits() -> None:
    result = run(hazards=Hazards.constant(0.0, 0.0), start_rate=2.0)
    assert result.expected_flips == 0 and result.expected_exits == 0
    assert result.expected_backfill == 0
    assert not result.percentiles["flips"].any()


@pytest.mark.parametrize("month", [0, 3, 11])
def test_hazard_one_in_month_k_makes_every_placement_flip_in_that_month(month: int) -> None:
    hazards = Hazards.banded([0, month, month + 1], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0])
    if month == 0:
        hazards = Hazards.banded([0, 1], [1.0, 0.0], [0.0, 0.0])
    result = run(hazards=hazards, ages=np.zeros(25), start_rate=0.0)
    flips = result.percentiles["flips"]  # (percentile, month) cumulative
    assert (flips[:, :month] == 0).all()
    assert (flips[:, month:] == 25).all()
    assert result.expected_flips == 25 and result.expected_exits == 0


def test_ages_move_on_one_month_per_month() -> None:
    # Placements already 2 months in reach the band of month 3 in the second simulated month.
    hazards = Hazards.banded([0, 3, 4], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0])
    result = run(hazards=hazards, ages=np.full(4, 2.0), start_rate=0.0)
    assert result.percentiles["flips"][1].tolist() == [0, 4] + [4] * 10


def test_an_exit_hazard_of_one_ends_every_placement_without_a_flip() -> None:
    result = run(hazards=Hazards.constant(0.0, 1.0), ages=np.zeros(7), start_rate=0.0)
    assert result.expected_exits == 7 and result.expected_flips == 0
    assert result.percentiles["exits"][:, 0].tolist() == [7, 7, 7]


def test_the_probability_of_meeting_the_quota_is_a_probability() -> None:
    result = run()
    assert result.p_meet is not None and 0 < result.p_meet < 1
    assert run(to_go=0).p_meet == 1.0
    assert run(start_rate=0.0, to_go=1).p_meet == 0.0
    assert run(quota_months=0, to_go=1).p_meet == 0.0
    assert run(quota_months=None, to_go=None).p_meet is None
    # Poisson starts: P(at least 1 start in 1 month at rate 0.7) = 1 - e^-0.7.
    lucky = run(start_rate=0.7, quota_months=1, to_go=1, n_sims=20_000)
    assert lucky.p_meet == pytest.approx(1 - math.exp(-0.7), abs=0.02)


def test_every_flip_opens_a_backfill_vacancy_unless_more_is_leased_than_agreed() -> None:
    hazards = Hazards.constant(1.0)
    complex_of = np.array([0, 0, 0, 1, 1])
    at_the_agreement = run(
        hazards=hazards,
        ages=np.zeros(5),
        start_rate=0.0,
        complex_of=complex_of,
        lease_gap=np.array([0, 0]),
    )
    assert at_the_agreement.expected_backfill == 5
    # Complex 0 leases 2 more than agreed: only its third flip opens a gap.
    over = run(
        hazards=hazards,
        ages=np.zeros(5),
        start_rate=0.0,
        complex_of=complex_of,
        lease_gap=np.array([-2, 0]),
    )
    assert over.expected_backfill == 1 + 2


def test_new_starts_are_at_risk_from_the_month_after_their_start() -> None:
    result = run(hazards=Hazards.constant(1.0), ages=np.zeros(0), start_rate=3.0, n_sims=200)
    starts, flips = result.percentiles["starts"], result.percentiles["flips"]
    assert flips[:, 0].tolist() == [0, 0, 0]
    # With hazard 1, everyone who started before the last month has flipped by its end.
    assert np.array_equal(flips[:, -1], starts[:, -2])
    assert result.expected_flips < result.expected_starts


def test_hazards_are_events_per_person_month_in_bands_pooled_when_sparse() -> None:
    as_of = D(2026, 1, 1)
    start = D(2025, 1, 1)
    rows = [(start, start + dt.timedelta(days=61), None, None)] * 5  # 5 flips at 2 months
    rows += [(start, None, start + dt.timedelta(days=30), "other")] * 2  # 2 exits at 1 month
    rows += [(start, None, None, None)] * 3  # censored at 365 days
    hazards = estimate_hazards(first_events(Register.from_rows(rows), as_of))
    # Bands 0-6 has 7 events; 6-12 has none, so it is pooled with 0-6 (the tail borrows).
    assert hazards.edges.tolist() == [0.0]
    exposure = (5 * 61 + 2 * 30 + 3 * 365) / MONTH_DAYS
    assert hazards.exposure[0] == pytest.approx(exposure)
    rate_flip, rate_exit = 5 / exposure, 2 / exposure
    p_any = 1 - math.exp(-(rate_flip + rate_exit))
    assert hazards.flip[0] == pytest.approx(p_any * 5 / 7)
    assert hazards.exit[0] == pytest.approx(p_any * 2 / 7)
    dense = estimate_hazards(first_events(Register.from_rows(rows), as_of), min_events=2)
    assert dense.edges.tolist() == [0.0]  # the later bands have no events: pooled into 0-6
    split = estimate_hazards(
        first_events(Register.from_rows(rows), as_of), edges=(0.0, 1.5, 6.0), min_events=2
    )
    assert split.edges.tolist() == [0.0, 1.5]
    assert split.flips.tolist() == [0, 5] and split.exits.tolist() == [2, 0]


def test_no_placements_no_hazards() -> None:
    hazards = estimate_hazards(first_events(Register.from_rows([]), D(2026, 1, 1)))
    assert hazards.flip.tolist() == [0.0] and hazards.exit.tolist() == [0.0]


def test_months_left_in_the_quota_year() -> None:
    assert quota_months(D(2026, 1, 1), 2026) == 12
    assert quota_months(D(2026, 7, 1), 2026) == 6
    assert quota_months(D(2026, 12, 31), 2026) == 0
    assert quota_months(D(2027, 1, 1), 2026) == 0


def test_the_benchmark_runs() -> None:
    result = benchmark(n_complexes=2, n_sims=50)
    assert result["current_care_leases"] == 60 and result["simulate_seconds"] >= 0
