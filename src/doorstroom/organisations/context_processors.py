from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of

PORTFOLIO_ROLES = {
    Role.MIXED_LIVING_MANAGER,
    Role.LETTING_OFFICER,
    Role.CASE_WORKER,
    Role.TEAM_LEAD,
}
CARE_ROLES = {Role.CASE_WORKER, Role.TEAM_LEAD}
LETTING_ROLES = {Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER}
QUOTA_ROLES = {Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER, Role.POLICY_OFFICER}
OUTCOME_ROLES = {Role.MIXED_LIVING_MANAGER, Role.CASE_WORKER, Role.TEAM_LEAD, Role.POLICY_OFFICER}


def navigation(user: Any, active: Any = None) -> list[tuple[str, str]]:
    """The main menu: only what the user's roles can open."""
    memberships = memberships_of(user)
    roles = {m.role for m in memberships}
    items = [(reverse("home:start"), _("Home"))]
    if roles & CARE_ROLES:
        items.append((reverse("clients:caseload"), _("Clients")))
        items.append((reverse("lettings:own"), _("Nominations")))
        items.append((reverse("offers:care"), _("Dwellings offered")))
        items.append((reverse("placements:list"), _("Placements")))
        items.append((reverse("signals:received"), _("Referrals")))
        items.append((reverse("aftercare:list"), _("Aftercare")))
    if Role.MIXED_LIVING_MANAGER in roles:
        items.append((reverse("lettings:incoming"), _("Nominations")))
    if roles & LETTING_ROLES:
        items.append((reverse("vacancies:list"), _("Letting")))
        items.append((reverse("placements:list"), _("Placements")))
        items.append((reverse("signals:list"), _("Signals")))
    if roles & {Role.RESIDENT, Role.MIXED_LIVING_MANAGER}:
        items.append((reverse("community:landing"), _("Community")))
    if Role.NEIGHBOURHOOD_TEAM_MEMBER in roles:
        items.append((reverse("team:home"), _("Neighbourhood team")))
    if roles & PORTFOLIO_ROLES or user.is_superuser:
        items.append((reverse("portfolio:overview"), _("Portfolio")))
    if roles & QUOTA_ROLES or user.is_superuser:
        items.append((reverse("outcomes:quota"), _("Quota")))
    if roles & OUTCOME_ROLES:
        items.append((reverse("dashboard:overview"), _("Outcomes")))
        items.append((reverse("reports:index"), _("Reports")))
    if Role.MIXED_LIVING_MANAGER in roles:
        items.append((reverse("projects:manage"), _("Project pages")))
    items.append((reverse("organisations:list"), _("Organisations")))
    officer = [m for m in memberships if m.role == Role.PRIVACY_OFFICER]
    if officer:
        # The trail of the organisation the user is acting for, else of their first such role.
        chosen = next(
            (m for m in officer if active and m.organisation_id == active.organisation_id),
            officer[0],
        )
        items.append((reverse("audit:trail", args=[chosen.organisation_id]), _("Audit trail")))
    if user.is_superuser:
        items.append((reverse("admin:index"), _("Administration")))
    items.append((reverse("accounts:account"), _("My account")))
    return items


def active_membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    ready = user.is_verified() or not user.requires_two_factor
    return {
        "session_ready": ready,
        "nav_items": navigation(user, membership) if ready else [],
        "active_membership": membership if membership else None,
        "all_memberships": memberships_of(user),
    }
