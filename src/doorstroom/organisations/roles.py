"""The roles people have in Doorstroom, and which organisation kinds they belong to.

This is the one place that says which role exists, in which kind of organisation it can be held,
and whether it needs a second factor. Permissions built on roles live in each app's rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    CORPORATION = "corporation", _("Housing corporation")
    CARE_PROVIDER = "care_provider", _("Care provider")
    MUNICIPALITY = "municipality", _("Municipality")
    NEIGHBOURHOOD_TEAM = "neighbourhood_team", _("Neighbourhood team")


class Role(models.TextChoices):
    MIXED_LIVING_MANAGER = "mixed_living_manager", _("Mixed-living manager")
    LETTING_OFFICER = "letting_officer", _("Letting officer")
    CASE_WORKER = "case_worker", _("Case worker")
    TEAM_LEAD = "team_lead", _("Team lead")
    POLICY_OFFICER = "policy_officer", _("Policy officer")
    NEIGHBOURHOOD_TEAM_MEMBER = "neighbourhood_team_member", _("Neighbourhood team member")
    RESIDENT = "resident", _("Resident")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


@dataclass(frozen=True)
class RolePolicy:
    role: Role
    kinds: frozenset[OrganisationKind]
    requires_two_factor: bool


_ALL_KINDS = frozenset(OrganisationKind)

ROLE_POLICY: dict[str, RolePolicy] = {
    policy.role: policy
    for policy in [
        RolePolicy(Role.MIXED_LIVING_MANAGER, frozenset({OrganisationKind.CORPORATION}), True),
        RolePolicy(Role.LETTING_OFFICER, frozenset({OrganisationKind.CORPORATION}), True),
        RolePolicy(Role.CASE_WORKER, frozenset({OrganisationKind.CARE_PROVIDER}), True),
        RolePolicy(Role.TEAM_LEAD, frozenset({OrganisationKind.CARE_PROVIDER}), True),
        RolePolicy(Role.POLICY_OFFICER, frozenset({OrganisationKind.MUNICIPALITY}), True),
        RolePolicy(
            Role.NEIGHBOURHOOD_TEAM_MEMBER,
            frozenset({OrganisationKind.NEIGHBOURHOOD_TEAM}),
            True,
        ),
        # Residents see community content only. A seat on the community board is not a role
        # but a board term in the community (community.BoardTerm); a second factor is optional.
        RolePolicy(Role.RESIDENT, frozenset({OrganisationKind.CORPORATION}), False),
        RolePolicy(Role.PRIVACY_OFFICER, _ALL_KINDS, True),
    ]
}


def roles_for_kind(kind: str) -> list[Role]:
    return [policy.role for policy in ROLE_POLICY.values() if kind in policy.kinds]
