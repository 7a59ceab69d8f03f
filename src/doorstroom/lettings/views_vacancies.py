"""The corporation's vacancy screens: open vacancies per complex with their stream and progress,
the stream choice, the advert, and how the next vacancies re-balance a complex's mix.

For the corporation's mixed-living manager and letting officers only (404 for everyone else).
Selection (scoring, interviews) and offers have their own screens; this is the hub that links them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doorstroom.config.forms import apply_errors
from doorstroom.lettings import vacancies as services
from doorstroom.lettings.forms_vacancies import AdvertForm, OpenVacancyForm, StreamForm
from doorstroom.lettings.models import (
    ACTIVE_STATUSES,
    Application,
    Offer,
    OfferStatus,
    Vacancy,
    VacancyStatus,
)
from doorstroom.organisations.access import get_for_user_or_404
from doorstroom.portfolio.mix import Mix, Stream, with_mix
from doorstroom.portfolio.models import CORPORATION_STAFF, Complex, DwellingStatus, _org_ids


def _link(name: str, *args: Any) -> str:
    """A link to a screen of another letting step, empty when that screen is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _with_progress(vacancies: QuerySet[Vacancy]) -> QuerySet[Vacancy]:
    """Annotate the numbers the vacancy list shows, in the same query."""
    active = (
        Application.objects.filter(vacancy=OuterRef("pk"), status__in=ACTIVE_STATUSES)
        .order_by()
        .values("vacancy")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return vacancies.select_related("dwelling__complex", "overridden_by").annotate(
        active_applications=Coalesce(Subquery(active, output_field=IntegerField()), 0),
        has_open_offer=Exists(
            Offer.objects.filter(vacancy=OuterRef("pk"), status=OfferStatus.OFFERED)
        ),
    )


def _phase(vacancy: Any, today: Any) -> str:
    """Where a vacancy stands, in words."""
    if vacancy.status == VacancyStatus.ALLOCATED:
        return _("Allocated")
    if vacancy.status == VacancyStatus.CANCELLED:
        return _("Cancelled")
    if getattr(vacancy, "has_open_offer", False):
        return _("Offer open")
    if vacancy.stream == Stream.CARE:
        return _("Waiting for an offer to the care provider")
    if vacancy.advert_published_at is None:
        return _("Advert not yet published")
    if vacancy.advert_deadline and vacancy.advert_deadline >= today:
        return _("Advertised until %(date)s") % {
            "date": vacancy.advert_deadline.strftime("%d-%m-%Y")
        }
    return _("Selection")


def _complexes_for(user: Any) -> QuerySet[Complex]:
    return Complex.objects.filter(corporation_id__in=_org_ids(user, CORPORATION_STAFF))


def _pending_care(complexes: QuerySet[Complex]) -> QuerySet[Complex]:
    pending = (
        Vacancy.objects.open()
        .filter(dwelling__complex=OuterRef("pk"), stream=Stream.CARE)
        .order_by()
        .values("dwelling__complex")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return complexes.annotate(
        pending_care=Coalesce(Subquery(pending, output_field=IntegerField()), 0)
    )


def _mix(complex_: Any) -> Mix:
    return Mix(
        dwellings=complex_.dwelling_count,
        care_leased=complex_.care_leased,
        labelled=complex_.labelled,
        promised=complex_.promised,
        target=complex_.mix_target,
        tolerance=complex_.mix_tolerance,
    )


def _runs(proposals: list[services.StreamProposal]) -> list[dict[str, Any]]:
    """Consecutive vacancies with the same proposal as one line: 'vacancies 2–6: regular'."""
    runs: list[dict[str, Any]] = []
    for number, proposal in enumerate(proposals, start=1):
        if runs and runs[-1]["proposal"] == proposal:
            runs[-1]["last"] = number
        else:
            runs.append({"first": number, "last": number, "proposal": proposal})
    return runs


@require_GET
def vacancy_list(request: HttpRequest) -> HttpResponse:
    """Open vacancies of the user's corporation, grouped per complex with the live mix."""
    complexes = list(_pending_care(with_mix(_complexes_for(request.user))))
    if not complexes:
        raise Http404
    stream = request.GET.get("stroom", "")
    vacancies = _with_progress(
        Vacancy.objects.visible_to(request.user).open().order_by("available_from", "pk")
    )
    if stream in Stream.values:
        vacancies = vacancies.filter(stream=stream)
    today = timezone.localdate()
    by_complex: dict[int, list[Any]] = {}
    for vacancy in vacancies:
        vacancy.phase = _phase(vacancy, today)  # type: ignore[attr-defined]
        by_complex.setdefault(vacancy.dwelling.complex_id, []).append(vacancy)
    groups = []
    for complex_ in complexes:
        mix = _mix(complex_)
        groups.append(
            {
                "complex": complex_,
                "mix": mix,
                "pending_care": complex_.pending_care,  # type: ignore[attr-defined]
                "vacancies": by_complex.get(complex_.pk, []),
            }
        )
    return render(
        request,
        "lettings/vacancies/list.html",
        {"groups": groups, "stream": stream, "streams": Stream.choices},
    )


def _vacancy_or_404(request: HttpRequest, vacancy_id: int) -> Vacancy:
    return get_for_user_or_404(
        Vacancy.objects.select_related(
            "dwelling__complex", "dwelling__corporation", "overridden_by", "lottery_drawn_by"
        ),
        request.user,
        "lettings.view_vacancy",
        vacancy_id,
    )


@require_http_methods(["GET", "POST"])
def vacancy_detail(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    """One vacancy: its stream and the reason, the advert, and links to selection and offers."""
    vacancy = _vacancy_or_404(request, vacancy_id)
    may_choose = request.user.has_perm("lettings.choose_stream", vacancy)
    may_let = request.user.has_perm("lettings.let_vacancy", vacancy)
    stream_form = StreamForm(initial={"stream": vacancy.stream, "reason": vacancy.override_reason})
    advert_form = AdvertForm(
        initial={
            "deadline": vacancy.advert_deadline
            or timezone.localdate()
            + dt.timedelta(days=services.policy_for(vacancy.dwelling.complex).advert_days),
            "text": vacancy.advert_text,
        }
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "stream" and may_choose:
                stream_form = StreamForm(request.POST)
                if stream_form.is_valid():
                    services.choose_stream(
                        acting_user=request.user,
                        vacancy=vacancy,
                        stream=stream_form.cleaned_data["stream"],
                        reason=stream_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The stream is saved."))
                    return redirect("vacancies:detail", vacancy.pk)
            elif action == "advert" and may_let:
                advert_form = AdvertForm(request.POST)
                if advert_form.is_valid():
                    services.publish_advert(
                        acting_user=request.user,
                        vacancy=vacancy,
                        deadline=advert_form.cleaned_data["deadline"],
                        text=advert_form.cleaned_data["text"],
                    )
                    messages.success(request, _("The advert is published."))
                    return redirect("vacancies:detail", vacancy.pk)
            elif action == "cancel" and may_choose:
                services.cancel_vacancy(acting_user=request.user, vacancy=vacancy)
                messages.success(request, _("The vacancy is cancelled."))
                return redirect("vacancies:list")
            else:
                raise Http404
        except ValidationError as exc:
            form = stream_form if action == "stream" else advert_form
            apply_errors(form, exc)
            if action == "cancel":
                messages.error(request, " ".join(exc.messages))
        vacancy.refresh_from_db()
    counts = vacancy.applications.aggregate(
        active=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        total=Count("pk", filter=~Q(status="unverified")),
    )
    return render(
        request,
        "lettings/vacancies/detail.html",
        {
            "vacancy": vacancy,
            "dwelling": vacancy.dwelling,
            "may_choose": may_choose,
            "may_let": may_let,
            "stream_form": stream_form,
            "advert_form": advert_form,
            "counts": counts,
            "phase": _phase(
                _with_progress(Vacancy.objects.filter(pk=vacancy.pk)).get(), timezone.localdate()
            ),
            "advert_url": _link("adverts:detail", vacancy.pk)
            if vacancy.accepts_applications()
            else "",
            "selection_url": _link("selection:shortlist", vacancy.pk),
            "slots_url": _link("selection:slots", vacancy.pk),
            "offers_url": _link("offers:vacancy", vacancy.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def complex_overview(request: HttpRequest, complex_id: int) -> HttpResponse:
    """The mix of one complex, how the next vacancies re-balance it, and opening a vacancy for a
    vacant dwelling (e.g. when a new complex delivers)."""
    complex_ = get_for_user_or_404(
        _complexes_for(request.user), request.user, "portfolio.view_complex", complex_id
    )
    may_open = request.user.has_perm("portfolio.change_dwelling", complex_)
    with_open = Vacancy.objects.open().filter(dwelling=OuterRef("pk"))
    vacant = list(
        complex_.dwellings.in_status(DwellingStatus.VACANT)
        .annotate(has_vacancy=Exists(with_open))
        .filter(has_vacancy=False)
        .order_by("street", "house_number", "house_number_addition")
    )
    form = OpenVacancyForm(dwellings=vacant, initial={"available_from": timezone.localdate()})
    if request.method == "POST":
        if not may_open:
            raise Http404
        form = OpenVacancyForm(request.POST, dwellings=vacant)
        if form.is_valid():
            dwelling = next(d for d in vacant if str(d.pk) == form.cleaned_data["dwelling"])
            try:
                vacancy = services.open_vacancy(
                    acting_user=request.user,
                    dwelling=dwelling,
                    available_from=form.cleaned_data["available_from"],
                    cause=form.cleaned_data["cause"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The vacancy is opened."))
                return redirect("vacancies:detail", vacancy.pk)
    annotated = _pending_care(with_mix(Complex.objects.filter(pk=complex_.pk))).get()
    today = timezone.localdate()
    open_vacancies = list(_with_progress(Vacancy.objects.open().filter(dwelling__complex=complex_)))
    for vacancy in open_vacancies:
        vacancy.phase = _phase(vacancy, today)  # type: ignore[attr-defined]
    return render(
        request,
        "lettings/vacancies/complex.html",
        {
            "complex": complex_,
            "mix": _mix(annotated),
            "pending_care": annotated.pending_care,  # type: ignore[attr-defined]
            "next": _runs(services.rebalance(complex_)),
            "vacancies": open_vacancies,
            "form": form if may_open and vacant else None,
            "policy_url": _link("selection:policy", complex_.pk),
        },
    )
