"""Client services: BSN encrypted and eleven-tested, assessments validated, consent, audit without care data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.clients import services, zrm
from doorstroom.clients.models import Assessment, Client, Consent, ConsentMethod, ConsentScope
from doorstroom.clients.sharing import may_share, readiness_for_partner
from doorstroom.clients.validators import normalise_bsn
from doorstroom.organisations.roles import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def worker(member: Any) -> Any:
    return member(Role.CASE_WORKER)


def new_client(worker: Any, **fields: Any) -> Client:
    return services.save_client(
        acting_user=worker.user,
        client=Client(
            care_provider=worker.organisation, first_name="Sam", last_name="Jansen", **fields
        ),
        bsn=fields.pop("bsn", None),
    )


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "111 222 333"])
def test_valid_bsns_pass_the_eleven_test(bsn: str) -> None:
    assert len(normalise_bsn(bsn)) == 9


@pytest.mark.parametrize("bsn", ["123456789", "000000000", "12345", "abcdefghi"])
def test_invalid_bsns_are_refused(bsn: str) -> None:
    with pytest.raises(ValidationError):
        normalise_bsn(bsn)


def test_bsn_is_stored_encrypted_and_revealed_only_to_the_provider(
    worker: Any, member: Any
) -> None:
    client = services.save_client(
        acting_user=worker.user,
        client=Client(care_provider=worker.organisation, first_name="Sam", last_name="Jansen"),
        bsn="111222333",
    )
    stored = Client.objects.get(pk=client.pk)
    assert "111222333" not in stored.bsn_encrypted and stored.bsn_digest
    assert services.reveal_bsn(acting_user=worker.user, client=stored) == "111222333"
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(client.pk), fields=["bsn"]
    ).exists()
    outsider = member(Role.MIXED_LIVING_MANAGER).user
    with pytest.raises(PermissionDenied):
        services.reveal_bsn(acting_user=outsider, client=stored)
    assert "111222333" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_the_same_bsn_twice_at_one_provider_is_refused(worker: Any) -> None:
    services.save_client(
        acting_user=worker.user,
        client=Client(care_provider=worker.organisation, first_name="A", last_name="B"),
        bsn="111222333",
    )
    with pytest.raises(ValidationError):
        services.save_client(
            acting_user=worker.user,
            client=Client(care_provider=worker.organisation, first_name="C", last_name="D"),
            bsn="111222333",
        )


def test_invalid_bsn_writes_nothing(worker: Any) -> None:
    with pytest.raises(ValidationError) as error:
        services.save_client(
            acting_user=worker.user,
            client=Client(care_provider=worker.organisation, first_name="A", last_name="B"),
            bsn="123456789",
        )
    assert "bsn" in error.value.message_dict
    assert not Client.objects.exists()


def test_assessment_refuses_future_dates_and_bad_scores_and_writes_nothing(worker: Any) -> None:
    client = services.save_client(
        acting_user=worker.user,
        client=Client(care_provider=worker.organisation, first_name="A", last_name="B"),
    )
    scores = {d.code: 3 for d in zrm.domains()}
    with pytest.raises(ValidationError) as error:
        services.record_assessment(
            acting_user=worker.user,
            client=client,
            assessed_on=TODAY + dt.timedelta(days=1),
            scores=scores,
        )
    assert "assessed_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_assessment(
            acting_user=worker.user,
            client=client,
            assessed_on=TODAY,
            scores={**scores, "financien": 6},
        )
    assert "financien" in error.value.message_dict
    missing = dict(scores)
    missing.pop("justitie")
    with pytest.raises(ValidationError):
        services.record_assessment(
            acting_user=worker.user, client=client, assessed_on=TODAY, scores=missing
        )
    assert not Assessment.objects.exists()


def test_scores_and_notes_never_enter_the_audit_trail(worker: Any) -> None:
    client = services.save_client(
        acting_user=worker.user,
        client=Client(care_provider=worker.organisation, first_name="A", last_name="B"),
    )
    services.record_assessment(
        acting_user=worker.user,
        client=client,
        assessed_on=TODAY,
        scores={d.code: 2 for d in zrm.domains()},
        notes={"middelengebruik": "drinkt dagelijks"},
    )
    trail = str(list(AuditEvent.objects.values_list("changes", "fields", "object_label")))
    assert "drinkt" not in trail
    assert AuditEvent.objects.filter(
        object_type="clients.assessment", action=AuditAction.CREATE
    ).exists()


def test_consent_cannot_expire_before_it_starts(worker: Any) -> None:
    client = services.save_client(
        acting_user=worker.user,
        client=Client(care_provider=worker.organisation, first_name="A", last_name="B"),
    )
    consent = Consent(
        client=client,
        partner=worker.organisation,
        scope=ConsentScope.READINESS_OUTCOME,
        method=ConsentMethod.WRITTEN,
        given_on=TODAY,
        valid_from=TODAY,
        expires_on=TODAY - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        services.record_consent(acting_user=worker.user, consent=consent)
    assert not Consent.objects.exists()


def test_withdrawn_consent_hides_the_readiness_outcome_at_once(worker: Any, member: Any) -> None:
    corporation = member(Role.MIXED_LIVING_MANAGER).organisation
    client = services.save_client(
        acting_user=worker.user,
        client=Client(care_provider=worker.organisation, first_name="A", last_name="B"),
    )
    consent = services.record_consent(
        acting_user=worker.user,
        consent=Consent(
            client=client,
            partner=corporation,
            scope=ConsentScope.READINESS_OUTCOME,
            method=ConsentMethod.VERBAL,
            given_on=TODAY,
            valid_from=TODAY,
        ),
    )
    assert readiness_for_partner(client, corporation.pk) == "not_ready"
    assert may_share(client, corporation.pk, ConsentScope.READINESS_OUTCOME)
    services.withdraw_consent(acting_user=worker.user, consent=consent)
    assert readiness_for_partner(client, corporation.pk) is None
    withdrawal = AuditEvent.objects.get(object_type="clients.consent", action=AuditAction.UPDATE)
    assert "withdrawn_at" in withdrawal.fields and withdrawal.actor == worker.user


def test_other_providers_case_worker_cannot_touch_the_client(worker: Any, member: Any) -> None:
    client = services.save_client(
        acting_user=worker.user,
        client=Client(care_provider=worker.organisation, first_name="A", last_name="B"),
    )
    stranger = member(Role.CASE_WORKER).user
    with pytest.raises(PermissionDenied):
        services.record_assessment(
            acting_user=stranger,
            client=client,
            assessed_on=TODAY,
            scores={d.code: 3 for d in zrm.domains()},
        )
    assert list(Client.objects.visible_to(stranger)) == []
    assert list(Client.objects.visible_to(worker.user)) == [client]
