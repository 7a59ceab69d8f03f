"""Every allowed and every refused transition of a placement, through the services and directly
against the database (check constraints and the overlap guard of migration 0003)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from doorstroom.audit.models import AuditEvent
from doorstroom.portfolio.models import RegularTenancy
from doorstroom.tenancies import services
from doorstroom.tenancies.models import (
    EventKind,
    ExitReason,
    LabelDecision,
    Placement,
    PlacementEvent,
    PlacementState,
)
from doorstroom.tenancies.transitions import ALLOWED, check_transition
from tests.tenancies.conftest import make_ready, sign_both, today

pytestmark = pytest.mark.django_db


def flip(world: dict[str, Any], days_ago: int = 10) -> Placement:
    make_ready(world)
    sign_both(world)
    return services.flip_placement(
        acting_user=world["manager"],
        placement=world["placement"],
        flip_date=today() - dt.timedelta(days=days_ago),
        tenant_name="Jan Jansen",
    )


def fresh(placement: Placement) -> Placement:
    return Placement.objects.get(pk=placement.pk)


# --- the one list -------------------------------------------------------------------------------


def test_the_list_of_transitions() -> None:
    assert ALLOWED[PlacementState.CARE_LEASE] == {PlacementState.FLIPPED, PlacementState.EXITED}
    assert ALLOWED[PlacementState.FLIPPED] == {PlacementState.LABEL_ENDED, PlacementState.EXITED}
    assert ALLOWED[PlacementState.LABEL_ENDED] == {PlacementState.EXITED}
    assert ALLOWED[PlacementState.EXITED] == set()


@pytest.mark.parametrize(
    ("state", "to_state"),
    [
        (PlacementState.CARE_LEASE, PlacementState.LABEL_ENDED),
        (PlacementState.CARE_LEASE, PlacementState.CARE_LEASE),
        (PlacementState.FLIPPED, PlacementState.CARE_LEASE),
        (PlacementState.FLIPPED, PlacementState.FLIPPED),
        (PlacementState.LABEL_ENDED, PlacementState.FLIPPED),
        (PlacementState.LABEL_ENDED, PlacementState.CARE_LEASE),
        (PlacementState.EXITED, PlacementState.CARE_LEASE),
        (PlacementState.EXITED, PlacementState.FLIPPED),
        (PlacementState.EXITED, PlacementState.LABEL_ENDED),
        (PlacementState.EXITED, PlacementState.EXITED),
    ],
)
def test_check_transition_refuses_with_a_clear_message(state: str, to_state: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        check_transition(Placement(state=state), to_state)
    assert "cannot move to" in exc.value.messages[0]


# --- allowed ------------------------------------------------------------------------------------


def test_start_writes_a_timeline_event(world: dict[str, Any]) -> None:
    assert list(world["placement"].events.values_list("kind", flat=True)) == [EventKind.STARTED]


def test_flip_by_people_with_both_sign_offs(world: dict[str, Any]) -> None:
    placement = flip(world)
    placement = fresh(placement)
    assert placement.state == PlacementState.FLIPPED
    assert placement.tenancy is not None
    assert placement.care_lease.end_reason == "flipped"
    assert placement.care_lease.end_date == placement.flip_date
    assert placement.events.filter(kind=EventKind.FLIPPED).exists()
    assert AuditEvent.objects.filter(
        object_type="tenancies.placement", object_id=str(placement.pk), actor=world["manager"]
    ).exists()


def test_system_flip_needs_no_sign_off(world: dict[str, Any]) -> None:
    placement = services.flip_placement(
        acting_user=None,
        placement=world["placement"],
        flip_date=today() - dt.timedelta(days=3),
        tenant_name="Jan Jansen",
    )
    assert fresh(placement).state == PlacementState.FLIPPED


def test_label_ends_by_the_scheduler_and_is_idempotent(world: dict[str, Any]) -> None:
    world["agreement"].label_months = 12
    world["agreement"].save()
    placement = flip(world, days_ago=400)
    label_until = fresh(placement).tenancy.care_label_until
    services.end_label(acting_user=None, placement=placement, on=label_until)
    services.end_label(acting_user=None, placement=placement, on=label_until)
    placement = fresh(placement)
    assert placement.state == PlacementState.LABEL_ENDED
    assert placement.events.filter(kind=EventKind.LABEL_ENDED).count() == 1
    assert placement.tenancy.care_label_until == label_until


def test_scheduler_does_nothing_for_an_exited_placement(world: dict[str, Any]) -> None:
    placement = services.exit_placement(
        acting_user=world["manager"],
        placement=world["placement"],
        exit_date=today(),
        reason=ExitReason.CARE_FACILITY,
    )
    services.end_label(acting_user=None, placement=placement, on=today())
    assert fresh(placement).state == PlacementState.EXITED


@pytest.mark.parametrize("how", ["care_lease", "flipped", "label_ended"])
def test_exit_from_every_state(world: dict[str, Any], how: str) -> None:
    placement = world["placement"]
    if how != "care_lease":
        placement = flip(world, days_ago=30)
    if how == "label_ended":
        services.change_label_end(
            acting_user=world["manager"], placement=placement, new_end=today(), reason="Gaat goed"
        )
    services.exit_placement(
        acting_user=world["lead"],
        placement=placement,
        exit_date=today(),
        reason=ExitReason.REGULAR_HOUSING,
        destination="Sociale huurwoning in Amersfoort",
    )
    placement = fresh(placement)
    assert placement.state == PlacementState.EXITED
    assert placement.exit_destination == "Sociale huurwoning in Amersfoort"
    assert placement.events.filter(kind=EventKind.EXITED).exists()
    if how != "care_lease":
        assert RegularTenancy.objects.get(pk=placement.tenancy_id).end_date == today()


# --- refused ------------------------------------------------------------------------------------


def test_a_person_cannot_flip_without_both_sign_offs(world: dict[str, Any]) -> None:
    make_ready(world)
    services.sign_off(acting_user=world["lead"], placement=world["placement"])
    with translation.override("en"), pytest.raises(ValidationError, match="sign-off of both"):
        services.flip_placement(
            acting_user=world["lead"],
            placement=world["placement"],
            flip_date=today(),
            tenant_name="Jan",
        )
    assert fresh(world["placement"]).state == PlacementState.CARE_LEASE
    assert not RegularTenancy.objects.filter(dwelling=world["placement"].dwelling).exists()


@pytest.mark.parametrize("who", ["worker", "officer", "other_manager", "team_member"])
def test_others_may_not_flip(world: dict[str, Any], who: str) -> None:
    make_ready(world)
    sign_both(world)
    with pytest.raises(PermissionDenied):
        services.flip_placement(
            acting_user=world[who], placement=world["placement"], flip_date=today(), tenant_name="J"
        )


@pytest.mark.parametrize(("days", "message"), [(-1, "in the future"), (600, "before the start")])
def test_flip_dates_are_refused(world: dict[str, Any], days: int, message: str) -> None:
    make_ready(world)
    sign_both(world)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.flip_placement(
            acting_user=world["manager"],
            placement=world["placement"],
            flip_date=today() - dt.timedelta(days=days),
            tenant_name="Jan",
        )
    assert message in exc.value.message_dict["flip_date"][0]
    assert fresh(world["placement"]).state == PlacementState.CARE_LEASE


def test_flip_needs_a_tenant_name(world: dict[str, Any]) -> None:
    make_ready(world)
    sign_both(world)
    with pytest.raises(ValidationError) as exc:
        services.flip_placement(
            acting_user=world["manager"],
            placement=world["placement"],
            flip_date=today(),
            tenant_name=" ",
        )
    assert "tenant_name" in exc.value.message_dict


def test_a_flipped_placement_cannot_flip_again(world: dict[str, Any]) -> None:
    placement = flip(world)
    with translation.override("en"), pytest.raises(ValidationError, match="cannot move to"):
        services.flip_placement(
            acting_user=None, placement=placement, flip_date=today(), tenant_name="Jan"
        )


def test_exit_without_a_reason(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        services.exit_placement(
            acting_user=world["manager"], placement=world["placement"], exit_date=today(), reason=""
        )
    assert "reason" in exc.value.message_dict
    assert fresh(world["placement"]).state == PlacementState.CARE_LEASE


def test_exit_with_an_unknown_reason(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        services.exit_placement(
            acting_user=world["manager"],
            placement=world["placement"],
            exit_date=today(),
            reason="vacation",
        )
    assert "reason" in exc.value.message_dict


def test_exit_before_the_start(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        services.exit_placement(
            acting_user=world["manager"],
            placement=world["placement"],
            exit_date=world["placement"].start_date - dt.timedelta(days=1),
            reason=ExitReason.OTHER,
        )
    assert "exit_date" in exc.value.message_dict


def test_exit_before_the_flip(world: dict[str, Any]) -> None:
    placement = flip(world, days_ago=10)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.exit_placement(
            acting_user=world["manager"],
            placement=placement,
            exit_date=today() - dt.timedelta(days=20),
            reason=ExitReason.OTHER,
        )
    assert "before the flip" in exc.value.message_dict["exit_date"][0]
    assert fresh(placement).state == PlacementState.FLIPPED


def test_exit_twice(world: dict[str, Any]) -> None:
    services.exit_placement(
        acting_user=world["manager"],
        placement=world["placement"],
        exit_date=today(),
        reason="other",
    )
    with pytest.raises(ValidationError):
        services.exit_placement(
            acting_user=world["manager"],
            placement=world["placement"],
            exit_date=today(),
            reason="other",
        )


@pytest.mark.parametrize("who", ["worker", "officer", "other_manager", "other_lead"])
def test_others_may_not_exit(world: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.exit_placement(
            acting_user=world[who], placement=world["placement"], exit_date=today(), reason="other"
        )


def test_label_end_before_the_flip_is_refused(world: dict[str, Any]) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match="not flipped yet"):
        services.change_label_end(
            acting_user=world["manager"],
            placement=world["placement"],
            new_end=today(),
            reason="Gaat goed",
        )
    placement = flip(world, days_ago=10)
    with pytest.raises(ValidationError) as exc:
        services.change_label_end(
            acting_user=world["manager"],
            placement=placement,
            new_end=today() - dt.timedelta(days=30),
            reason="Gaat goed",
        )
    assert "new_end" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.end_label(
            acting_user=world["manager"],
            placement=placement,
            on=today() - dt.timedelta(days=30),
            reason="Te vroeg",
        )
    assert fresh(placement).state == PlacementState.FLIPPED


def test_scheduler_leaves_a_running_label_alone(world: dict[str, Any]) -> None:
    placement = flip(world, days_ago=10)
    services.end_label(acting_user=None, placement=placement, on=today())
    placement = fresh(placement)
    assert placement.state == PlacementState.FLIPPED
    assert not placement.events.filter(kind=EventKind.LABEL_ENDED).exists()


def test_label_decisions_earlier_and_later(world: dict[str, Any]) -> None:
    placement = flip(world, days_ago=10)
    later = today() + dt.timedelta(days=1000)
    services.change_label_end(
        acting_user=world["manager"], placement=placement, new_end=later, reason="Meer tijd nodig"
    )
    placement = fresh(placement)
    assert placement.tenancy.care_label_until == later
    assert placement.state == PlacementState.FLIPPED
    assert placement.events.filter(kind=EventKind.LABEL_CHANGED).exists()
    services.change_label_end(
        acting_user=world["manager"], placement=placement, new_end=today(), reason="Gaat goed"
    )
    placement = fresh(placement)
    assert placement.state == PlacementState.LABEL_ENDED
    assert placement.tenancy.care_label_until == today()
    decisions = list(LabelDecision.objects.filter(placement=placement).order_by("pk"))
    assert [(d.previous_end, d.new_end) for d in decisions][1] == (later, today())
    assert AuditEvent.objects.filter(object_type="tenancies.labeldecision").count() == 2


def test_label_decision_needs_a_reason_and_a_manager(world: dict[str, Any]) -> None:
    placement = flip(world, days_ago=10)
    with pytest.raises(ValidationError) as exc:
        services.change_label_end(
            acting_user=world["manager"], placement=placement, new_end=today(), reason="  "
        )
    assert "reason" in exc.value.message_dict
    for who in ("lead", "worker", "officer"):
        with pytest.raises(PermissionDenied):
            services.change_label_end(
                acting_user=world[who], placement=placement, new_end=today(), reason="x"
            )
    assert not LabelDecision.objects.exists()


def test_label_cannot_change_after_it_ended(world: dict[str, Any]) -> None:
    placement = flip(world, days_ago=10)
    services.end_label(
        acting_user=world["manager"], placement=placement, on=today(), reason="Gaat goed"
    )
    assert fresh(placement).state == PlacementState.LABEL_ENDED
    with translation.override("en"), pytest.raises(ValidationError, match="cannot move to"):
        services.change_label_end(
            acting_user=world["manager"],
            placement=placement,
            new_end=today() + dt.timedelta(days=100),
            reason="Toch langer",
        )


# --- the database itself ------------------------------------------------------------------------


def _insert(**fields: Any) -> None:
    with transaction.atomic():
        Placement.objects.create(**fields)


def test_database_refuses_overlapping_placements_of_one_client(world: dict[str, Any]) -> None:
    placement = world["placement"]
    with pytest.raises(IntegrityError):
        _insert(
            care_provider=placement.care_provider,
            client_ref=placement.client_ref,
            dwelling=world["dwellings"][1],
            start_date=today() - dt.timedelta(days=10),
        )


def test_database_refuses_two_current_placements_in_one_dwelling(world: dict[str, Any]) -> None:
    placement = world["placement"]
    with pytest.raises(IntegrityError):
        _insert(
            care_provider=placement.care_provider,
            client_ref="CL-OTHER1",
            dwelling=placement.dwelling,
            start_date=today() - dt.timedelta(days=10),
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "flipped"},  # flipped without a flip date
        {"state": "exited"},  # exited without an exit date
        {"state": "care_lease", "flip_date": "FLIP"},  # care lease with a flip date
        {"state": "label_ended", "flip_date": "FLIP", "exit_date": "EXIT", "exit_reason": "other"},
        {"state": "flipped", "flip_date": "BEFORE"},  # flip before the start
        {"state": "exited", "exit_date": "BEFORE", "exit_reason": "other"},  # exit before start
        {"state": "exited", "exit_date": "EXIT"},  # exit without a reason
        {"state": "exited", "flip_date": "FLIP", "exit_date": "EXIT", "exit_reason": "other"},
    ],
)
def test_database_refuses_states_that_contradict_the_dates(
    world: dict[str, Any], fields: dict[str, Any]
) -> None:
    start = today() - dt.timedelta(days=100)
    dates = {
        "FLIP": start + dt.timedelta(days=10),
        "EXIT": start + dt.timedelta(days=5),
        "BEFORE": start - dt.timedelta(days=1),
    }
    values = {k: dates.get(v, v) for k, v in fields.items()}
    with pytest.raises(IntegrityError):
        _insert(
            care_provider=world["provider"],
            client_ref="CL-DB0001",
            dwelling=world["dwellings"][2],
            start_date=start,
            **values,
        )


def test_database_allows_consecutive_placements_of_one_client(world: dict[str, Any]) -> None:
    placement = services.exit_placement(
        acting_user=world["manager"],
        placement=world["placement"],
        exit_date=today() - dt.timedelta(days=5),
        reason="other",
    )
    _insert(
        care_provider=placement.care_provider,
        client_ref=placement.client_ref,
        dwelling=world["dwellings"][1],
        start_date=today() - dt.timedelta(days=5),
    )
    assert PlacementEvent.objects.filter(placement=placement, kind=EventKind.EXITED).exists()
