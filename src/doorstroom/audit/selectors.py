"""Searching the audit trail of one organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from doorstroom.audit.models import AuditEvent, AuditEventQuerySet
from doorstroom.organisations.models import Membership


def trail_of(organisation: Any) -> AuditEventQuerySet:
    """Events recorded for the organisation, plus the login events of its members."""
    members = Membership.objects.filter(organisation=organisation).values("user_id")
    return AuditEvent.objects.filter(
        Q(organisation=organisation) | Q(organisation__isnull=True, actor_id__in=members)
    ).select_related("actor")


def search_trail(
    organisation: Any,
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> AuditEventQuerySet:
    events = trail_of(organisation)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return events.order_by("-at", "-id")
