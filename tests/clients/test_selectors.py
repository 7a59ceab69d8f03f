"""Read models: overdue plan items for the case worker's home page, readiness in bulk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doorstroom.clients import selectors, services
from doorstroom.clients.models import Action, Client, Review
from doorstroom.clients.readiness import evaluate
from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import forget_memberships
from tests.clients.conftest import ACTION, assess, make_client

pytestmark = pytest.mark.django_db


def overdue_action(client: Client, by: Any, days: int, description: str = "late") -> Action:
    return services.add_action(
        acting_user=by,
        action=Action(
            client=client,
            description=description,
            owner="case_worker",
            due_on=timezone.localdate() - dt.timedelta(days=days),
        ),
    )


def test_overdue_for_lists_the_case_workers_overdue_actions_and_reviews(
    world: dict[str, Any],
) -> None:
    worker = world["people"][Role.CASE_WORKER]
    today = timezone.localdate()
    second = make_client(world["provider"], worker, first_name="Tweede")
    late = overdue_action(second, worker, 10, "tien dagen te laat")
    # An overdue review: planned in the past and not held.
    Review.objects.filter(client=second, held_on__isnull=True).update(
        due_on=today - dt.timedelta(days=4)
    )
    done = overdue_action(second, worker, 20, "al gedaan")
    services.complete_action(acting_user=worker, action=done)
    overdue_action(second, worker, 0, "vandaag")  # due today: not overdue yet

    items = selectors.overdue_for(worker)
    assert [(i.kind, i.client.pk, i.due_on) for i in items] == [
        ("action", second.pk, late.due_on),
        ("review", second.pk, today - dt.timedelta(days=4)),
        ("action", world["client"].pk, world["action"].due_on),
    ]
    assert items[0].description == "tien dagen te laat" and items[0].days_overdue == 10
    assert items[2].description == ACTION
    assert items[1].url.endswith(f"/clienten/{second.pk}/plan/evaluatie/")
    assert items[2].url.endswith(f"/clienten/{world['client'].pk}/#plan")


def test_overdue_for_only_shows_own_clients_of_own_provider(world: dict[str, Any]) -> None:
    worker = world["people"][Role.CASE_WORKER]
    colleague = Membership.objects.create(
        user=world["people"]["other_team_lead"],
        organisation=world["provider"],
        role=Role.CASE_WORKER,
    ).user
    overdue_action(make_client(world["provider"], colleague), colleague, 3)
    assert [i.client.pk for i in selectors.overdue_for(worker)] == [world["client"].pk]
    assert len(selectors.overdue_for(colleague)) == 1
    # Everyone else: nothing, and certainly not this provider's clients.
    for person, user in world["people"].items():
        if person not in (Role.CASE_WORKER,):
            assert all(
                i.client.care_provider_id != world["provider"].pk or user == colleague
                for i in selectors.overdue_for(user)
            )
    # A case worker who left the provider no longer sees its clients.
    Membership.objects.filter(user=worker, organisation=world["provider"]).delete()
    forget_memberships(worker)
    assert selectors.overdue_for(worker) == []


def test_overdue_for_runs_a_fixed_number_of_queries(world: dict[str, Any]) -> None:
    worker = world["people"][Role.CASE_WORKER]

    def queries() -> int:
        forget_memberships(worker)
        with CaptureQueriesContext(connection) as captured:
            items = selectors.overdue_for(worker)
            for item in items:  # what a home page shows of each item
                _ = (item.client.full_name, item.client.reference, item.description, item.url)
        return len(captured.captured_queries)

    small = queries()
    for i in range(12):
        client = make_client(world["provider"], worker, first_name=f"C{i}")
        overdue_action(client, worker, i + 1)
        Review.objects.filter(client=client, held_on__isnull=True).update(
            due_on=timezone.localdate() - dt.timedelta(days=1)
        )
    assert len(selectors.overdue_for(worker)) == 1 + 24
    assert queries() == small == 3


def test_readiness_of_matches_evaluate_in_three_queries(world: dict[str, Any]) -> None:
    worker = world["people"][Role.CASE_WORKER]
    never = make_client(world["provider"], worker, first_name="Nooit")
    ready = make_client(world["provider"], worker, first_name="Klaar")
    assess(ready, worker, middelengebruik=5, financien=5)
    services.confirm_checks(
        acting_user=worker,
        client=ready,
        housing_skills=True,
        income=True,
        high_risk_signal_open=False,
    )
    clients = list(selectors.with_status(Client.objects.filter(care_provider=world["provider"])))
    with CaptureQueriesContext(connection) as captured:
        results = selectors.readiness_of(clients)
    assert len(captured.captured_queries) == 3  # assessments, their scores, the policies
    for client in Client.objects.filter(care_provider=world["provider"]):
        expected = evaluate(client)
        assert results[client.pk].verdict == expected.verdict
        assert [(g.key, g.passed, g.reason) for g in results[client.pk].gates] == [
            (g.key, g.passed, g.reason) for g in expected.gates
        ]
    assert results[never.pk].assessment is None
    assert selectors.readiness_of([]) == {}


def test_consent_status(world: dict[str, Any]) -> None:
    client = selectors.with_status(Client.objects.filter(pk=world["client"].pk)).get()
    assert selectors.consent_status(client) == "ok"
