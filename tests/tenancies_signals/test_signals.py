"""Recording and closing signals: the occupancy they attach to, automatic referrals as consent
allows, and every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from doorstroom.audit.models import AuditEvent
from doorstroom.tenancies.models import Referral, Signal, SignalKind
from doorstroom.tenancies.signals_services import (
    close_signal,
    record_signal,
    response_days,
)
from tests.smtp import body_of
from tests.tenancies_signals.conftest import CARE_SECRET, Setting

pytestmark = pytest.mark.django_db


def test_a_signal_on_a_regular_tenancy_has_no_referrals(setting: Setting) -> None:
    signal = record_signal(
        acting_user=setting.officer,
        dwelling=setting.regular,
        kind=SignalKind.NUISANCE,
        description="Geluidsoverlast 's nachts.",
    )
    assert signal.regular_tenancy is not None and signal.care_lease is None
    assert signal.placement is None
    assert signal.opened_on == timezone.localdate()
    assert not signal.referrals.exists()
    assert AuditEvent.objects.filter(object_type="tenancies.signal", object_id=signal.pk).exists()


def test_a_signal_on_a_care_lease_goes_to_the_care_provider_only_without_consent(
    setting: Setting,
) -> None:
    signal = record_signal(
        acting_user=setting.manager, dwelling=setting.care, kind=SignalKind.SUPPORT_NEED
    )
    assert signal.care_lease is not None and signal.placement == setting.care_placement
    [referral] = signal.referrals.all()
    assert referral.receiver == setting.provider
    assert referral.respond_by == signal.opened_on + dt.timedelta(days=response_days())


def test_a_signal_on_a_labelled_tenancy_goes_to_the_team_with_consent(
    setting: Setting, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    setting.consent(setting.flipped_client)
    with django_capture_on_commit_callbacks(execute=True):
        signal = record_signal(
            acting_user=setting.manager, dwelling=setting.labelled, kind=SignalKind.NUISANCE
        )
    assert signal.regular_tenancy == setting.flipped_placement.tenancy
    assert signal.placement == setting.flipped_placement
    assert {r.receiver for r in signal.referrals.all()} == {setting.provider, setting.team}
    messages = smtp_server.wait_for(2)
    assert len(messages) == 2
    recipients = sorted(m["To"] for m in messages)
    assert recipients == sorted(
        [f"{setting.case_worker.email}, {setting.team_lead.email}", setting.team_member.email]
    )
    for message in messages:
        body = body_of(message)
        assert setting.labelled.street in body
        assert CARE_SECRET not in body
        assert setting.flipped_client.reference not in body
        assert "06-12345678" not in body


def test_consent_for_another_team_does_not_count(setting: Setting) -> None:
    setting.consent(setting.flipped_client, partner=setting.other_team)
    signal = record_signal(
        acting_user=setting.manager, dwelling=setting.labelled, kind=SignalKind.NUISANCE
    )
    assert [r.receiver for r in signal.referrals.all()] == [setting.provider]


def test_a_withdrawn_consent_does_not_count(setting: Setting) -> None:
    consent = setting.consent(setting.flipped_client)
    consent.withdrawn_at = timezone.now()
    consent.save()
    signal = record_signal(
        acting_user=setting.manager, dwelling=setting.labelled, kind=SignalKind.NUISANCE
    )
    assert [r.receiver for r in signal.referrals.all()] == [setting.provider]


def test_a_signal_on_a_dwelling_without_a_tenancy_is_refused(setting: Setting) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        record_signal(acting_user=setting.manager, dwelling=setting.empty, kind=SignalKind.NUISANCE)
    assert "tenancy" in " ".join(raised.value.messages)
    assert not Signal.objects.exists()


def test_a_signal_dated_before_the_tenancy_is_refused(setting: Setting) -> None:
    with pytest.raises(ValidationError):
        record_signal(
            acting_user=setting.manager,
            dwelling=setting.regular,
            kind=SignalKind.NUISANCE,
            opened_on=dt.date(2019, 1, 1),
        )


def test_a_signal_in_the_future_or_of_an_unknown_kind_is_refused(setting: Setting) -> None:
    with pytest.raises(ValidationError) as raised:
        record_signal(
            acting_user=setting.manager,
            dwelling=setting.regular,
            kind=SignalKind.NUISANCE,
            opened_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert "opened_on" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        record_signal(acting_user=setting.manager, dwelling=setting.regular, kind="XYZ")
    assert "kind" in raised.value.message_dict
    assert not Signal.objects.exists()


@pytest.mark.parametrize(
    "who", ["case_worker", "team_lead", "team_member", "other_corporation_manager"]
)
def test_only_the_corporations_staff_record_signals(
    setting: Setting, member: Any, who: str
) -> None:
    user = member().user if who == "other_corporation_manager" else getattr(setting, who)
    with pytest.raises(PermissionDenied):
        record_signal(acting_user=user, dwelling=setting.regular, kind=SignalKind.NUISANCE)
    assert not Signal.objects.exists()


def test_closing_a_signal(setting: Setting) -> None:
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.regular, kind=SignalKind.NUISANCE
    )
    with pytest.raises(ValidationError) as raised:
        close_signal(acting_user=setting.officer, signal=signal, outcome="  ")
    assert "outcome" in raised.value.message_dict
    close_signal(acting_user=setting.officer, signal=signal, outcome="Gesprek gevoerd, opgelost.")
    signal.refresh_from_db()
    assert signal.closed_on == timezone.localdate()
    assert signal.outcome == "Gesprek gevoerd, opgelost."
    with pytest.raises(ValidationError):
        close_signal(acting_user=setting.officer, signal=signal, outcome="Nogmaals.")
    with pytest.raises(PermissionDenied):
        close_signal(acting_user=setting.team_member, signal=signal, outcome="x")


def test_closing_a_signal_is_refused_for_others(setting: Setting) -> None:
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.care, kind=SignalKind.NUISANCE
    )
    with pytest.raises(PermissionDenied):
        close_signal(acting_user=setting.case_worker, signal=signal, outcome="x")
    assert Signal.objects.get().closed_on is None
    assert Referral.objects.count() == 1
