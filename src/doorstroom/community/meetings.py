"""The monthly meeting of a community's board with the manager: the rule that plans it (and the
scheduled job that does), extra and cancelled meetings, the agenda built from the requests,
attendance with the quorum, the minutes, and marking a meeting held, which keeps its agenda as it
was. The board's decisions are in decisions.py."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved, snapshot_fields
from doorstroom.community.models import (
    BOARD_SEATS,
    ActivityRequest,
    ActivityStatus,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    AttendanceCapacity,
    BudgetLine,
    Community,
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
)
from doorstroom.community.models.residents import WeekOfMonth
from doorstroom.community.selectors import board_on
from doorstroom.organisations.access import require_permission

ZONE = ZoneInfo("Europe/Amsterdam")
#: Attendance, decisions and minutes are recorded at the meeting: from a day before it starts.
AT_THE_MEETING = dt.timedelta(days=1)
#: The recurrence plans the meetings of this many months: the current one and the next.
MONTHS_AHEAD = 2
#: The order of the agenda.
KIND_ORDER = [
    AgendaItemKind.REQUEST,
    AgendaItemKind.RESUBMITTED,
    AgendaItemKind.SENT_BACK,
    AgendaItemKind.EVALUATION,
    AgendaItemKind.FREE,
]


# --- The recurrence ------------------------------------------------------------------------------


def meeting_day(year: int, month: int, week: int, weekday: int) -> dt.date:
    """The ``week``-th (1-4, or -1 for the last) ``weekday`` (Monday 0) of the month."""
    if week == WeekOfMonth.LAST:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week - 1))


def meeting_start(day: dt.date, at: dt.time) -> dt.datetime:
    """The meeting's start on ``day`` at ``at`` in Amsterdam, summer or winter time alike."""
    return dt.datetime.combine(day, at, tzinfo=ZONE)


def months_from(day: dt.date, count: int) -> Iterator[tuple[int, int]]:
    year, month = day.year, day.month
    for _i in range(count):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def meeting_dates(
    *, week: int, weekday: int, at: dt.time, first_month: dt.date, months: int
) -> list[dt.datetime]:
    """The starts of the meetings of ``months`` months from ``first_month``'s month by the rule
    (week of the month, weekday, time): aware datetimes in Europe/Amsterdam."""
    return [
        meeting_start(meeting_day(year, month, week, weekday), at)
        for year, month in months_from(first_month, months)
    ]


def rule_start(community: Community, year: int, month: int) -> dt.datetime:
    day = meeting_day(year, month, community.meeting_week, community.meeting_weekday)
    return meeting_start(day, community.meeting_time)


def _month_start(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=ZONE)


def _local_month(moment: dt.datetime) -> tuple[int, int]:
    local = timezone.localtime(moment, ZONE)
    return local.year, local.month


def plan_meetings(today: dt.date | None = None) -> int:
    """Plan the meetings of every community for the current and the next month by its rule, when
    the recurrence has not planned one in that month yet. A month in which the recurrence already
    planned a meeting is skipped, whatever became of it (cancelled or moved), so a cancelled
    meeting never comes back; a date already past is not planned. Returns how many were planned."""
    today = today or timezone.localdate()
    *months, after = months_from(today, MONTHS_AHEAD + 1)
    window = (_month_start(*months[0]), _month_start(*after))
    existing = list(
        Meeting.objects.filter(starts_at__gte=window[0], starts_at__lt=window[1]).values_list(
            "community_id", "starts_at", "created_by_id"
        )
    )
    planned = {
        (community_id, *_local_month(starts))
        for community_id, starts, created_by in existing
        if created_by is None
    }
    taken = {(community_id, starts) for community_id, starts, _by in existing}
    count = 0
    for community in Community.objects.select_related("complex__corporation").order_by("pk"):
        for year, month in months:
            if (community.pk, year, month) in planned:
                continue
            starts = rule_start(community, year, month)
            if starts.date() < today or (community.pk, starts) in taken:
                continue
            if _plan_one(community, starts):
                count += 1
    return count


def _plan_one(community: Community, starts: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            meeting, created = Meeting.objects.get_or_create(
                community=community, starts_at=starts, defaults={"place": community.meeting_place}
            )
            if created:
                record_saved(
                    actor=None,
                    organisation=community.complex.corporation,
                    obj=meeting,
                    before=None,
                )
    except IntegrityError:  # pragma: no cover - planned at the same moment by another worker
        return False
    return created


# --- Settings, extra and cancelled meetings ------------------------------------------------------


def _lock_community(community: Community) -> Community:
    return (
        Community.objects.select_for_update(of=("self",))
        .select_related("complex__corporation")
        .get(pk=community.pk)
    )


@transaction.atomic
def update_settings(
    *,
    acting_user: Any,
    community: Community,
    quorum: int,
    meeting_week: int,
    meeting_weekday: int,
    meeting_time: dt.time,
    meeting_minutes: int,
    meeting_place: str,
) -> Community:
    """Change the meeting rule and the quorum. Planned meetings of the recurrence that are still
    to come move to the new day, time and place in their month."""
    require_permission(acting_user, "community.change_settings", community)
    locked = _lock_community(community)
    before = snapshot_fields(locked)
    old_place = locked.meeting_place
    locked.quorum = quorum
    locked.meeting_week = meeting_week
    locked.meeting_weekday = meeting_weekday
    locked.meeting_time = meeting_time
    locked.meeting_minutes = meeting_minutes
    locked.meeting_place = meeting_place.strip()
    locked.full_clean(exclude=["complex"], validate_unique=False)
    locked.save()
    organisation = locked.complex.corporation
    record_saved(actor=acting_user, organisation=organisation, obj=locked, before=before)

    now = timezone.now()
    coming = list(
        Meeting.objects.select_for_update(of=("self",)).filter(
            community=locked,
            status=MeetingStatus.PLANNED,
            created_by__isnull=True,
            starts_at__gt=now,
        )
    )
    taken = set(Meeting.objects.filter(community=locked).values_list("starts_at", flat=True))
    for meeting in coming:
        starts = rule_start(locked, *_local_month(meeting.starts_at))
        place = locked.meeting_place if meeting.place == old_place else meeting.place
        if starts <= now or (starts != meeting.starts_at and starts in taken):
            continue
        if starts == meeting.starts_at and place == meeting.place:
            continue
        meeting_before = snapshot_fields(meeting)
        taken.discard(meeting.starts_at)
        meeting.starts_at, meeting.place = starts, place
        meeting.save(update_fields=["starts_at", "place"])
        taken.add(starts)
        record_saved(
            actor=acting_user, organisation=organisation, obj=meeting, before=meeting_before
        )
    return locked


@transaction.atomic
def add_meeting(
    *, acting_user: Any, community: Community, starts_at: dt.datetime, place: str
) -> Meeting:
    """An extra meeting besides the monthly ones."""
    require_permission(acting_user, "community.run_meeting", community)
    locked = _lock_community(community)
    place = place.strip()
    if not place:
        raise ValidationError({"place": _("Fill in where the meeting is.")})
    if starts_at <= timezone.now():
        raise ValidationError({"date": _("A new meeting is in the future.")})
    if Meeting.objects.filter(community=locked, starts_at=starts_at).exists():
        raise ValidationError({"time": _("There is already a meeting at this time.")})
    meeting = Meeting.objects.create(
        community=locked, starts_at=starts_at, place=place, created_by=acting_user
    )
    record_saved(
        actor=acting_user, organisation=locked.complex.corporation, obj=meeting, before=None
    )
    return meeting


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("community__complex__corporation")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def cancel_meeting(*, acting_user: Any, meeting: Meeting) -> Meeting:
    """Cancel a planned meeting. The recurrence does not plan it again."""
    require_permission(acting_user, "community.run_meeting", meeting.community)
    locked = _lock_meeting(meeting)
    if locked.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    if Decision.objects.filter(meeting=locked).exists():
        raise ValidationError(
            _("This meeting has decisions: it took place and cannot be cancelled.")
        )
    before = snapshot_fields(locked)
    locked.status = MeetingStatus.CANCELLED
    locked.save(update_fields=["status"])
    record_saved(
        actor=acting_user,
        organisation=locked.community.complex.corporation,
        obj=locked,
        before=before,
    )
    meeting.status = locked.status
    return locked


@transaction.atomic
def add_agenda_item(*, acting_user: Any, meeting: Meeting, title: str) -> AgendaItem:
    """A free item on the agenda of a planned meeting."""
    require_permission(acting_user, "community.run_meeting", meeting.community)
    locked = _lock_meeting(meeting)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Fill in the item.")})
    if len(title) > 200:
        raise ValidationError({"title": _("Keep the item under 200 characters.")})
    if locked.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Items are added to a planned meeting only."))
    last = (
        AgendaItem.objects.filter(meeting=locked)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    item = AgendaItem.objects.create(
        meeting=locked,
        kind=AgendaItemKind.FREE,
        title=title,
        position=(last or 0) + 1,
        added_by=acting_user,
    )
    record_saved(
        actor=acting_user,
        organisation=locked.community.complex.corporation,
        obj=item,
        before=None,
    )
    return item


# --- Which meeting is next, and its agenda -------------------------------------------------------


def next_meeting_id(community: Community | int) -> int | None:
    """The meeting whose agenda is still being built: the earliest planned one (also when its time
    has passed and nobody marked it held yet)."""
    community_id = community if isinstance(community, int) else community.pk
    return (
        Meeting.objects.filter(community_id=community_id, status=MeetingStatus.PLANNED)
        .order_by("starts_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )


@dataclass
class AgendaEntry:
    kind: str
    title: str
    request: ActivityRequest | None = None
    #: The stored item (free items; every item of a held meeting).
    item: AgendaItem | None = None
    #: The latest decision on the request in this meeting.
    decision: Decision | None = None
    #: An activity that took place and still lacks its evaluation.
    reminder: bool = False
    requested_amount: Decimal | None = None

    @property
    def kind_label(self) -> str:
        if self.reminder:
            return _("Evaluation still to come")
        return str(AgendaItemKind(self.kind).label)

    @property
    def decidable(self) -> bool:
        """The board can still decide on it here (in a meeting that allows decisions)."""
        return (
            self.kind in (AgendaItemKind.REQUEST, AgendaItemKind.RESUBMITTED)
            and self.request is not None
            and self.request.status == ActivityStatus.SUBMITTED
        )

    @property
    def closable(self) -> bool:
        return (
            self.kind == AgendaItemKind.EVALUATION
            and self.request is not None
            and self.request.status == ActivityStatus.EVALUATED
        )


@dataclass
class Agenda:
    meeting: Meeting
    entries: list[AgendaEntry] = field(default_factory=list)
    #: Built now from the requests (the next meeting); else stored (held) or free items only.
    live: bool = False
    #: A later planned meeting: its agenda is completed before the meeting.
    completed_later: bool = False

    def sections(self) -> list[tuple[str, list[AgendaEntry]]]:
        """The entries grouped under a heading each, in agenda order."""
        groups: dict[tuple[str, bool], list[AgendaEntry]] = {}
        for entry in self.entries:
            groups.setdefault((entry.kind, entry.reminder), []).append(entry)
        ordered = sorted(groups, key=lambda key: (KIND_ORDER.index(AgendaItemKind(key[0])), key[1]))
        return [(groups[key][0].kind_label, groups[key]) for key in ordered]

    @property
    def requests(self) -> list[ActivityRequest]:
        return [e.request for e in self.entries if e.request is not None]


def _decisions_of(meeting: Meeting) -> dict[int, Decision]:
    latest: dict[int, Decision] = {}
    for decision in Decision.objects.filter(meeting=meeting).order_by("decided_at", "pk"):
        latest[decision.request_id] = decision
    return latest


def _earlier_sent_back(meeting: Meeting) -> Exists:
    return Exists(
        Decision.objects.filter(request=OuterRef("pk"), outcome=DecisionOutcome.SENT_BACK).exclude(
            meeting=meeting
        )
    )


def _live_entries(meeting: Meeting, decisions: dict[int, Decision]) -> list[AgendaEntry]:
    day = timezone.localtime(meeting.starts_at, ZONE).date()
    took_place = Q(status=ActivityStatus.APPROVED) & (
        Q(ends_on__lt=day) | Q(ends_on__isnull=True, starts_on__lt=day)
    )
    requests: Any = (
        ActivityRequest.objects.filter(community_id=meeting.community_id)
        .filter(
            Q(
                status__in=[
                    ActivityStatus.SUBMITTED,
                    ActivityStatus.SENT_BACK,
                    ActivityStatus.EVALUATED,
                ]
            )
            | took_place
            | Q(pk__in=list(decisions))
            | Q(evaluation__closed_in=meeting)
        )
        .with_requested_amount()
        .annotate(sent_back_before=_earlier_sent_back(meeting))
        .select_related("evaluation", "requested_by")
        .order_by("submitted_at", "pk")
    )
    entries = []
    for request in requests:
        decision = decisions.get(request.pk)
        closed_here = _evaluation_closed_in(request, meeting)
        if decision is not None or request.status == ActivityStatus.SUBMITTED:
            kind = (
                AgendaItemKind.RESUBMITTED if request.sent_back_before else AgendaItemKind.REQUEST
            )
        elif closed_here or request.status == ActivityStatus.EVALUATED:
            kind = AgendaItemKind.EVALUATION
        elif request.status == ActivityStatus.SENT_BACK:
            kind = AgendaItemKind.SENT_BACK
        else:
            entries.append(
                AgendaEntry(
                    kind=AgendaItemKind.EVALUATION,
                    title=request.title,
                    request=request,
                    reminder=True,
                    requested_amount=request.requested_amount,
                )
            )
            continue
        entries.append(
            AgendaEntry(
                kind=kind,
                title=request.title,
                request=request,
                decision=decision,
                requested_amount=request.requested_amount,
            )
        )
    return entries


def _evaluation_closed_in(request: ActivityRequest, meeting: Meeting) -> bool:
    evaluation = getattr(request, "evaluation", None)
    return evaluation is not None and evaluation.closed_in_id == meeting.pk


def requested_amounts(request_ids: Collection[int]) -> dict[int, Decimal]:
    """The sum of the budget lines of each request, in one query (none without ids)."""
    if not request_ids:
        return {}
    rows = (
        BudgetLine.objects.filter(request_id__in=list(request_ids))
        .values("request_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["request_id"]: row["total"] for row in rows}


def _stored_entries(
    meeting: Meeting, decisions: dict[int, Decision], *, free_only: bool
) -> list[AgendaEntry]:
    items: QuerySet[AgendaItem] = AgendaItem.objects.filter(meeting=meeting).select_related(
        "request__evaluation", "request__requested_by"
    )
    if free_only:
        items = items.filter(kind=AgendaItemKind.FREE)
    stored = list(items)
    amounts = requested_amounts([i.request_id for i in stored if i.request_id is not None])
    return [
        AgendaEntry(
            kind=item.kind,
            title=item.title,
            request=item.request,
            item=item,
            decision=decisions.get(item.request_id) if item.request_id else None,
            requested_amount=amounts.get(item.request_id) if item.request_id else None,
        )
        for item in stored
    ]


def agenda_of(meeting: Meeting, *, next_id: int | None = None) -> Agenda:
    """The agenda of ``meeting`` in a fixed number of queries.

    The next meeting's agenda is built now: new requests, changed requests (submitted again after
    being sent back), requests sent back and waiting for changes, evaluations to discuss, and (as
    a reminder) activities that took place without an evaluation yet, plus the free items; the
    requests decided in this meeting stay on it. A held meeting shows the agenda stored when it
    was marked held. Another planned or a cancelled meeting shows its free items.

    ``next_id`` is the id of the community's next meeting when the caller knows it already."""
    if next_id is None and meeting.status == MeetingStatus.PLANNED:
        next_id = next_meeting_id(meeting.community_id)
    decisions = _decisions_of(meeting) if meeting.status != MeetingStatus.CANCELLED else {}
    if meeting.status == MeetingStatus.HELD:
        entries = _stored_entries(meeting, decisions, free_only=False)
        agenda = Agenda(meeting=meeting, entries=entries)
    elif meeting.status == MeetingStatus.PLANNED and meeting.pk == next_id:
        entries = _live_entries(meeting, decisions) + _stored_entries(
            meeting, decisions, free_only=True
        )
        agenda = Agenda(meeting=meeting, entries=entries, live=True)
    else:
        agenda = Agenda(
            meeting=meeting,
            entries=_stored_entries(meeting, decisions, free_only=True),
            completed_later=meeting.status == MeetingStatus.PLANNED,
        )
    agenda.entries.sort(
        key=lambda e: (
            KIND_ORDER.index(AgendaItemKind(e.kind)),
            e.reminder,
            e.item.position if e.item else 0,
        )
    )
    return agenda


# --- At the meeting: attendance, minutes, held ---------------------------------------------------


def at_the_meeting(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Whether the meeting can be recorded now: not cancelled, and starting within a day."""
    now = now or timezone.now()
    return meeting.status != MeetingStatus.CANCELLED and meeting.starts_at <= now + AT_THE_MEETING


@dataclass(frozen=True)
class Candidate:
    """Someone who can attend: a board member on the meeting's date, or a mixed-living manager."""

    user_id: int
    name: str
    capacity: str
    position: str = ""


def attendance_candidates(meeting: Meeting) -> list[Candidate]:
    """The board on the meeting's date (display names) and the corporation's mixed-living managers
    (full names), in two queries."""
    from doorstroom.organisations.models import Membership
    from doorstroom.organisations.roles import Role

    community = meeting.community
    day = timezone.localtime(meeting.starts_at, ZONE).date()
    board = [
        Candidate(
            user_id=term.resident.user_id,
            name=term.resident.display_name,
            capacity=AttendanceCapacity.BOARD,
            position=term.position,
        )
        for term in board_on(community, day)
    ]
    seen = {c.user_id for c in board}
    managers = []
    for membership in (
        Membership.objects.filter(
            organisation_id=community.complex.corporation_id, role=Role.MIXED_LIVING_MANAGER
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user_id")
    ):
        user = membership.user
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        managers.append(
            Candidate(
                user_id=user.pk,
                name=user.get_full_name() or user.email or user.get_username(),
                capacity=AttendanceCapacity.MANAGER,
            )
        )
    return board + managers


@dataclass(frozen=True)
class Quorum:
    present: int
    needed: int
    seats: int = BOARD_SEATS

    @property
    def reached(self) -> bool:
        return self.present >= self.needed


def quorum_of(meeting: Meeting, attendance: Collection[Attendance] | None = None) -> Quorum:
    """How many board members are present (from the attendance rows) against the quorum."""
    if attendance is None:
        present = Attendance.objects.filter(
            meeting=meeting, capacity=AttendanceCapacity.BOARD, present=True
        ).count()
    else:
        present = sum(1 for a in attendance if a.capacity == AttendanceCapacity.BOARD and a.present)
    return Quorum(present=present, needed=meeting.community.quorum)


@transaction.atomic
def record_attendance(
    *, acting_user: Any, meeting: Meeting, present_user_ids: Collection[int]
) -> list[Attendance]:
    """Record who is present: one row for each board member on the meeting's date and each
    mixed-living manager, with their name as it was then. Only they can be marked present."""
    require_permission(acting_user, "community.run_meeting", meeting.community)
    locked = _lock_meeting(meeting)
    if not at_the_meeting(locked):
        raise ValidationError(_("Attendance is recorded at the meeting."))
    candidates = {c.user_id: c for c in attendance_candidates(locked)}
    present = {int(pk) for pk in present_user_ids}
    unknown = present - set(candidates)
    if unknown:
        raise ValidationError(
            {"present": _("Only board members and the manager can be marked present.")}
        )
    existing = {a.user_id: a for a in Attendance.objects.filter(meeting=locked)}
    before = sorted(user_id for user_id, a in existing.items() if a.present)
    if locked.decisions.exists():
        # The attendance is the evidence of the quorum its decisions needed.
        board_present = sum(
            1 for user_id in present if candidates[user_id].capacity == AttendanceCapacity.BOARD
        )
        if board_present < locked.community.quorum:
            raise ValidationError(
                {
                    "present": _(
                        "The board took decisions in this meeting with a quorum: the "
                        "attendance cannot drop below %(quorum)s board members."
                    )
                    % {"quorum": locked.community.quorum}
                }
            )
    Attendance.objects.filter(meeting=locked).exclude(user_id__in=list(candidates)).delete()
    rows = []
    for user_id, candidate in candidates.items():
        row = existing.get(user_id) or Attendance(meeting=locked, user_id=user_id)
        row.name = candidate.name
        row.capacity = candidate.capacity
        row.position = candidate.position
        row.present = user_id in present
        row.save()
        rows.append(row)
    after = sorted(present)
    if before != after or not existing:
        record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            organisation=locked.community.complex.corporation,
            obj=locked,
            changes={"attendance": (before, after)},
        )
    return rows


@transaction.atomic
def write_minutes(*, acting_user: Any, meeting: Meeting, minutes: str) -> Meeting:
    """The secretary (or the manager) writes the minutes; residents read them once it is held."""
    require_permission(acting_user, "community.write_minutes", meeting.community)
    locked = _lock_meeting(meeting)
    if not at_the_meeting(locked):
        raise ValidationError(_("Minutes are written for a meeting that takes place."))
    before = snapshot_fields(locked)
    locked.minutes = minutes.strip()
    locked.minutes_by = acting_user
    locked.minutes_updated_at = timezone.now()
    locked.save(update_fields=["minutes", "minutes_by", "minutes_updated_at"])
    record_saved(
        actor=acting_user,
        organisation=locked.community.complex.corporation,
        obj=locked,
        before=before,
    )
    return locked


@transaction.atomic
def mark_held(*, acting_user: Any, meeting: Meeting) -> Meeting:
    """The meeting took place: its agenda as built now is stored, so it stays as it was."""
    require_permission(acting_user, "community.run_meeting", meeting.community)
    locked = _lock_meeting(meeting)
    if locked.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be marked as held."))
    if locked.starts_at > timezone.now():
        raise ValidationError(_("A meeting is marked as held once it has started."))
    next_id = next_meeting_id(locked.community_id)
    if next_id != locked.pk:
        raise ValidationError(
            _("An earlier meeting is still planned: mark it as held or cancel it first.")
        )
    agenda = agenda_of(locked, next_id=next_id)
    position = 0
    for entry in agenda.entries:
        position += 1
        if entry.item is not None:
            if entry.item.position != position:
                AgendaItem.objects.filter(pk=entry.item.pk).update(position=position)
            continue
        AgendaItem.objects.create(
            meeting=locked,
            kind=entry.kind,
            request=entry.request,
            title=entry.title[:200],
            position=position,
        )
    before = snapshot_fields(locked)
    locked.status = MeetingStatus.HELD
    locked.save(update_fields=["status"])
    record_saved(
        actor=acting_user,
        organisation=locked.community.complex.corporation,
        obj=locked,
        before=before,
    )
    meeting.status = locked.status
    return locked


__all__ = [
    "Agenda",
    "AgendaEntry",
    "Candidate",
    "Quorum",
    "add_agenda_item",
    "add_meeting",
    "agenda_of",
    "at_the_meeting",
    "attendance_candidates",
    "cancel_meeting",
    "mark_held",
    "meeting_dates",
    "meeting_day",
    "next_meeting_id",
    "plan_meetings",
    "quorum_of",
    "record_attendance",
    "update_settings",
    "write_minutes",
]
