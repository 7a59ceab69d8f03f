"""Passend toewijzen: the rule at its exact limits, a property test (a lower rent never turns a
fitting allocation into a non-fitting one), the 2026 figures, and a missing year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from doorstroom.audit.models import AuditEvent
from doorstroom.lettings.affordability import check, evaluate
from doorstroom.lettings.models import Affordability, AffordabilityLimits
from tests.factories import UserFactory

PAS, NIE, NVT = Affordability.FITTING, Affordability.NOT_FITTING, Affordability.NOT_APPLICABLE

#: The 2026 figures as migration 0004 loads them (unsaved: the property tests need no database).
LIMITS = AffordabilityLimits(
    year=2026,
    income_single=Decimal("29400"),
    income_multi=Decimal("39925"),
    income_senior_single=Decimal("28775"),
    income_senior_multi=Decimal("38650"),
    rent_limit_low=Decimal("713.00"),
    rent_limit_high=Decimal("764.00"),
    social_rent_limit=Decimal("932.93"),
    source="test",
)
CENT = Decimal("0.01")


def result(size: int, income: str, rent: str, senior: bool = False) -> str:
    return evaluate(
        LIMITS, household_size=size, senior=senior, income=Decimal(income), net_rent=Decimal(rent)
    ).code


@pytest.mark.parametrize(
    ("size", "senior", "income", "rent", "expected"),
    [
        # Rent at the lower capping limit fits one and two persons; one cent more does not.
        (1, False, "20000", "713.00", PAS),
        (1, False, "20000", "713.01", NIE),
        (2, False, "30000", "713.00", PAS),
        (2, False, "30000", "713.01", NIE),
        # Three persons and more: the higher capping limit.
        (3, False, "30000", "764.00", PAS),
        (3, False, "30000", "764.01", NIE),
        (6, False, "30000", "713.01", PAS),
        # At the social rent limit the dwelling is affordable stock; above it the rule is out.
        (1, False, "20000", "932.93", NIE),
        (1, False, "20000", "932.94", NVT),
        (4, False, "20000", "932.94", NVT),
        # Income at the limit is inside the rule; one cent above is outside (not applicable).
        (1, False, "29400.00", "800", NIE),
        (1, False, "29400.01", "800", NVT),
        (2, False, "39925.00", "800", NIE),
        (2, False, "39925.01", "800", NVT),
        # Pension age: lower income limits.
        (1, True, "28775.00", "800", NIE),
        (1, True, "28775.01", "800", NVT),
        (2, True, "38650.00", "800", NIE),
        (2, True, "38650.01", "800", NVT),
        # A single person with 30,000 is above the single limit but two persons are not.
        (1, False, "30000", "800", NVT),
        (2, False, "30000", "800", NIE),
        # No rent and no income: fits.
        (1, False, "0", "0", PAS),
    ],
)
def test_the_rule_at_its_exact_limits(
    size: int, senior: bool, income: str, rent: str, expected: str
) -> None:
    assert result(size, income, rent, senior) == expected


def test_the_explanation_gives_the_figures() -> None:
    with translation.override("en"):
        not_fitting = evaluate(
            LIMITS,
            household_size=2,
            senior=False,
            income=Decimal("25000"),
            net_rent=Decimal("800"),
        )
        above_income = evaluate(
            LIMITS,
            household_size=1,
            senior=False,
            income=Decimal("50000"),
            net_rent=Decimal("700"),
        )
        above_social = evaluate(
            LIMITS,
            household_size=1,
            senior=False,
            income=Decimal("20000"),
            net_rent=Decimal("1000"),
        )
    assert "800.00" in not_fitting.explanation
    assert "713.00" in not_fitting.explanation
    assert "lower capping limit" in not_fitting.explanation
    assert "2 persons" in not_fitting.explanation
    assert not_fitting.limits is LIMITS and not not_fitting.fits
    assert "29,400.00" in above_income.explanation
    assert "lower incomes" in above_income.explanation or "lower income" in above_income.explanation
    assert "932.93" in above_social.explanation
    assert "not affordable stock" in above_social.explanation


def test_the_explanation_is_dutch_in_the_interface_language() -> None:
    with translation.override("nl"):
        fitting = evaluate(
            LIMITS,
            household_size=1,
            senior=False,
            income=Decimal("20000"),
            net_rent=Decimal("650"),
        )
    assert "650,00" in fitting.explanation  # Dutch number format


def test_bad_input_is_refused_by_field() -> None:
    with pytest.raises(ValidationError) as error:
        evaluate(LIMITS, household_size=0, senior=False, income=Decimal(-1), net_rent=Decimal(-1))
    assert set(error.value.error_dict) == {"household_size", "income", "net_rent"}


money = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)
incomes = st.decimals(min_value=0, max_value=80000, places=2, allow_nan=False, allow_infinity=False)


@given(
    size=st.integers(min_value=1, max_value=10),
    senior=st.booleans(),
    income=incomes,
    rent=money,
    lower=money,
)
def test_a_lower_rent_never_turns_fitting_into_not_fitting(
    size: int, senior: bool, income: Decimal, rent: Decimal, lower: Decimal
) -> None:
    lower = min(lower, rent)
    at_rent = evaluate(LIMITS, household_size=size, senior=senior, income=income, net_rent=rent)
    at_lower = evaluate(LIMITS, household_size=size, senior=senior, income=income, net_rent=lower)
    if at_rent.code == PAS:
        assert at_lower.code == PAS
    if at_lower.code == NIE:
        assert at_rent.code in (NIE, NVT)


@given(size=st.integers(min_value=1, max_value=10), senior=st.booleans(), rent=money)
def test_a_higher_income_never_makes_the_rule_apply_again(
    size: int, senior: bool, rent: Decimal
) -> None:
    codes = [
        evaluate(LIMITS, household_size=size, senior=senior, income=income, net_rent=rent).code
        for income in (Decimal(0), Decimal(28000), Decimal(40000), Decimal(90000))
    ]
    # Once the income is above the limit (NVT), it stays NVT for every higher income.
    first_nvt = next((i for i, code in enumerate(codes) if code == NVT), len(codes))
    assert all(code == NVT for code in codes[first_nvt:])


@given(size=st.integers(min_value=1, max_value=10), senior=st.booleans(), income=incomes)
def test_a_larger_household_never_fits_less(size: int, senior: bool, income: Decimal) -> None:
    for rent in (Decimal("700"), Decimal("713.01"), Decimal("764"), Decimal("764.01")):
        small = evaluate(LIMITS, household_size=size, senior=senior, income=income, net_rent=rent)
        if small.code == PAS and size >= 2:
            larger = evaluate(
                LIMITS, household_size=size + 1, senior=senior, income=income, net_rent=rent
            )
            assert larger.code in (PAS, NVT)


@pytest.mark.django_db
def test_the_2026_figures_come_from_the_migration() -> None:
    limits = AffordabilityLimits.objects.get(year=2026)
    assert limits.social_rent_limit == Decimal("932.93")
    assert limits.rent_limit_low == Decimal("713.00")
    assert limits.rent_limit_high == Decimal("764.00")
    assert limits.income_single == Decimal("29400")
    assert limits.income_multi == Decimal("39925")
    assert limits.source_url.startswith("https://www.rijksoverheid.nl/")
    outcome = check(
        household_size=3,
        senior=False,
        income=Decimal("35000"),
        net_rent=Decimal("750"),
        on=dt.date(2026, 6, 1),
    )
    assert outcome.code == PAS
    assert outcome.limits == limits


@pytest.mark.django_db
def test_a_year_without_limits_names_the_year() -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check(
            household_size=1,
            senior=False,
            income=Decimal("20000"),
            net_rent=Decimal("650"),
            on=dt.date(2031, 1, 5),
        )
    message = " ".join(error.value.messages)
    assert "2031" in message
    assert "Beheer" in message


@pytest.mark.django_db
def test_next_years_figures_are_configuration(login: Any) -> None:
    """The platform administrator adds next year's figures in the admin (Beheer), audited."""
    admin = UserFactory(is_superuser=True, is_staff=True)
    response = login(admin).post(
        "/beheer/lettings/affordabilitylimits/add/",
        {
            "year": 2027,
            "income_single": "30000",
            "income_multi": "40700",
            "income_senior_single": "29400",
            "income_senior_multi": "39400",
            "rent_limit_low": "730.00",
            "rent_limit_high": "782.00",
            "social_rent_limit": "955.00",
            "source": "Rijksoverheid 2026",
            "source_url": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"] == "/beheer/lettings/affordabilitylimits/"
    assert AuditEvent.objects.filter(
        actor=admin, object_type="lettings.affordabilitylimits", action="create"
    ).exists()
    outcome = check(
        household_size=1,
        senior=False,
        income=Decimal("20000"),
        net_rent=Decimal("720"),
        on=dt.date(2027, 2, 1),
    )
    assert outcome.code == PAS  # 720 fits under 2027's 730, not under 2026's 713
