"""Read models for the care-pathway screens: caseload rows, readiness in bulk, overdue plan items.

Every function here runs a fixed number of queries, however many clients there are, and only
ever reads clients through ``Client.objects.visible_to`` (the client's own care provider).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.clients.models import (
    CARE_ROLES,
    Action,
    Assessment,
    Client,
    ClientQuerySet,
    Consent,
    ReadinessPolicy,
    Review,
)
from doorstroom.clients.readiness import ReadinessResult, evaluate
from doorstroom.organisations.models import Membership

#: Consent that ends within this many days needs renewing.
CONSENT_WARNING_DAYS = 30


class ConsentStatus:
    OK = "ok"
    EXPIRING = "expiring"
    MISSING = "missing"


def with_status(clients: ClientQuerySet, today: dt.date | None = None) -> ClientQuerySet:
    """Annotate what the caseload shows: latest ZRM, next review, consent, overdue actions.

    Subqueries rather than joins, so one row stays one client and the query count stays fixed.
    """
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=CONSENT_WARNING_DAYS)
    latest = Assessment.objects.filter(client=OuterRef("pk")).order_by("-assessed_on", "-id")
    in_force = Consent.objects.in_force(today).filter(client=OuterRef("pk"))
    overdue = (
        Action.objects.filter(client=OuterRef("pk"), done_on__isnull=True, due_on__lt=today)
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return clients.annotate(
        latest_assessment_id=Subquery(latest.values("pk")[:1]),
        latest_assessed_on=Subquery(latest.values("assessed_on")[:1]),
        next_review_on=Subquery(
            Review.objects.filter(client=OuterRef("pk"), held_on__isnull=True)
            .order_by("due_on")
            .values("due_on")[:1]
        ),
        consent_in_force=Exists(in_force),
        consent_expiring_on=Subquery(
            in_force.filter(expires_on__lte=soon).order_by("expires_on").values("expires_on")[:1]
        ),
        overdue_actions=Coalesce(
            Subquery(overdue, output_field=IntegerField()), Value(0), output_field=IntegerField()
        ),
        has_case_worker=Exists(
            Membership.objects.filter(
                user=OuterRef("case_worker"),
                organisation=OuterRef("care_provider"),
                role__in=CARE_ROLES,
            )
        ),
    )


def consent_status(client: Any) -> str:
    """For a client annotated by ``with_status``."""
    if not client.consent_in_force:
        return ConsentStatus.MISSING
    if client.consent_expiring_on:
        return ConsentStatus.EXPIRING
    return ConsentStatus.OK


def needing_consent(clients: ClientQuerySet) -> ClientQuerySet:
    """Of clients annotated by ``with_status``: no consent in force, or some ending soon.

    Missing consent first, then by the date it ends.
    """
    return clients.filter(
        Q(consent_in_force=False) | Q(consent_expiring_on__isnull=False)
    ).order_by(
        F("consent_in_force").asc(),
        F("consent_expiring_on").asc(nulls_first=True),
        "last_name",
        "first_name",
        "pk",
    )


def without_case_worker(clients: ClientQuerySet) -> ClientQuerySet:
    """Of clients annotated by ``with_status``: nobody, or nobody still working there, guides them."""
    return clients.filter(Q(has_case_worker=False))


def readiness_of(
    clients: Iterable[Client], today: dt.date | None = None
) -> dict[int, ReadinessResult]:
    """Readiness of many clients (annotated by ``with_status``) in three queries.

    Each client is judged on its provider's default gates; an agreement's own gates apply when a
    client is nominated for that agreement.
    """
    clients = list(clients)
    if not clients:
        return {}
    ids = [c.latest_assessment_id for c in clients if c.latest_assessment_id]  # type: ignore[attr-defined]
    assessments = {
        a.pk: a for a in Assessment.objects.filter(pk__in=ids).prefetch_related("scores")
    }
    providers = {c.care_provider_id for c in clients}
    policies = {
        p.care_provider_id: p
        for p in ReadinessPolicy.objects.filter(
            care_provider_id__in=providers, agreement__isnull=True
        )
    }
    results = {}
    for client in clients:
        assessment = assessments.get(client.latest_assessment_id)  # type: ignore[attr-defined]
        policy = policies.get(client.care_provider_id) or ReadinessPolicy(
            care_provider_id=client.care_provider_id
        )
        results[client.pk] = evaluate(client, policy=policy, assessment=assessment, today=today)
    return results


@dataclass(frozen=True)
class OverdueItem:
    """An open action or an unheld review of a client's guidance plan, past its date."""

    kind: str  # "action" or "review"
    client: Client
    description: str
    due_on: dt.date
    url: str
    today: dt.date = field(default_factory=timezone.localdate, compare=False)

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due_on).days


def overdue_for(user: Any, *, today: dt.date | None = None) -> list[OverdueItem]:
    """The user's own clients' open actions and unheld reviews past their date, oldest first.

    Three queries whatever the caseload: the user's memberships (cached per request), the actions
    and the reviews. Only clients of a care provider where the user is a case worker or team lead,
    and whose case worker the user is.
    """
    today = today or timezone.localdate()
    own = Client.objects.visible_to(user).filter(case_worker=user).values("pk")
    actions = (
        Action.objects.filter(client__in=own, done_on__isnull=True, due_on__lt=today)
        .select_related("client")
        .order_by("due_on", "pk")
    )
    reviews = (
        Review.objects.filter(client__in=own, held_on__isnull=True, due_on__lt=today)
        .select_related("client")
        .order_by("due_on", "pk")
    )
    items = [
        OverdueItem(
            kind="action",
            client=action.client,
            description=action.description,
            due_on=action.due_on,
            url=reverse("clients:detail", args=[action.client_id]) + "#plan",
            today=today,
        )
        for action in actions
    ]
    items += [
        OverdueItem(
            kind="review",
            client=review.client,
            description=_("Review of the guidance plan"),
            due_on=review.due_on,
            url=reverse("clients:review_hold", args=[review.client_id]),
            today=today,
        )
        for review in reviews
    ]
    items.sort(key=lambda item: (item.due_on, item.kind))
    return items
