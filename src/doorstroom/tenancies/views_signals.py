"""Early-warning screens of the corporation and the care provider. Writes go through
``tenancies.signals_services`` and ``tenancies.arrears``.

- The corporation's staff: the signals (open first, filtered) with their referrals, a signal's
  detail with the close and referral forms, the record-signal form for a dwelling, and (the
  mixed-living manager) the arrears upload with its preview.
- The care provider's case workers and team leads: the referrals sent to their organisation,
  with the action form.

Deny by default; 404 for 'missing' and 'forbidden' alike.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.config.forms import apply_errors
from doorstroom.portfolio.importing import ImportFileError
from doorstroom.portfolio.models import Dwelling
from doorstroom.portfolio.views_import import importing_corporation
from doorstroom.tenancies import signals_services as services
from doorstroom.tenancies.arrears import COLUMNS, PAID_OUTCOME, run_arrears_import
from doorstroom.tenancies.forms_signals import (
    ArrearsUploadForm,
    CloseSignalForm,
    ReferForm,
    ReferralActionForm,
    SignalForm,
)
from doorstroom.tenancies.models import (
    Referral,
    ReferralAction,
    ReferralStatus,
    Signal,
    SignalKind,
)
from doorstroom.tenancies.uploads import PendingUploads

PAGE_SIZE = 25
UPLOADS = PendingUploads("arrears", "arrears_imports")
STATUS_FILTERS = ("open", "closed", "all")


def _signals(user: Any) -> QuerySet[Signal]:
    return services.signals_visible_to(user).select_related(
        "dwelling__complex", "placement", "regular_tenancy", "care_lease__agreement__care_provider"
    )


def _referrals_with_actions() -> Prefetch[Any]:
    return Prefetch(
        "referrals",
        queryset=Referral.objects.select_related("receiver").prefetch_related(
            Prefetch("actions", queryset=ReferralAction.objects.order_by("on", "at"))
        ),
    )


def _staff_only(request: HttpRequest) -> None:
    if not services._org_ids(request.user, services.CORPORATION_ROLES):
        raise Http404


# --- The corporation's signals -------------------------------------------------------------------


@require_GET
def signal_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    status = request.GET.get("status", "open")
    if status not in STATUS_FILTERS:
        status = "open"
    kind = request.GET.get("soort", "")
    signals = _signals(request.user).prefetch_related(_referrals_with_actions())
    if status == "open":
        signals = signals.filter(closed_on__isnull=True)
    elif status == "closed":
        signals = signals.filter(closed_on__isnull=False)
    if kind in SignalKind.values:
        signals = signals.filter(kind=kind)
    else:
        kind = ""
    signals = signals.order_by(F("closed_on").asc(nulls_first=True), "-opened_on", "-pk")
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("pagina"))
    today = timezone.localdate()
    rows = [
        {
            "signal": signal,
            "referrals": [
                {"referral": r, "overdue": services.is_overdue(r, today)}
                for r in signal.referrals.all()
            ],
        }
        for signal in page
    ]
    query = f"status={status}" + (f"&soort={kind}" if kind else "")
    return render(
        request,
        "tenancies/signals/list.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "kind": kind,
            "kinds": SignalKind.choices,
            "query": query,
            "can_import": _is_manager(request),
        },
    )


def _is_manager(request: HttpRequest) -> bool:
    try:
        importing_corporation(request)
    except Http404:
        return False
    return True


@require_http_methods(["GET", "POST"])
def signal_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    try:
        dwelling_id = int(request.GET.get("woning", ""))
    except ValueError:
        raise Http404 from None
    dwelling = get_object_or_404(
        Dwelling.objects.filter(
            corporation_id__in=services._org_ids(request.user, services.CORPORATION_ROLES)
        ).select_related("corporation"),
        pk=dwelling_id,
    )
    form = SignalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signal = services.record_signal(
                acting_user=request.user,
                dwelling=dwelling,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                opened_on=form.cleaned_data["opened_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The signal has been recorded."))
            return redirect("signals:detail", signal_id=signal.pk)
    return render(
        request,
        "tenancies/signals/form.html",
        {
            "form": form,
            "dwelling": dwelling,
            "title": _("Record a signal"),
            "back_url": _dwelling_url(dwelling),
        },
    )


def _dwelling_url(dwelling: Dwelling) -> str:
    try:
        return reverse("portfolio:dwelling", args=[dwelling.pk])
    except NoReverseMatch:
        return reverse("signals:list")


def _signal_or_404(request: HttpRequest, signal_id: int) -> Signal:
    return get_object_or_404(
        _signals(request.user).prefetch_related(_referrals_with_actions()), pk=signal_id
    )


def _detail(
    request: HttpRequest,
    signal: Signal,
    close_form: CloseSignalForm | None = None,
    refer_form: ReferForm | None = None,
    status: int = 200,
) -> HttpResponse:
    receivers = services.possible_receivers(signal) if signal.closed_on is None else []
    today = timezone.localdate()
    return render(
        request,
        "tenancies/signals/detail.html",
        {
            "signal": signal,
            "referrals": [
                {"referral": r, "overdue": services.is_overdue(r, today)}
                for r in signal.referrals.all()
            ],
            "close_form": close_form or CloseSignalForm(),
            "refer_form": refer_form or ReferForm(receivers=receivers),
            "receivers": receivers,
            "paid": signal.outcome == PAID_OUTCOME,
        },
        status=status,
    )


@require_GET
def signal_detail(request: HttpRequest, signal_id: int) -> HttpResponse:
    return _detail(request, _signal_or_404(request, signal_id))


@require_POST
def signal_close(request: HttpRequest, signal_id: int) -> HttpResponse:
    signal = _signal_or_404(request, signal_id)
    form = CloseSignalForm(request.POST)
    if form.is_valid():
        try:
            services.close_signal(
                acting_user=request.user, signal=signal, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The signal has been closed."))
            return redirect("signals:detail", signal_id=signal.pk)
    return _detail(request, signal, close_form=form, status=400)


@require_POST
def signal_refer(request: HttpRequest, signal_id: int) -> HttpResponse:
    signal = _signal_or_404(request, signal_id)
    receivers = services.possible_receivers(signal) if signal.closed_on is None else []
    form = ReferForm(request.POST, receivers=receivers)
    if form.is_valid():
        try:
            services.refer(
                acting_user=request.user, signal=signal, receiver=form.cleaned_data["receiver"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The signal has been referred."))
            return redirect("signals:detail", signal_id=signal.pk)
    return _detail(request, signal, refer_form=form, status=400)


# --- Referrals received by the care provider ------------------------------------------------------


def received_rows(
    referrals: QuerySet[Referral],
    bound: tuple[int, ReferralActionForm] | None = None,
) -> dict[str, Any]:
    """Open referrals with an action form each, and the closed ones; a fixed number of queries."""
    today = timezone.localdate()
    base = referrals.select_related("signal__dwelling").prefetch_related(
        Prefetch(
            "actions", queryset=ReferralAction.objects.select_related("by").order_by("on", "at")
        )
    )
    open_rows = []
    for referral in base.exclude(status=ReferralStatus.CLOSED).order_by("respond_by", "pk"):
        form = (
            bound[1]
            if bound and bound[0] == referral.pk
            else ReferralActionForm(prefix=f"r{referral.pk}")
        )
        open_rows.append(
            {"referral": referral, "overdue": services.is_overdue(referral, today), "form": form}
        )
    closed = list(
        base.filter(status=ReferralStatus.CLOSED).order_by("-first_response_on", "-pk")[:50]
    )
    return {"open_rows": open_rows, "closed": closed}


def record_action(
    request: HttpRequest,
    referrals: QuerySet[Referral],
    referral_id: int,
    success_url: str,
    render_page: Any,
) -> HttpResponse:
    """Shared by the care provider's and the neighbourhood team's screens."""
    referral = get_object_or_404(referrals, pk=referral_id)
    form = ReferralActionForm(request.POST, prefix=f"r{referral.pk}")
    if form.is_valid():
        try:
            services.record_referral_action(
                acting_user=request.user,
                referral=referral,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Your action has been recorded."))
            return redirect(f"{success_url}#doorverwijzing-{referral.pk}")
    return render_page(request, (referral.pk, form), 400)


def _received_page(
    request: HttpRequest, bound: tuple[int, ReferralActionForm] | None = None, status: int = 200
) -> HttpResponse:
    referrals = services.referrals_received_by(request.user, services.CARE_ROLES)
    context = received_rows(referrals, bound)
    return render(request, "tenancies/signals/received.html", context, status=status)


@require_GET
def received(request: HttpRequest) -> HttpResponse:
    if not services._org_ids(request.user, services.CARE_ROLES):
        raise Http404
    return _received_page(request)


@require_POST
def received_action(request: HttpRequest, referral_id: int) -> HttpResponse:
    referrals = services.referrals_received_by(request.user, services.CARE_ROLES)
    return record_action(
        request, referrals, referral_id, reverse("signals:received"), _received_page
    )


# --- The arrears import --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def arrears_upload(request: HttpRequest) -> HttpResponse:
    corporation = importing_corporation(request)
    form = ArrearsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = UPLOADS.store(request, form.cleaned_data["file"], corporation)
        return redirect("signals:arrears_preview", token=token)
    return render(
        request,
        "tenancies/signals/arrears_upload.html",
        {"form": form, "corporation": corporation, "columns": COLUMNS},
    )


@require_http_methods(["GET", "POST"])
def arrears_preview(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """GET: the dry run and its report. POST: the import, then back to the signals."""
    corporation = importing_corporation(request)
    entry, path = UPLOADS.get(request, token, corporation)
    if path is None:
        messages.error(request, _("That upload is no longer available; upload the file again."))
        return redirect("signals:arrears")
    confirming = request.method == "POST"
    result = None
    file_error = ""
    try:
        result = run_arrears_import(
            path, corporation=corporation, acting_user=request.user, dry_run=not confirming
        )
    except ImportFileError as exc:
        file_error = exc.message
    if result is not None and result.written:
        UPLOADS.forget(request, token)
        messages.success(request, " ".join([_("The import is done."), *result.summary()]))
        return redirect("signals:list")
    return render(
        request,
        "tenancies/signals/arrears_preview.html",
        {
            "corporation": corporation,
            "name": entry.get("name", ""),
            "result": result,
            "file_error": file_error,
            "can_confirm": result is not None and result.ok and result.rows > 0,
        },
        status=200 if not confirming else 400,
    )
