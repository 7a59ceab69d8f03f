"""The live mix of a complex and which stream the next vacancy should go to.

Vulnerable dwellings are those leased to a care provider today plus those let to a tenant whose
'wonen met zorg' label still runs. The rule for the next vacancy is defined here only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.portfolio.models import (
    CareLease,
    CareLeaseAgreement,
    CommunalSpace,
    Complex,
    Dwelling,
    RegularTenancy,
    active_on,
)


class Stream(models.TextChoices):
    """The two streams a vacancy in a mixed complex can go to."""

    CARE = "care", gettext_lazy("Care stream")
    REGULAR = "regular", gettext_lazy("Regular stream")


def _per_complex(queryset: Any, aggregate: Any) -> Coalesce:
    """A correlated subquery giving one aggregate per complex (no joins that multiply rows)."""
    values = queryset.order_by().values("complex").annotate(n=aggregate).values("n")[:1]
    return Coalesce(Subquery(values, output_field=IntegerField()), 0)


def with_mix(complexes: QuerySet[Complex], on: dt.date | None = None) -> QuerySet[Complex]:
    """Annotate dwelling_count, care_leased, labelled, promised (current agreements), communal_m2."""
    day = on or dt.date.today()
    care = CareLease.objects.filter(active_on(day), dwelling=OuterRef("pk"))
    labelled = RegularTenancy.objects.filter(
        active_on(day), dwelling=OuterRef("pk"), care_label_until__gt=day
    )
    dwellings = Dwelling.objects.filter(complex=OuterRef("pk"))
    agreements = CareLeaseAgreement.objects.filter(active_on(day), complex=OuterRef("pk"))
    return complexes.annotate(
        dwelling_count=_per_complex(dwellings, Count("pk")),
        care_leased=_per_complex(dwellings.filter(Exists(care)), Count("pk")),
        labelled=_per_complex(dwellings.filter(~Exists(care), Exists(labelled)), Count("pk")),
        promised=_per_complex(agreements, Sum("dwellings_promised")),
        communal_m2=_per_complex(
            CommunalSpace.objects.filter(complex=OuterRef("pk")), Sum("size_m2")
        ),
    )


@dataclass(frozen=True)
class Mix:
    dwellings: int
    care_leased: int
    labelled: int
    promised: int
    target: Decimal
    tolerance: Decimal

    @property
    def vulnerable(self) -> int:
        return self.care_leased + self.labelled

    @property
    def share(self) -> Decimal:
        if not self.dwellings:
            return Decimal(0)
        return Decimal(self.vulnerable) / Decimal(self.dwellings)

    @property
    def target_dwellings(self) -> int:
        """The target as a whole number of dwellings (one third of 90 is 30, not 29.97)."""
        return int((self.target * self.dwellings).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def ceiling_dwellings(self) -> int:
        """The most vulnerable dwellings within the tolerance."""
        ceiling = (self.target + self.tolerance) * self.dwellings
        return int(ceiling.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def lease_gap(self) -> int:
        return max(self.promised - self.care_leased, 0)

    def next_vacancy(self) -> tuple[str, str]:
        """(stream, reason) for the next vacancy in this complex."""
        if self.lease_gap > 0:
            return Stream.CARE, _(
                "The care provider leases %(leased)s of the %(promised)s agreed dwellings: "
                "the next vacancy fills the gap."
            ) % {"leased": self.care_leased, "promised": self.promised}
        percent = {"share": f"{self.share:.0%}", "target": f"{self.target:.0%}"}
        if self.vulnerable < self.target_dwellings:
            return Stream.CARE, _(
                "The vulnerable share (%(share)s) is below the target (%(target)s)."
            ) % percent
        return Stream.REGULAR, _(
            "The vulnerable share (%(share)s) is at or above the target (%(target)s)."
        ) % percent


def mix_of(complex_: Complex) -> Mix:
    """The mix from a complex annotated by :func:`with_mix`, or queried for one complex."""
    if not hasattr(complex_, "dwelling_count"):
        complex_ = with_mix(Complex.objects.filter(pk=complex_.pk)).get()
    return Mix(
        dwellings=complex_.dwelling_count,  # type: ignore[attr-defined]
        care_leased=complex_.care_leased,  # type: ignore[attr-defined]
        labelled=complex_.labelled,  # type: ignore[attr-defined]
        promised=complex_.promised,  # type: ignore[attr-defined]
        target=complex_.mix_target,
        tolerance=complex_.mix_tolerance,
    )
