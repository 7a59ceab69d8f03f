"""The outcome measures as JSON (spec section 3): the same object as `doorstroom outcomes
--format json`, for the placements the logged-in person may count, narrowed by ``complex``,
``care_provider``, ``corporation`` or ``municipality``; ``as_of`` defaults to today.

Bad input answers 400 with a message; a scope the person cannot see at all is simply empty. A
policy officer gets the municipality's aggregates with counts of 1 to 4 as "<5" and the figures
computed from them withheld.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import has_role_anywhere
from doorstroom.outcomes.disclosure import suppress_outcomes
from doorstroom.outcomes.measures import outcomes
from doorstroom.outcomes.scopes import UnknownScope, placements_for
from doorstroom.tenancies.models import Placement

#: Who may ask: the partners who see placements or their aggregates.
ROLES = (
    Role.MIXED_LIVING_MANAGER,
    Role.LETTING_OFFICER,
    Role.CASE_WORKER,
    Role.TEAM_LEAD,
    Role.POLICY_OFFICER,
)
SCOPES = ("complex", "care_provider", "corporation", "municipality")


@require_GET
def measures(request: HttpRequest) -> JsonResponse:
    if not has_role_anywhere(request.user, *ROLES):
        raise Http404
    text = request.GET.get("as_of", "")
    try:
        as_of = dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return JsonResponse({"error": _("as_of is a date written as YYYY-MM-DD.")}, status=400)
    scope = {key: request.GET[key] for key in SCOPES if request.GET.get(key)}
    try:
        placements = placements_for(
            request.user,
            complex_code=scope.get("complex"),
            care_provider=scope.get("care_provider"),
            corporation=scope.get("corporation"),
            municipality=scope.get("municipality"),
        )
    except UnknownScope as error:
        return JsonResponse({"error": str(error)}, status=400)
    result = outcomes(placements, as_of, scope)
    if _reaches_beyond_own_placements(request.user, placements):
        result = suppress_outcomes(result)
    return JsonResponse(result)


def _reaches_beyond_own_placements(user: object, placements: QuerySet[Placement]) -> bool:
    """Whether the figures count placements the person sees only as a policy officer (the
    municipality's aggregates): then small counts are suppressed (disclosure.py), also for
    someone who holds another role elsewhere."""
    if not has_role_anywhere(user, Role.POLICY_OFFICER):
        return False
    own = Placement.objects.visible_to(user).values("pk")
    return placements.exclude(pk__in=own).exists()
