"""Placements and tenancies: the placement and its states, the way to the flip and after it, and
early warning with referrals."""

from doorstroom.tenancies.models.pathway import (
    AftercareCheckIn,
    AttentionReminder,
    CheckInOutcome,
    EventKind,
    FlipPolicy,
    FlipSignOff,
    FlipStatement,
    InventoryItem,
    LabelDecision,
    PlacementEvent,
    SignOffParty,
    StatementKind,
)
from doorstroom.tenancies.models.placements import (
    ExitReason,
    Placement,
    PlacementQuerySet,
    PlacementState,
)
from doorstroom.tenancies.models.signalling import (
    ArrearsReport,
    NeighbourhoodArea,
    Referral,
    ReferralAction,
    ReferralStatus,
    Signal,
    SignalKind,
    SignalSource,
)

__all__ = [
    "AftercareCheckIn",
    "ArrearsReport",
    "AttentionReminder",
    "CheckInOutcome",
    "EventKind",
    "ExitReason",
    "FlipPolicy",
    "FlipSignOff",
    "FlipStatement",
    "InventoryItem",
    "LabelDecision",
    "NeighbourhoodArea",
    "Placement",
    "PlacementEvent",
    "PlacementQuerySet",
    "PlacementState",
    "Referral",
    "ReferralAction",
    "ReferralStatus",
    "SignOffParty",
    "Signal",
    "SignalKind",
    "SignalSource",
    "StatementKind",
]
