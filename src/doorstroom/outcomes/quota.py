"""Progress against the municipal quota (taakstelling): placements that started in the quota year.

A placement counts for a quota when it started in the quota's year, in a dwelling of the quota's
corporation, in a complex in the quota's municipality, for the quota's target group.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db.models import Count
from django.db.models.functions import ExtractYear, Lower

from doorstroom.portfolio.models import Quota
from doorstroom.tenancies.models import Placement


@dataclass(frozen=True)
class QuotaProgress:
    quota: Quota
    realised: int
    today: dt.date

    @property
    def target(self) -> int:
        return self.quota.dwellings

    @property
    def to_go(self) -> int:
        return max(self.target - self.realised, 0)

    @property
    def share(self) -> Decimal:
        return Decimal(self.realised) / self.target if self.target else Decimal(1)

    @property
    def months_left(self) -> int:
        """Whole and part months left in the quota year (0 for a past year)."""
        year = self.quota.year
        if year < self.today.year:
            return 0
        if year > self.today.year:
            return 12
        return 12 - self.today.month + 1

    @property
    def pace_needed(self) -> Decimal | None:
        """Placements per month still needed to meet the quota; None when met or the year is over."""
        if not self.to_go or not self.months_left:
            return None
        return (Decimal(self.to_go) / self.months_left).quantize(
            Decimal("0.1"), rounding=ROUND_CEILING
        )

    @property
    def pace_so_far(self) -> Decimal | None:
        """Placements per month so far this year (current year only)."""
        if self.quota.year != self.today.year:
            return None
        elapsed = (
            self.today.month
            - 1
            + self.today.day / calendar.monthrange(self.today.year, self.today.month)[1]
        )
        return (
            (Decimal(self.realised) / Decimal(str(elapsed))).quantize(Decimal("0.1"))
            if elapsed
            else None
        )

    @property
    def on_track(self) -> bool:
        if not self.to_go:
            return True
        if self.pace_needed is None or self.pace_so_far is None:
            return False
        return self.pace_so_far >= self.pace_needed


def progress_of(quotas: list[Quota], today: dt.date | None = None) -> list[QuotaProgress]:
    """Progress of every quota with one query for all of them."""
    today = today or dt.date.today()
    if not quotas:
        return []
    counts = (
        Placement.objects.filter(
            dwelling__corporation_id__in={q.corporation_id for q in quotas},
            start_date__year__in={q.year for q in quotas},
            start_date__lte=today,
        )
        .annotate(
            year=ExtractYear("start_date"),
            municipality=Lower("dwelling__complex__municipality_name"),
        )
        .values("dwelling__corporation_id", "municipality", "year", "target_group")
        .annotate(n=Count("pk"))
    )
    realised = {
        (
            row["dwelling__corporation_id"],
            row["municipality"],
            row["year"],
            row["target_group"],
        ): row["n"]
        for row in counts
    }
    return [
        QuotaProgress(
            quota=q,
            realised=realised.get(
                (
                    q.corporation_id,
                    q.municipality.municipality_name.lower(),
                    q.year,
                    q.target_group,
                ),
                0,
            ),
            today=today,
        )
        for q in quotas
    ]
