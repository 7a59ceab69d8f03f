"""Read models for login and second factors."""

from __future__ import annotations

from typing import Any

from django_otp import devices_for_user


def has_confirmed_device(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))
