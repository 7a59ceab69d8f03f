"""Demo placements on their way to the flip and after it: placements in every state, one flip
signed off by the care provider and waiting for the manager, one client 37 months in the care
lease (overdue), signals with open and overdue referrals, and aftercare check-ins due.

Everything goes through the services; the scheduled jobs run once as the worker would today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta

from doorstroom.clients import services as clients
from doorstroom.clients.models import Client, Consent, ConsentMethod, ConsentScope
from doorstroom.tenancies import aftercare, areas, checklist, clock
from doorstroom.tenancies import services as placements
from doorstroom.tenancies import signals_services as signals
from doorstroom.tenancies.models import (
    AftercareCheckIn,
    CheckInOutcome,
    Placement,
    PlacementState,
    SignalKind,
    StatementKind,
)


def build_pathway(
    *,
    corporation: Any,
    care_provider: Any,
    team: Any,
    manager: Any,
    team_lead: Any,
    case_worker: Any,
    today: dt.date,
) -> None:
    areas.add_area(acting_user=None, team=team, postcode_digits="3562")
    # The scheduled jobs, as the worker runs them every day.
    aftercare.end_due_labels(today)
    aftercare.schedule_check_ins(today)
    clock.send_attention_reminders(today)

    in_care = list(
        Placement.objects.filter(
            care_provider=care_provider, state=PlacementState.CARE_LEASE
        ).order_by("start_date")
    )
    _one_flip_ready_for_sign_off(in_care, case_worker, team_lead, today)
    _signals(corporation, care_provider, team, manager, case_worker, today)
    _one_check_in_done(case_worker, today)


def _one_flip_ready_for_sign_off(
    in_care: list[Placement], case_worker: Any, team_lead: Any, today: dt.date
) -> None:
    """The client of the longest-running ready placement wants to flip; the case worker advises
    it and the team lead signs off: the manager's sign-off is what remains."""
    # Not the overdue one (the oldest): it shows the 37-month flag.
    for placement in in_care[1:7]:
        for kind in (StatementKind.CASE_WORKER_ADVICE, StatementKind.CLIENT_WISH):
            placements.record_statement(
                acting_user=case_worker,
                placement=placement,
                kind=kind,
                positive=True,
                note="Woont stabiel, betaalt op tijd, doet mee aan de moestuin.",
            )
        if checklist.evaluate(placement, today).met:
            placements.sign_off(acting_user=team_lead, placement=placement)
            return


def _signals(
    corporation: Any,
    care_provider: Any,
    team: Any,
    manager: Any,
    case_worker: Any,
    today: dt.date,
) -> None:
    """Nuisance at a care-lease dwelling two weeks ago (its referrals, to the care provider and,
    with the client's consent, the neighbourhood team, are now overdue), and rent arrears at a
    labelled tenancy three days ago (an open referral to the care provider)."""
    care_lease = (
        Placement.objects.filter(care_provider=care_provider, state=PlacementState.CARE_LEASE)
        .select_related("dwelling")
        .order_by("-start_date")
        .first()
    )
    labelled = (
        Placement.objects.filter(care_provider=care_provider, state=PlacementState.FLIPPED)
        .select_related("dwelling")
        .order_by("-flip_date")
        .first()
    )
    if labelled is not None:
        signals.record_signal(
            acting_user=manager,
            dwelling=labelled.dwelling,
            kind=SignalKind.RENT_ARREARS,
            description="Huur van oktober en november niet betaald; twee herinneringen gestuurd.",
            opened_on=today - dt.timedelta(days=3),
        )
    if care_lease is not None:
        client = Client.objects.filter(
            care_provider=care_provider, reference=care_lease.client_ref
        ).first()
        if client is not None:
            # The client agreed that the neighbourhood team may know and contact them.
            clients.record_consent(
                acting_user=case_worker,
                consent=Consent(
                    client=client,
                    partner=team,
                    scope=ConsentScope.LABEL_AND_CONTACT,
                    method=ConsentMethod.WRITTEN,
                    given_on=care_lease.start_date,
                    valid_from=care_lease.start_date,
                    expires_on=today + relativedelta(months=18),
                ),
            )
        signals.record_signal(
            acting_user=manager,
            dwelling=care_lease.dwelling,
            kind=SignalKind.NUISANCE,
            description="Buren op de galerij melden geluidsoverlast 's nachts.",
            opened_on=today - dt.timedelta(days=15),
        )


def _one_check_in_done(case_worker: Any, today: dt.date) -> None:
    due = (
        AftercareCheckIn.objects.filter(done_on__isnull=True, due_on__lte=today)
        .select_related("placement")
        .order_by("due_on")
        .first()
    )
    if due is not None and due.placement.flip_date and due.due_on >= due.placement.flip_date:
        aftercare.record_check_in(
            acting_user=case_worker,
            check_in=due,
            done_on=max(due.due_on, due.placement.flip_date),
            outcome=CheckInOutcome.STILL_HOUSED,
            note="Gaat goed; werkt drie dagen per week.",
        )
