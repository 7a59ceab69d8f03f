"""E-mail of the community, in Dutch, from templates under ``community/email/``; sent after the
transaction commits (see lettings.mail)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from doorstroom.lettings.mail import send_after_commit

FOLDER = "community/email"


def send(name: str, context: dict[str, Any], to: Sequence[str]) -> None:
    send_after_commit(name, context, [address for address in to if address], folder=FOLDER)
