"""State changes for accounts: users, second factors and backup codes. Each writes the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorstroom.accounts.models import User
from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator-app"
BACKUP_DEVICE_NAME = "Reservecodes"


@transaction.atomic
def create_user(
    *,
    acting_user: Any,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        obj=user,
        changes={
            "username": (None, username),
            "first_name": (None, first_name),
            "last_name": (None, last_name),
            "email": (None, email),
            "password": (None, "set"),
        },
    )
    return user


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator of an enrolment in progress (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator when ``token`` matches; returns fresh backup codes, or None."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(actor=user, action=AuditAction.SECOND_FACTOR_ENROLLED, obj=user, fields=["totp_device"])
    return replace_backup_codes(user=user)


@transaction.atomic
def replace_backup_codes(*, user: User, count: int = BACKUP_CODE_COUNT) -> list[str]:
    """Throw away the user's backup codes and issue ``count`` new single-use ones."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    record(actor=user, action=AuditAction.UPDATE, obj=user, fields=["backup_codes"])
    return codes


def enrol_totp_with_key(*, user: User, key_hex: str) -> TOTPDevice:
    """Register a confirmed authenticator with a known key (demo users and tests)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key_hex, confirmed=True)
