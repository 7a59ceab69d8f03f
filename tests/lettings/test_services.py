"""The lettings services refuse what the issue says they refuse, and record what they do."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstroom.audit.models import AuditEvent
from doorstroom.lettings import services
from doorstroom.lettings.models import Decision, MeetingDecision, Nomination, NominationStatus
from doorstroom.organisations.roles import Role
from tests.factories import AgreementFactory, DwellingFactory
from tests.lettings.helpers import MOTIVATION, OVERRIDE_REASON, make_client, meeting, nominate

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- nominating ----------------------------------------------------------------------------------


def test_a_ready_client_is_nominated_and_audited(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"])
    dwelling = world["dwellings"][0]
    nomination = nominate(client, world["complex"], world["worker"], dwelling=dwelling)
    assert nomination.status == NominationStatus.OPEN
    assert nomination.agreement == world["agreement"]
    assert nomination.dwelling == dwelling
    assert nomination.readiness_at_nomination == "ready"
    assert nomination.override_by is None
    assert AuditEvent.objects.filter(
        object_type="lettings.nomination", object_id=str(nomination.pk), action="create"
    ).exists()


def test_a_client_who_is_not_ready_is_refused_with_the_failing_gates(
    world: dict[str, Any],
) -> None:
    client = make_client(world["provider"], world["worker"], ready=False)
    with pytest.raises(ValidationError) as refused:
        nominate(client, world["complex"], world["worker"])
    text = messages_of(refused.value)
    from doorstroom.clients.readiness import evaluate

    for gate in evaluate(client).failing:
        assert gate.label in text
    assert not Nomination.objects.exists()


def test_a_case_worker_cannot_override(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"], ready=False)
    with pytest.raises(ValidationError) as refused:
        nominate(client, world["complex"], world["worker"], override_reason=OVERRIDE_REASON)
    assert "override_reason" in refused.value.error_dict
    assert not Nomination.objects.exists()


def test_a_team_lead_overrides_with_a_reason_and_it_is_audited(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"], ready=False)
    nomination = nominate(client, world["complex"], world["lead"], override_reason=OVERRIDE_REASON)
    assert nomination.override_by == world["lead"]
    assert nomination.override_reason == OVERRIDE_REASON
    assert nomination.readiness_at_nomination == "not_yet"
    event = AuditEvent.objects.get(object_type="lettings.nomination", object_id=str(nomination.pk))
    assert event.actor == world["lead"]
    assert "override_reason" in event.fields


def test_a_team_lead_without_a_reason_is_refused_too(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"], ready=False)
    with pytest.raises(ValidationError):
        nominate(client, world["complex"], world["lead"], override_reason="   ")
    assert not Nomination.objects.exists()


def test_a_complex_without_an_agreement_is_refused(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"])
    with pytest.raises(ValidationError) as refused:
        nominate(client, world["elsewhere"], world["worker"])
    assert "complex" in refused.value.error_dict


def test_an_agreement_that_has_ended_does_not_count(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"])
    AgreementFactory(
        complex=world["elsewhere"],
        care_provider=world["provider"],
        start_date=dt.date(2020, 1, 1),
        end_date=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        nominate(client, world["elsewhere"], world["worker"])


def test_a_dwelling_outside_the_complex_is_refused(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"])
    with pytest.raises(ValidationError) as refused:
        nominate(
            client,
            world["complex"],
            world["worker"],
            dwelling=DwellingFactory(complex=world["elsewhere"]),
        )
    assert "dwelling" in refused.value.error_dict


def test_a_short_motivation_is_refused(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"])
    with pytest.raises(ValidationError) as refused:
        services.nominate(
            acting_user=world["worker"], client=client, complex_=world["complex"], motivation="Ok"
        )
    assert "motivation" in refused.value.error_dict


def test_a_second_open_nomination_is_refused_until_the_first_is_withdrawn(
    world: dict[str, Any],
) -> None:
    client = make_client(world["provider"], world["worker"])
    first = nominate(client, world["complex"], world["worker"])
    with pytest.raises(ValidationError):
        nominate(client, world["complex"], world["worker"])
    services.withdraw_nomination(acting_user=world["worker"], nomination=first)
    second = nominate(client, world["complex"], world["worker"])
    assert second.pk != first.pk
    assert Nomination.objects.filter(client=client).count() == 2


def test_a_deferred_nomination_still_counts_as_open(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    held = meeting(world["corporation"], world["provider"], world["manager"])
    services.decide(
        acting_user=world["manager"],
        meeting=held,
        nomination=nomination,
        decision=Decision.DEFERRED,
        reason="Eerst de volgende meting.",
        review_on=held.held_on + dt.timedelta(days=30),
    )
    with pytest.raises(ValidationError):
        nominate(client, world["complex"], world["worker"])


@pytest.mark.parametrize(
    "person", ["other_case_worker", Role.MIXED_LIVING_MANAGER, "platform_admin"]
)
def test_only_the_clients_care_provider_nominates(world: dict[str, Any], person: str) -> None:
    client = make_client(world["provider"], world["worker"])
    with pytest.raises(PermissionDenied):
        services.nominate(
            acting_user=world["people"][person],
            client=client,
            complex_=world["complex"],
            motivation=MOTIVATION,
        )
    assert not Nomination.objects.exists()


def test_a_decided_nomination_cannot_be_withdrawn(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    held = meeting(world["corporation"], world["provider"], world["manager"])
    services.decide(
        acting_user=world["manager"],
        meeting=held,
        nomination=nomination,
        decision=Decision.REJECTED,
        reason="Past niet bij de huidige bewoners.",
    )
    nomination.refresh_from_db()
    with pytest.raises(ValidationError):
        services.withdraw_nomination(acting_user=world["worker"], nomination=nomination)


# --- the placement meeting -----------------------------------------------------------------------


def test_a_meeting_records_its_attendees(world: dict[str, Any]) -> None:
    held = meeting(world["corporation"], world["provider"], world["manager"], world["worker"])
    assert set(held.attendees.all()) == {world["manager"], world["worker"]}
    assert AuditEvent.objects.filter(
        object_type="lettings.placementmeeting", object_id=str(held.pk)
    ).exists()


def test_an_attendee_from_elsewhere_is_refused(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        meeting(
            world["corporation"],
            world["provider"],
            world["manager"],
            world["people"]["other_case_worker"],
        )
    assert "attendees" in refused.value.error_dict


def test_a_meeting_without_attendees_is_refused(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        services.hold_meeting(
            acting_user=world["worker"],
            corporation=world["corporation"],
            care_provider=world["provider"],
            held_on=timezone.localdate(),
            attendees=[],
        )


@pytest.mark.parametrize(
    "person", ["other_manager", Role.LETTING_OFFICER, Role.POLICY_OFFICER, "platform_admin"]
)
def test_only_the_two_organisations_hold_a_meeting(world: dict[str, Any], person: str) -> None:
    with pytest.raises(PermissionDenied):
        services.hold_meeting(
            acting_user=world["people"][person],
            corporation=world["corporation"],
            care_provider=world["provider"],
            held_on=timezone.localdate(),
            attendees=[world["manager"]],
        )


@pytest.mark.parametrize("decision", [Decision.ACCEPTED, Decision.REJECTED])
def test_a_decision_sets_the_nominations_status(world: dict[str, Any], decision: str) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    held = meeting(world["corporation"], world["provider"], world["manager"], world["lead"])
    result = services.decide(
        acting_user=world["lead"],
        meeting=held,
        nomination=nomination,
        decision=decision,
        reason="Besproken in het overleg.",
    )
    nomination.refresh_from_db()
    assert nomination.status == decision
    assert result.decided_by == world["lead"]
    assert AuditEvent.objects.filter(
        object_type="lettings.meetingdecision", object_id=str(result.pk)
    ).exists()


@pytest.mark.parametrize(
    "person",
    ["other_manager", "other_case_worker", Role.LETTING_OFFICER, "platform_admin"],
)
def test_a_decision_by_someone_outside_the_meeting_organisations_is_refused(
    world: dict[str, Any], person: str
) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    held = meeting(world["corporation"], world["provider"], world["manager"])
    with pytest.raises(PermissionDenied):
        services.decide(
            acting_user=world["people"][person],
            meeting=held,
            nomination=nomination,
            decision=Decision.ACCEPTED,
            reason="Akkoord.",
        )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.OPEN
    assert not MeetingDecision.objects.exists()


@pytest.mark.parametrize("review_on", [None, "meeting day"])
def test_a_deferral_needs_a_review_date_after_the_meeting(
    world: dict[str, Any], review_on: str | None
) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    held = meeting(world["corporation"], world["provider"], world["manager"])
    with pytest.raises(ValidationError) as refused:
        services.decide(
            acting_user=world["manager"],
            meeting=held,
            nomination=nomination,
            decision=Decision.DEFERRED,
            reason="Eerst de volgende meting.",
            review_on=held.held_on if review_on else None,
        )
    assert "review_on" in refused.value.error_dict
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.OPEN


def test_a_decision_needs_reasons(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    held = meeting(world["corporation"], world["provider"], world["manager"])
    with pytest.raises(ValidationError) as refused:
        services.decide(
            acting_user=world["manager"],
            meeting=held,
            nomination=nomination,
            decision=Decision.ACCEPTED,
            reason=" ",
        )
    assert "reason" in refused.value.error_dict


def test_a_nomination_is_decided_once(world: dict[str, Any]) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    held = meeting(world["corporation"], world["provider"], world["manager"])
    services.decide(
        acting_user=world["manager"],
        meeting=held,
        nomination=nomination,
        decision=Decision.ACCEPTED,
        reason="Past goed.",
    )
    with pytest.raises(ValidationError):
        services.decide(
            acting_user=world["manager"],
            meeting=held,
            nomination=nomination,
            decision=Decision.REJECTED,
            reason="Toch niet.",
        )
    assert MeetingDecision.objects.count() == 1


def test_a_nomination_of_another_provider_is_not_this_meetings(
    world: dict[str, Any], member: Any
) -> None:
    other = member(Role.CASE_WORKER)
    AgreementFactory(complex=world["complex"], care_provider=other.organisation)
    client = make_client(other.organisation, other.user)
    nomination = nominate(client, world["complex"], other.user)
    held = meeting(world["corporation"], world["provider"], world["manager"])
    with pytest.raises(ValidationError):
        services.decide(
            acting_user=world["manager"],
            meeting=held,
            nomination=nomination,
            decision=Decision.ACCEPTED,
            reason="Past goed.",
        )
