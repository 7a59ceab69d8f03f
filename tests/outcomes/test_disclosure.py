"""The one disclosure rule for anything a municipality receives (outcomes/disclosure.py)."""

from __future__ import annotations

from doorstroom.outcomes.disclosure import suppress_outcomes
from doorstroom.outcomes.measures import KEYS


def result(**values: object) -> dict[str, object]:
    base: dict[str, object] = dict.fromkeys(KEYS)
    base.update(
        placements=20,
        active_care_leases=9,
        flipped=8,
        exited_without_flip=3,
        flip_share=0.4,
        median_days_to_flip=400.0,
        cif_flip_36m=0.5,
        cif_exit_36m=0.15,
        overdue_3y=0,
        returns_12m=0.25,
        returns_12m_n=8,
        returns_24m=None,
        returns_24m_n=0,
        starts_by_year={"2024": 17, "2025": 3},
    )
    base.update(values)
    return base


def test_a_small_part_is_suppressed_and_cannot_be_subtracted_back() -> None:
    shown = suppress_outcomes(result())
    assert shown["exited_without_flip"] == "<5"
    # With the total and the other two parts the hidden one would follow: the smallest other
    # part (8 flipped) is withheld too, and everything computed from it.
    assert shown["flipped"] == "x" and shown["active_care_leases"] == 9
    assert shown["flip_share"] is None and shown["median_days_to_flip"] is None
    assert shown["cif_exit_36m"] is None
    assert shown["starts_by_year"] == {"2024": "x", "2025": "<5"}
    assert shown["overdue_3y"] == 0  # zero names nobody
    # 0.25 × 8 = 2 returns: a small numerator withholds the share.
    assert shown["returns_12m"] is None and shown["returns_12m_n"] == 8


def test_figures_without_small_counts_are_unchanged() -> None:
    clean = result(
        exited_without_flip=5, active_care_leases=7, returns_12m=0.75, starts_by_year={"2024": 20}
    )
    assert suppress_outcomes(clean) == clean
