"""Offer and allocation screens. Every write goes through ``lettings.offers``.

- A vacancy's offers (the corporation's letting staff): the history, the open offer with its
  response and withdrawal forms, and the next candidate: a shortlisted applicant whose interview
  went well (regular stream, with the affordability check before confirming) or an accepted
  nomination (care stream: client reference and nomination date only).
- An allocation and its letter: letting staff; for a care-stream allocation also the care
  provider it went to.
- The care provider's offers: its case workers and team leads accept or refuse.

Access is deny by default and answers 404 for 'missing' and 'forbidden' alike.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.audit.services import record_view
from doorstroom.config.forms import apply_errors
from doorstroom.lettings import affordability, offers
from doorstroom.lettings.forms_offers import ACCEPT, OfferForm, ResponseForm, WithdrawForm
from doorstroom.lettings.letters import LETTER_FILENAME_PREFIX, allocation_letter_pdf, allocations
from doorstroom.lettings.models import (
    Affordability,
    Allocation,
    Application,
    InterviewSlot,
    Nomination,
    NominationStatus,
    Offer,
    OfferStatus,
    Vacancy,
    VacancyStatus,
)
from doorstroom.lettings.rules import PROVIDER_ROLES
from doorstroom.lettings.selectors import org_ids
from doorstroom.lettings.vacancies import policy_for
from doorstroom.portfolio.mix import Stream

PAGE_SIZE = 25


def _link(name: str, *args: Any) -> str:
    """A link to a screen of another letting step, empty when that screen is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _offers(queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    return queryset.select_related(
        "vacancy__dwelling__complex",
        "application",
        "nomination__client",
        "offered_by",
        "responded_by",
        "allocation",
    )


def _vacancy_or_404(request: HttpRequest, vacancy_id: int) -> Vacancy:
    vacancy = (
        Vacancy.objects.visible_to(request.user)
        .select_related("dwelling__complex", "dwelling__corporation")
        .filter(pk=vacancy_id)
        .first()
    )
    if vacancy is None or not offers.allowed(request.user, "lettings.let_vacancy", vacancy):
        raise Http404
    return vacancy


def _offer_or_404(request: HttpRequest, offer_id: int, permission: str) -> Offer:
    offer = (
        Offer.objects.select_related(
            "vacancy__dwelling__corporation", "nomination__client", "application"
        )
        .filter(pk=offer_id)
        .first()
    )
    if offer is None or not offers.allowed(request.user, permission, offer):
        raise Http404
    return offer


# --- candidates ----------------------------------------------------------------------------------


@dataclass
class Candidate:
    application: Application
    rank: int | None
    score: Any = None
    reasons: list[str] = field(default_factory=list)
    outcome: str = ""
    why_not: str = ""

    @property
    def offerable(self) -> bool:
        return not self.why_not


def _shortlist(vacancy: Vacancy) -> list[tuple[Application, int | None, Any, list[str]]]:
    """The selection's shortlist when installed, else the active applicants with a positive or
    doubtful interview in order of registration."""
    try:
        module = importlib.import_module("doorstroom.lettings.selection")
    except ImportError:
        module = None
    shortlist = getattr(module, "shortlist", None)
    if shortlist is not None:
        return [
            (entry.application, entry.rank, entry.score, [str(r) for r in entry.reasons])
            for entry in shortlist(vacancy)
        ]
    applications = (
        vacancy.applications.active()
        .filter(interview__outcome__in=offers.INTERVIEW_OK)
        .order_by("registration_date", "submitted_at")
    )
    return [(a, i, None, []) for i, a in enumerate(applications, start=1)]


def candidates_for(vacancy: Vacancy) -> list[Candidate]:
    entries = _shortlist(vacancy)
    outcomes = dict(
        InterviewSlot.objects.filter(
            application_id__in=[application.pk for application, *_rest in entries]
        ).values_list("application_id", "outcome")
    )
    labels = dict(InterviewSlot._meta.get_field("outcome").choices or [])
    result = []
    for application, rank, score, reasons in entries:
        outcome = outcomes.get(application.pk, "")
        why_not = ""
        if application.status not in offers.OFFERABLE:
            why_not = str(application.get_status_display())
        elif outcome not in offers.INTERVIEW_OK:
            why_not = _("No positive introduction interview yet.")
        result.append(
            Candidate(
                application=application,
                rank=rank,
                score=score,
                reasons=reasons,
                outcome=str(labels.get(outcome, "")) if outcome else "",
                why_not=why_not,
            )
        )
    return result


def _nominations_for(vacancy: Vacancy) -> QuerySet[Nomination]:
    """Accepted nominations for the vacancy's complex, with whether they are on offer already."""
    return (
        Nomination.objects.filter(
            complex_id=vacancy.dwelling.complex_id, status=NominationStatus.ACCEPTED
        )
        .select_related("client")
        .annotate(
            on_offer=Exists(
                Offer.objects.filter(nomination=OuterRef("pk"), status=OfferStatus.OFFERED)
            )
        )
        .order_by("nominated_at", "pk")
    )


# --- a vacancy's offers --------------------------------------------------------------------------


def _candidate(offer: Offer) -> str:
    """The applicant's name, or the client's reference (the corporation never sees more)."""
    if offer.application is not None:
        return offer.application.full_name
    return offer.nomination.client.reference if offer.nomination is not None else ""


def _vacancy_context(
    request: HttpRequest,
    vacancy: Vacancy,
    response_form: ResponseForm | None = None,
    withdraw_form: WithdrawForm | None = None,
) -> dict[str, Any]:
    history = list(_offers(vacancy.offers.all()).order_by("-offered_at", "-pk"))
    open_offer = next((o for o in history if o.status == OfferStatus.OFFERED), None)
    allocation = next((o.allocation for o in history if hasattr(o, "allocation")), None)
    rows = [
        {"offer": o, "candidate": _candidate(o), "reason": offers.reason_name(o.detail_status)}
        for o in history
    ]
    may_offer = vacancy.status == VacancyStatus.OPEN and open_offer is None
    context: dict[str, Any] = {
        "vacancy": vacancy,
        "dwelling": vacancy.dwelling,
        "rows": rows,
        "open_offer": open_offer,
        "allocation": allocation,
        "may_offer": may_offer,
        "vacancy_url": _link("vacancies:detail", vacancy.pk),
        "today": timezone.localdate(),
    }
    if open_offer is not None:
        context["response_form"] = response_form or ResponseForm(prefix="reactie")
        context["withdraw_form"] = withdraw_form or WithdrawForm(prefix="intrekken")
        context["open_candidate"] = _candidate(open_offer)
    if vacancy.status == VacancyStatus.OPEN:
        if vacancy.stream == Stream.REGULAR:
            context["candidates"] = candidates_for(vacancy)
        else:
            context["nominations"] = list(_nominations_for(vacancy))
    return context


@require_GET
def vacancy_offers(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    vacancy = _vacancy_or_404(request, vacancy_id)
    return render(request, "lettings/offers/vacancy.html", _vacancy_context(request, vacancy))


def _default_dates(vacancy: Vacancy, today: dt.date) -> dict[str, dt.date]:
    respond_by = today + dt.timedelta(days=policy_for(vacancy.dwelling.complex).offer_response_days)
    return {"start_date": max(respond_by, vacancy.available_from), "respond_by": respond_by}


@require_http_methods(["GET", "POST"])
def offer_to_applicant(request: HttpRequest, vacancy_id: int, application_id: int) -> HttpResponse:
    """The affordability check for one candidate, and the offer once confirmed."""
    vacancy = _vacancy_or_404(request, vacancy_id)
    if vacancy.stream != Stream.REGULAR:
        raise Http404
    application = vacancy.applications.visible_to(request.user).filter(pk=application_id).first()
    if application is None:
        raise Http404
    today = timezone.localdate()
    check: affordability.AffordabilityResult | None = None
    problem = ""
    try:
        check = affordability.check(
            household_size=application.household_size,
            senior=application.senior_household,
            income=application.gross_income,
            net_rent=vacancy.dwelling.net_rent,
            on=today,
        )
    except ValidationError as exc:
        problem = " ".join(exc.messages)
    needs_reason = check is not None and check.code == Affordability.NOT_FITTING
    form = OfferForm(
        request.POST or None, needs_reason=needs_reason, initial=_default_dates(vacancy, today)
    )
    if request.method == "GET":
        record_view(
            actor=request.user,
            organisation=vacancy.dwelling.corporation,
            obj=application,
            fields=["adults", "children", "senior_household", "gross_income"],
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offers.make_offer(
                acting_user=request.user,
                vacancy=vacancy,
                application=application,
                start_date=data["start_date"],
                respond_by=data["respond_by"],
                non_fitting_reason=data.get("non_fitting_reason", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The dwelling has been offered to %(name)s; they have received an e-mail.")
                % {"name": application.full_name},
            )
            return redirect("offers:vacancy", vacancy.pk)
    return render(
        request,
        "lettings/offers/offer_form.html",
        {
            "vacancy": vacancy,
            "dwelling": vacancy.dwelling,
            "application": application,
            "check": check,
            "problem": problem,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def offer_to_nomination(request: HttpRequest, vacancy_id: int, nomination_id: int) -> HttpResponse:
    """Offer a care-stream dwelling to the care provider for an accepted nomination."""
    vacancy = _vacancy_or_404(request, vacancy_id)
    if vacancy.stream != Stream.CARE:
        raise Http404
    nomination = (
        Nomination.objects.filter(complex_id=vacancy.dwelling.complex_id)
        .select_related("client", "care_provider")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        raise Http404
    today = timezone.localdate()
    form = OfferForm(request.POST or None, initial=_default_dates(vacancy, today))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offers.make_offer(
                acting_user=request.user,
                vacancy=vacancy,
                nomination=nomination,
                start_date=data["start_date"],
                respond_by=data["respond_by"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The dwelling has been offered to %(provider)s for %(reference)s.")
                % {
                    "provider": nomination.care_provider.name,
                    "reference": nomination.client.reference,
                },
            )
            return redirect("offers:vacancy", vacancy.pk)
    return render(
        request,
        "lettings/offers/offer_form.html",
        {
            "vacancy": vacancy,
            "dwelling": vacancy.dwelling,
            "nomination": nomination,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def record_response(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Staff record a response given by phone; the care provider responds to its own offer."""
    offer = _offer_or_404(request, offer_id, "lettings.respond_to_offer")
    staff = offers.allowed(request.user, "lettings.let_vacancy", offer.vacancy)
    prefix = "reactie" if staff else f"o{offer.pk}"
    form = ResponseForm(request.POST, prefix=prefix)
    if form.is_valid():
        data = form.cleaned_data
        accept = data["decision"] == ACCEPT
        try:
            offer = offers.respond(
                acting_user=request.user,
                offer=offer,
                accept=accept,
                reason=data["reason"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if accept:
                messages.success(request, _("The offer is accepted and the dwelling allocated."))
                if staff:
                    return redirect("offers:allocation", offer.allocation.pk)
            else:
                messages.success(request, _("The refusal has been recorded."))
            return (
                redirect("offers:vacancy", offer.vacancy_id) if staff else redirect("offers:care")
            )
    if staff:
        vacancy = _vacancy_or_404(request, offer.vacancy_id)
        context = _vacancy_context(request, vacancy, response_form=form)
        return render(request, "lettings/offers/vacancy.html", context, status=400)
    return render(
        request,
        "lettings/offers/care.html",
        _care_context(request, bound={offer.pk: form}),
        status=400,
    )


@require_POST
def withdraw(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _offer_or_404(request, offer_id, "lettings.view_offer")
    if not offers.allowed(request.user, "lettings.let_vacancy", offer.vacancy):
        raise Http404
    form = WithdrawForm(request.POST, prefix="intrekken")
    if form.is_valid():
        try:
            offers.withdraw_offer(
                acting_user=request.user,
                offer=offer,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The offer has been withdrawn."))
            return redirect("offers:vacancy", offer.vacancy_id)
    vacancy = _vacancy_or_404(request, offer.vacancy_id)
    context = _vacancy_context(request, vacancy, withdraw_form=form)
    return render(request, "lettings/offers/vacancy.html", context, status=400)


# --- allocations ---------------------------------------------------------------------------------


def _allocation_or_404(request: HttpRequest, allocation_id: int) -> Allocation:
    allocation = allocations().filter(pk=allocation_id).first()
    if allocation is None or not offers.allowed(
        request.user, "lettings.view_offer", allocation.offer
    ):
        raise Http404
    return allocation


@require_GET
def allocation_detail(request: HttpRequest, allocation_id: int) -> HttpResponse:
    allocation = _allocation_or_404(request, allocation_id)
    offer = allocation.offer
    staff = offers.allowed(request.user, "lettings.let_vacancy", allocation.vacancy)
    return render(
        request,
        "lettings/offers/allocation.html",
        {
            "allocation": allocation,
            "offer": offer,
            "dwelling": allocation.vacancy.dwelling,
            "staff": staff,
            "total_rent": allocation.vacancy.dwelling.net_rent
            + allocation.vacancy.dwelling.service_costs,
            "non_fitting": offers.non_fitting_name(allocation.affordability_detail),
            "letter_url": reverse("offers:letter", args=[allocation.pk]),
            "back_url": reverse("offers:vacancy", args=[allocation.vacancy_id])
            if staff
            else reverse("offers:care"),
        },
    )


@require_GET
def allocation_letter(request: HttpRequest, allocation_id: int) -> HttpResponse:
    allocation = _allocation_or_404(request, allocation_id)
    record_view(
        actor=request.user,
        organisation=allocation.vacancy.dwelling.corporation,
        obj=allocation,
        fields=["allocation_letter"],
    )
    response = HttpResponse(allocation_letter_pdf(allocation), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{LETTER_FILENAME_PREFIX}-{allocation.pk}.pdf"'
    )
    return response


# --- the care provider's offers ------------------------------------------------------------------


def _care_context(
    request: HttpRequest, bound: dict[int, ResponseForm] | None = None
) -> dict[str, Any]:
    providers = org_ids(request.user, PROVIDER_ROLES)
    mine = _offers(Offer.objects.filter(nomination__care_provider_id__in=providers))
    open_offers = list(mine.filter(status=OfferStatus.OFFERED).order_by("respond_by", "pk"))
    history = Paginator(
        mine.exclude(status=OfferStatus.OFFERED).order_by("-offered_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("pagina"))
    bound = bound or {}
    today = timezone.localdate()
    return {
        "open_rows": [
            {
                "offer": o,
                "form": bound.get(o.pk) or ResponseForm(prefix=f"o{o.pk}"),
                "overdue": o.respond_by < today,
            }
            for o in open_offers
        ],
        "history": [
            {"offer": o, "reason": offers.reason_name(o.detail_status)} for o in history.object_list
        ],
        "page": history,
        "query": "",
    }


@require_GET
def care_offers(request: HttpRequest) -> HttpResponse:
    if not org_ids(request.user, PROVIDER_ROLES):
        raise Http404
    return render(request, "lettings/offers/care.html", _care_context(request))
