"""Login, logout, failed logins and lockouts go into the audit trail."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import client_ip, record


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(actor=user, action=AuditAction.LOGIN, ip_address=client_ip(request) if request else None)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(actor=user, action=AuditAction.LOGOUT, ip_address=client_ip(request))


def _attempted_user(username: str) -> Any:
    from doorstroom.accounts.models import User

    return User.objects.filter(username=username).first() if username else None


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = _attempted_user(username)
    record(
        actor=user,
        actor_label=username,
        action=AuditAction.LOGIN_FAILED,
        ip_address=client_ip(request) if request is not None else None,
    )


@receiver(user_locked_out)
def audit_locked_out(
    sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any
) -> None:
    record(
        actor=_attempted_user(username),
        actor_label=username or "",
        action=AuditAction.LOCKED_OUT,
        ip_address=ip_address,
    )
