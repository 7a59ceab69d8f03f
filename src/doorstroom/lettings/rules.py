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


def _corporation_of(obj: Any) -> int | None:
    """The corporation behind a vacancy, application, offer or interview slot."""
    from doorstroom.lettings.models import Application, InterviewSlot, Offer, Vacancy

    if isinstance(obj, (Application, InterviewSlot, Offer)):
        obj = obj.vacancy
    if isinstance(obj, Vacancy):
        return obj.dwelling.corporation_id
    return None


@rules.predicate
def is_letting_staff(user: Any, obj: Any) -> bool:
    """The corporation's manager and letting officers: they see applicants and let dwellings."""
    return obj is not None and holds_role_in(user, _corporation_of(obj), CORPORATION_ROLES)


@rules.predicate
def is_letting_manager(user: Any, obj: Any) -> bool:
    return obj is not None and holds_role_in(
        user, _corporation_of(obj), {Role.MIXED_LIVING_MANAGER}
    )


@rules.predicate
def is_offered_care_provider(user: Any, offer: Any) -> bool:
    """The care provider of the nomination a care-stream offer was made for."""
    return (
        offer is not None
        and offer.nomination_id is not None
        and holds_role_in(user, offer.nomination.care_provider_id, PROVIDER_ROLES)
    )


# Vacancies, adverts, applications, scoring, interviews, offers and allocation.
rules.add_perm("lettings.view_vacancy", is_letting_staff)
rules.add_perm("lettings.choose_stream", is_letting_manager)
rules.add_perm("lettings.let_vacancy", is_letting_staff)
rules.add_perm("lettings.view_application", is_letting_staff)
rules.add_perm("lettings.score_application", is_letting_staff)
rules.add_perm("lettings.view_offer", is_letting_staff | is_offered_care_provider)
rules.add_perm("lettings.respond_to_offer", is_letting_staff | is_offered_care_provider)
