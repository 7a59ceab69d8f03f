"""Each role lands on its own home page; empty states explain what will appear."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from doorstroom.audit import services as audit
from doorstroom.audit.models import AuditAction
from doorstroom.home.sections import SECTIONS
from doorstroom.organisations.roles import Role
from tests.factories import UserFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", Role.values)
def test_every_role_lands_on_its_own_home_page(member: Any, login: Any, role: str) -> None:
    membership = member(role)
    client = login(membership.user)
    response = client.get(reverse("home:start"))
    assert response.status_code == 200
    keys = [block["section"].key for block in response.context["blocks"]]
    shown = [s for s in SECTIONS[role] if s.shown(membership.user, membership)]
    assert keys == [section.key for section in shown]
    content = response.content.decode()
    for section in shown:
        assert f'id="section-{section.key}"' in content


def test_empty_state_explains_what_will_appear(member: Any, login: Any) -> None:
    client = login(member(Role.CASE_WORKER).user)
    content = client.get(reverse("home:start")).content.decode()
    assert "Hier verschijnen uw cliënten" in content


def test_privacy_officer_home_lists_failed_logins_of_own_organisation(
    member: Any, login: Any
) -> None:
    officer = member(Role.PRIVACY_OFFICER)
    colleague = member(Role.LETTING_OFFICER, organisation=officer.organisation)
    stranger = member(Role.LETTING_OFFICER)
    audit.record(actor=colleague.user, action=AuditAction.LOGIN_FAILED)
    audit.record(actor=stranger.user, action=AuditAction.LOGIN_FAILED)
    response = login(officer.user).get(reverse("home:start"))
    failed = next(b for b in response.context["blocks"] if b["section"].key == "failed_logins")
    assert [item.label for item in failed["items"]] == [colleague.user.username]


def test_platform_admin_sees_accounts_without_second_factor(login: Any, member: Any) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)
    without = member(Role.CASE_WORKER).user
    response = login(admin).get(reverse("home:start"))
    [block] = response.context["blocks"]
    assert without.username in [item.detail for item in block["items"]]


def test_home_page_query_count_does_not_grow_with_data(member: Any, login: Any) -> None:
    officer = member(Role.PRIVACY_OFFICER)
    client = login(officer.user)
    url = reverse("home:start")
    few = count_queries(client, url)
    for _ in range(30):
        colleague = member(Role.LETTING_OFFICER, organisation=officer.organisation)
        audit.record(actor=colleague.user, action=AuditAction.LOGIN_FAILED)
    assert count_queries(client, url) == few


def _items(response: Any, key: str) -> list[Any]:
    return next(b["items"] for b in response.context["blocks"] if b["section"].key == key)


def test_manager_home_lists_open_vacancies_of_own_corporation(member: Any, login: Any) -> None:
    from tests.factories import ComplexFactory, DwellingFactory, VacancyFactory

    manager = member(Role.MIXED_LIVING_MANAGER)
    vacancy = VacancyFactory(
        dwelling=DwellingFactory(complex=ComplexFactory(corporation=manager.organisation))
    )
    VacancyFactory()  # another corporation's
    response = login(manager.user).get(reverse("home:start"))
    assert [item.label for item in _items(response, "vacancies")] == [vacancy.dwelling.address]
    assert _items(response, "vacancies")[0].url == reverse("vacancies:detail", args=[vacancy.pk])


def test_case_worker_home_lists_own_clients_and_overdue_actions(member: Any, login: Any) -> None:
    import datetime as dt

    from doorstroom.clients import services as clients
    from doorstroom.clients.models import Action, Client

    worker = member(Role.CASE_WORKER)
    client = clients.save_client(
        acting_user=worker.user,
        client=Client(
            care_provider=worker.organisation,
            first_name="Noor",
            last_name="Bakker",
            case_worker=worker.user,
        ),
    )
    clients.add_action(
        acting_user=worker.user,
        action=Action(
            client=client,
            description="Budgetbeheer aanvragen",
            owner="client",
            due_on=dt.date(2020, 1, 1),
        ),
    )
    response = login(worker.user).get(reverse("home:start"))
    assert "Noor Bakker" in _items(response, "clients")[0].label
    assert "Budgetbeheer aanvragen" in _items(response, "plan")[0].label
    assert "Noor Bakker" in _items(response, "consent")[0].label  # no consent recorded yet


def test_team_lead_home_counts_clients_by_readiness(member: Any, login: Any) -> None:
    from doorstroom.clients import services as clients
    from doorstroom.clients.models import Client

    lead = member(Role.TEAM_LEAD)
    for name in ("An", "Bo"):
        clients.save_client(
            acting_user=lead.user,
            client=Client(care_provider=lead.organisation, first_name=name, last_name="X"),
        )
    member(Role.TEAM_LEAD)  # another provider's clients do not count
    items = _items(login(lead.user).get(reverse("home:start")), "team")
    counts = {item.label: item.detail for item in items}
    assert counts["Niet woonrijp"] == "2 cliënten"
    assert counts["Zonder begeleider"] == "2 cliënten"
