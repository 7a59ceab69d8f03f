"""Who may do what in a community. Deny by default.

- Residents (a current residency in the complex) see the community: its board, its residents as
  far as each allows, approved activities, meetings and minutes; they submit requests, follow
  their own, evaluate what they organised and log their own contributions.
- Board members (a board term running today) also see every request with its budget lines, the
  budget, and contribution totals; they record attendance and decisions. The secretary writes the
  minutes; the treasurer records spending.
- The corporation's mixed-living manager sees and does all of that for the complexes of the
  corporation, and alone invites residents, records board terms and sets the budget.
- Nobody else: not care providers, not the municipality (they get aggregates in outcomes), not
  letting officers.
"""

from __future__ import annotations

from typing import Any

import rules

from doorstroom.community.models import BoardPosition
from doorstroom.community.selectors import board_terms_of, community_id_of, residency_of
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import holds_role_in


def _corporation_id(obj: Any) -> int | None:
    from doorstroom.community.models import Community

    community_id = community_id_of(obj)
    if community_id is None:
        return None
    community = obj if isinstance(obj, Community) else None
    if community is None:
        community = getattr(obj, "community", None)
    if community is None or community.pk != community_id:
        community = Community.objects.select_related("complex").get(pk=community_id)
    return community.complex.corporation_id


@rules.predicate
def is_community_manager(user: Any, obj: Any) -> bool:
    if obj is None or not user.is_authenticated:
        return False
    return holds_role_in(user, _corporation_id(obj), {Role.MIXED_LIVING_MANAGER})


@rules.predicate
def is_resident(user: Any, obj: Any) -> bool:
    resident = residency_of(user)
    return (
        resident is not None and obj is not None and resident.community_id == community_id_of(obj)
    )


def _holds_position(*positions: str) -> Any:
    @rules.predicate(name=f"holds_position({', '.join(positions)})")
    def predicate(user: Any, obj: Any) -> bool:
        if obj is None or not is_resident(user, obj):
            return False
        return any(t.position in positions for t in board_terms_of(user))

    return predicate


is_board_member = _holds_position(*BoardPosition.values)
is_secretary = _holds_position(BoardPosition.SECRETARY)
is_treasurer = _holds_position(BoardPosition.TREASURER)


@rules.predicate
def is_requester(user: Any, request: Any) -> bool:
    resident = residency_of(user)
    return (
        resident is not None
        and request is not None
        and getattr(request, "requested_by_id", None) == resident.pk
    )


is_member = is_resident | is_community_manager
is_board_or_manager = is_board_member | is_community_manager

rules.add_perm("community.view_community", is_member)
rules.add_perm("community.invite_resident", is_community_manager)
rules.add_perm("community.manage_board", is_community_manager)
rules.add_perm("community.change_settings", is_community_manager)
rules.add_perm("community.submit_request", is_resident)
#: A request in full (budget lines, decisions): its requester, the board and the manager. Other
#: residents see approved activities only (title, date, place, organisers).
rules.add_perm("community.view_request", is_requester | is_board_or_manager)
rules.add_perm("community.change_request", is_requester)
rules.add_perm("community.view_meeting", is_member)
rules.add_perm("community.run_meeting", is_board_or_manager)
rules.add_perm("community.decide", is_board_or_manager)
rules.add_perm("community.write_minutes", is_secretary | is_community_manager)
rules.add_perm("community.set_budget", is_community_manager)
rules.add_perm("community.view_budget", is_board_or_manager)
rules.add_perm("community.record_expense", is_requester | is_treasurer | is_community_manager)
rules.add_perm("community.view_receipt", is_requester | is_board_or_manager)
rules.add_perm("community.evaluate", is_requester | is_board_member)
rules.add_perm("community.view_figures", is_board_or_manager)
rules.add_perm("community.view_contribution_totals", is_board_or_manager)
rules.add_perm("community.log_contribution", is_resident)
