"""Login with password and a second factor, enrolment, backup codes, lockout and expiry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorstroom.accounts import services
from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.organisations.roles import Role
from tests.factories import PASSWORD, TOTPDeviceFactory

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def password_step(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_protected_page_redirects_anonymous_user_to_login(client: Client) -> None:
    response = client.get(reverse("home:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_then_totp_code_logs_in(client: Client, member: Any) -> None:
    user = member(Role.CASE_WORKER).user
    device = TOTPDeviceFactory(user=user)

    response = password_step(client, user.username)
    assert response.status_code == 302
    # The password alone does not open anything: every page asks for the second factor.
    response = client.get(reverse("home:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))

    response = client.post(reverse("accounts:verify"), {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("home:start")).status_code == 200
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert AuditAction.LOGIN in actions
    assert AuditAction.SECOND_FACTOR_VERIFIED in actions


def test_wrong_code_is_refused_with_a_dutch_message(client: Client, member: Any) -> None:
    user = member(Role.CASE_WORKER).user
    TOTPDeviceFactory(user=user)
    password_step(client, user.username)
    response = client.post(reverse("accounts:verify"), {"token": "000000"})
    assert response.status_code == 200
    assert "Deze code klopt niet of is verlopen" in response.content.decode()
    assert client.get(reverse("home:start")).status_code == 302
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.SECOND_FACTOR_FAILED).exists()


def test_backup_code_works_once(client: Client, member: Any) -> None:
    user = member(Role.TEAM_LEAD).user
    TOTPDeviceFactory(user=user)
    code = services.replace_backup_codes(user=user)[0]

    password_step(client, user.username)
    assert client.post(reverse("accounts:verify"), {"token": code}).status_code == 302
    assert client.get(reverse("home:start")).status_code == 200

    other = Client()
    password_step(other, user.username)
    response = other.post(reverse("accounts:verify"), {"token": code})
    assert response.status_code == 200  # refused: the code was used
    assert StaticDevice.objects.get(user=user).token_set.count() == 9


def test_first_login_enrols_authenticator_with_qr_code(client: Client, member: Any) -> None:
    user = member(Role.LETTING_OFFICER).user
    password_step(client, user.username)
    response = client.get(reverse("home:start"))
    assert response["Location"].startswith(reverse("accounts:enrol"))

    page = client.get(reverse("accounts:enrol"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    done = client.post(reverse("accounts:enrol"), {"token": current_code(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == services.BACKUP_CODE_COUNT
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(reverse("home:start")).status_code == 200


def test_wrong_enrolment_code_leaves_the_authenticator_inactive(
    client: Client, member: Any
) -> None:
    user = member(Role.LETTING_OFFICER).user
    password_step(client, user.username)
    client.get(reverse("accounts:enrol"))
    refused = client.post(reverse("accounts:enrol"), {"token": "12345x"})
    assert refused.status_code == 200
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get(reverse("home:start"))["Location"].startswith(reverse("accounts:enrol"))


def test_resident_needs_no_second_factor(client: Client, member: Any) -> None:
    user = member(Role.RESIDENT).user
    password_step(client, user.username)
    assert client.get(reverse("home:start")).status_code == 200


def test_wrong_password_is_refused_in_dutch(client: Client, member: Any) -> None:
    user = member(Role.CASE_WORKER).user
    response = password_step(client, user.username, "wrong-password")
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, actor=user).exists()


def test_repeated_failures_lock_the_account(client: Client, member: Any, settings: Any) -> None:
    user = member(Role.CASE_WORKER).user
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(client, user.username, "wrong-password")
    # Even the right password is refused while locked, with a clear Dutch message.
    response = password_step(client, user.username)
    assert response.status_code == 429
    assert "Account tijdelijk geblokkeerd" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, actor=user).exists()
    assert "_auth_user_id" not in client.session


def test_expired_session_says_so(member: Any, login: Any) -> None:
    client = login(member(Role.CASE_WORKER).user)
    assert client.get(reverse("home:start")).status_code == 200
    client.session.flush()  # what the session store does when the idle time has passed
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()
    response = client.get(reverse("home:start"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert "Uw sessie is verlopen" in response.content.decode()


def test_logout_ends_the_session(member: Any, login: Any) -> None:
    user = member(Role.CASE_WORKER).user
    client = login(user)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "U bent uitgelogd" in response.content.decode()
    assert client.get(reverse("home:start")).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=user).exists()


def test_logout_is_post_only(member: Any, login: Any) -> None:
    client = login(member(Role.CASE_WORKER).user)
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_regenerating_backup_codes_replaces_old_ones(member: Any, login: Any) -> None:
    user = member(Role.CASE_WORKER).user
    old = services.replace_backup_codes(user=user)
    client = login(user)
    response = client.post(reverse("accounts:backup_codes"))
    new = response.context["codes"]
    tokens = set(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True))
    assert tokens == set(new)
    assert not tokens & set(old)


def test_session_cookie_is_http_only_and_lax(client: Client, member: Any) -> None:
    user = member(Role.RESIDENT).user
    response = password_step(client, user.username)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
