"""The one place that lists which state a placement may move to from which state.

care lease -> flipped (own tenancy with the 'wonen met zorg' label) -> label ended; an exit ends a
placement in any of those states. The services in tenancies/services.py ask here before acting.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doorstroom.tenancies.models import PlacementState

ALLOWED: dict[str, frozenset[str]] = {
    PlacementState.CARE_LEASE: frozenset({PlacementState.FLIPPED, PlacementState.EXITED}),
    PlacementState.FLIPPED: frozenset({PlacementState.LABEL_ENDED, PlacementState.EXITED}),
    PlacementState.LABEL_ENDED: frozenset({PlacementState.EXITED}),
    PlacementState.EXITED: frozenset(),
}


def allowed_next(state: str) -> frozenset[str]:
    return ALLOWED.get(state, frozenset())


def may_transition(placement: Any, to_state: str) -> bool:
    return to_state in allowed_next(placement.state)


def check_transition(placement: Any, to_state: str) -> None:
    """Raise a ValidationError naming both states when ``to_state`` cannot follow the current one."""
    if may_transition(placement, to_state):
        return
    raise ValidationError(
        _("A placement in the state '%(current)s' cannot move to '%(next)s'.")
        % {
            "current": PlacementState(placement.state).label,
            "next": PlacementState(to_state).label,
        },
        code="transition_not_allowed",
    )
