"""Activity pages: the list of activities and requests, a new request with its budget lines,
changing, withdrawing and cancelling it, its detail with the board's decisions, spending with
receipts, and the evaluation afterwards. Writes go through community.activities.

A request in full (budget, decisions, spending) is for its requester, the board and the manager;
other residents of the complex see an approved activity only (what, when, where, who organises).
Everything else is a 404, for missing and forbidden alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.community import activities as services
from doorstroom.community.forms_activities import (
    CancelForm,
    EvaluationForm,
    ExpenseForm,
    RequestForm,
    line_formset,
    lines_from_post,
)
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    Community,
    Evaluation,
    Expense,
)
from doorstroom.community.models.activities import GRANTED_STATUSES, OPEN_STATUSES
from doorstroom.community.pages import get_community_or_404, render_community
from doorstroom.community.receipts import EXTENSIONS, INLINE_TYPES
from doorstroom.community.selectors import residency_of
from doorstroom.config.forms import apply_errors
from doorstroom.portfolio.models import CommunalSpace

PAST_PAGE_SIZE = 20
#: Statuses other residents of the complex may see (as an activity, without its budget).
PUBLIC_STATUSES = GRANTED_STATUSES


def _activity_or_404(community: Community, request_id: int) -> ActivityRequest:
    activity = (
        ActivityRequest.objects.filter(community=community, pk=request_id)
        .select_related("requested_by", "evaluation")
        .first()
    )
    if activity is None:
        raise Http404
    activity.community = community  # already fetched with its complex and corporation
    return activity


def _allowed_or_404(user: Any, permission: str, obj: Any) -> None:
    if not user.has_perm(permission, obj):
        raise Http404


def _evaluation_of(activity: ActivityRequest) -> Evaluation | None:
    try:
        return activity.evaluation
    except Evaluation.DoesNotExist:
        return None


def _dutch_amount(amount: Decimal) -> str:
    return number_format(amount, decimal_pos=2, use_l10n=True)


def _places(community: Community) -> list[str]:
    """Suggestions for the place: the complex's communal spaces and the meeting place."""
    places: list[str] = []
    for space in CommunalSpace.objects.filter(complex_id=community.complex_id):
        name = space.description or str(space.get_kind_display())
        if name not in places:
            places.append(name)
    if community.meeting_place and community.meeting_place not in places:
        places.append(community.meeting_place)
    return places


def _past() -> Q:
    today = timezone.localdate()
    return Q(ends_on__lt=today) | Q(ends_on__isnull=True, starts_on__lt=today)


# --- The list ------------------------------------------------------------------------------------


@require_GET
def activity_list(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    activities = ActivityRequest.objects.filter(community=community)
    coming = list(
        activities.filter(status=ActivityStatus.APPROVED)
        .exclude(_past())
        .order_by("starts_on", "start_time", "pk")
    )
    past = Paginator(
        activities.filter(status__in=PUBLIC_STATUSES).filter(_past()).order_by("-starts_on", "-pk"),
        PAST_PAGE_SIZE,
    ).get_page(request.GET.get("pagina"))
    resident = residency_of(request.user)
    mine = (
        list(
            activities.filter(requested_by=resident)
            .with_requested_amount()
            .order_by("-submitted_at", "-pk")
        )
        if resident is not None and resident.community_id == community.pk
        else []
    )
    sees_open = request.user.has_perm("community.decide", community)
    open_requests = (
        list(
            activities.filter(status__in=OPEN_STATUSES)
            .with_requested_amount()
            .select_related("requested_by")
            .order_by("starts_on", "pk")
        )
        if sees_open
        else []
    )
    return render_community(
        request,
        "community/activities/list.html",
        community,
        {
            "coming": coming,
            "past": past,
            "page": past,
            "mine": mine,
            "sees_open": sees_open,
            "open_requests": open_requests,
        },
        section="activities",
    )


# --- New request and changes ----------------------------------------------------------------------


def _render_request_form(
    request: HttpRequest,
    community: Community,
    form: RequestForm,
    formset: Any,
    *,
    activity: ActivityRequest | None = None,
    status: int = 200,
) -> HttpResponse:
    return render_community(
        request,
        "community/activities/form.html",
        community,
        {
            "form": form,
            "formset": formset,
            "activity": activity,
            "places": _places(community),
            "can_add_line": len(formset.forms) < services.MAX_LINES,
            "max_lines": services.MAX_LINES,
        },
        section="activities",
        status=status,
    )


def _with_one_more_line(request: HttpRequest) -> tuple[RequestForm, Any]:
    """The form as typed, unchecked, with one more empty budget line (without JavaScript)."""
    initial = {name: request.POST.get(name, "") for name in RequestForm.base_fields}
    return RequestForm(initial=initial), line_formset(
        initial=lines_from_post(request.POST), empty=1
    )


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.submit_request")
    resident = residency_of(request.user)
    if resident is None or resident.community_id != community.pk:
        raise Http404
    if request.method != "POST":
        return _render_request_form(request, community, RequestForm(), line_formset())
    if "add_line" in request.POST:
        form, formset = _with_one_more_line(request)
        return _render_request_form(request, community, form, formset)
    form = RequestForm(request.POST)
    formset = line_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            activity = services.submit_request(
                acting_user=request.user,
                resident=resident,
                data=form.data_for_service(),
                lines=formset.lines(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Your request has been submitted. The board discusses it at its next meeting."),
            )
            return redirect("community:request", community.pk, activity.pk)
    return _render_request_form(request, community, form, formset, status=400)


@require_http_methods(["GET", "POST"])
def edit_request(request: HttpRequest, community_id: int, request_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    activity = _activity_or_404(community, request_id)
    _allowed_or_404(request.user, "community.change_request", activity)
    if activity.status not in OPEN_STATUSES:
        messages.error(
            request, _("This request can no longer be changed: the board has decided on it.")
        )
        return redirect("community:request", community.pk, activity.pk)
    if request.method != "POST":
        form = RequestForm(
            initial={name: getattr(activity, name) for name in RequestForm.base_fields}
        )
        lines = [
            {"item": line.item, "amount": _dutch_amount(line.amount)}
            for line in activity.budget_lines.all()
        ]
        formset = line_formset(initial=lines, empty=1)
        return _render_request_form(request, community, form, formset, activity=activity)
    if "add_line" in request.POST:
        form, formset = _with_one_more_line(request)
        return _render_request_form(request, community, form, formset, activity=activity)
    form = RequestForm(request.POST)
    formset = line_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        resubmitted = activity.status == ActivityStatus.SENT_BACK
        try:
            services.edit_request(
                acting_user=request.user,
                request=activity,
                data=form.data_for_service(),
                lines=formset.lines(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Your changes are saved and the request is submitted again.")
                if resubmitted
                else _("Your changes are saved."),
            )
            return redirect("community:request", community.pk, activity.pk)
    return _render_request_form(request, community, form, formset, activity=activity, status=400)


@require_POST
def withdraw_request(request: HttpRequest, community_id: int, request_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    activity = _activity_or_404(community, request_id)
    _allowed_or_404(request.user, "community.change_request", activity)
    try:
        services.withdraw_request(acting_user=request.user, request=activity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect("community:request", community.pk, activity.pk)


@require_POST
def cancel_activity(request: HttpRequest, community_id: int, request_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    activity = _activity_or_404(community, request_id)
    if not services.may_cancel(request.user, activity):
        raise Http404
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.cancel_activity(acting_user=request.user, request=activity, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("The activity has been cancelled."))
    return redirect("community:request", community.pk, activity.pk)


# --- The detail -----------------------------------------------------------------------------------


@require_GET
def request_detail(request: HttpRequest, community_id: int, request_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    activity = _activity_or_404(community, request_id)
    user = request.user
    full = user.has_perm("community.view_request", activity)
    if not full and activity.status not in PUBLIC_STATUSES:
        raise Http404
    context: dict[str, Any] = {"activity": activity, "full": full}
    if full:
        today = timezone.localdate()
        lines = list(activity.budget_lines.all())
        expenses = list(activity.expenses.all())
        spent = sum((e.amount for e in expenses), Decimal("0.00"))
        context.update(
            {
                "lines": lines,
                "requested": sum((line.amount for line in lines), Decimal("0.00")),
                "decisions": list(activity.decisions.select_related("meeting")),
                "expenses": expenses,
                "spent": spent,
                "over_grant": activity.amount_granted is not None
                and activity.status in GRANTED_STATUSES
                and spent > activity.amount_granted,
                "evaluation": _evaluation_of(activity),
                "can_edit": user.has_perm("community.change_request", activity)
                and activity.status in OPEN_STATUSES,
                "can_cancel": activity.status == ActivityStatus.APPROVED
                and activity.starts_on >= today
                and services.may_cancel(user, activity),
                "can_spend": activity.status in services.SPENDING_STATUSES
                and user.has_perm("community.record_expense", activity),
                "can_evaluate": services.evaluation_refusal(activity, today) is None
                and user.has_perm("community.evaluate", activity),
                "sees_receipts": user.has_perm("community.view_receipt", activity),
                "cancel_form": CancelForm(),
            }
        )
    return render_community(
        request, "community/activities/detail.html", community, context, section="activities"
    )


# --- Spending -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def add_expense(request: HttpRequest, community_id: int, request_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    activity = _activity_or_404(community, request_id)
    _allowed_or_404(request.user, "community.record_expense", activity)
    if activity.status not in services.SPENDING_STATUSES:
        messages.error(request, _("Spending is recorded on an approved activity."))
        return redirect("community:request", community.pk, activity.pk)
    max_mb = int(settings.COMMUNITY_RECEIPT_MAX_MB)
    if request.method == "POST":
        form = ExpenseForm(request.POST, request.FILES, max_mb=max_mb)
        if form.is_valid():
            try:
                services.record_expense(
                    acting_user=request.user,
                    request=activity,
                    description=form.cleaned_data["description"],
                    amount=form.cleaned_data["amount"],
                    spent_on=form.cleaned_data["spent_on"],
                    receipt=form.cleaned_data["receipt"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The spending has been recorded."))
                _warn_over_grant(request, activity)
                return redirect("community:request", community.pk, activity.pk)
        status = 400
    else:
        form = ExpenseForm(initial={"spent_on": timezone.localdate()}, max_mb=max_mb)
        status = 200
    spent = activity.expenses.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return render_community(
        request,
        "community/activities/expense_form.html",
        community,
        {"form": form, "activity": activity, "spent": spent},
        section="activities",
        status=status,
    )


def _warn_over_grant(request: HttpRequest, activity: ActivityRequest) -> None:
    spent = activity.expenses.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    granted = activity.amount_granted
    if granted is not None and spent > granted:
        messages.warning(
            request,
            _("The spending (€ %(spent)s) is more than the amount granted (€ %(granted)s).")
            % {"spent": _dutch_amount(spent), "granted": _dutch_amount(granted)},
        )


@require_GET
def receipt(request: HttpRequest, community_id: int, expense_id: int) -> FileResponse:
    community = get_community_or_404(request.user, community_id)
    expense = (
        Expense.objects.filter(pk=expense_id, request__community=community)
        .select_related("request")
        .first()
    )
    if expense is None or not expense.receipt:
        raise Http404
    expense.request.community = community
    _allowed_or_404(request.user, "community.view_receipt", expense.request)
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = expense.receipt_type or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    filename = expense.receipt_name or f"bon{EXTENSIONS.get(content_type, '')}"
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Evaluation -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, community_id: int, request_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    activity = _activity_or_404(community, request_id)
    _allowed_or_404(request.user, "community.evaluate", activity)
    refusal = services.evaluation_refusal(activity, timezone.localdate())
    if refusal:
        messages.error(request, refusal)
        return redirect("community:request", community.pk, activity.pk)
    spent = activity.expenses.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    if request.method == "POST":
        form = EvaluationForm(request.POST)
        if form.is_valid():
            try:
                services.submit_evaluation(
                    acting_user=request.user,
                    request=activity,
                    participants=form.cleaned_data["participants"],
                    how_it_went=form.cleaned_data["how_it_went"],
                    do_differently=form.cleaned_data["do_differently"],
                    actual_spending=form.cleaned_data["actual_spending"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you. The board discusses the evaluation at its next meeting."),
                )
                return redirect("community:request", community.pk, activity.pk)
        status = 400
    else:
        form = EvaluationForm(initial={"actual_spending": _dutch_amount(spent)})
        status = 200
    return render_community(
        request,
        "community/activities/evaluation_form.html",
        community,
        {"form": form, "activity": activity, "spent": spent},
        section="activities",
        status=status,
    )
