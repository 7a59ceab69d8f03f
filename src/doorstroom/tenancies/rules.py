"""Who may see and act on placements, signals and referrals. Deny by default.

- The client's care provider (case workers, team leads) and the corporation's staff (manager,
  letting officer) see a placement; only the care provider sees care details (never here).
- The team lead signs the flip off for the care provider, the mixed-living manager for the
  corporation; the manager records label decisions and exits; case workers record advice, the
  client's wish, inventory and aftercare check-ins.
- Signals are recorded by the corporation's staff; a referral is seen and answered by the
  organisation it was sent to (neighbourhood team or care provider) and seen by the corporation.
"""

from __future__ import annotations

from typing import Any

import rules

from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import holds_role_in

CARE = {Role.CASE_WORKER, Role.TEAM_LEAD}
CORPORATION = {Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER}
TEAM = {Role.NEIGHBOURHOOD_TEAM_MEMBER}


def _corporation_id(obj: Any) -> int | None:
    from doorstroom.organisations.models import Organisation
    from doorstroom.tenancies.models import Placement, Referral, Signal

    if isinstance(obj, Organisation):
        return obj.pk
    if isinstance(obj, Referral):
        obj = obj.signal
    if isinstance(obj, (Placement, Signal)):
        return obj.dwelling.corporation_id
    return None


@rules.predicate
def is_placement_care_provider(user: Any, placement: Any) -> bool:
    return placement is not None and holds_role_in(user, placement.care_provider_id, CARE)


@rules.predicate
def is_placement_team_lead(user: Any, placement: Any) -> bool:
    return placement is not None and holds_role_in(
        user, placement.care_provider_id, {Role.TEAM_LEAD}
    )


@rules.predicate
def is_corporation_staff(user: Any, obj: Any) -> bool:
    return obj is not None and holds_role_in(user, _corporation_id(obj), CORPORATION)


@rules.predicate
def is_corporation_manager(user: Any, obj: Any) -> bool:
    return obj is not None and holds_role_in(
        user, _corporation_id(obj), {Role.MIXED_LIVING_MANAGER}
    )


@rules.predicate
def is_referral_receiver(user: Any, referral: Any) -> bool:
    return referral is not None and holds_role_in(user, referral.receiver_id, CARE | TEAM)


rules.add_perm("tenancies.view_placement", is_placement_care_provider | is_corporation_staff)
rules.add_perm("tenancies.record_statement", is_placement_care_provider)
rules.add_perm("tenancies.change_inventory", is_placement_care_provider | is_corporation_manager)
rules.add_perm("tenancies.sign_off_for_care_provider", is_placement_team_lead)
rules.add_perm("tenancies.sign_off_for_corporation", is_corporation_manager)
rules.add_perm("tenancies.flip_placement", is_placement_team_lead | is_corporation_manager)
rules.add_perm("tenancies.change_label", is_corporation_manager)
rules.add_perm("tenancies.exit_placement", is_corporation_manager | is_placement_team_lead)
rules.add_perm("tenancies.record_check_in", is_placement_care_provider)
rules.add_perm("tenancies.view_signal", is_corporation_staff)
rules.add_perm("tenancies.record_signal", is_corporation_staff)
rules.add_perm("tenancies.import_arrears", is_corporation_manager)
rules.add_perm("tenancies.view_referral", is_referral_receiver | is_corporation_staff)
rules.add_perm("tenancies.answer_referral", is_referral_receiver)
