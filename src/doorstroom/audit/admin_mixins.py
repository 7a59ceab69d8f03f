"""Changes made in the platform administration go into the audit trail like any other."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import client_ip, record


class AuditedAdminMixin:
    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            changed = list(form.changed_data)
            concrete = [name for name in changed if _is_concrete(obj, name)]
            before: dict[str, Any] = {}
            if change and concrete:
                before = (
                    type(obj)._default_manager.filter(pk=obj.pk).values(*concrete).first() or {}
                )
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            record(
                actor=request.user,
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                organisation=getattr(obj, "organisation", None),
                obj=obj,
                changes={name: (before.get(name), getattr(obj, name, None)) for name in concrete},
                fields=changed,
                ip_address=client_ip(request),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            record(
                actor=request.user,
                action=AuditAction.DELETE,
                organisation=getattr(obj, "organisation", None),
                obj=obj,
                ip_address=client_ip(request),
            )
            super().delete_model(request, obj)  # type: ignore[misc]


def _is_concrete(obj: models.Model, name: str) -> bool:
    try:
        field = obj._meta.get_field(name)
    except Exception:
        return False
    return bool(getattr(field, "concrete", False)) and not field.many_to_many
