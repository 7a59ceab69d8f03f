"""Who may see and change a client: only the client's own care provider. Deny by default."""

from __future__ import annotations

from typing import Any

import rules

from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of


def _roles_in(user: Any, organisation_id: int | None) -> set[str]:
    return {m.role for m in memberships_of(user) if m.organisation_id == organisation_id}


@rules.predicate
def is_own_care_provider(user: Any, client: Any) -> bool:
    return client is not None and bool(
        _roles_in(user, client.care_provider_id) & {Role.CASE_WORKER, Role.TEAM_LEAD}
    )


@rules.predicate
def is_team_lead_of_provider(user: Any, client: Any) -> bool:
    return client is not None and Role.TEAM_LEAD in _roles_in(user, client.care_provider_id)


# Platform administrators deliberately have no access to care records.
rules.add_perm("clients.view_client", is_own_care_provider)
rules.add_perm("clients.change_client", is_own_care_provider)
rules.add_perm("clients.override_readiness", is_team_lead_of_provider)
