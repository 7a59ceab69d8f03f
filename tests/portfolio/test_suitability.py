"""The suitability scorecard: every rule, its reason, the verdicts and the per-corporation policy."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from doorstroom.portfolio.mix import Mix
from doorstroom.portfolio.models import Complex, SuitabilityPolicy
from doorstroom.portfolio.suitability import Verdict, scorecard

pytestmark = pytest.mark.django_db


def make_complex(**fields: object) -> Complex:
    defaults = {
        "typology": "GAL",
        "staff_present_daily": True,
        "neighbourhood_assessment": "good",
        "mix_target": Decimal("0.333"),
        "mix_tolerance": Decimal("0.05"),
    }
    defaults.update(fields)
    return Complex(**defaults)


def make_mix(dwellings: int = 90, vulnerable: int = 30, target: str = "0.333") -> Mix:
    return Mix(
        dwellings=dwellings,
        care_leased=vulnerable,
        labelled=0,
        promised=30,
        target=Decimal(target),
        tolerance=Decimal("0.05"),
    )


def by_key(card, key):  # type: ignore[no-untyped-def]
    return next(c for c in card.criteria if c.key == key)


def test_gallery_complex_with_everything_in_place_is_suitable() -> None:
    card = scorecard(make_complex(), make_mix(), SuitabilityPolicy(), communal_m2=60)
    assert card.verdict == Verdict.SUITABLE
    assert card.share == 1
    assert all(c.score == 2 and c.reason for c in card.criteria)


def test_stacked_anonymous_block_without_staff_or_space_is_not_suitable() -> None:
    complex_ = make_complex(
        typology="POF", staff_present_daily=False, neighbourhood_assessment="poor"
    )
    card = scorecard(complex_, make_mix(48, 0), SuitabilityPolicy(), communal_m2=0)
    assert card.verdict == Verdict.NOT_SUITABLE
    assert "Portiekflat" in by_key(card, "typology").reason
    assert by_key(card, "communal_space").score == 0
    assert by_key(card, "staff").score == 0


def test_knockout_typology_caps_an_otherwise_high_score_at_conditions() -> None:
    card = scorecard(make_complex(typology="POF"), make_mix(), SuitabilityPolicy(), communal_m2=60)
    assert card.share >= Decimal("0.70")
    assert card.verdict == Verdict.CONDITIONAL
    assert "ontsluiting" in card.summary.lower() or "access" in card.summary.lower()
    assert card.conditions


def test_concentration_of_vulnerable_households_scores_zero() -> None:
    card = scorecard(make_complex(), make_mix(90, 50), SuitabilityPolicy(), communal_m2=60)
    assert by_key(card, "vulnerable_share").score == 0
    just_above = scorecard(make_complex(), make_mix(90, 34), SuitabilityPolicy(), communal_m2=60)
    assert by_key(just_above, "vulnerable_share").score == 1


@pytest.mark.parametrize(
    ("dwellings", "score"),
    [(10, 0), (15, 1), (29, 1), (30, 2), (150, 2), (151, 1), (250, 1), (251, 0)],
)
def test_size_bands(dwellings: int, score: int) -> None:
    card = scorecard(make_complex(), make_mix(dwellings, 0), SuitabilityPolicy(), communal_m2=60)
    assert by_key(card, "size").score == score


@pytest.mark.parametrize(("m2", "score"), [(0, 0), (10, 1), (29, 1), (30, 2)])
def test_communal_space_bands(m2: int, score: int) -> None:
    card = scorecard(make_complex(), make_mix(), SuitabilityPolicy(), communal_m2=m2)
    assert by_key(card, "communal_space").score == score


def test_unknown_neighbourhood_counts_as_average_and_says_so() -> None:
    card = scorecard(
        make_complex(neighbourhood_assessment="unknown"),
        make_mix(),
        SuitabilityPolicy(),
        communal_m2=60,
    )
    criterion = by_key(card, "neighbourhood")
    assert criterion.score == 1
    assert "nog niet" in criterion.reason or "not assessed" in criterion.reason


def test_corporation_weights_change_the_verdict() -> None:
    complex_ = make_complex(staff_present_daily=False, neighbourhood_assessment="average")
    default = scorecard(complex_, make_mix(), SuitabilityPolicy(), communal_m2=20)
    strict = SuitabilityPolicy(weight_staff=10, suitable_from=Decimal("0.9"))
    assert default.verdict == Verdict.CONDITIONAL
    assert scorecard(complex_, make_mix(), strict, communal_m2=20).verdict == Verdict.NOT_SUITABLE


def test_typology_scores_are_configurable() -> None:
    policy = SuitabilityPolicy(typology_scores={"POF": 2})
    card = scorecard(make_complex(typology="POF"), make_mix(), policy, communal_m2=60)
    assert by_key(card, "typology").score == 2
    assert card.verdict == Verdict.SUITABLE


@given(
    typology=st.sampled_from(["GAL", "COR", "POF", "POW", "TUS"]),
    staff=st.booleans(),
    neighbourhood=st.sampled_from(["good", "average", "poor", "unknown"]),
    dwellings=st.integers(0, 400),
    vulnerable=st.integers(0, 400),
    m2=st.integers(0, 500),
)
def test_verdict_always_follows_the_share_of_points(
    typology: str, staff: bool, neighbourhood: str, dwellings: int, vulnerable: int, m2: int
) -> None:
    policy = SuitabilityPolicy()
    complex_ = make_complex(
        typology=typology, staff_present_daily=staff, neighbourhood_assessment=neighbourhood
    )
    card = scorecard(
        complex_, make_mix(dwellings, min(vulnerable, dwellings)), policy, communal_m2=m2
    )
    assert 0 <= card.share <= 1
    assert len(card.criteria) == 6 and all(c.reason for c in card.criteria)
    if card.share < policy.conditional_from:
        assert card.verdict == Verdict.NOT_SUITABLE
    elif card.share < policy.suitable_from:
        assert card.verdict == Verdict.CONDITIONAL
    else:
        assert card.verdict in {Verdict.SUITABLE, Verdict.CONDITIONAL}
