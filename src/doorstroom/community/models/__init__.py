"""The community of a complex: its residents, the board of four, activity requests with their
budget lines, the monthly meeting with its decisions, the yearly budget with spending and
receipts, evaluations, and the contributions residents log."""

from doorstroom.community.models.activities import (
    ActivityRequest,
    ActivityStatus,
    Budget,
    BudgetLine,
    Decision,
    DecisionOutcome,
    Evaluation,
    Expense,
)
from doorstroom.community.models.contributions import ContributionLog
from doorstroom.community.models.meetings import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    AttendanceCapacity,
    Meeting,
    MeetingStatus,
)
from doorstroom.community.models.residents import (
    BOARD_SEATS,
    BoardPosition,
    BoardTerm,
    Community,
    Invitation,
    Resident,
    ResidentVisibility,
    TermKind,
)

__all__ = [
    "BOARD_SEATS",
    "ActivityRequest",
    "ActivityStatus",
    "AgendaItem",
    "AgendaItemKind",
    "Attendance",
    "AttendanceCapacity",
    "BoardPosition",
    "BoardTerm",
    "Budget",
    "BudgetLine",
    "Community",
    "ContributionLog",
    "Decision",
    "DecisionOutcome",
    "Evaluation",
    "Expense",
    "Invitation",
    "Meeting",
    "MeetingStatus",
    "Resident",
    "ResidentVisibility",
    "TermKind",
]
