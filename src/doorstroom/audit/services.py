"""Writing the audit trail. Every service that touches personal data calls one of these.

``record_change`` takes the names of changed fields and their old and new values; values of
fields listed in ``SPECIAL_CATEGORY_FIELDS`` or ``SECRET_FIELDS`` are never stored, only the
fact that the field changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from doorstroom.audit.models import AuditAction, AuditEvent

#: Fields whose values are secrets: recorded by name only.
SECRET_FIELDS = frozenset({"password", "key", "token", "bsn", "secret"})
#: Special-category personal data (art. 9 GDPR): recorded by name only. Apps add their fields.
SPECIAL_CATEGORY_FIELDS: set[str] = set()

MASK = "•••"


def _label(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk or ""), str(obj)[:200]


#: Per model (``app_label.model``), personal fields whose values stay out of the trail, e.g. a
#: client's name and contact details: the trail says they changed, never what they are.
MASKED_BY_MODEL: dict[str, set[str]] = {}


def _safe_value(field: str, value: Any, model: str = "") -> Any:
    if (
        field in SECRET_FIELDS
        or field in SPECIAL_CATEGORY_FIELDS
        or field in MASKED_BY_MODEL.get(model, ())
    ):
        return MASK
    if isinstance(value, models.Model):
        return str(value.pk)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _actor(user: Any) -> tuple[Any, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user, user.get_username()


def build_event(
    *,
    actor: Any,
    action: str,
    organisation: Any = None,
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    changes: Mapping[str, tuple[Any, Any]] | None = None,
    ip_address: str | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """An unsaved event (for bulk writes); ``changes`` maps a field name to (old, new)."""
    actor_obj, label = _actor(actor)
    object_type, object_id, object_label = _label(obj)
    return AuditEvent(
        actor=actor_obj,
        actor_label=label or actor_label,
        organisation=organisation,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        fields=sorted(set(fields) | set(changes or {})),
        changes={
            name: [_safe_value(name, old, object_type), _safe_value(name, new, object_type)]
            for name, (old, new) in (changes or {}).items()
        },
        ip_address=ip_address,
    )


def record(**kwargs: Any) -> AuditEvent:
    """Append one event; takes the arguments of :func:`build_event`."""
    event = build_event(**kwargs)
    event.save()
    return event


def record_view(
    *, actor: Any, organisation: Any, obj: models.Model, fields: Iterable[str] = ()
) -> AuditEvent:
    """A person looked at personal data (e.g. a client's care record)."""
    return record(
        actor=actor, action=AuditAction.VIEW, organisation=organisation, obj=obj, fields=fields
    )


def snapshot(obj: models.Model, field_names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in field_names}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        name: (before.get(name), after[name]) for name in after if before.get(name) != after[name]
    }


def client_ip(request: Any) -> str | None:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def snapshot_fields(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys as ids), to diff before and after a change."""
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def saved_event(
    *,
    actor: Any,
    organisation: Any,
    obj: models.Model,
    before: Mapping[str, Any] | None,
    actor_label: str = "",
) -> AuditEvent | None:
    """The unsaved event for a create (``before`` is None) or an update; None when nothing changed."""
    after = snapshot_fields(obj)
    if before is None:
        action = AuditAction.CREATE
        changes = {name: (None, value) for name, value in after.items() if name != "id"}
    else:
        action = AuditAction.UPDATE
        changes = {
            name: (before.get(name), value)
            for name, value in after.items()
            if before.get(name) != value
        }
        if not changes:
            return None
    return build_event(
        actor=actor,
        action=action,
        organisation=organisation,
        obj=obj,
        changes=changes,
        actor_label=actor_label,
    )


def record_saved(
    *, actor: Any, organisation: Any, obj: models.Model, before: Mapping[str, Any] | None
) -> AuditEvent | None:
    """Audit a create (``before`` is None) or an update (only when a value actually changed)."""
    event = saved_event(actor=actor, organisation=organisation, obj=obj, before=before)
    if event is not None:
        event.save()
    return event
