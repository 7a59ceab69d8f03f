"""Activity requests from submission to evaluation: a resident submits a request with its budget
lines, changes it while the board has not decided (a request sent back is resubmitted by saving
it), withdraws it, or cancels the approved activity before it takes place; spending is recorded
with an optional receipt; afterwards the organisers evaluate it. The board's decisions and the
closing of evaluations are in decisions.py.

Every function here is one transaction, checks the acting user's permission, locks the request it
changes, refuses bad input with a ValidationError naming the field, and writes the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved, snapshot_fields
from doorstroom.community import mail
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    Evaluation,
    Expense,
    Resident,
)
from doorstroom.community.models.activities import OPEN_STATUSES
from doorstroom.community.receipts import check_receipt
from doorstroom.organisations.access import require_permission

#: A request has at most this many budget lines.
MAX_LINES = 10
#: The largest amount a budget line, an expense or a spending total can hold (8 digits, 2 decimals).
MAX_AMOUNT = Decimal("999999.99")
#: Statuses in which spending on an activity is recorded.
SPENDING_STATUSES = frozenset({ActivityStatus.APPROVED, ActivityStatus.EVALUATED})

#: The fields of a request the requester fills in, with their longest length where they have one.
REQUEST_FIELDS: dict[str, int | None] = {
    "title": 120,
    "description": None,
    "place": 120,
    "starts_on": None,
    "ends_on": None,
    "start_time": None,
    "end_time": None,
    "expected_participants": None,
    "organisers": 200,
    "needs_from_corporation": None,
}
_TEXT_FIELDS = ("title", "description", "place", "organisers", "needs_from_corporation")
_REQUIRED_TEXT = {
    "title": gettext_lazy("Fill in a title."),
    "description": gettext_lazy("Describe the activity."),
    "place": gettext_lazy("Fill in where the activity takes place."),
}

Line = tuple[str, Decimal]


def _link(name: str, *args: Any) -> str:
    return f"{settings.SITE_URL}{reverse(name, args=args)}"


def _organisation(request: ActivityRequest) -> Any:
    return request.community.complex.corporation


def _lock(request: ActivityRequest) -> ActivityRequest:
    """The request again, locked for this transaction, with what permissions and mail need."""
    return (
        ActivityRequest.objects.select_for_update(of=("self",))
        .select_related("community__complex__corporation", "requested_by__user")
        .get(pk=request.pk)
    )


# --- Validation shared by the form and the services ------------------------------------------------


def _text(data: Mapping[str, Any], name: str) -> str:
    return str(data.get(name) or "").strip()


def request_errors(
    data: Mapping[str, Any], lines: Sequence[Line], *, today: dt.date
) -> dict[str, list[str]]:
    """What is wrong with a request's fields and budget lines, by field (empty: nothing)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for name in _TEXT_FIELDS:
        value = _text(data, name)
        limit = REQUEST_FIELDS[name]
        if name in _REQUIRED_TEXT and not value:
            add(name, str(_REQUIRED_TEXT[name]))
        elif limit is not None and len(value) > limit:
            add(name, _("Use at most %(count)s characters.") % {"count": limit})
    starts_on = data.get("starts_on")
    ends_on = data.get("ends_on")
    if not isinstance(starts_on, dt.date):
        add("starts_on", _("Fill in the date of the activity."))
    elif starts_on < today:
        add("starts_on", _("A request cannot be for a date in the past."))
    elif ends_on is not None and (not isinstance(ends_on, dt.date) or ends_on < starts_on):
        add("ends_on", _("The last date is on or after the first date."))
    start_time, end_time = data.get("start_time"), data.get("end_time")
    if start_time is not None and end_time is not None and end_time <= start_time:
        add("end_time", _("The end time is after the start time."))
    if end_time is not None and start_time is None:
        add("start_time", _("Fill in the start time too, or leave both times empty."))
    participants = data.get("expected_participants")
    if not isinstance(participants, int) or isinstance(participants, bool):
        add("expected_participants", _("Fill in how many people you expect."))
    elif participants < 1:
        add("expected_participants", _("Expect at least 1 participant."))
    elif participants > 32767:
        add("expected_participants", _("That is too many participants."))
    if len(lines) > MAX_LINES:
        add("lines", _("A request has at most %(count)s budget lines.") % {"count": MAX_LINES})
    for item, amount in lines:
        if not str(item).strip():
            add("lines", _("Every budget line says what the amount is for."))
        elif len(str(item).strip()) > 120:
            add("lines", _("Use at most %(count)s characters.") % {"count": 120})
        if not isinstance(amount, Decimal) or amount <= 0:
            add("lines", _("An amount is more than € 0."))
        elif amount > MAX_AMOUNT:
            add("lines", _("That amount is too high."))
    return errors


def _request_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name) for name in REQUEST_FIELDS}
    for name in _TEXT_FIELDS:
        values[name] = _text(data, name)
    return values


def _lines_text(lines: Iterable[Line]) -> str:
    return "; ".join(f"{item}: {amount}" for item, amount in lines)


def _replace_lines(request: ActivityRequest, lines: Sequence[Line]) -> None:
    from doorstroom.community.models import BudgetLine

    request.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(request=request, item=str(item).strip(), amount=amount) for item, amount in lines
    )


# --- Submitting, changing, withdrawing, cancelling --------------------------------------------------


@transaction.atomic
def submit_request(
    *, acting_user: Any, resident: Resident, data: Mapping[str, Any], lines: Sequence[Line]
) -> ActivityRequest:
    """A resident's new request with its budget lines (status submitted); the requester gets a
    confirmation by e-mail."""
    community = resident.community
    require_permission(acting_user, "community.submit_request", community)
    if acting_user is not None and resident.user_id != acting_user.pk:
        raise PermissionDenied(_("You may not do this."))
    if not Resident.objects.current().filter(pk=resident.pk).exists():
        raise ValidationError(_("Only a resident of the complex submits a request."))
    errors = request_errors(data, lines, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    request = ActivityRequest.objects.create(
        community=community,
        requested_by=resident,
        status=ActivityStatus.SUBMITTED,
        **_request_values(data),
    )
    _replace_lines(request, lines)
    organisation = community.complex.corporation
    record_saved(actor=acting_user, organisation=organisation, obj=request, before=None)
    if lines:
        record(
            actor=acting_user,
            action=AuditAction.CREATE,
            organisation=organisation,
            obj=request,
            changes={"budget_lines": (None, _lines_text(lines))},
        )
    _mail_submitted(request, resident, resubmitted=False)
    return request


def _mail_submitted(request: ActivityRequest, resident: Resident, *, resubmitted: bool) -> None:
    mail.send(
        "request_submitted",
        {
            "name": resident.display_name,
            "request": request,
            "total": sum((amount for _item, amount in _current_lines(request)), Decimal("0.00")),
            "complex_name": request.community.complex.name,
            "resubmitted": resubmitted,
            "link": _link("community:request", request.community_id, request.pk),
        },
        [resident.user.email],
    )


def _current_lines(request: ActivityRequest) -> list[Line]:
    return [(line.item, line.amount) for line in request.budget_lines.all()]


@transaction.atomic
def edit_request(
    *,
    acting_user: Any,
    request: ActivityRequest,
    data: Mapping[str, Any],
    lines: Sequence[Line],
) -> ActivityRequest:
    """The requester changes a request the board has not decided on; its budget lines are
    replaced. A request sent back for changes is submitted again by saving it."""
    request = _lock(request)
    require_permission(acting_user, "community.change_request", request)
    if request.status not in OPEN_STATUSES:
        raise ValidationError(
            _("This request can no longer be changed: the board has decided on it.")
        )
    errors = request_errors(data, lines, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    before = snapshot_fields(request)
    old_lines = _current_lines(request)
    resubmitted = request.status == ActivityStatus.SENT_BACK
    for name, value in _request_values(data).items():
        setattr(request, name, value)
    request.status = ActivityStatus.SUBMITTED
    request.save()
    organisation = _organisation(request)
    record_saved(actor=acting_user, organisation=organisation, obj=request, before=before)
    new_lines = [(str(item).strip(), Decimal(amount)) for item, amount in lines]
    if new_lines != old_lines:
        _replace_lines(request, new_lines)
        record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            organisation=organisation,
            obj=request,
            changes={"budget_lines": (_lines_text(old_lines), _lines_text(new_lines))},
        )
    if resubmitted:
        _mail_submitted(request, request.requested_by, resubmitted=True)
    return request


def _set_status(request: ActivityRequest, status: str, acting_user: Any) -> None:
    before = snapshot_fields(request)
    request.status = status
    request.save(update_fields=["status", "updated_at"])
    record_saved(actor=acting_user, organisation=_organisation(request), obj=request, before=before)


@transaction.atomic
def withdraw_request(*, acting_user: Any, request: ActivityRequest) -> ActivityRequest:
    """The requester withdraws a request the board has not decided on."""
    request = _lock(request)
    require_permission(acting_user, "community.change_request", request)
    if request.status not in OPEN_STATUSES:
        raise ValidationError(
            _("Only a request the board has not yet decided on can be withdrawn.")
        )
    _set_status(request, ActivityStatus.WITHDRAWN, acting_user)
    return request


def may_cancel(user: Any, request: ActivityRequest) -> bool:
    """The requester, the board and the manager may cancel an approved activity."""
    return bool(
        user.has_perm("community.change_request", request)
        or user.has_perm("community.decide", request)
    )


@transaction.atomic
def cancel_activity(
    *, acting_user: Any, request: ActivityRequest, reason: str = ""
) -> ActivityRequest:
    """An approved activity is called off before it takes place; its grant no longer counts
    against the budget. The requester hears of it when someone else cancelled it."""
    request = _lock(request)
    if acting_user is not None and not may_cancel(acting_user, request):
        raise PermissionDenied(_("You may not do this."))
    if request.status != ActivityStatus.APPROVED:
        raise ValidationError(_("Only an approved activity can be cancelled."))
    if request.starts_on < timezone.localdate():
        raise ValidationError(
            _("This activity has already taken place; it can no longer be cancelled.")
        )
    reason = reason.strip()
    if len(reason) > 500:
        raise ValidationError({"reason": _("Use at most %(count)s characters.") % {"count": 500}})
    _set_status(request, ActivityStatus.CANCELLED, acting_user)
    if reason:
        record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            organisation=_organisation(request),
            obj=request,
            changes={"cancel_reason": (None, reason)},
        )
    requester = request.requested_by
    if acting_user is None or requester.user_id != acting_user.pk:
        mail.send(
            "activity_cancelled",
            {
                "name": requester.display_name,
                "request": request,
                "reason": reason,
                "complex_name": request.community.complex.name,
                "link": _link("community:request", request.community_id, request.pk),
            },
            [requester.user.email],
        )
    return request


# --- Spending -------------------------------------------------------------------------------------


@transaction.atomic
def record_expense(
    *,
    acting_user: Any,
    request: ActivityRequest,
    description: str,
    amount: Decimal,
    spent_on: dt.date,
    receipt: UploadedFile | None = None,
) -> Expense:
    """Money spent on an approved (or evaluated) activity, with an optional receipt: a photo or
    a PDF, checked by its content, stored under a random name. Spending more than was granted is
    allowed; the pages show it."""
    request = _lock(request)
    require_permission(acting_user, "community.record_expense", request)
    if request.status not in SPENDING_STATUSES:
        raise ValidationError(_("Spending is recorded on an approved activity."))
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Fill in what was bought.")]
    elif len(description) > 120:
        errors["description"] = [_("Use at most %(count)s characters.") % {"count": 120}]
    if not isinstance(amount, Decimal) or amount <= 0:
        errors["amount"] = [_("An amount is more than € 0.")]
    elif amount > MAX_AMOUNT:
        errors["amount"] = [_("That amount is too high.")]
    if not isinstance(spent_on, dt.date):
        errors["spent_on"] = [_("Fill in the date of the purchase.")]
    elif spent_on > timezone.localdate():
        errors["spent_on"] = [_("The date of a purchase cannot be in the future.")]
    checked = None
    if receipt is not None:
        try:
            checked = check_receipt(receipt)
        except ValidationError as error:
            errors["receipt"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    expense = Expense(
        request=request,
        description=description,
        amount=amount,
        spent_on=spent_on,
        recorded_by=acting_user,
    )
    if receipt is not None and checked is not None:
        expense.receipt_name = checked.original_name
        expense.receipt_type = checked.content_type
        receipt.name = f"bon{checked.extension}"
        expense.receipt = receipt
    try:  # the receipt file is written with the row: a failure takes it away again
        expense.save()
        record_saved(
            actor=acting_user, organisation=_organisation(request), obj=expense, before=None
        )
    except BaseException:
        if expense.receipt:
            expense.receipt.delete(save=False)
        raise
    return expense


# --- Evaluation -----------------------------------------------------------------------------------


def evaluation_refusal(request: ActivityRequest, today: dt.date) -> str | None:
    """Why this activity cannot be evaluated now, or None when it can."""
    if hasattr(request, "evaluation"):
        return _("This activity has already been evaluated.")
    if request.status != ActivityStatus.APPROVED:
        return _("Only an approved activity that took place can be evaluated.")
    if request.last_day >= today:
        return _("You can evaluate an activity after it has taken place.")
    return None


@transaction.atomic
def submit_evaluation(
    *,
    acting_user: Any,
    request: ActivityRequest,
    participants: int,
    how_it_went: str,
    do_differently: str = "",
    actual_spending: Decimal,
) -> Evaluation:
    """The organisers (or a board member) evaluate an activity after it took place; the board
    discusses and closes the evaluation at its next meeting."""
    request = _lock(request)
    require_permission(acting_user, "community.evaluate", request)
    refusal = evaluation_refusal(request, timezone.localdate())
    if refusal:
        raise ValidationError(refusal)
    errors: dict[str, list[str]] = {}
    if not isinstance(participants, int) or participants < 0 or participants > 32767:
        errors["participants"] = [_("Fill in how many people took part.")]
    how_it_went = (how_it_went or "").strip()
    if not how_it_went:
        errors["how_it_went"] = [_("Tell how it went.")]
    if not isinstance(actual_spending, Decimal) or actual_spending < 0:
        errors["actual_spending"] = [_("Fill in what was spent; 0 when nothing was spent.")]
    elif actual_spending > MAX_AMOUNT:
        errors["actual_spending"] = [_("That amount is too high.")]
    if errors:
        raise ValidationError(errors)
    evaluation = Evaluation.objects.create(
        request=request,
        participants=participants,
        how_it_went=how_it_went,
        do_differently=(do_differently or "").strip(),
        actual_spending=actual_spending,
        submitted_by=acting_user,
    )
    organisation = _organisation(request)
    record_saved(actor=acting_user, organisation=organisation, obj=evaluation, before=None)
    _set_status(request, ActivityStatus.EVALUATED, acting_user)
    return evaluation


__all__ = [
    "MAX_LINES",
    "cancel_activity",
    "edit_request",
    "evaluation_refusal",
    "may_cancel",
    "record_expense",
    "request_errors",
    "submit_evaluation",
    "submit_request",
    "withdraw_request",
]
