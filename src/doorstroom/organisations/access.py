"""One access helper for every object kind: 'missing' and 'forbidden' give the same 404."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from doorstroom.organisations.models import Organisation

M = TypeVar("M", bound=Model)


def get_for_user_or_404(queryset: QuerySet[M], user: Any, permission: str, pk: Any) -> M:
    obj = queryset.filter(pk=pk).first()
    if obj is None or not user.has_perm(permission, obj):
        raise Http404
    return obj


def get_organisation_or_404(user: Any, organisation_id: int, permission: str) -> Organisation:
    return get_for_user_or_404(Organisation.objects.all(), user, permission, organisation_id)
