"""Who may nominate, see nominations, and decide on them in a placement meeting."""

from __future__ import annotations

from typing import Any

import rules

from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import holds_role_in

PROVIDER_ROLES = {Role.CASE_WORKER, Role.TEAM_LEAD}
CORPORATION_ROLES = {Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER}


@rules.predicate
def sees_nomination(user: Any, nomination: Any) -> bool:
    return nomination is not None and (
        holds_role_in(user, nomination.care_provider_id, PROVIDER_ROLES)
        or holds_role_in(user, nomination.complex.corporation_id, CORPORATION_ROLES)
    )


@rules.predicate
def in_meeting_organisations(user: Any, meeting: Any) -> bool:
    return meeting is not None and (
        holds_role_in(user, meeting.care_provider_id, PROVIDER_ROLES)
        or holds_role_in(user, meeting.corporation_id, {Role.MIXED_LIVING_MANAGER})
    )


rules.add_perm("lettings.view_nomination", sees_nomination)
rules.add_perm("lettings.view_meeting", in_meeting_organisations)
rules.add_perm("lettings.decide_in_meeting", in_meeting_organisations)
