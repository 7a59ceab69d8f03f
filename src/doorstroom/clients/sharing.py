"""What a partner may see of a client: minimal derived facts, and only with consent in force now.

This is the one place partners' views of clients go through. A consent withdrawn a second ago is
no longer in force, so the fact disappears at the next page view.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from doorstroom.clients.models import Client, Consent, ConsentScope
from doorstroom.clients.readiness import ReadinessResult, evaluate


def consented_partners(
    clients: list[Client], scope: str, on: dt.date | None = None
) -> dict[int, set[int]]:
    """{client id: partner organisation ids with consent in force for ``scope``}, in one query."""
    result: dict[int, set[int]] = {client.pk: set() for client in clients}
    rows = (
        Consent.objects.in_force(on)
        .filter(client__in=clients, scope=scope)
        .values_list("client_id", "partner_id")
    )
    for client_id, partner_id in rows:
        result[client_id].add(partner_id)
    return result


def readiness_for_partner(client: Client, partner_id: int) -> str | None:
    """The readiness verdict ('ready', 'not_yet', 'not_ready') if the client consented, else None."""
    if (
        not Consent.objects.in_force()
        .filter(client=client, partner_id=partner_id, scope=ConsentScope.READINESS_OUTCOME)
        .exists()
    ):
        return None
    result: ReadinessResult = evaluate(client)
    return result.verdict


def may_share(client: Any, partner_id: int, scope: str) -> bool:
    return (
        Consent.objects.in_force()
        .filter(client=client, partner_id=partner_id, scope=scope)
        .exists()
    )
