"""What the board decides in its meeting: a request approved (with the amount granted), rejected
or sent back for changes, each with a quorum of board members present and within the year's
budget; and the evaluation of an activity that took place, discussed and closed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved, snapshot_fields
from doorstroom.community import mail
from doorstroom.community.meetings import at_the_meeting, next_meeting_id, quorum_of
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    AgendaItem,
    BudgetLine,
    Community,
    Decision,
    DecisionOutcome,
    Evaluation,
    Meeting,
    MeetingStatus,
)
from doorstroom.community.selectors import budget_summary
from doorstroom.organisations.access import require_permission

#: What a request's status becomes with each outcome.
STATUS_BY_OUTCOME = {
    DecisionOutcome.APPROVED: ActivityStatus.APPROVED,
    DecisionOutcome.REJECTED: ActivityStatus.REJECTED,
    DecisionOutcome.SENT_BACK: ActivityStatus.SENT_BACK,
}
#: The e-mail the requester gets for each outcome (templates under community/email/).
MAIL_BY_OUTCOME = {
    DecisionOutcome.APPROVED: "decision_approved",
    DecisionOutcome.REJECTED: "decision_rejected",
    DecisionOutcome.SENT_BACK: "decision_sent_back",
}


def requested_amount(request: ActivityRequest) -> Decimal:
    """The sum of the request's budget lines."""
    total = BudgetLine.objects.filter(request=request).aggregate(
        total=Coalesce(
            Sum("amount"),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=9, decimal_places=2),
        )
    )["total"]
    return Decimal(total)


def euros(amount: Decimal) -> str:
    """An amount as it reads in a message: € 1.250,00."""
    from doorstroom.config.templatetags.doorstroom import euro

    return euro(amount)


def _check_meeting(meeting: Meeting, message: str) -> None:
    if not at_the_meeting(meeting):
        raise ValidationError(message)


@transaction.atomic
def decide(
    *,
    acting_user: Any,
    meeting: Meeting,
    request: ActivityRequest,
    outcome: str,
    amount_granted: Decimal | None = None,
    reason: str = "",
) -> Decision:
    """Record the board's decision on a submitted request in ``meeting``.

    Refused without a quorum of board members present (the meeting's attendance), for a request
    that is not submitted, in a cancelled meeting or one that starts more than a day from now,
    without a reason for a rejection or a request for changes, and for a grant larger than what
    remains of the budget of the activity's year. The community row is locked, so two grants at
    the same moment cannot together spend more than remains."""
    require_permission(acting_user, "community.decide", meeting.community)
    community = (
        Community.objects.select_for_update(of=("self",))
        .select_related("complex__corporation")
        .get(pk=meeting.community_id)
    )
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    meeting.community = community
    request = (
        ActivityRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by__user")
        .get(pk=request.pk)
    )
    if request.community_id != community.pk:
        raise ValidationError(_("This request belongs to another community."))
    _check_meeting(meeting, _("Decisions are recorded at the meeting."))
    if request.status != ActivityStatus.SUBMITTED:
        raise ValidationError(
            _("The board decides on a submitted request only; this one is: %(status)s.")
            % {"status": request.get_status_display().lower()}
        )
    if (
        meeting.status == MeetingStatus.HELD
        and not AgendaItem.objects.filter(meeting=meeting, request=request).exists()
    ):
        raise ValidationError(_("This request was not on the agenda of this meeting."))
    if meeting.status == MeetingStatus.PLANNED and next_meeting_id(community) != meeting.pk:
        # The agenda of a later meeting is built when its turn comes.
        raise ValidationError(_("This request is on the agenda of an earlier meeting."))
    if outcome not in DecisionOutcome.values:
        raise ValidationError({"outcome": _("Choose the decision.")})
    quorum = quorum_of(meeting)
    if not quorum.reached:
        raise ValidationError(
            _(
                "No decision without a quorum: at least %(quorum)s of the 4 board members must "
                "be present."
            )
            % {"quorum": quorum.needed}
        )
    reason = reason.strip()
    if outcome == DecisionOutcome.REJECTED and not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    if outcome == DecisionOutcome.SENT_BACK and not reason:
        raise ValidationError({"reason": _("Say what has to change before the board decides.")})

    grant: Decimal | None = None
    if outcome == DecisionOutcome.APPROVED:
        if request.starts_on < timezone.localtime(meeting.starts_at).date():
            raise ValidationError(
                _(
                    "The date of this activity has passed; send it back so the requester can "
                    "choose a new date."
                )
            )
        requested = requested_amount(request)
        grant = requested if amount_granted is None else amount_granted
        if grant > requested:
            raise ValidationError(
                {
                    "amount_granted": _(
                        "The board grants at most the %(requested)s that was requested."
                    )
                    % {"requested": euros(requested)}
                }
            )
        _check_grant(community, request, grant)

    decision = Decision.objects.create(
        request=request,
        meeting=meeting,
        outcome=outcome,
        amount_granted=grant,
        reason=reason,
        recorded_by=acting_user,
    )
    organisation = community.complex.corporation
    record_saved(actor=acting_user, organisation=organisation, obj=decision, before=None)
    before = snapshot_fields(request)
    request.status = STATUS_BY_OUTCOME[DecisionOutcome(outcome)]
    request.amount_granted = grant
    request.save(update_fields=["status", "amount_granted", "updated_at"])
    record_saved(actor=acting_user, organisation=organisation, obj=request, before=before)
    _tell_requester(community, meeting, request, decision)
    return decision


def _check_grant(community: Community, request: ActivityRequest, grant: Decimal) -> None:
    if grant < 0:
        raise ValidationError({"amount_granted": _("The amount granted cannot be negative.")})
    if grant >= Decimal("1000000"):
        raise ValidationError({"amount_granted": _("That amount is too high.")})
    year = request.starts_on.year
    summary = budget_summary(community, year)
    if summary.amount is None:
        if grant > 0:
            raise ValidationError(
                {
                    "amount_granted": _(
                        "There is no budget for %(year)s yet; the manager sets it first."
                    )
                    % {"year": year}
                }
            )
        return
    if grant > summary.remaining:
        raise ValidationError(
            {
                "amount_granted": _(
                    "The grant of %(grant)s is more than the %(remaining)s that remains of the "
                    "budget for %(year)s."
                )
                % {
                    "grant": euros(grant),
                    "remaining": euros(max(summary.remaining, Decimal("0.00"))),
                    "year": year,
                }
            }
        )


def _tell_requester(
    community: Community, meeting: Meeting, request: ActivityRequest, decision: Decision
) -> None:
    resident = request.requested_by
    url = settings.SITE_URL + reverse("community:request", args=[community.pk, request.pk])
    mail.send(
        MAIL_BY_OUTCOME[DecisionOutcome(decision.outcome)],
        {
            "name": resident.display_name,
            "title": request.title,
            "complex": community.complex.name,
            "meeting_date": timezone.localtime(meeting.starts_at).date(),
            "amount_granted": decision.amount_granted,
            "reason": decision.reason,
            "url": url,
        },
        [resident.user.email],
    )


@transaction.atomic
def close_evaluation(
    *, acting_user: Any, meeting: Meeting, request: ActivityRequest, board_note: str = ""
) -> Evaluation:
    """The board discussed the evaluation of an activity in ``meeting`` and closes it."""
    require_permission(acting_user, "community.decide", meeting.community)
    community = Community.objects.select_related("complex__corporation").get(
        pk=meeting.community_id
    )
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    request = ActivityRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.community_id != community.pk:
        raise ValidationError(_("This request belongs to another community."))
    _check_meeting(meeting, _("Evaluations are closed at the meeting."))
    if request.status != ActivityStatus.EVALUATED:
        raise ValidationError(
            _(
                "Only an activity with an evaluation to discuss can be closed; this one is: %(status)s."
            )
            % {"status": request.get_status_display().lower()}
        )
    evaluation = Evaluation.objects.select_for_update(of=("self",)).get(request=request)
    organisation = community.complex.corporation
    before = snapshot_fields(evaluation)
    evaluation.closed_in = meeting
    evaluation.closed_at = timezone.now()
    evaluation.board_note = board_note.strip()
    evaluation.save(update_fields=["closed_in", "closed_at", "board_note"])
    record_saved(actor=acting_user, organisation=organisation, obj=evaluation, before=before)
    request_before = snapshot_fields(request)
    request.status = ActivityStatus.CLOSED
    request.save(update_fields=["status", "updated_at"])
    record_saved(actor=acting_user, organisation=organisation, obj=request, before=request_before)
    return evaluation


__all__ = ["close_evaluation", "decide", "requested_amount"]
