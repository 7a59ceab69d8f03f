"""The 3-year clock of a care-lease placement: days since the start, days left to 36 months, the
attention points of the agreement's flip policy that were reached, and the overdue flag; the
reminder e-mail sent once per attention point; the attention lists of the home page.

36 months is 1095 days, as in shared/spec/outcome-measures.md (``overdue_3y``). Attention points
are whole months after the start (``start_date + relativedelta(months=m)``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.models import CareLeaseAgreement
from doorstroom.tenancies.models import (
    AttentionReminder,
    EventKind,
    FlipPolicy,
    Placement,
    PlacementEvent,
    PlacementQuerySet,
    PlacementState,
)
from doorstroom.tenancies.models.pathway import default_attention_months

logger = logging.getLogger(__name__)

#: 36 months, in days (outcome-measures spec).
OVERDUE_DAYS = 1095


def local_today() -> dt.date:
    """The current date in the site's time zone; tests replace this to freeze time."""
    return timezone.localdate()


def policy_for(agreement: CareLeaseAgreement) -> FlipPolicy:
    """The agreement's flip policy, created with the defaults when it has none yet."""
    policy, _created = FlipPolicy.objects.get_or_create(agreement=agreement)
    return policy


def _attention_months_of(placement: Placement) -> list[int]:
    """The attention points of the placement's agreement, without writing (select_related
    ``care_lease__agreement__flip_policy`` to avoid a query)."""
    lease = placement.care_lease
    if lease is None:
        return default_attention_months()
    try:
        policy = lease.agreement.flip_policy
    except FlipPolicy.DoesNotExist:
        return default_attention_months()
    return sorted({int(m) for m in policy.attention_months or []})


def point_date(start: dt.date, months: int) -> dt.date:
    return start + relativedelta(months=months)


@dataclass(frozen=True)
class Clock:
    start: dt.date
    on: dt.date
    days_since_start: int
    #: Days left to 36 months; 0 once overdue.
    days_left: int
    #: The attention points (months) reached on ``on``, ascending.
    points_reached: tuple[int, ...]
    #: (months, date) of the next attention point, if any.
    next_point: tuple[int, dt.date] | None
    overdue: bool

    @property
    def days_over(self) -> int:
        return max(0, self.days_since_start - OVERDUE_DAYS)

    @property
    def highest_point(self) -> int | None:
        return self.points_reached[-1] if self.points_reached else None

    @property
    def needs_attention(self) -> bool:
        return self.overdue or bool(self.points_reached)


def clock_of(
    start: dt.date, on: dt.date, attention_months: list[int] | tuple[int, ...] | None = None
) -> Clock:
    """The clock of a care lease that started on ``start``, as it stands on ``on``."""
    months = sorted(
        set(default_attention_months() if attention_months is None else attention_months)
    )
    days = (on - start).days
    reached = tuple(m for m in months if point_date(start, m) <= on)
    upcoming = [(m, point_date(start, m)) for m in months if point_date(start, m) > on]
    return Clock(
        start=start,
        on=on,
        days_since_start=days,
        days_left=max(0, OVERDUE_DAYS - days),
        points_reached=reached,
        next_point=upcoming[0] if upcoming else None,
        overdue=days >= OVERDUE_DAYS,
    )


def placement_clock(placement: Placement, on: dt.date | None = None) -> Clock | None:
    """The clock of a placement in the care lease; None in any other state."""
    if placement.state != PlacementState.CARE_LEASE:
        return None
    return clock_of(placement.start_date, on or local_today(), _attention_months_of(placement))


def _latest_start_reaching(on: dt.date, months: int) -> dt.date:
    """The latest start date for which ``start + months`` is on or before ``on``.

    ``relativedelta`` clamps to the month's end (31 January + 1 month = 28 February), so when
    ``on`` is the last day of its month, every start in the month ``months`` earlier counts."""
    earlier = on - relativedelta(months=months)
    if on.day == calendar.monthrange(on.year, on.month)[1]:
        return earlier.replace(day=calendar.monthrange(earlier.year, earlier.month)[1])
    return earlier


def attention_list(placements_qs: QuerySet[Placement], on: dt.date) -> QuerySet[Placement]:
    """Care-lease placements of ``placements_qs`` past an attention point or overdue on ``on``.

    The filter runs in the database: one query reads the policies' earliest attention points,
    the returned queryset does the rest (with the clock's data selected, so ``placement_clock``
    runs no query per row)."""
    by_first: dict[int, list[int]] = {}
    for pk, months in FlipPolicy.objects.values_list("pk", "attention_months"):
        points = [int(m) for m in months or []]
        if points:
            by_first.setdefault(min(points), []).append(pk)
    condition = Q(start_date__lte=on - dt.timedelta(days=OVERDUE_DAYS))
    for first, policy_ids in by_first.items():
        condition |= Q(care_lease__agreement__flip_policy__in=policy_ids) & Q(
            start_date__lte=_latest_start_reaching(on, first)
        )
    condition |= Q(care_lease__agreement__flip_policy__isnull=True) & Q(
        start_date__lte=_latest_start_reaching(on, min(default_attention_months()))
    )
    return (
        placements_qs.filter(state=PlacementState.CARE_LEASE, exit_date__isnull=True)
        .filter(condition)
        .select_related("dwelling__complex", "care_lease__agreement__flip_policy")
        .order_by("start_date", "pk")
    )


# --- home page -----------------------------------------------------------------------------------


def placement_url(pk: int) -> str:
    try:
        return reverse("placements:detail", args=[pk])
    except NoReverseMatch:
        return ""


def provider_placements(user: Any, membership: Any) -> PlacementQuerySet | None:
    """The placements a care-provider member looks after: a case worker those of the clients they
    guide (same care provider, reference = client reference), a team lead all of theirs."""
    from doorstroom.clients.models import Client

    organisation = membership.organisation
    if membership.role == Role.CASE_WORKER:
        references = Client.objects.filter(care_provider=organisation, case_worker=user).values(
            "reference"
        )
        return Placement.objects.filter(care_provider=organisation, client_ref__in=references)
    if membership.role == Role.TEAM_LEAD:
        return Placement.objects.filter(care_provider=organisation)
    return None


def attention_items(user: Any, membership: Any, limit: int = 12) -> list[Any]:
    """Care-lease placements past an attention point or overdue, for the home page of a case
    worker (their clients), a team lead (their organisation's) or a mixed-living manager (the
    corporation's complexes)."""
    from doorstroom.home.sections import Item

    if membership.role == Role.MIXED_LIVING_MANAGER:
        placements: PlacementQuerySet | None = Placement.objects.filter(
            dwelling__corporation=membership.organisation
        )
    else:
        placements = provider_placements(user, membership)
    if placements is None:
        return []
    on = local_today()
    items = []
    for placement in attention_list(placements.visible_to(user), on)[:limit]:
        clock = placement_clock(placement, on)
        assert clock is not None
        if clock.overdue:
            detail = _("Overdue: %(days)s days since the start (more than 36 months)") % {
                "days": clock.days_since_start
            }
        else:
            detail = _("%(months)s months reached; %(days)s days left to 36 months") % {
                "months": clock.highest_point,
                "days": clock.days_left,
            }
        items.append(
            Item(
                label=f"{placement.client_ref} · {placement.dwelling.address}",
                detail=str(detail),
                url=placement_url(placement.pk),
            )
        )
    return items


# --- reminders -----------------------------------------------------------------------------------


def _recipients(placement: Placement) -> list[str]:
    """The client's case worker and the corporation's mixed-living managers."""
    from doorstroom.clients.models import Client
    from doorstroom.organisations.models import Membership

    addresses: list[str] = []
    client = (
        Client.objects.filter(
            care_provider_id=placement.care_provider_id, reference=placement.client_ref
        )
        .select_related("case_worker")
        .first()
    )
    if client is not None and client.case_worker is not None and client.case_worker.is_active:
        addresses.append(client.case_worker.email)
    addresses += Membership.objects.filter(
        organisation_id=placement.dwelling.corporation_id,
        role=Role.MIXED_LIVING_MANAGER,
        user__is_active=True,
    ).values_list("user__email", flat=True)
    return sorted({a for a in addresses if a})


def _remind(placement_id: int, on: dt.date) -> bool:
    """Record the attention points the placement reached and send one reminder for the highest
    new one; True when a reminder was sent (or would have been, without recipients)."""
    from doorstroom.lettings.links import site_url
    from doorstroom.lettings.mail import send_after_commit

    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("dwelling__complex", "dwelling__corporation", "care_lease__agreement")
        .filter(pk=placement_id, state=PlacementState.CARE_LEASE)
        .first()
    )
    if placement is None or placement.care_lease is None:
        return False
    policy = policy_for(placement.care_lease.agreement)
    clock = clock_of(placement.start_date, on, [int(m) for m in policy.attention_months or []])
    done = set(placement.reminders.values_list("months", flat=True))
    new = [m for m in clock.points_reached if m not in done]
    if not new:
        return False
    highest = max(new)
    # Points passed while the job did not run are recorded without a mail of their own; a point
    # lower than one already reminded (the policy changed) gets no mail either.
    mail = highest > max(done, default=0)
    for months in new:
        reminder = AttentionReminder.objects.create(
            placement=placement, months=months, due_on=point_date(placement.start_date, months)
        )
        record_saved(
            actor=None,
            organisation=placement.dwelling.corporation,
            obj=reminder,
            before=None,
        )
    passed = sorted(m for m in new if m != highest or not mail)
    summary = (
        _("%(months)s months after the start: reminder sent") % {"months": highest} if mail else ""
    )
    if passed:
        passed_text = _("%(months)s months passed without a reminder") % {
            "months": ", ".join(str(m) for m in passed)
        }
        summary = f"{summary}; {passed_text}" if summary else str(passed_text)
    PlacementEvent.objects.create(
        placement=placement,
        kind=EventKind.REMINDER,
        on=point_date(placement.start_date, highest),
        summary=str(summary)[:300],
    )
    if not mail:
        return False
    recipients = _recipients(placement)
    if recipients:
        url = placement_url(placement.pk)
        send_after_commit(
            "tenancies_attention_point",
            {
                "reference": placement.client_ref,
                "address": placement.dwelling.address,
                "complex_name": placement.dwelling.complex.name,
                "months": highest,
                "reached_on": point_date(placement.start_date, highest),
                "start_date": placement.start_date,
                "days_since_start": clock.days_since_start,
                "days_left": clock.days_left,
                "overdue": clock.overdue,
                "link": site_url(url) if url else "",
            },
            recipients,
        )
    else:
        logger.warning("No recipients for the attention reminder of placement %s", placement.pk)
    return True


def send_attention_reminders(today: dt.date | None = None) -> int:
    """Remind the case worker and the managers of every care-lease placement that reached an
    attention point without a reminder for it: one e-mail per point, never twice (idempotent).
    Returns the number of reminders sent."""
    on = today or local_today()
    candidates = attention_list(Placement.objects.all(), on).values_list("pk", flat=True)
    sent = 0
    for pk in list(candidates):
        with transaction.atomic():
            if _remind(pk, on):
                sent += 1
    return sent
