"""State changes for organisations and memberships. Each checks its input and writes the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record
from doorstroom.organisations.models import Membership, Organisation
from doorstroom.organisations.selectors import forget_memberships


@transaction.atomic
def create_organisation(
    *, acting_user: Any, name: str, kind: str, kvk_number: str = "", municipality_name: str = ""
) -> Organisation:
    organisation = Organisation(
        name=name, kind=kind, kvk_number=kvk_number, municipality_name=municipality_name
    )
    organisation.full_clean()
    organisation.save()
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=organisation,
        obj=organisation,
        changes={"name": (None, name), "kind": (None, kind)},
    )
    return organisation


@transaction.atomic
def grant_role(*, acting_user: Any, user: Any, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` a role in ``organisation``; refuses roles that do not exist in that kind."""
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    forget_memberships(user)
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=organisation,
        obj=membership,
        changes={"user": (None, user), "role": (None, role)},
    )
    return membership


@transaction.atomic
def revoke_role(*, acting_user: Any, membership: Membership) -> None:
    record(
        actor=acting_user,
        action=AuditAction.DELETE,
        organisation=membership.organisation,
        obj=membership,
        changes={"role": (membership.role, None)},
    )
    forget_memberships(membership.user)
    membership.delete()
