"""Read models for the nomination and placement-meeting screens.

Who works with what:

- the client's care provider (case workers and team leads) nominates and follows its nominations;
- the corporation's mixed-living manager receives the nominations for its complexes;
- both meet in the placement meeting (``lettings.rules.in_meeting_organisations``).

Permission checks here test the rules themselves (``rules.has_perm``): Django's ``has_perm``
lets every superuser through, and a platform administrator is no party to nominations.

Partners see a client's pseudonymous reference only, and the readiness outcome only while the
client's consent for it is in force (``clients.sharing``), checked at every page view.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import rules
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from doorstroom.clients.models import Assessment, Client, ConsentScope, ReadinessPolicy
from doorstroom.clients.readiness import Readiness, evaluate
from doorstroom.clients.sharing import consented_partners
from doorstroom.lettings.models import Nomination, PlacementMeeting
from doorstroom.lettings.rules import CORPORATION_ROLES, PROVIDER_ROLES
from doorstroom.organisations.models import Membership, Organisation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.portfolio.models import CareLeaseAgreement, Complex, Dwelling, active_on

#: The corporation's side of the nomination process (see ``lettings.rules``).
MANAGER_ROLES = frozenset({Role.MIXED_LIVING_MANAGER})
MEETING_ROLES = frozenset(PROVIDER_ROLES | MANAGER_ROLES)
#: People who can be recorded as attending a placement meeting.
ATTENDEE_ROLES = frozenset(PROVIDER_ROLES | CORPORATION_ROLES)


def allowed(user: Any, permission: str, obj: Any) -> bool:
    """The django-rules predicate itself, without Django's superuser shortcut."""
    return bool(user.is_authenticated and user.is_active and rules.has_perm(permission, user, obj))


def org_ids(user: Any, roles: Collection[str]) -> set[int]:
    return {m.organisation_id for m in memberships_of(user) if m.role in roles}


def holds_any(user: Any, roles: Collection[str]) -> bool:
    return bool(org_ids(user, roles))


# --- nominations ---------------------------------------------------------------------------------


def _listed(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return queryset.select_related(
        "client", "complex", "dwelling", "care_provider", "nominated_by", "override_by"
    )


def nominations_of_providers(user: Any) -> QuerySet[Nomination]:
    """The nominations of the care providers where ``user`` is a case worker or team lead."""
    return _listed(Nomination.objects.filter(care_provider_id__in=org_ids(user, PROVIDER_ROLES)))


def overrides_of(user: Any) -> QuerySet[Nomination]:
    """Nominations with a readiness override, of the providers where ``user`` is team lead."""
    return _listed(
        Nomination.objects.filter(
            care_provider_id__in=org_ids(user, {Role.TEAM_LEAD}), override_by__isnull=False
        )
    )


def incoming_for(user: Any) -> QuerySet[Nomination]:
    """Nominations for the complexes of the corporations ``user`` manages mixed living for."""
    return _listed(
        Nomination.objects.filter(complex__corporation_id__in=org_ids(user, MANAGER_ROLES))
    )


def open_nominations_for(meeting: PlacementMeeting) -> QuerySet[Nomination]:
    """Open and deferred nominations of the meeting's provider for the corporation's complexes,
    except those this meeting already decided on."""
    return (
        _listed(
            Nomination.objects.open().filter(
                care_provider_id=meeting.care_provider_id,
                complex__corporation_id=meeting.corporation_id,
            )
        )
        .exclude(decisions__meeting=meeting)
        .order_by("nominated_at", "pk")
    )


def current_nomination(client: Client) -> Nomination | None:
    return (
        Nomination.objects.open()
        .filter(client=client)
        .select_related("complex", "dwelling")
        .first()
    )


# --- the readiness outcome a corporation may see -------------------------------------------------


@dataclass(frozen=True)
class SharedReadiness:
    """The readiness outcome shown to a corporation, or ``verdict=None``: not shared."""

    verdict: str | None

    @property
    def shared(self) -> bool:
        return self.verdict is not None

    @property
    def label(self) -> str:
        return str(Readiness(self.verdict).label) if self.verdict else ""


def shared_readiness(nominations: Iterable[Nomination]) -> dict[int, SharedReadiness]:
    """{nomination id: the readiness outcome for the complex's corporation}, in a fixed number of
    queries: the outcome where the client's consent (scope readiness outcome, partner = the
    corporation) is in force today, otherwise not shared.

    The outcome is what ``clients.sharing.readiness_for_partner`` gives (the provider's own gates
    on the latest assessment); scores and notes are read for consenting clients only and never
    leave this function.
    """
    rows = list(nominations)
    clients = {n.client_id: n.client for n in rows}
    consent = consented_partners(list(clients.values()), ConsentScope.READINESS_OUTCOME)
    sharing = [n for n in rows if n.complex.corporation_id in consent.get(n.client_id, set())]
    client_ids = {n.client_id for n in sharing}
    latest: dict[int, Assessment] = {}
    policies: dict[int, ReadinessPolicy] = {}
    if client_ids:
        newest = Assessment.objects.filter(client_id=OuterRef("client_id")).order_by(
            "-assessed_on", "-id"
        )
        for row in Assessment.objects.filter(
            client_id__in=client_ids, pk=Subquery(newest.values("pk")[:1])
        ).prefetch_related("scores"):
            latest[row.client_id] = row
        providers = {clients[pk].care_provider_id for pk in client_ids}
        for policy in ReadinessPolicy.objects.filter(
            care_provider_id__in=providers, agreement__isnull=True
        ):
            policies[policy.care_provider_id] = policy
    today = timezone.localdate()
    result = {n.pk: SharedReadiness(None) for n in rows}
    for nomination in sharing:
        client = clients[nomination.client_id]
        assessment = latest.get(client.pk)
        if assessment is None:
            # Without any assessment the blocking assessment gate fails (clients.readiness).
            verdict: str = Readiness.NOT_READY
        else:
            policy = policies.get(client.care_provider_id) or ReadinessPolicy(
                care_provider_id=client.care_provider_id
            )
            verdict = evaluate(client, policy=policy, assessment=assessment, today=today).verdict
        result[nomination.pk] = SharedReadiness(verdict)
    return result


# --- the nomination form -------------------------------------------------------------------------


def current_agreements(care_provider_id: int) -> QuerySet[CareLeaseAgreement]:
    return CareLeaseAgreement.objects.filter(active_on(timezone.localdate())).filter(
        care_provider_id=care_provider_id
    )


def nominable_complexes(care_provider_id: int) -> QuerySet[Complex]:
    """Complexes where the care provider has an agreement running today."""
    return (
        Complex.objects.filter(pk__in=current_agreements(care_provider_id).values("complex_id"))
        .select_related("corporation")
        .order_by("name", "pk")
    )


def dwellings_in(complexes: QuerySet[Complex]) -> list[Dwelling]:
    """The dwellings of ``complexes`` with their status today, in one query."""
    return list(
        Dwelling.objects.filter(complex__in=complexes)
        .with_status(timezone.localdate())
        .select_related("complex")
        .order_by("complex__name", "complex_id", "street", "house_number", "house_number_addition")
    )


# --- placement meetings --------------------------------------------------------------------------


def meetings_for(user: Any) -> QuerySet[PlacementMeeting]:
    """Meetings of the organisations where ``user`` takes part in placement meetings."""
    return (
        PlacementMeeting.objects.filter(
            Q(corporation_id__in=org_ids(user, MANAGER_ROLES))
            | Q(care_provider_id__in=org_ids(user, PROVIDER_ROLES))
        )
        .select_related("corporation", "care_provider")
        .annotate(
            attendee_count=Count("attendees", distinct=True),
            decision_count=Count("decisions", distinct=True),
        )
        .order_by("-held_on", "-pk")
    )


def meeting_partners(membership: Membership | None) -> tuple[Organisation, list[Organisation]]:
    """For the acting membership: its organisation and the organisations it meets with.

    A corporation meets the care providers with an agreement running today in its complexes;
    a care provider meets the corporations of the complexes where it has such an agreement.
    """
    if membership is None or membership.role not in MEETING_ROLES:
        raise LookupError("no placement-meeting role")
    own = membership.organisation
    agreements = CareLeaseAgreement.objects.filter(active_on(timezone.localdate()))
    if own.kind == OrganisationKind.CORPORATION:
        ids = agreements.filter(corporation=own).values_list("care_provider_id", flat=True)
    else:
        ids = agreements.filter(care_provider=own).values_list("corporation_id", flat=True)
    return own, list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def attendee_memberships(*organisations: Organisation) -> list[Membership]:
    """Staff of the meeting's organisations who can attend it, in one query."""
    return list(
        Membership.objects.filter(organisation__in=organisations, role__in=ATTENDEE_ROLES)
        .select_related("user", "organisation")
        .filter(user__is_active=True)
        .order_by("organisation__name", "user__last_name", "user__first_name", "user__username")
    )
