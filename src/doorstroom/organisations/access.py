"""Access helpers for every object kind: 'missing' and 'forbidden' give the same 404 in views,
and services refuse with one PermissionDenied."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from doorstroom.organisations.models import Organisation

M = TypeVar("M", bound=Model)


def get_for_user_or_404(queryset: QuerySet[M], user: Any, permission: str, pk: Any) -> M:
    obj = queryset.filter(pk=pk).first()
    if obj is None or not user.has_perm(permission, obj):
        raise Http404
    return obj


def get_organisation_or_404(user: Any, organisation_id: int, permission: str) -> Organisation:
    return get_for_user_or_404(Organisation.objects.all(), user, permission, organisation_id)


def require_permission(acting_user: Any, permission: str, obj: Any) -> None:
    """The one permission check of every service: ``acting_user=None`` is the system (commands,
    scheduled jobs, the demo); a person needs ``permission`` on ``obj`` (``User.has_perm`` follows
    the rules for objects, also for a platform administrator)."""
    if acting_user is not None and not acting_user.has_perm(permission, obj):
        raise PermissionDenied(_("You may not do this."))
