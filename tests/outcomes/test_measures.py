"""The outcome measures against hand-computed cases (spec section 2): ties, a same-day flip and
exit, events after the as-of date, and empty scopes."""

from __future__ import annotations

import datetime as dt

import pytest

from doorstroom.outcomes.measures import KEYS, Register, compute

D = dt.date


def register(*rows: tuple[D, D | None, D | None, str | None]) -> Register:
    return Register.from_rows(rows)


def test_a_small_register_computed_by_hand() -> None:
    start = D(2020, 1, 1)
    result = compute(
        register(
            (start, D(2021, 1, 1), None, None),  # flip at t=366
            (start, None, D(2020, 7, 1), "back_to_shelter"),  # exit without flip at t=182
            (start, None, None, None),  # still in the care lease: censored, overdue
            (start, start, start, "eviction"),  # flip and exit the same day: a flip at t=0
        ),
        D(2026, 1, 1),
    )
    assert list(result) == list(KEYS)
    assert result["placements"] == 4
    assert (result["flipped"], result["exited_without_flip"], result["active_care_leases"]) == (
        2,
        1,
        1,
    )
    assert result["flip_share"] == 0.5
    assert result["median_days_to_flip"] == 183.0  # (0 + 366) / 2
    # Aalen–Johansen: t=0 n=4 flip → F1=1/4, S=3/4; t=182 n=3 exit → F2=1/4, S=1/2;
    # t=366 n=2 flip → F1=1/4+1/4.
    assert result["cif_flip_36m"] == pytest.approx(0.5)
    assert result["cif_exit_36m"] == pytest.approx(0.25)
    assert result["overdue_3y"] == 1
    # Both flips are followed 12 and 24 months; the same-day one ended in an eviction.
    assert (result["returns_12m"], result["returns_12m_n"]) == (0.5, 2)
    assert (result["returns_24m"], result["returns_24m_n"]) == (0.5, 2)
    assert result["starts_by_year"] == {"2020": 4}


def test_events_at_a_tied_time_come_before_the_censorings_of_that_time() -> None:
    start = D(2024, 1, 1)
    day_100 = start + dt.timedelta(days=100)
    as_of = day_100  # two placements are censored at t=100, the day of the other two's events
    result = compute(
        register(
            (start, day_100, None, None),
            (start, None, day_100, "other"),
            (start, None, None, None),
            (start, None, None, None),
        ),
        as_of,
    )
    # At t=100 all four are at risk: F1 = 1/4, F2 = 1/4 (not 1/2: censorings come after).
    assert result["cif_flip_36m"] == pytest.approx(0.25)
    assert result["cif_exit_36m"] == pytest.approx(0.25)


def test_censoring_before_an_event_shrinks_the_risk_set() -> None:
    # A: censored at t=10 (started later); B: flip at t=20; C: exit at t=30.
    as_of = D(2025, 1, 31)
    result = compute(
        register(
            (D(2025, 1, 21), None, None, None),
            (D(2025, 1, 1), D(2025, 1, 21), None, None),
            (D(2025, 1, 1), None, D(2025, 1, 31), "unknown"),
        ),
        as_of,
    )
    # t=20: n=2 (A left at t=10) → F1 = 1/2, S = 1/2; t=30: n=1 → F2 = 1/2.
    assert result["cif_flip_36m"] == pytest.approx(0.5)
    assert result["cif_exit_36m"] == pytest.approx(0.5)


def test_what_happens_after_the_as_of_date_has_not_happened() -> None:
    start = D(2023, 1, 1)
    result = compute(
        register(
            (start, D(2025, 6, 1), None, None),
            (start, None, D(2025, 6, 1), "eviction"),
            (D(2025, 3, 1), None, None, None),  # starts after as_of: not counted
        ),
        D(2025, 1, 1),
    )
    assert result["placements"] == 2
    assert result["active_care_leases"] == 2
    assert result["flipped"] == result["exited_without_flip"] == 0
    assert result["cif_flip_36m"] == 0.0 and result["cif_exit_36m"] == 0.0
    assert result["median_days_to_flip"] is None
    assert result["starts_by_year"] == {"2023": 2}


def test_events_after_day_1095_are_not_in_the_36_month_incidence() -> None:
    start = D(2020, 1, 1)
    result = compute(
        register(
            (start, start + dt.timedelta(days=1096), None, None),
            (start, start + dt.timedelta(days=1095), None, None),
        ),
        D(2025, 1, 1),
    )
    assert result["cif_flip_36m"] == pytest.approx(0.5)
    assert result["flip_share"] == 1.0


def test_returns_count_only_flips_followed_long_enough() -> None:
    as_of = D(2025, 1, 1)
    result = compute(
        register(
            # flipped 400 days ago, back to shelter 100 days after the flip: a return
            (
                D(2023, 1, 1),
                as_of - dt.timedelta(days=400),
                as_of - dt.timedelta(300),
                "back_to_shelter",
            ),
            # flipped 400 days ago, moved on to regular housing: no return
            (
                D(2023, 1, 1),
                as_of - dt.timedelta(days=400),
                as_of - dt.timedelta(10),
                "regular_housing",
            ),
            # flipped 100 days ago: not followed 12 months yet
            (D(2023, 1, 1), as_of - dt.timedelta(days=100), None, None),
        ),
        as_of,
    )
    assert (result["returns_12m"], result["returns_12m_n"]) == (0.5, 2)
    assert (result["returns_24m"], result["returns_24m_n"]) == (None, 0)


@pytest.mark.parametrize("as_of", [D(2019, 12, 31), D(2030, 1, 1)])
def test_an_empty_scope_gives_zeros_and_nulls(as_of: D) -> None:
    rows = [(D(2020, 1, 1), None, None, None)] if as_of.year == 2019 else []
    result = compute(register(*rows), as_of)
    assert result == {
        "placements": 0,
        "active_care_leases": 0,
        "flipped": 0,
        "exited_without_flip": 0,
        "flip_share": None,
        "median_days_to_flip": None,
        "cif_flip_36m": None,
        "cif_exit_36m": None,
        "overdue_3y": 0,
        "returns_12m": None,
        "returns_24m": None,
        "returns_12m_n": 0,
        "returns_24m_n": 0,
        "starts_by_year": {},
    }
