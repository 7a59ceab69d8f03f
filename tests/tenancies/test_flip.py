"""Flip readiness (the checklist, each item met and not met, the policy switching items off, what
the corporation may see of it), the sign-offs per role, and the flip's effects: lease ended, own
tenancy with the label, the agreement's gap, the neighbourhood team e-mailed only with consent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from doorstroom.clients.models import ConsentScope
from doorstroom.tenancies import checklist, services
from doorstroom.tenancies.checklist import ADVICE, ARREARS, NUISANCE, READINESS, WISH
from doorstroom.tenancies.models import (
    ArrearsReport,
    FlipPolicy,
    FlipSignOff,
    InventoryItem,
    Placement,
    Signal,
    SignalKind,
    SignOffParty,
    StatementKind,
)
from tests.lettings.helpers import make_client
from tests.smtp import body_of
from tests.tenancies.conftest import give_consent, make_ready, place, sign_both, today

pytestmark = pytest.mark.django_db


def items(world: dict[str, Any]) -> dict[str, bool | None]:
    result = checklist.evaluate(world["placement"])
    return {item.key: item.met for item in result.items}


# --- the checklist ------------------------------------------------------------------------------


def test_checklist_is_met_when_everything_is_in_order(world: dict[str, Any]) -> None:
    make_ready(world)
    assert items(world) == {
        ARREARS: True,
        NUISANCE: True,
        ADVICE: True,
        READINESS: True,
        WISH: True,
    }
    assert checklist.evaluate(world["placement"]).met
    assert FlipPolicy.objects.filter(agreement=world["agreement"]).exists()


def test_without_statements_advice_and_wish_are_not_met(world: dict[str, Any]) -> None:
    result = items(world)
    assert result[ADVICE] is False and result[WISH] is False


def test_the_latest_statement_counts(world: dict[str, Any]) -> None:
    make_ready(world)
    services.record_statement(
        acting_user=world["worker"],
        placement=world["placement"],
        kind=StatementKind.CLIENT_WISH,
        positive=False,
        note="Twijfelt nog",
    )
    assert items(world)[WISH] is False
    assert items(world)[ADVICE] is True


def test_recent_arrears_fail_and_old_ones_do_not(world: dict[str, Any]) -> None:
    make_ready(world)
    dwelling = world["placement"].dwelling
    old = ArrearsReport.objects.create(
        dwelling=dwelling,
        reported_on=today() - dt.timedelta(days=250),
        months=2,
        amount=Decimal(900),
    )
    assert items(world)[ARREARS] is True
    ArrearsReport.objects.create(
        dwelling=dwelling, reported_on=today() - dt.timedelta(days=20), months=0, amount=Decimal(0)
    )
    assert items(world)[ARREARS] is True
    ArrearsReport.objects.create(
        dwelling=dwelling,
        reported_on=today() - dt.timedelta(days=40),
        months=1,
        amount=Decimal(650),
    )
    assert items(world)[ARREARS] is False
    policy = FlipPolicy.objects.get(agreement=world["agreement"])
    policy.months_without_arrears = 1
    policy.save()
    assert items(world)[ARREARS] is True
    policy.months_without_arrears = 12
    policy.save()
    assert old and items(world)[ARREARS] is False


def test_an_open_nuisance_signal_fails(world: dict[str, Any]) -> None:
    placement = world["placement"]
    signal = Signal.objects.create(
        dwelling=placement.dwelling,
        care_lease=placement.care_lease,
        placement=placement,
        kind=SignalKind.NUISANCE,
        opened_on=today() - dt.timedelta(days=3),
    )
    assert items(world)[NUISANCE] is False
    signal.closed_on = today()
    signal.save()
    assert items(world)[NUISANCE] is True


def test_other_signals_do_not_count_as_nuisance(world: dict[str, Any]) -> None:
    placement = world["placement"]
    Signal.objects.create(
        dwelling=placement.dwelling,
        care_lease=placement.care_lease,
        kind=SignalKind.SUPPORT_NEED,
        opened_on=today(),
    )
    assert items(world)[NUISANCE] is True


def test_readiness_follows_the_latest_zrm_gates(world: dict[str, Any]) -> None:
    make_ready(world)
    client = make_client(world["provider"], world["worker"], ready=False, bsn=None)
    placement = place(world, world["dwellings"][1], client)
    result = checklist.evaluate(placement)
    readiness = result.item(READINESS)
    assert readiness is not None and readiness.met is False
    assert readiness.details  # the failing gates, for the care provider


def test_a_placement_without_a_client_record_is_not_ready(world: dict[str, Any]) -> None:
    Placement.objects.filter(pk=world["placement"].pk).update(client_ref="CL-UNKNOWN")
    world["placement"].refresh_from_db()
    assert items(world)[READINESS] is False


def test_the_policy_switches_items_off(world: dict[str, Any]) -> None:
    FlipPolicy.objects.create(
        agreement=world["agreement"],
        months_without_arrears=0,
        no_open_nuisance=False,
        case_worker_advice=False,
        readiness_gates=False,
        client_wish=True,
    )
    assert items(world) == {WISH: False}
    services.record_statement(
        acting_user=world["worker"],
        placement=world["placement"],
        kind=StatementKind.CLIENT_WISH,
        positive=True,
    )
    assert checklist.evaluate(world["placement"]).met


def test_the_corporation_sees_readiness_only_with_consent(world: dict[str, Any]) -> None:
    make_ready(world)
    placement = world["placement"]
    full = checklist.evaluate(placement)
    for_corporation = checklist.visible_checklist(full, world["manager"], placement)
    item = for_corporation.item(READINESS)
    assert item is not None and item.met is None and not item.details
    # Without consent the whole waits for the care provider's sign-off, so it reveals nothing.
    assert full.met and not for_corporation.met
    services.sign_off(acting_user=world["lead"], placement=placement)
    placement.refresh_from_db()
    assert checklist.visible_checklist(full, world["manager"], placement).met
    give_consent(
        world["client"], world["corporation"], world["worker"], ConsentScope.READINESS_OUTCOME
    )
    full = checklist.evaluate(placement)
    item = checklist.visible_checklist(full, world["officer"], placement).item(READINESS)
    assert item is not None and item.met is True and not item.details
    assert checklist.visible_checklist(full, world["lead"], placement) is full


def test_evaluate_many_matches_evaluate(world: dict[str, Any]) -> None:
    make_ready(world)
    other = place(
        world, world["dwellings"][1], make_client(world["provider"], world["worker"], bsn=None)
    )
    many = checklist.evaluate_many(
        list(Placement.objects.select_related("care_lease", "dwelling").order_by("pk"))
    )
    assert many[world["placement"].pk].items == checklist.evaluate(world["placement"]).items
    assert many[other.pk].items == checklist.evaluate(other).items


# --- statements and sign-offs -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "officer", "team_member", "other_lead"])
def test_only_the_care_provider_records_statements(world: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.record_statement(
            acting_user=world[who],
            placement=world["placement"],
            kind=StatementKind.CASE_WORKER_ADVICE,
            positive=True,
        )


def test_sign_off_party_follows_from_the_role(world: dict[str, Any]) -> None:
    make_ready(world)
    sign_both(world)
    parties = dict(
        FlipSignOff.objects.filter(placement=world["placement"]).values_list("party", "signed_by")
    )
    assert parties == {
        SignOffParty.CARE_PROVIDER: world["lead"].pk,
        SignOffParty.CORPORATION: world["manager"].pk,
    }


@pytest.mark.parametrize("who", ["worker", "officer", "other_manager", "other_lead", "team_member"])
def test_others_cannot_sign_off(world: dict[str, Any], who: str) -> None:
    make_ready(world)
    with pytest.raises(PermissionDenied):
        services.sign_off(acting_user=world[who], placement=world["placement"])
    assert not FlipSignOff.objects.exists()


def test_no_sign_off_while_the_checklist_is_not_met(world: dict[str, Any]) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match="not met"):
        services.sign_off(acting_user=world["lead"], placement=world["placement"])
    assert not FlipSignOff.objects.exists()


def test_sign_off_twice_and_withdraw(world: dict[str, Any]) -> None:
    make_ready(world)
    services.sign_off(acting_user=world["manager"], placement=world["placement"])
    with pytest.raises(ValidationError):
        services.sign_off(acting_user=world["manager"], placement=world["placement"])
    services.withdraw_sign_off(acting_user=world["manager"], placement=world["placement"])
    assert not FlipSignOff.objects.exists()
    with pytest.raises(ValidationError):
        services.withdraw_sign_off(acting_user=world["manager"], placement=world["placement"])


def test_flip_refused_when_the_checklist_is_no_longer_met(world: dict[str, Any]) -> None:
    make_ready(world)
    sign_both(world)
    Signal.objects.create(
        dwelling=world["placement"].dwelling,
        care_lease=world["placement"].care_lease,
        kind=SignalKind.NUISANCE,
        opened_on=today(),
    )
    with translation.override("en"), pytest.raises(ValidationError, match="no longer met"):
        services.flip_placement(
            acting_user=world["lead"],
            placement=world["placement"],
            flip_date=today(),
            tenant_name="Jan Jansen",
        )


# --- inventory ----------------------------------------------------------------------------------


def test_inventory_add_mark_and_remove(world: dict[str, Any]) -> None:
    placement = world["placement"]
    item = services.add_inventory_item(
        acting_user=world["worker"], placement=placement, name="Bank", quantity=1
    )
    services.mark_stays_at_flip(acting_user=world["manager"], item=item, stays=False)
    assert InventoryItem.objects.get(pk=item.pk).stays_at_flip is False
    with pytest.raises(PermissionDenied):
        services.add_inventory_item(acting_user=world["officer"], placement=placement, name="Tafel")
    with pytest.raises(ValidationError):
        services.add_inventory_item(
            acting_user=world["worker"], placement=placement, name="Stoel", quantity=0
        )
    services.remove_inventory_item(acting_user=world["worker"], item=item)
    assert not InventoryItem.objects.exists()
    assert placement.events.filter(kind="inventory").count() == 3


# --- the flip's effects -------------------------------------------------------------------------


def _flip(world: dict[str, Any]) -> Placement:
    make_ready(world)
    sign_both(world)
    return services.flip_placement(
        acting_user=world["lead"],
        placement=world["placement"],
        flip_date=today() - dt.timedelta(days=2),
        tenant_name="Zebulon Quackenbush",
    )


def test_flip_effects_and_the_gap(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        placement = _flip(world)
    placement = Placement.objects.select_related("tenancy", "care_lease").get(pk=placement.pk)
    flip_date = today() - dt.timedelta(days=2)
    assert placement.care_lease.end_date == flip_date
    assert placement.tenancy.tenant_name == "Zebulon Quackenbush"
    assert placement.tenancy.start_date == flip_date
    assert placement.tenancy.care_label_until == flip_date.replace(year=flip_date.year + 2)
    gap = services.gap_after_flip(placement)
    assert gap is not None and (gap.promised, gap.leased, gap.gap) == (3, 0, 3)
    assert gap.next_stream == "care"
    # No consent: the neighbourhood team hears nothing; the parties are told.
    recipients = {address for message in mail.outbox for address in message.to}
    assert world["team_member"].email not in recipients
    assert world["manager"].email in recipients and world["lead"].email in recipients


def test_neighbourhood_team_informed_with_consent(
    world: dict[str, Any], smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world["client"].phone = "0612345678"
    world["client"].save()
    give_consent(world["client"], world["team"], world["worker"], ConsentScope.LABEL_AND_CONTACT)
    with django_capture_on_commit_callbacks(execute=True):
        _flip(world)
    messages = smtp_server.wait_for(2)
    to_team = [m for m in messages if world["team_member"].email in m["To"]]
    assert len(to_team) == 1
    body = body_of(to_team[0])
    assert "Zebulon Quackenbush" in body and "0612345678" in body
    assert world["placement"].dwelling.street in body


def test_consent_for_another_partner_does_not_inform_the_team(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    give_consent(
        world["client"], world["corporation"], world["worker"], ConsentScope.LABEL_AND_CONTACT
    )
    with django_capture_on_commit_callbacks(execute=True):
        _flip(world)
    assert all(world["team_member"].email not in m.to for m in mail.outbox)


def test_the_statement_note_stays_out_of_the_audit_trail(world: dict[str, Any]) -> None:
    from doorstroom.audit.models import AuditEvent

    services.record_statement(
        acting_user=world["worker"],
        placement=world["placement"],
        kind=StatementKind.CASE_WORKER_ADVICE,
        positive=False,
        note="GEHEIM-terugval",
    )
    event = AuditEvent.objects.get(object_type="tenancies.flipstatement")
    assert "GEHEIM-terugval" not in str(event.changes)
    assert not world["placement"].events.filter(summary__contains="GEHEIM").exists()


def test_exit_notifies_the_parties_after_commit(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.exit_placement(
            acting_user=world["manager"],
            placement=world["placement"],
            exit_date=today(),
            reason="care_facility",
        )
    assert not mail.outbox
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert set(message.to) == {world["manager"].email, world["lead"].email}
    assert world["placement"].client_ref in message.subject
