"""What placements, signals and referrals put on the home pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from doorstroom.tenancies import services
from doorstroom.tenancies import signals_services as signals
from doorstroom.tenancies.models import SignalKind
from tests.tenancies.conftest import give_consent, make_ready, today

pytestmark = pytest.mark.django_db


def _items(response: Any, key: str) -> list[Any]:
    return next(b["items"] for b in response.context["blocks"] if b["section"].key == key)


def test_the_manager_sees_flips_waiting_for_the_corporations_sign_off(
    world: dict[str, Any], login: Any
) -> None:
    placement = make_ready(world)
    manager = login(world["manager"])
    assert _items(manager.get(reverse("home:start")), "flips") == []

    services.sign_off(acting_user=world["lead"], placement=placement)
    items = _items(manager.get(reverse("home:start")), "flips")
    assert [item.url for item in items] == [reverse("placements:detail", args=[placement.pk])]
    assert world["client"].first_name not in items[0].label

    services.sign_off(acting_user=world["manager"], placement=placement)
    assert _items(manager.get(reverse("home:start")), "flips") == []


def test_overdue_referrals_reach_the_manager_and_the_team_sees_its_referrals(
    world: dict[str, Any], login: Any
) -> None:
    from doorstroom.clients.models import ConsentScope

    give_consent(world["client"], world["team"], world["worker"], ConsentScope.LABEL_AND_CONTACT)
    signal = signals.record_signal(
        acting_user=world["manager"],
        dwelling=world["placement"].dwelling,
        kind=SignalKind.NUISANCE,
        opened_on=today() - dt.timedelta(days=20),
    )
    items = _items(login(world["manager"]).get(reverse("home:start")), "signals")
    assert [item.url for item in items][:2] == [
        reverse("signals:detail", args=[signal.pk]),
        reverse("signals:detail", args=[signal.pk]),
    ]
    assert (
        "overdue" in items[0].detail or "verlopen" in items[0].detail or "sinds" in items[0].detail
    )

    team_items = _items(login(world["team_member"]).get(reverse("home:start")), "referrals")
    assert [item.url for item in team_items] == [reverse("team:home")]
    lead_home = login(world["lead"]).get(reverse("home:start"))
    assert lead_home.status_code == 200


def test_the_care_provider_sees_the_signals_referred_to_it(
    world: dict[str, Any], login: Any
) -> None:
    signals.record_signal(
        acting_user=world["manager"],
        dwelling=world["placement"].dwelling,
        kind=SignalKind.NUISANCE,
        opened_on=today() - dt.timedelta(days=2),
    )
    for person in ("worker", "lead"):
        items = _items(login(world[person]).get(reverse("home:start")), "referrals")
        assert [item.url for item in items] == [reverse("signals:received")]
    assert _items(login(world["other_lead"]).get(reverse("home:start")), "referrals") == []
