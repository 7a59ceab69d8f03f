"""The quota ledger: per municipality, corporation and year the target, what is realised and the
pipeline that may still be placed this year.

- Target and realised come from the quotas (``portfolio.Quota``) and their progress in
  ``outcomes/quota.py`` (a placement counts when it started in the quota year, in a dwelling of the
  corporation, in a complex in the municipality, for a target group the quota is about). A ledger
  row adds up the quotas of its target groups.
- The pipeline is what exists today: nominations the placement meeting accepted that have not been
  placed yet (``Nomination`` status accepted) and open care-stream vacancies (``Vacancy`` stream
  care, status open), in complexes of the corporation in the municipality. Neither carries a
  target group, so the pipeline is per row, not per group, and it is shown for the current year
  only (it is today's, not a past year's).

Every figure is an aggregate count; four queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.db.models.functions import Lower

from doorstroom.lettings.models import Nomination, Vacancy
from doorstroom.lettings.models.nominations import NominationStatus
from doorstroom.lettings.models.vacancies import VacancyStatus
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.outcomes.disclosure import SUPPRESSED, is_small
from doorstroom.outcomes.quota import QuotaProgress, progress_of
from doorstroom.portfolio.mix import Stream
from doorstroom.portfolio.models import CORPORATION_STAFF, Quota

#: The roles that may see the ledger and the forecast.
LEDGER_ROLES = (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER, Role.POLICY_OFFICER)


@dataclass(frozen=True)
class LedgerRow:
    municipality: Organisation
    corporation: Organisation
    year: int
    groups: tuple[QuotaProgress, ...]  # one per target group with a quota, by target group
    accepted_nominations: int | None  # None: not the current year
    open_care_vacancies: int | None

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.municipality.pk, self.corporation.pk, self.year)

    @property
    def target_groups(self) -> tuple[str, ...]:
        return tuple(g.quota.target_group for g in self.groups)

    @property
    def target(self) -> int:
        return sum(g.target for g in self.groups)

    @property
    def realised(self) -> int:
        return sum(g.realised for g in self.groups)

    @property
    def to_go(self) -> int:
        return max(self.target - self.realised, 0)

    @property
    def share(self) -> Decimal:
        return Decimal(self.realised) / self.target if self.target else Decimal(1)

    @property
    def pipeline(self) -> int | None:
        if self.accepted_nominations is None or self.open_care_vacancies is None:
            return None
        return self.accepted_nominations + self.open_care_vacancies

    @property
    def months_left(self) -> int:
        return self.groups[0].months_left

    @property
    def is_current(self) -> bool:
        return self.accepted_nominations is not None


def _pipeline_counts(
    quotas: list[Quota],
) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]:
    """(accepted nominations, open care vacancies) per (corporation id, lower-case municipality)."""
    corporations = {q.corporation_id for q in quotas}
    nominations = (
        Nomination.objects.filter(
            status=NominationStatus.ACCEPTED, complex__corporation_id__in=corporations
        )
        .annotate(municipality=Lower("complex__municipality_name"))
        .values("complex__corporation_id", "municipality")
        .annotate(n=Count("pk"))
    )
    vacancies = (
        Vacancy.objects.filter(
            status=VacancyStatus.OPEN,
            stream=Stream.CARE,
            dwelling__corporation_id__in=corporations,
        )
        .annotate(municipality=Lower("dwelling__complex__municipality_name"))
        .values("dwelling__corporation_id", "municipality")
        .annotate(n=Count("pk"))
    )
    return (
        {(r["complex__corporation_id"], r["municipality"]): r["n"] for r in nominations},
        {(r["dwelling__corporation_id"], r["municipality"]): r["n"] for r in vacancies},
    )


def ledger_of(quotas: Iterable[Quota], today: dt.date | None = None) -> list[LedgerRow]:
    """One row per (municipality, corporation, year) of ``quotas`` (with municipality and
    corporation selected), newest year first, then by municipality and corporation name."""
    today = today or dt.date.today()
    quotas = sorted(quotas, key=lambda q: (q.target_group, q.pk))
    if not quotas:
        return []
    progress = progress_of(quotas, today)
    current = [q for q in quotas if q.year == today.year]
    nominations, vacancies = _pipeline_counts(current) if current else ({}, {})
    grouped: dict[tuple[int, int, int], list[QuotaProgress]] = {}
    for item in progress:
        q = item.quota
        grouped.setdefault((q.municipality_id, q.corporation_id, q.year), []).append(item)
    rows = []
    for (_municipality_id, corporation_id, year), groups in grouped.items():
        quota = groups[0].quota
        place = (corporation_id, quota.municipality.municipality_name.lower())
        is_current = year == today.year
        rows.append(
            LedgerRow(
                municipality=quota.municipality,
                corporation=quota.corporation,
                year=year,
                groups=tuple(groups),
                accepted_nominations=nominations.get(place, 0) if is_current else None,
                open_care_vacancies=vacancies.get(place, 0) if is_current else None,
            )
        )
    rows.sort(key=lambda r: (-r.year, r.municipality.name, r.corporation.name))
    return rows


def visible_quotas(user: Any) -> Any:
    return Quota.objects.visible_to(user).select_related("municipality", "corporation")


def ledger_for(user: Any, today: dt.date | None = None, year: int | None = None) -> list[LedgerRow]:
    """The ledger rows ``user`` may see (the quotas of their corporation or municipality)."""
    quotas = visible_quotas(user)
    if year is not None:
        quotas = quotas.filter(year=year)
    return ledger_of(quotas, today)


def row_for(
    user: Any, municipality_id: int, corporation_id: int, year: int, today: dt.date | None = None
) -> LedgerRow | None:
    """One row, or None when it does not exist or ``user`` may not see it (the view says 404)."""
    quotas = visible_quotas(user).filter(
        municipality_id=municipality_id, corporation_id=corporation_id, year=year
    )
    rows = ledger_of(quotas, today)
    return rows[0] if rows else None


def sees_persons_of(user: Any, corporation_id: int) -> bool:
    """Whether ``user`` sees this corporation's figures unsuppressed: its own staff and the
    platform administrator. Anyone else here sees them as a municipality (counts below 5 as
    "<5")."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        m.organisation_id == corporation_id and m.role in CORPORATION_STAFF
        for m in memberships_of(user)
    )


def shown(count: float | int | None, suppress: bool) -> str:
    """A count as a municipality may receive it (disclosure.py: 1 to 4 as "<5")."""
    if count is None:
        return "–"
    if suppress and is_small(count):
        return SUPPRESSED
    if isinstance(count, float) and not count.is_integer():
        return f"{count:.1f}".replace(".", ",")
    return str(int(count))
