"""Referrals: manual referral and its refusals, the receiver's actions, overdue referrals, and the
flow per role over HTTP (the receiver answers; everyone else gets 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstroom.audit.models import AuditEvent
from doorstroom.tenancies.models import Referral, ReferralAction, ReferralStatus, SignalKind
from doorstroom.tenancies.signals_services import (
    close_signal,
    overdue_referrals,
    record_referral_action,
    record_signal,
    refer,
)
from tests.tenancies_signals.conftest import Setting

pytestmark = pytest.mark.django_db


def test_refer_a_regular_tenancy_to_the_covering_team(setting: Setting) -> None:
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.regular, kind=SignalKind.NUISANCE
    )
    referral = refer(acting_user=setting.officer, signal=signal, receiver=setting.team)
    assert referral.receiver == setting.team
    assert referral.respond_by == timezone.localdate() + dt.timedelta(days=10)
    assert referral.status == ReferralStatus.OPEN


def test_a_team_that_does_not_cover_the_address_is_refused(setting: Setting) -> None:
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.regular, kind=SignalKind.NUISANCE
    )
    with pytest.raises(ValidationError) as raised:
        refer(acting_user=setting.officer, signal=signal, receiver=setting.other_team)
    assert "receiver" in raised.value.message_dict
    assert not Referral.objects.exists()


def test_a_team_without_the_clients_consent_is_refused(setting: Setting) -> None:
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.labelled, kind=SignalKind.NUISANCE
    )
    with pytest.raises(ValidationError):
        refer(acting_user=setting.officer, signal=signal, receiver=setting.team)
    assert [r.receiver for r in signal.referrals.all()] == [setting.provider]


def test_refusals_of_care_providers_duplicates_and_closed_signals(
    setting: Setting, member: Any
) -> None:
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.regular, kind=SignalKind.NUISANCE
    )
    with pytest.raises(ValidationError):  # no placement: no care provider to refer to
        refer(acting_user=setting.officer, signal=signal, receiver=setting.provider)
    care = record_signal(
        acting_user=setting.officer, dwelling=setting.care, kind=SignalKind.NUISANCE
    )
    with pytest.raises(ValidationError):  # referred automatically already
        refer(acting_user=setting.officer, signal=care, receiver=setting.provider)
    with pytest.raises(ValidationError):  # a corporation is not a receiver
        refer(acting_user=setting.officer, signal=care, receiver=setting.corporation)
    with pytest.raises(PermissionDenied):
        refer(acting_user=setting.case_worker, signal=signal, receiver=setting.team)
    close_signal(acting_user=setting.officer, signal=signal, outcome="Opgelost.")
    with pytest.raises(ValidationError):
        refer(acting_user=setting.officer, signal=signal, receiver=setting.team)
    assert Referral.objects.count() == 1


def _care_referral(setting: Setting) -> Referral:
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.care, kind=SignalKind.SUPPORT_NEED
    )
    return signal.referrals.get()


def test_the_receiver_records_actions_and_the_status_follows(setting: Setting) -> None:
    referral = _care_referral(setting)
    record_referral_action(
        acting_user=setting.case_worker, referral=referral, kind=ReferralStatus.CONTACT_MADE
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONTACT_MADE
    assert referral.first_response_on == timezone.localdate()
    record_referral_action(
        acting_user=setting.team_lead, referral=referral, kind=ReferralStatus.REFERRED_ON
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED_ON
    with pytest.raises(ValidationError) as raised:
        record_referral_action(
            acting_user=setting.case_worker, referral=referral, kind=ReferralStatus.CLOSED
        )
    assert "note" in raised.value.message_dict
    record_referral_action(
        acting_user=setting.case_worker,
        referral=referral,
        kind=ReferralStatus.CLOSED,
        note="Schuldhulp gestart.",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert referral.first_response_on == timezone.localdate()
    with pytest.raises(ValidationError):
        record_referral_action(
            acting_user=setting.case_worker, referral=referral, kind=ReferralStatus.CONTACT_MADE
        )
    assert ReferralAction.objects.count() == 3
    # The note can hold care details: the audit trail says it changed, never what it says.
    event = AuditEvent.objects.filter(object_type="tenancies.referralaction").last()
    assert event is not None and "Schuldhulp" not in str(event.changes)


def test_action_dates_are_checked(setting: Setting) -> None:
    referral = _care_referral(setting)
    today = timezone.localdate()
    for bad in (today + dt.timedelta(days=1), today - dt.timedelta(days=30), "unknown"):
        with pytest.raises(ValidationError):
            if bad == "unknown":
                record_referral_action(
                    acting_user=setting.case_worker, referral=referral, kind="unknown"
                )
            else:
                assert isinstance(bad, dt.date)
                record_referral_action(
                    acting_user=setting.case_worker,
                    referral=referral,
                    kind=ReferralStatus.CONTACT_MADE,
                    on=bad,
                )
    assert not ReferralAction.objects.exists()


@pytest.mark.parametrize("who", ["officer", "manager", "team_member", "other_team_member"])
def test_only_the_receiver_records_actions(setting: Setting, who: str) -> None:
    referral = _care_referral(setting)
    with pytest.raises(PermissionDenied):
        record_referral_action(
            acting_user=getattr(setting, who), referral=referral, kind=ReferralStatus.CONTACT_MADE
        )
    assert not ReferralAction.objects.exists()


def test_overdue_referrals_of_the_corporation(setting: Setting, member: Any) -> None:
    referral = _care_referral(setting)
    assert not overdue_referrals(setting.corporation).exists()
    later = timezone.localdate() + dt.timedelta(days=11)
    assert list(overdue_referrals(setting.corporation, on=later)) == [referral]
    other = member().organisation
    assert not overdue_referrals(other, on=later).exists()
    record_referral_action(
        acting_user=setting.case_worker, referral=referral, kind=ReferralStatus.CONTACT_MADE
    )
    assert list(overdue_referrals(setting.corporation, on=later)) == [referral]
    record_referral_action(
        acting_user=setting.case_worker,
        referral=referral,
        kind=ReferralStatus.CLOSED,
        note="Klaar.",
    )
    assert not overdue_referrals(setting.corporation, on=later).exists()


# --- HTTP -------------------------------------------------------------------------------------


def test_the_care_provider_answers_on_its_referrals_page(setting: Setting, login: Any) -> None:
    referral = _care_referral(setting)
    client = login(setting.case_worker)
    page = client.get("/signalen/doorverwijzingen/")
    assert page.status_code == 200
    assert setting.care.street in page.content.decode()
    prefix = f"r{referral.pk}"
    response = client.post(
        f"/signalen/doorverwijzingen/{referral.pk}/actie/",
        {f"{prefix}-kind": "closed", f"{prefix}-note": ""},
    )
    assert response.status_code == 400
    assert not ReferralAction.objects.exists()
    response = client.post(
        f"/signalen/doorverwijzingen/{referral.pk}/actie/", {f"{prefix}-kind": "contact_made"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONTACT_MADE


@pytest.mark.parametrize("who", ["officer", "manager", "team_member", "other_provider"])
def test_others_get_404_on_the_care_providers_referral(
    setting: Setting, login: Any, member: Any, who: str
) -> None:
    referral = _care_referral(setting)
    if who == "other_provider":
        from doorstroom.organisations.roles import Role

        user = member(Role.CASE_WORKER).user
    else:
        user = getattr(setting, who)
    client = login(user)
    response = client.post(
        f"/signalen/doorverwijzingen/{referral.pk}/actie/",
        {f"r{referral.pk}-kind": "contact_made"},
    )
    assert response.status_code == 404
    response = client.post(
        f"/buurtteam/doorverwijzingen/{referral.pk}/actie/",
        {f"r{referral.pk}-kind": "contact_made"},
    )
    assert response.status_code == 404
    assert not ReferralAction.objects.exists()
    if who == "other_provider":
        page = client.get("/signalen/doorverwijzingen/")
        assert setting.care.street not in page.content.decode()


def test_the_team_answers_on_its_screen_and_others_cannot(setting: Setting, login: Any) -> None:
    setting.consent(setting.flipped_client)
    signal = record_signal(
        acting_user=setting.officer, dwelling=setting.labelled, kind=SignalKind.NUISANCE
    )
    referral = signal.referrals.get(receiver=setting.team)
    data = {f"r{referral.pk}-kind": "contact_made"}
    for user in (setting.other_team_member, setting.case_worker, setting.officer):
        assert (
            login(user).post(f"/buurtteam/doorverwijzingen/{referral.pk}/actie/", data).status_code
            == 404
        )
    response = login(setting.team_member).post(
        f"/buurtteam/doorverwijzingen/{referral.pk}/actie/", data
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONTACT_MADE


def test_the_corporation_sees_status_but_not_the_receivers_notes(
    setting: Setting, login: Any
) -> None:
    referral = _care_referral(setting)
    record_referral_action(
        acting_user=setting.case_worker,
        referral=referral,
        kind=ReferralStatus.CLOSED,
        note="Client heeft terugval, opname.",
    )
    client = login(setting.officer)
    page = client.get(f"/signalen/{referral.signal_id}/").content.decode()
    assert "terugval" not in page
    assert setting.provider.name in page


def test_overdue_referrals_are_flagged_on_the_list(setting: Setting, login: Any) -> None:
    referral = _care_referral(setting)
    client = login(setting.officer)
    assert "ds-overdue" not in client.get("/signalen/").content.decode()
    Referral.objects.filter(pk=referral.pk).update(
        respond_by=timezone.localdate() - dt.timedelta(days=1)
    )
    assert "ds-overdue" in client.get("/signalen/").content.decode()
