"""Who may see and change the portfolio. Deny by default; the corporation's own staff edit."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

import rules

from doorstroom.organisations.roles import Role
from doorstroom.organisations.rules import is_platform_admin
from doorstroom.organisations.selectors import holds_role_in, memberships_of

STAFF: Set[str] = {Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER}
CARE: Set[str] = {Role.CASE_WORKER, Role.TEAM_LEAD}


@rules.predicate
def is_corporation_staff(user: Any, obj: Any) -> bool:
    """Staff of the corporation that owns ``obj`` (an organisation, complex, dwelling or agreement)."""
    return obj is not None and holds_role_in(user, _corporation_id(obj), STAFF)


@rules.predicate
def is_corporation_manager(user: Any, obj: Any) -> bool:
    return obj is not None and holds_role_in(
        user, _corporation_id(obj), {Role.MIXED_LIVING_MANAGER}
    )


@rules.predicate
def is_partner_care_provider(user: Any, obj: Any) -> bool:
    """Case worker or team lead of a care provider with an agreement on the complex of ``obj``."""
    if obj is None:
        return False
    from doorstroom.portfolio.models import CareLeaseAgreement, Complex, Dwelling

    if isinstance(obj, CareLeaseAgreement):
        return holds_role_in(user, obj.care_provider_id, CARE)
    complex_id = (
        obj.pk
        if isinstance(obj, Complex)
        else obj.complex_id
        if isinstance(obj, Dwelling)
        else None
    )
    providers = {m.organisation_id for m in memberships_of(user) if m.role in CARE}
    if complex_id is None:
        return False
    return (
        bool(providers)
        and CareLeaseAgreement.objects.filter(
            complex_id=complex_id, care_provider_id__in=providers
        ).exists()
    )


@rules.predicate
def is_quota_party(user: Any, quota: Any) -> bool:
    return quota is not None and (
        holds_role_in(user, quota.corporation_id, {Role.MIXED_LIVING_MANAGER})
        or holds_role_in(user, quota.municipality_id, {Role.POLICY_OFFICER})
    )


@rules.predicate
def sees_quota(user: Any, quota: Any) -> bool:
    return quota is not None and (
        holds_role_in(user, quota.corporation_id, STAFF)
        or holds_role_in(user, quota.municipality_id, {Role.POLICY_OFFICER})
    )


def _corporation_id(obj: Any) -> int | None:
    from doorstroom.organisations.models import Organisation

    if isinstance(obj, Organisation):
        return obj.pk
    return getattr(obj, "corporation_id", None)


rules.add_perm(
    "portfolio.view_complex", is_corporation_staff | is_partner_care_provider | is_platform_admin
)
rules.add_perm("portfolio.add_complex", is_corporation_manager)
rules.add_perm("portfolio.change_complex", is_corporation_manager)
rules.add_perm(
    "portfolio.view_dwelling", is_corporation_staff | is_partner_care_provider | is_platform_admin
)
rules.add_perm("portfolio.view_tenant", is_corporation_staff)
rules.add_perm("portfolio.change_dwelling", is_corporation_manager)
rules.add_perm("portfolio.import_dwellings", is_corporation_manager)
rules.add_perm(
    "portfolio.view_agreement", is_corporation_staff | is_partner_care_provider | is_platform_admin
)
rules.add_perm("portfolio.change_agreement", is_corporation_manager)
rules.add_perm("portfolio.change_suitability_policy", is_corporation_manager)
rules.add_perm("portfolio.view_quota", sees_quota | is_platform_admin)
rules.add_perm("portfolio.change_quota", is_quota_party)
