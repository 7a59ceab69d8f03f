"""Authorisation predicates for organisations. Deny by default: only what is listed is allowed."""

from __future__ import annotations

from typing import Any

import rules

from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of, roles_in


@rules.predicate
def is_platform_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


@rules.predicate
def is_member_of(user: Any, organisation: Any) -> bool:
    if organisation is None:
        return False
    return any(m.organisation_id == organisation.pk for m in memberships_of(user))


def has_role_in(*roles: str) -> Any:
    """Predicate factory: the user holds one of ``roles`` in the organisation under test."""

    @rules.predicate(name=f"has_role_in({', '.join(roles)})")
    def predicate(user: Any, organisation: Any) -> bool:
        if organisation is None or not user.is_authenticated:
            return False
        return bool(roles_in(user, organisation.pk) & set(roles))

    return predicate


is_privacy_officer_of = has_role_in(Role.PRIVACY_OFFICER)

rules.add_perm("organisations.view_organisation", is_member_of | is_platform_admin)
#: Residents (board members among them) are members of their corporation too, but the staff list
#: with e-mail addresses is not theirs to see.
is_staff_of = has_role_in(*(r for r in Role.values if r != Role.RESIDENT))

rules.add_perm("organisations.view_members", is_staff_of | is_platform_admin)
