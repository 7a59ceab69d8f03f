"""The placement screens: who sees what (404 outside the organisations involved), the corporation
never seeing care records, the actions through the forms, and fixed query counts on the list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from doorstroom.clients.models import ConsentScope
from doorstroom.tenancies import checklist, services
from doorstroom.tenancies.models import FlipSignOff, InventoryItem, Placement, PlacementState
from tests.lettings.helpers import ASSESSMENT_NOTE, FIRST_NAME, LAST_NAME, make_client
from tests.queries import count_queries
from tests.tenancies.conftest import give_consent, make_ready, place, sign_both, today

pytestmark = pytest.mark.django_db

ADVICE_NOTE = "GEHEIM-advies-over-terugval"
LIST = reverse("placements:list")


def detail(placement: Placement) -> str:
    return reverse("placements:detail", args=[placement.pk])


@pytest.mark.parametrize("who", ["manager", "officer", "worker", "lead"])
def test_the_parties_see_list_and_detail(world: dict[str, Any], login: Any, who: str) -> None:
    browser = login(world[who])
    response = browser.get(LIST)
    assert response.status_code == 200
    assert world["placement"].client_ref in response.content.decode()
    assert browser.get(detail(world["placement"])).status_code == 200


@pytest.mark.parametrize("who", ["team_member", "resident", "policy"])
def test_others_get_404_on_list_and_detail(world: dict[str, Any], login: Any, who: str) -> None:
    browser = login(world[who])
    assert browser.get(LIST).status_code == 404
    assert browser.get(detail(world["placement"])).status_code == 404


@pytest.mark.parametrize("who", ["other_manager", "other_lead"])
def test_other_organisations_see_nothing(world: dict[str, Any], login: Any, who: str) -> None:
    browser = login(world[who])
    response = browser.get(LIST)
    assert response.status_code == 200
    assert world["placement"].client_ref not in response.content.decode()
    assert browser.get(detail(world["placement"])).status_code == 404
    assert browser.post(detail(world["placement"]), {"action": "sign_off"}).status_code == 404


def test_another_care_provider_in_the_same_complex_sees_only_its_own(
    world: dict[str, Any], login: Any, member: Any
) -> None:
    from tests.factories import AgreementFactory, OrganisationFactory

    provider = OrganisationFactory(kind="care_provider")
    AgreementFactory(complex=world["complex"], care_provider=provider, dwellings_promised=1)
    lead = member("team_lead", organisation=provider).user
    browser = login(lead)
    assert world["placement"].client_ref not in browser.get(LIST).content.decode()
    assert browser.get(detail(world["placement"])).status_code == 404


def test_anonymous_is_sent_to_login(world: dict[str, Any], client: Any) -> None:
    response = client.get(detail(world["placement"]))
    assert response.status_code == 302


def test_the_corporation_never_sees_care_records(world: dict[str, Any], login: Any) -> None:
    placement = world["placement"]
    services.record_statement(
        acting_user=world["worker"],
        placement=placement,
        kind="advice",
        positive=False,
        note=ADVICE_NOTE,
    )
    not_ready = make_client(world["provider"], world["worker"], ready=False, bsn=None)
    other = place(world, world["dwellings"][1], not_ready)
    gate_texts = [
        detail_text for item in checklist.evaluate(other).items for detail_text in item.details
    ]
    assert gate_texts
    care = login(world["lead"]).get(detail(other)).content.decode()
    assert any(text.split(":")[0] in care for text in gate_texts)
    for who in ("manager", "officer"):
        browser = login(world[who])
        for target in (placement, other):
            html = browser.get(detail(target)).content.decode()
            for secret in [ADVICE_NOTE, ASSESSMENT_NOTE, FIRST_NAME, LAST_NAME, *gate_texts]:
                assert secret not in html, secret
            assert reverse("clients:detail", args=[world["client"].pk]) not in html
    lead_html = login(world["worker"]).get(detail(placement)).content.decode()
    assert ADVICE_NOTE in lead_html
    assert reverse("clients:detail", args=[world["client"].pk]) in lead_html


def test_readiness_shows_as_not_shared_or_met_to_the_corporation(
    world: dict[str, Any], login: Any
) -> None:
    make_ready(world)
    browser = login(world["manager"])
    html = browser.get(detail(world["placement"])).content.decode()
    assert 'class="ds-gate-badge"' in html  # the 'not shared' badge
    give_consent(
        world["client"], world["corporation"], world["worker"], ConsentScope.READINESS_OUTCOME
    )
    html = browser.get(detail(world["placement"])).content.decode()
    assert 'class="ds-gate-badge"' not in html
    assert html.count("ds-gate-badge--met") == 5


def test_sign_off_and_flip_through_the_screen(world: dict[str, Any], login: Any) -> None:
    make_ready(world)
    give_consent(  # with consent to share readiness, the manager may sign off first
        world["client"], world["corporation"], world["worker"], ConsentScope.READINESS_OUTCOME
    )
    manager = login(world["manager"])
    html = manager.get(detail(world["placement"])).content.decode()
    assert 'value="sign_off"' in html and 'value="flip"' not in html
    response = manager.post(detail(world["placement"]), {"action": "sign_off"})
    assert response.status_code == 302
    assert FlipSignOff.objects.filter(placement=world["placement"], party="corporation").exists()
    lead = login(world["lead"])
    lead.post(detail(world["placement"]), {"action": "sign_off"})
    html = lead.get(detail(world["placement"])).content.decode()
    assert 'value="flip"' in html
    response = lead.post(
        detail(world["placement"]),
        {"action": "flip", "flip-flip_date": today().isoformat(), "flip-tenant_name": "Jan Jansen"},
        follow=True,
    )
    assert response.status_code == 200
    placement = Placement.objects.get(pk=world["placement"].pk)
    assert placement.state == PlacementState.FLIPPED
    messages = [str(m) for m in response.context["messages"]]
    assert any("3" in m and "0" in m for m in messages)


@pytest.mark.parametrize("who", ["worker", "officer"])
def test_case_worker_and_letting_officer_get_no_sign_off_button(
    world: dict[str, Any], login: Any, who: str
) -> None:
    make_ready(world)
    browser = login(world[who])
    assert 'value="sign_off"' not in browser.get(detail(world["placement"])).content.decode()
    assert browser.post(detail(world["placement"]), {"action": "sign_off"}).status_code == 404
    assert not FlipSignOff.objects.exists()


def test_flip_with_a_future_date_shows_the_error(world: dict[str, Any], login: Any) -> None:
    make_ready(world)
    sign_both(world)
    response = login(world["manager"]).post(
        detail(world["placement"]),
        {
            "action": "flip",
            "flip-flip_date": (today() + dt.timedelta(days=3)).isoformat(),
            "flip-tenant_name": "Jan",
        },
    )
    assert response.status_code == 400
    assert response.context["flip_form"].errors["flip_date"]
    assert Placement.objects.get(pk=world["placement"].pk).state == PlacementState.CARE_LEASE


def test_exit_without_reason_through_the_screen(world: dict[str, Any], login: Any) -> None:
    browser = login(world["manager"])
    response = browser.post(
        detail(world["placement"]),
        {"action": "exit", "exit-exit_date": today().isoformat(), "exit-reason": ""},
    )
    assert response.status_code == 400
    assert response.context["exit_form"].errors["reason"]
    response = browser.post(
        detail(world["placement"]),
        {
            "action": "exit",
            "exit-exit_date": today().isoformat(),
            "exit-reason": "regular_housing",
            "exit-destination": "Huurwoning elders",
        },
    )
    assert response.status_code == 302
    assert Placement.objects.get(pk=world["placement"].pk).state == PlacementState.EXITED
    html = browser.get(detail(world["placement"])).content.decode()
    assert "Huurwoning elders" in html and 'value="exit"' not in html


def test_label_decision_through_the_screen(world: dict[str, Any], login: Any) -> None:
    services.flip_placement(
        acting_user=None,
        placement=world["placement"],
        flip_date=today() - dt.timedelta(days=100),
        tenant_name="Jan",
    )
    browser = login(world["manager"])
    response = browser.post(
        detail(world["placement"]),
        {"action": "label", "label-new_end": today().isoformat(), "label-reason": ""},
    )
    assert response.status_code == 400
    response = browser.post(
        detail(world["placement"]),
        {"action": "label", "label-new_end": today().isoformat(), "label-reason": "Gaat goed"},
    )
    assert response.status_code == 302
    assert Placement.objects.get(pk=world["placement"].pk).state == PlacementState.LABEL_ENDED
    lead = login(world["lead"])
    assert 'value="label"' not in lead.get(detail(world["placement"])).content.decode()


def test_inventory_through_the_screen(world: dict[str, Any], login: Any) -> None:
    browser = login(world["worker"])
    url = detail(world["placement"])
    response = browser.post(
        url,
        {
            "action": "inventory_add",
            "inventory-name": "Bed",
            "inventory-quantity": "1",
            "inventory-stays_at_flip": "on",
        },
    )
    assert response.status_code == 302
    item = InventoryItem.objects.get()
    browser.post(url, {"action": "inventory_stays", "item": item.pk, "stays": "no"})
    assert InventoryItem.objects.get().stays_at_flip is False
    html = browser.get(url).content.decode()
    assert "Bed" in html
    officer = login(world["officer"])
    assert officer.post(url, {"action": "inventory_remove", "item": item.pk}).status_code == 404
    browser.post(url, {"action": "inventory_remove", "item": item.pk})
    assert not InventoryItem.objects.exists()


def test_list_filters_by_state(world: dict[str, Any], login: Any) -> None:
    other = place(
        world, world["dwellings"][1], make_client(world["provider"], world["worker"], bsn=None)
    )
    services.exit_placement(acting_user=None, placement=other, exit_date=today(), reason="other")
    browser = login(world["manager"])
    html = browser.get(LIST + "?status=exited").content.decode()
    assert other.client_ref in html and world["placement"].client_ref not in html


def test_overdue_clock_is_flagged(world: dict[str, Any], login: Any) -> None:
    Placement.objects.filter(pk=world["placement"].pk).update(
        start_date=today() - dt.timedelta(days=1100)
    )
    html = login(world["manager"]).get(LIST).content.decode()
    assert "ds-overdue" in html and "-5" in html


@pytest.mark.parametrize("who", ["manager", "lead"])
def test_list_runs_a_fixed_number_of_queries(world: dict[str, Any], login: Any, who: str) -> None:
    make_ready(world)
    services.sign_off(acting_user=world["manager"], placement=world["placement"])
    browser = login(world[who])
    browser.get(LIST)  # warm the session and the memberships
    one = count_queries(browser, LIST)
    for dwelling in world["dwellings"][1:3]:
        placement = place(
            world, dwelling, make_client(world["provider"], world["worker"], bsn=None)
        )
        make_ready(world, placement)
    assert count_queries(browser, LIST) == one
