"""Flip readiness: the live checklist of a placement, configurable per agreement (FlipPolicy).

Items: N months without rent arrears, no open nuisance signals, a positive latest advice of the
case worker, the readiness gates of the client's latest ZRM, and the client's own wish. An item
the agreement's policy switches off is left out.

``evaluate_many`` evaluates a page of placements in a fixed number of queries; ``evaluate`` is the
same for one placement. What the corporation may see of it goes through ``visible_checklist``: the
readiness item only as met/not met and only with the client's consent READINESS_OUTCOME, never
the gates; the care provider's staff see everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.clients.models import Client, ConsentScope, ReadinessPolicy
from doorstroom.clients.readiness import Readiness
from doorstroom.clients.readiness import evaluate as evaluate_readiness
from doorstroom.clients.sharing import consented_partners
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import holds_role_in
from doorstroom.tenancies.clock import policy_for as agreement_policy
from doorstroom.tenancies.models import (
    ArrearsReport,
    FlipPolicy,
    FlipStatement,
    Placement,
    Signal,
    SignalKind,
    SignOffParty,
    StatementKind,
)

ARREARS = "arrears"
NUISANCE = "nuisance"
ADVICE = "advice"
READINESS = "readiness"
WISH = "wish"

CARE_ROLES = {Role.CASE_WORKER, Role.TEAM_LEAD}


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    met: bool | None  # None: not shared with this viewer
    explanation: str
    details: tuple[str, ...] = ()  # failing readiness gates: the care provider's eyes only


@dataclass(frozen=True)
class Checklist:
    placement_id: int
    items: tuple[Item, ...]
    readiness_shared_with: frozenset[int] = field(default_factory=frozenset)
    #: Set on a viewer's copy: whether the whole checklist is met, even where an item is hidden.
    all_met: bool | None = None

    @property
    def met(self) -> bool:
        """Every item of the agreement's policy is met (an empty checklist is met)."""
        if self.all_met is not None:
            return self.all_met
        return all(item.met for item in self.items)

    def item(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)


def policy_for(placement: Placement) -> FlipPolicy:
    """The flip policy of the placement's agreement (see clock.policy_for)."""
    lease = placement.care_lease
    assert lease is not None
    return agreement_policy(lease.agreement)


def evaluate(placement: Placement, today: dt.date | None = None) -> Checklist:
    policy = policy_for(placement) if placement.care_lease_id else None
    policies = {policy.agreement_id: policy} if policy else {}
    return evaluate_many([placement], today=today, policies=policies)[placement.pk]


def _agreement_id(placement: Placement) -> int | None:
    lease = placement.care_lease
    return lease.agreement_id if lease is not None else None


def evaluate_many(
    placements: Sequence[Placement],
    *,
    today: dt.date | None = None,
    policies: dict[int, FlipPolicy] | None = None,
) -> dict[int, Checklist]:
    """{placement id: checklist} in a fixed number of queries (placements need ``care_lease`` and
    ``dwelling`` loaded). Policies not yet stored count with their defaults."""
    today = today or timezone.localdate()
    if not placements:
        return {}
    agreement_ids = {a for a in (_agreement_id(p) for p in placements) if a is not None}
    known = dict(policies or {})
    missing = agreement_ids - set(known)
    if missing:
        known.update(
            {p.agreement_id: p for p in FlipPolicy.objects.filter(agreement_id__in=missing)}
        )
    ids = [p.pk for p in placements]
    dwelling_ids = {p.dwelling_id for p in placements}

    max_months = max(
        [known.get(a, FlipPolicy()).months_without_arrears for a in agreement_ids] + [0]
    )
    since = today - relativedelta(months=max_months)
    arrears: dict[int, list[dt.date]] = {}
    for dwelling_id, reported_on in ArrearsReport.objects.filter(
        dwelling_id__in=dwelling_ids, months__gt=0, reported_on__gt=since, reported_on__lte=today
    ).values_list("dwelling_id", "reported_on"):
        arrears.setdefault(dwelling_id, []).append(reported_on)
    nuisance = set(
        Signal.objects.open()
        .filter(dwelling_id__in=dwelling_ids, kind=SignalKind.NUISANCE)
        .values_list("dwelling_id", flat=True)
    )
    latest: dict[tuple[int, str], FlipStatement] = {}
    for statement in FlipStatement.objects.filter(placement_id__in=ids).order_by(
        "-recorded_at", "-pk"
    ):
        latest.setdefault((statement.placement_id, statement.kind), statement)

    clients = _clients_of(placements)
    readiness_policies = list(
        ReadinessPolicy.objects.filter(
            care_provider_id__in={p.care_provider_id for p in placements}
        )
    )
    assessments = _latest_assessments(list(clients.values()))
    shared = consented_partners(list(clients.values()), ConsentScope.READINESS_OUTCOME, today)

    result: dict[int, Checklist] = {}
    for placement in placements:
        agreement_id = _agreement_id(placement)
        policy = known.get(agreement_id) if agreement_id is not None else None
        policy = policy or FlipPolicy()
        client = clients.get((placement.care_provider_id, placement.client_ref))
        items: list[Item] = []
        if policy.months_without_arrears:
            items.append(_arrears_item(placement, policy, arrears, today))
        if policy.no_open_nuisance:
            items.append(_nuisance_item(placement.dwelling_id in nuisance))
        if policy.case_worker_advice:
            items.append(
                _statement_item(
                    ADVICE, latest.get((placement.pk, StatementKind.CASE_WORKER_ADVICE))
                )
            )
        if policy.readiness_gates:
            items.append(
                _readiness_item(client, agreement_id, readiness_policies, assessments, today)
            )
        if policy.client_wish:
            items.append(
                _statement_item(WISH, latest.get((placement.pk, StatementKind.CLIENT_WISH)))
            )
        result[placement.pk] = Checklist(
            placement_id=placement.pk,
            items=tuple(items),
            readiness_shared_with=frozenset(shared.get(client.pk, set()) if client else set()),
        )
    return result


def _clients_of(placements: Iterable[Placement]) -> dict[tuple[int, str], Client]:
    providers = {p.care_provider_id for p in placements}
    references = {p.client_ref for p in placements}
    return {
        (c.care_provider_id, c.reference): c
        for c in Client.objects.filter(care_provider_id__in=providers, reference__in=references)
    }


def _latest_assessments(clients: list[Client]) -> dict[int, Any]:
    from doorstroom.clients.models import Assessment

    latest: dict[int, Any] = {}
    for assessment in (
        Assessment.objects.filter(client__in=clients)
        .prefetch_related("scores")
        .order_by("-assessed_on", "-id")
    ):
        latest.setdefault(assessment.client_id, assessment)
    return latest


def _arrears_item(
    placement: Placement, policy: FlipPolicy, arrears: dict[int, list[dt.date]], today: dt.date
) -> Item:
    months = policy.months_without_arrears
    since = max(today - relativedelta(months=months), placement.start_date - dt.timedelta(days=1))
    dates = [d for d in arrears.get(placement.dwelling_id, []) if d > since]
    label = _("%(n)s months without rent arrears") % {"n": months}
    if dates:
        return Item(
            ARREARS,
            label,
            False,
            _("Rent arrears were reported on %(date)s.")
            % {"date": max(dates).strftime("%d-%m-%Y")},
        )
    return Item(ARREARS, label, True, _("No rent arrears reported in this period."))


def _nuisance_item(open_signal: bool) -> Item:
    label = _("No open nuisance signals")
    if open_signal:
        return Item(NUISANCE, label, False, _("A nuisance signal is open."))
    return Item(NUISANCE, label, True, _("No nuisance signal is open."))


def _statement_item(key: str, statement: FlipStatement | None) -> Item:
    if key == ADVICE:
        label = _("Positive advice of the case worker")
        missing = _("No advice recorded yet.")
    else:
        label = _("The client wants the flip")
        missing = _("The client's wish is not recorded yet.")
    if statement is None:
        return Item(key, label, False, missing)
    when = timezone.localtime(statement.recorded_at).strftime("%d-%m-%Y")
    if statement.positive:
        return Item(key, label, True, _("In favour (recorded on %(date)s).") % {"date": when})
    return Item(key, label, False, _("Not in favour (recorded on %(date)s).") % {"date": when})


def _readiness_policy(
    client: Client, agreement_id: int | None, policies: list[ReadinessPolicy]
) -> ReadinessPolicy:
    """Mirrors clients.readiness.policy_for on policies fetched for the whole page."""
    own = [p for p in policies if p.care_provider_id == client.care_provider_id]
    specific = next((p for p in own if agreement_id and p.agreement_id == agreement_id), None)
    general = next((p for p in own if p.agreement_id is None), None)
    return specific or general or ReadinessPolicy(care_provider_id=client.care_provider_id)


def _readiness_item(
    client: Client | None,
    agreement_id: int | None,
    policies: list[ReadinessPolicy],
    assessments: dict[int, Any],
    today: dt.date,
) -> Item:
    label = _("Readiness gates of the latest ZRM")
    if client is None:
        return Item(READINESS, label, False, _("No client record found for this reference."))
    result = evaluate_readiness(
        client,
        policy=_readiness_policy(client, agreement_id, policies),
        assessment=assessments.get(client.pk),
        today=today,
    )
    met = result.verdict == Readiness.READY
    details = tuple(f"{gate.label}: {gate.reason}" for gate in result.failing)
    return Item(READINESS, label, met, result.label, details)


def visible_checklist(checklist: Checklist, user: Any, placement: Placement) -> Checklist:
    """The checklist as ``user`` may see it: everything for the client's care provider; for the
    corporation the readiness item only as met/not met with consent, else 'not shared'."""
    if holds_role_in(user, placement.care_provider_id, CARE_ROLES):
        return checklist
    corporation_id = placement.dwelling.corporation_id
    shared = corporation_id in checklist.readiness_shared_with
    items = []
    for item in checklist.items:
        if item.key == READINESS:
            if corporation_id in checklist.readiness_shared_with:
                item = Item(
                    READINESS,
                    item.label,
                    item.met,
                    _("Met.") if item.met else _("Not met."),
                )
            else:
                item = Item(READINESS, item.label, None, _("Not shared by the client."))
        else:
            item = replace(item, details=())
        items.append(item)
    if shared or checklist.item(READINESS) is None:
        return replace(checklist, items=tuple(items), all_met=checklist.met)
    # Readiness not shared: judge the whole on the visible items and the care provider's
    # sign-off (which needs the whole checklist met), so a failed readiness cannot be inferred.
    others_met = all(item.met for item in items if item.key != READINESS)
    signed_by_care = any(
        sign_off.party == SignOffParty.CARE_PROVIDER for sign_off in placement.sign_offs.all()
    )
    return replace(checklist, items=tuple(items), all_met=others_met and signed_by_care)
