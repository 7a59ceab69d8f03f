"""Care records stay with the care provider: identity masked in the trail, every screen audited, never cached."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.clients import services
from doorstroom.clients.models import Client
from doorstroom.organisations.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(member: Any) -> Any:
    return member(Role.CASE_WORKER)


@pytest.fixture
def record(worker: Any) -> Client:
    return services.save_client(
        acting_user=worker.user,
        client=Client(
            care_provider=worker.organisation,
            first_name="Zwaantje",
            last_name="Kroeze",
            phone="0612345678",
            email="zwaantje@example.nl",
            case_worker=worker.user,
        ),
    )


def test_client_identity_never_enters_the_audit_trail(worker: Any, record: Client) -> None:
    record.first_name = "Zwaan"
    services.save_client(acting_user=worker.user, client=record)
    trail = str(list(AuditEvent.objects.values_list("changes", "object_label")))
    for value in ("Zwaantje", "Zwaan", "Kroeze", "0612345678", "zwaantje@example.nl"):
        assert value not in trail
    update = AuditEvent.objects.get(object_type="clients.client", action=AuditAction.UPDATE)
    assert update.fields == ["first_name"]


@pytest.mark.parametrize(
    ("name", "screen"),
    [
        ("clients:edit", "record"),
        ("clients:checks", "record"),
        ("clients:assessment_add", "record"),
        ("clients:goal_add", "record"),
        ("clients:action_add", "record"),
        ("clients:consent_add", "record"),
        ("clients:review_hold", "record"),
        ("clients:assessments", "zrm"),
        ("lettings:nominate", "nomination"),
    ],
)
def test_every_screen_of_the_record_is_an_audited_view(
    worker: Any, record: Client, login: Any, name: str, screen: str
) -> None:
    client = login(worker.user)
    response = client.get(reverse(name, kwargs={"client_id": record.pk}))
    assert response.status_code == 200
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(record.pk), actor=worker.user
    )
    assert views.count() == 1 and views.get().fields == [screen]


def test_pages_of_a_logged_in_user_are_never_cached(
    worker: Any, record: Client, login: Any
) -> None:
    client = login(worker.user)
    for url in (
        reverse("home:start"),
        reverse("clients:detail", args=[record.pk]),
        reverse("lettings:own"),
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
