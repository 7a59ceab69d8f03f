"""Passend toewijzen: the Housing Act's check of a household's income against the rent.

Households with an income up to the passend-toewijzen income limit must get a dwelling whose rent
is at most the capping limit (aftoppingsgrens) for their size: the lower one for one or two
persons, the higher one for three or more. Dwellings above the social (DAEB) rent limit are not
affordable stock, and households above the income limit fall outside the rule; for both the check
is "not applicable". The limits of each year are configuration (``AffordabilityLimits``, in the
Django admin); docs/affordability.md explains the rule and the figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doorstroom.lettings.models import Affordability, AffordabilityLimits

#: Households of this size or larger are measured against the higher capping limit.
LARGE_HOUSEHOLD = 3


@dataclass(frozen=True)
class AffordabilityResult:
    code: str  # VERA PASSENDHEIDSSOORT: PAS, NIE or NVT
    explanation: str
    limits: AffordabilityLimits | None

    @property
    def label(self) -> str:
        return str(Affordability(self.code).label)

    @property
    def fits(self) -> bool:
        return self.code != Affordability.NOT_FITTING


def euro(amount: Decimal) -> str:
    """An amount as the interface writes it, e.g. '€ 713,00' in Dutch."""
    return "€\u00a0" + number_format(amount, 2, use_l10n=True, force_grouping=True)


def limits_for(day: dt.date) -> AffordabilityLimits:
    limits = AffordabilityLimits.objects.filter(year=day.year).first()
    if limits is None:
        raise ValidationError(
            _(
                "There are no affordability limits for %(year)s yet: configure them in Beheer "
                "(Affordability limits) before offering or allocating a dwelling."
            )
            % {"year": day.year},
            code="no_limits",
        )
    return limits


def income_limit(limits: AffordabilityLimits, *, household_size: int, senior: bool) -> Decimal:
    if household_size <= 1:
        return limits.income_senior_single if senior else limits.income_single
    return limits.income_senior_multi if senior else limits.income_multi


def capping_limit(limits: AffordabilityLimits, *, household_size: int) -> Decimal:
    return limits.rent_limit_high if household_size >= LARGE_HOUSEHOLD else limits.rent_limit_low


def _household(household_size: int, senior: bool) -> str:
    if household_size <= 1:
        return _("one person of pension age") if senior else _("one person")
    return _("more persons of pension age") if senior else _("more persons")


def evaluate(
    limits: AffordabilityLimits,
    *,
    household_size: int,
    senior: bool,
    income: Decimal,
    net_rent: Decimal,
) -> AffordabilityResult:
    """The rule itself, against given limits (no database access)."""
    errors = {}
    if household_size < 1:
        errors["household_size"] = _("A household has at least one person.")
    if income < 0:
        errors["income"] = _("The income cannot be negative.")
    if net_rent < 0:
        errors["net_rent"] = _("The rent cannot be negative.")
    if errors:
        raise ValidationError(errors)
    year = limits.year
    if net_rent > limits.social_rent_limit:
        return AffordabilityResult(
            Affordability.NOT_APPLICABLE,
            _(
                "The net rent of %(rent)s is above the social rent limit of %(limit)s "
                "(%(year)s): the dwelling is not affordable stock, so the affordability check "
                "does not apply."
            )
            % {"rent": euro(net_rent), "limit": euro(limits.social_rent_limit), "year": year},
            limits,
        )
    max_income = income_limit(limits, household_size=household_size, senior=senior)
    if income > max_income:
        return AffordabilityResult(
            Affordability.NOT_APPLICABLE,
            _(
                "The household income of %(income)s is above the income limit of %(limit)s for "
                "%(household)s (%(year)s): the rule applies only to households with a lower "
                "income, so the affordability check does not apply."
            )
            % {
                "income": euro(income),
                "limit": euro(max_income),
                "household": _household(household_size, senior),
                "year": year,
            },
            limits,
        )
    cap = capping_limit(limits, household_size=household_size)
    figures = {
        "rent": euro(net_rent),
        "which": _("higher") if household_size >= LARGE_HOUSEHOLD else _("lower"),
        "limit": euro(cap),
        "size": ngettext("%(n)s person", "%(n)s persons", household_size) % {"n": household_size},
        "income": euro(income),
        "income_limit": euro(max_income),
        "year": year,
    }
    if net_rent <= cap:
        return AffordabilityResult(
            Affordability.FITTING,
            _(
                "The household income of %(income)s is at most the income limit of "
                "%(income_limit)s, and the net rent of %(rent)s is at most the %(which)s capping "
                "limit of %(limit)s for a household of %(size)s (%(year)s): the allocation fits."
            )
            % figures,
            limits,
        )
    return AffordabilityResult(
        Affordability.NOT_FITTING,
        _(
            "The household income of %(income)s is at most the income limit of %(income_limit)s, "
            "but the net rent of %(rent)s is above the %(which)s capping limit of %(limit)s for a "
            "household of %(size)s (%(year)s): the allocation does not fit and needs a reason."
        )
        % figures,
        limits,
    )


def check(
    *, household_size: int, senior: bool, income: Decimal, net_rent: Decimal, on: dt.date
) -> AffordabilityResult:
    """Check an allocation on ``on`` against that year's limits (ValidationError when missing)."""
    return evaluate(
        limits_for(on),
        household_size=household_size,
        senior=senior,
        income=Decimal(income),
        net_rent=Decimal(net_rent),
    )


def not_applicable_for_care_lease() -> AffordabilityResult:
    """A care-stream dwelling is leased to the care provider, not allocated to a household."""
    return AffordabilityResult(
        Affordability.NOT_APPLICABLE,
        _(
            "The dwelling is leased to a care provider for its client, not allocated to a "
            "household: the affordability check does not apply."
        ),
        None,
    )
