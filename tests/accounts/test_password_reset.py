"""Password reset by e-mail, delivered through a real SMTP server on localhost."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.organisations.roles import Role
from tests.smtp import Mailbox, body_of

pytestmark = pytest.mark.django_db


def test_reset_link_arrives_by_smtp_and_sets_a_new_password(
    client: Client, member: Any, smtp_server: Mailbox
) -> None:
    user = member(Role.CASE_WORKER, email="casus@example.nl").user
    response = client.post(reverse("accounts:password_reset"), {"email": "casus@example.nl"})
    assert response.status_code == 302

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "casus@example.nl"
    body = body_of(message)
    assert "Kies met deze link een nieuw wachtwoord" in body
    link = re.search(r"https?://[^/]+(/account/wachtwoord-herstellen/\S+)", body)
    assert link is not None

    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link.group(1)
    done = client.post(
        form_url,
        {"new_password1": "nieuw-Wachtwoord-2026", "new_password2": "nieuw-Wachtwoord-2026"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nieuw-Wachtwoord-2026")
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=user).exists()

    # The link works once.
    again = client.get(link.group(1), follow=True)
    assert "niet meer geldig" in again.content.decode()


def test_unknown_address_gets_the_same_answer_and_no_mail(
    client: Client, smtp_server: Mailbox
) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "niemand@example.nl"})
    assert response.status_code == 302
    assert smtp_server.wait_for(1, timeout=0.5) == []


def test_weak_new_password_is_refused_in_dutch(
    client: Client, member: Any, smtp_server: Mailbox
) -> None:
    member(Role.CASE_WORKER, email="zwak@example.nl")
    client.post(reverse("accounts:password_reset"), {"email": "zwak@example.nl"})
    [message] = smtp_server.wait_for(1)
    link = re.search(r"https?://[^/]+(/account/wachtwoord-herstellen/\S+)", body_of(message))
    assert link is not None
    page = client.get(link.group(1), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"}
    )
    assert response.status_code == 200
    assert "Dit wachtwoord is te kort" in response.content.decode()
