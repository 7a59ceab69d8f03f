"""The audit trail: append-only, secrets masked, searchable by the own privacy officer only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from doorstroom.audit import services
from doorstroom.audit.models import AppendOnlyError, AuditAction, AuditEvent
from doorstroom.organisations.roles import Role
from tests.factories import UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def test_events_cannot_be_changed_or_deleted_through_the_application() -> None:
    event = services.record(actor=None, action=AuditAction.LOGIN, actor_label="x")
    event.action = AuditAction.LOGOUT
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_rewrite_an_event() -> None:
    services.record(actor=None, action=AuditAction.LOGIN, actor_label="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'logout'")
    assert AuditEvent.objects.get().action == AuditAction.LOGIN


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite flushes tables with DELETE")
def test_postgresql_refuses_to_delete_an_event() -> None:
    services.record(actor=None, action=AuditAction.LOGIN, actor_label="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


def test_secret_and_special_category_values_are_never_stored(monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "SPECIAL_CATEGORY_FIELDS", {"addiction_note"})
    user = UserFactory()
    event = services.record(
        actor=user,
        action=AuditAction.UPDATE,
        obj=user,
        changes={
            "password": ("old-secret", "new-secret"),
            "addiction_note": ("drinks", "sober"),
            "first_name": ("Jan", "Johan"),
        },
    )
    event.refresh_from_db()
    stored = str(event.changes)
    assert "secret" not in stored and "drinks" not in stored and "sober" not in stored
    assert event.changes["first_name"] == ["Jan", "Johan"]
    assert event.fields == ["addiction_note", "first_name", "password"]


def test_privacy_officer_searches_own_organisation_trail(member: Any, login: Any) -> None:
    officer = member(Role.PRIVACY_OFFICER)
    colleague = member(Role.MIXED_LIVING_MANAGER, organisation=officer.organisation)
    stranger = member(Role.CASE_WORKER)
    services.record(
        actor=colleague.user,
        action=AuditAction.UPDATE,
        organisation=officer.organisation,
        obj=colleague,
    )
    services.record(
        actor=stranger.user,
        action=AuditAction.UPDATE,
        organisation=stranger.organisation,
        obj=stranger,
    )
    services.record(
        actor=colleague.user, action=AuditAction.LOGIN
    )  # no organisation: a member's login

    client = login(officer.user)
    response = client.get(reverse("audit:trail", args=[officer.organisation.pk]))
    assert response.status_code == 200
    events = list(response.context["page"].object_list)
    assert {e.actor for e in events} <= {colleague.user, officer.user}
    assert any(e.action == AuditAction.LOGIN and e.actor == colleague.user for e in events)

    filtered = client.get(
        reverse("audit:trail", args=[officer.organisation.pk]), {"action": AuditAction.UPDATE}
    )
    assert [e.action for e in filtered.context["page"].object_list] == [AuditAction.UPDATE]


def test_htmx_search_returns_only_the_results_fragment(member: Any, login: Any) -> None:
    officer = member(Role.PRIVACY_OFFICER)
    client = login(officer.user)
    response = client.get(
        reverse("audit:trail", args=[officer.organisation.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_invalid_date_range_is_explained(member: Any, login: Any) -> None:
    officer = member(Role.PRIVACY_OFFICER)
    response = login(officer.user).get(
        reverse("audit:trail", args=[officer.organisation.pk]),
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
    )
    assert "De begindatum moet op of voor de einddatum liggen" in response.content.decode()


@pytest.mark.parametrize(
    "role",
    [r for r in Role.values if r != Role.PRIVACY_OFFICER],
)
def test_other_roles_cannot_open_the_trail(member: Any, login: Any, role: str) -> None:
    someone = member(role)
    client = login(someone.user)
    assert client.get(reverse("audit:trail", args=[someone.organisation.pk])).status_code == 404
    assert client.get(reverse("audit:index")).status_code == 404


def test_privacy_officer_cannot_open_another_organisations_trail(member: Any, login: Any) -> None:
    officer = member(Role.PRIVACY_OFFICER)
    other = member(Role.PRIVACY_OFFICER)
    client = login(officer.user)
    assert client.get(reverse("audit:trail", args=[other.organisation.pk])).status_code == 404


def test_trail_page_runs_a_fixed_number_of_queries(member: Any, login: Any) -> None:
    officer = member(Role.PRIVACY_OFFICER)
    client = login(officer.user)
    url = reverse("audit:trail", args=[officer.organisation.pk])

    def add_events(count: int) -> None:
        for _ in range(count):
            services.record(
                actor=member(Role.MIXED_LIVING_MANAGER, organisation=officer.organisation).user,
                action=AuditAction.VIEW,
                organisation=officer.organisation,
                obj=officer,
            )

    add_events(3)
    few = count_queries(client, url)
    add_events(40)
    many = count_queries(client, url)
    assert few == many
