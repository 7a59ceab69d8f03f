"""The placement's timeline: one PlacementEvent per thing that happened, without care details.

Services write the events (in their own transaction); screens read them through ``timeline_of``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from doorstroom.tenancies.models import Placement, PlacementEvent

SUMMARY_MAX = 300


def record_event(
    *, placement: Placement, kind: str, on: dt.date, summary: str = "", by: Any = None
) -> PlacementEvent:
    """Append one event; ``by`` is None for the system (scheduled work, imports, the demo)."""
    person = by if by is not None and getattr(by, "is_authenticated", False) else None
    return PlacementEvent.objects.create(
        placement=placement, kind=kind, on=on, summary=summary[:SUMMARY_MAX], by=person
    )


def timeline_of(placement: Placement) -> QuerySet[PlacementEvent]:
    """Every event of the placement, oldest first, with who recorded it (one query)."""
    return PlacementEvent.objects.filter(placement=placement).select_related("by")
