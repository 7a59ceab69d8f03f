"""Every e-mail goes through here: rendered in Dutch from a template pair (``<name>.subject.txt``
and ``<name>.txt`` under ``lettings/email/``, or the ``folder`` of another app), sent through Django's
mail framework (SMTP from EMAIL_URL in production), after the transaction that caused it commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def render_message(
    name: str,
    context: dict[str, Any],
    to: Sequence[str],
    attachments: Sequence[Attachment] = (),
    folder: str = "lettings/email",
) -> EmailMessage:
    with translation.override("nl"):
        subject = render_to_string(f"{folder}/{name}.subject.txt", context).strip()
        body = render_to_string(f"{folder}/{name}.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
    )
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def send_after_commit(
    name: str,
    context: dict[str, Any],
    to: Sequence[str],
    attachments: Sequence[Attachment] = (),
    folder: str = "lettings/email",
) -> None:
    """Send the message once the current transaction commits (at once outside a transaction)."""
    message = render_message(name, context, to, attachments, folder)
    transaction.on_commit(lambda: message.send(fail_silently=False))
