"""The public side of mixed lettings: the advert list and an advert, the application form, and the
applicant's personal page behind the secret link in their e-mail (status, withdrawing, booking
the introduction interview, responding to an offer, the allocation letter).

No login anywhere here. Only advertised regular-stream vacancies are ever found, so nothing
reveals the care stream or who lives in a complex; a personal page shows only the application
its signed token points to (404 for a forged or mangled link).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.accounts.decorators import public
from doorstroom.config.forms import apply_errors
from doorstroom.config.templatetags.doorstroom import euro
from doorstroom.lettings import applications
from doorstroom.lettings.forms_adverts import (
    ApplicationForm,
    OfferResponseForm,
    SlotForm,
    slot_label,
)
from doorstroom.lettings.models import (
    Application,
    ApplicationStatus,
    ContributionKind,
    InterviewSlot,
    OfferStatus,
    Vacancy,
)
from doorstroom.lettings.vacancies import policy_for
from doorstroom.portfolio.mix import Stream
from doorstroom.reference.codes import typology_names

logger = logging.getLogger(__name__)


# --- the advert ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Room:
    x: int
    y: int
    width: int
    height: int


PLAN_WIDTH, PLAN_HEIGHT = 160, 100


def plan_sketch(rooms: int) -> list[Room]:
    """Boxes for a small floor-plan sketch: the living room on the left, the other rooms on the
    right (a studio gets a bathroom box). Only a placeholder until real plans are uploaded."""
    inner_w, inner_h, left, top = PLAN_WIDTH - 4, PLAN_HEIGHT - 4, 2, 2
    rooms = max(1, min(rooms, 9))
    if rooms == 1:
        return [Room(left, top, 104, inner_h), Room(left + 104, top, inner_w - 104, 40)]
    living = Room(left, top, inner_w // 2, inner_h)
    others = rooms - 1
    columns = 1 if others <= 3 else 2
    rows = -(-others // columns)
    col_w = (inner_w - living.width) // columns
    row_h = inner_h // rows
    boxes = [living]
    for index in range(others):
        column, row = divmod(index, rows)
        boxes.append(Room(left + living.width + column * col_w, top + row * row_h, col_w, row_h))
    return boxes


@dataclass
class Advert:
    vacancy: Vacancy
    type_name: str
    plan: list[Room]

    @property
    def dwelling(self) -> Any:
        return self.vacancy.dwelling

    @property
    def complex(self) -> Any:
        return self.vacancy.dwelling.complex

    @property
    def street_address(self) -> str:
        dwelling = self.vacancy.dwelling
        number = str(dwelling.house_number)
        if dwelling.house_number_addition:
            number += f"-{dwelling.house_number_addition}"
        return f"{dwelling.street} {number}"

    @property
    def total_rent(self) -> Any:
        return self.dwelling.net_rent + self.dwelling.service_costs


def _advert(vacancy: Vacancy, names: dict[str, str]) -> Advert:
    dwelling = vacancy.dwelling
    return Advert(
        vacancy=vacancy,
        type_name=names.get(dwelling.dwelling_type, dwelling.dwelling_type),
        plan=plan_sketch(dwelling.rooms),
    )


def _published() -> QuerySet[Vacancy]:
    """Vacancies whose advert was published, open or closed since: care-stream vacancies never
    have a published advert (a database constraint), so they are never found here."""
    return Vacancy.objects.filter(
        stream=Stream.REGULAR, advert_published_at__isnull=False
    ).select_related("dwelling__complex")


def _closed(request: HttpRequest, vacancy: Vacancy) -> HttpResponse:
    """A published advert that no longer takes applications: 410 with a page that says so and
    nothing more (not who got the dwelling, nor whether it went to another stream)."""
    return render(
        request,
        "lettings/adverts/closed.html",
        {"message": applications.closed_message(vacancy)},
        status=410,
    )


def _open_vacancy_or_closed(vacancy_id: int) -> Vacancy:
    return get_object_or_404(_published(), pk=vacancy_id)


@public
@require_GET
def advert_list(request: HttpRequest) -> HttpResponse:
    """Every advertised dwelling, the one that closes first on top."""
    names = typology_names()
    vacancies = Vacancy.objects.advertised().select_related("dwelling__complex")
    adverts = [_advert(v, names) for v in vacancies.order_by("advert_deadline", "pk")]
    return render(request, "lettings/adverts/list.html", {"adverts": adverts})


def procedure() -> list[tuple[str, str]]:
    """The steps from applying to allocation, as the advert and the personal page explain them."""
    return [
        (
            _("You apply"),
            _("Fill in the form: your household, income, motivation and contribution."),
        ),
        (
            _("You confirm your e-mail address"),
            _("Through the link in the e-mail we send you, before the deadline."),
        ),
        (
            _("Two staff members score your motivation"),
            _("Each on their own, after the deadline, on the same criteria for everyone."),
        ),
        (
            _("Introduction interview"),
            _("The best-placed candidates meet us; you choose a time through your link."),
        ),
        (
            _("Offer"),
            _("We offer the dwelling to one candidate at a time, who has a few days to respond."),
        ),
        (
            _("Allocation"),
            _("You accept the offer, receive the allocation letter and sign the lease."),
        ),
    ]


@public
@require_GET
def advert_detail(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    vacancy = _open_vacancy_or_closed(vacancy_id)
    if not vacancy.accepts_applications():
        return _closed(request, vacancy)
    policy = policy_for(vacancy.dwelling.complex)
    return render(
        request,
        "lettings/adverts/detail.html",
        {
            "advert": _advert(vacancy, typology_names()),
            "policy": policy,
            "steps": procedure(),
        },
    )


@public
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    """The application form. A filled-in hidden field (a bot) gets the same answer as a person,
    but nothing is saved or sent."""
    vacancy = _open_vacancy_or_closed(vacancy_id)
    if not vacancy.accepts_applications():
        return _closed(request, vacancy)
    policy = policy_for(vacancy.dwelling.complex)
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        min_chars=policy.motivation_min_chars,
    )
    if request.method == "POST":
        if form.is_bot():
            logger.info("application form of vacancy %s: hidden field filled in", vacancy.pk)
            return redirect("adverts:sent", vacancy.pk)
        if form.is_valid():
            try:
                applications.apply(vacancy=vacancy, **form.answers())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect("adverts:sent", vacancy.pk)
    return render(
        request,
        "lettings/adverts/apply.html",
        {
            "advert": _advert(vacancy, typology_names()),
            "form": form,
            "policy": policy,
            "retention_months": settings.APPLICATION_RETENTION_MONTHS,
        },
    )


@public
@require_GET
def sent(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    vacancy = _open_vacancy_or_closed(vacancy_id)
    return render(
        request,
        "lettings/adverts/sent.html",
        {"advert": _advert(vacancy, typology_names())},
    )


# --- the applicant's personal page ---------------------------------------------------------------


def personal(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page behind the applicant's secret link: no login, never cached, never indexed. The
    site's Referrer-Policy (same-origin) already keeps the link from other sites; "no-referrer"
    would make browsers send "Origin: null" with the page's forms, which the CSRF check refuses."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return public(never_cache(wrapped))


def _application_or_404(token: str) -> Application:
    return get_object_or_404(
        Application.objects.by_token(token).select_related(
            "vacancy__dwelling__complex", "vacancy__dwelling__corporation"
        )
    )


def _page_url(token: str, anchor: str = "") -> str:
    url = reverse("adverts:applicant", args=[token])
    return f"{url}#{anchor}" if anchor else url


#: Statuses in which the page offers to withdraw (with an open offer: refuse the offer instead).
WITHDRAWABLE = (
    ApplicationStatus.UNVERIFIED,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INVITED,
)
STEP_OF_STATUS: dict[str, int] = {
    ApplicationStatus.UNVERIFIED: 1,
    ApplicationStatus.SUBMITTED: 2,
    ApplicationStatus.INVITED: 3,
    ApplicationStatus.OFFERED: 4,
    ApplicationStatus.ALLOCATED: 5,
}


def _steps(status: str) -> list[dict[str, Any]]:
    current = STEP_OF_STATUS.get(status)
    if current is None:
        return []
    steps = []
    for index, (title, text) in enumerate(procedure()):
        state = "done" if index < current else "current" if index == current else "todo"
        if status == ApplicationStatus.ALLOCATED and index == current:
            state = "done"
        steps.append({"title": title, "text": text, "state": state})
    return steps


def _summary(application: Application) -> list[tuple[str, str]]:
    """What the applicant sent, as label and value (their own data, behind their own link)."""
    kinds = dict(ContributionKind.choices)
    rows: list[tuple[str, Any]] = [
        (_("E-mail address"), application.email),
        (_("Name"), application.full_name),
        (_("Phone number"), application.phone or "–"),
        (_("Adults in the household"), application.adults),
        (_("Children in the household"), application.children),
        (
            _("You or your partner have reached the state pension (AOW) age"),
            _("Yes") if application.senior_household else _("No"),
        ),
        (_("Gross household income per year"), euro(application.gross_income)),
        (
            _("Registered as a home seeker since"),
            formats.date_format(application.registration_date, "j F Y"),
        ),
        (_("Registration number"), application.registration_number or "–"),
    ]
    for name in applications.MOTIVATION_FIELDS:
        rows.append((str(ApplicationForm.base_fields[name].label), getattr(application, name)))
    rows.append(
        (
            _("How you will contribute"),
            ", ".join(str(kinds.get(kind, kind)) for kind in application.pledge_kinds),
        )
    )
    if application.pledge_text:
        rows.append((_("Your contribution in your own words"), application.pledge_text))
    rows.append((_("Hours per month"), application.pledge_hours))
    return [(str(label), str(value)) for label, value in rows]


def _render_page(
    request: HttpRequest,
    application: Application,
    token: str,
    *,
    slot_form: SlotForm | None = None,
    refuse_form: OfferResponseForm | None = None,
    offer_errors: list[str] | None = None,
    just_confirmed: bool = False,
    status: int = 200,
) -> HttpResponse:
    vacancy = application.vacancy
    interview = InterviewSlot.objects.filter(application=application).first()
    context: dict[str, Any] = {
        "application": application,
        "token": token,
        "advert": _advert(vacancy, typology_names()),
        "steps": _steps(application.status),
        "summary": _summary(application),
        "just_confirmed": just_confirmed,
        "interview": interview,
        "interview_label": slot_label(interview) if interview else "",
        "may_withdraw": application.status in WITHDRAWABLE,
        "deadline_passed": vacancy.advert_deadline is not None
        and vacancy.advert_deadline < timezone.localdate(),
    }
    if application.status == ApplicationStatus.INVITED and interview is None:
        from doorstroom.lettings import interviews  # written alongside; imported when needed

        slots = list(interviews.bookable_slots(application))
        context["slot_form"] = slot_form or SlotForm(slots=slots)
    if application.status == ApplicationStatus.OFFERED:
        from doorstroom.lettings import offers

        offer = offers.open_offer_of(application)
        context["offer"] = offer
        if offer is not None:
            context["refuse_form"] = refuse_form or OfferResponseForm(
                reasons=offers.refusal_reasons()
            )
            context["offer_errors"] = offer_errors or []
    if application.status == ApplicationStatus.ALLOCATED:
        offer = (
            application.offers.filter(status=OfferStatus.ALLOCATED)
            .select_related("allocation")
            .first()
        )
        try:
            context["allocation"] = offer.allocation if offer is not None else None
        except ObjectDoesNotExist:
            context["allocation"] = None
    return render(request, "lettings/adverts/applicant.html", context, status=status)


@personal
@require_GET
def applicant_page(request: HttpRequest, token: str) -> HttpResponse:
    """The personal page. The first visit confirms the e-mail address, unless applications have
    closed by then: then the application does not count, and the page says so."""
    application = _application_or_404(token)
    just_confirmed = False
    if application.status == ApplicationStatus.UNVERIFIED:
        try:
            application = applications.verify(application=application)
        except ValidationError as exc:
            return render(
                request,
                "lettings/adverts/too_late.html",
                {"application": application, "message": " ".join(exc.messages)},
            )
        just_confirmed = True
    return _render_page(request, application, token, just_confirmed=just_confirmed)


@personal
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """Withdrawing asks for confirmation first (GET), then withdraws (POST)."""
    application = _application_or_404(token)
    if request.method == "POST":
        try:
            applications.withdraw(application=application)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect(_page_url(token))
    if application.status not in WITHDRAWABLE:
        return redirect(_page_url(token))
    return render(
        request,
        "lettings/adverts/withdraw.html",
        {"application": application, "token": token, "advert": _advert(application.vacancy, {})},
    )


@personal
@require_POST
def book_interview(request: HttpRequest, token: str) -> HttpResponse:
    from doorstroom.lettings import interviews

    application = _application_or_404(token)
    slots = list(interviews.bookable_slots(application))
    form = SlotForm(request.POST, slots=slots)
    if form.is_valid():
        try:
            interviews.book_slot(
                application=application, slot=form.slots[form.cleaned_data["slot"]]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your introduction interview is booked."))
            return redirect(_page_url(token, "gesprek"))
    application.refresh_from_db()
    return _render_page(request, application, token, slot_form=form)


@personal
@require_POST
def respond_to_offer(request: HttpRequest, token: str) -> HttpResponse:
    from doorstroom.lettings import offers

    application = _application_or_404(token)
    offer = offers.open_offer_of(application)
    if offer is None:
        messages.error(request, _("There is no open offer to respond to."))
        return redirect(_page_url(token))
    accept = request.POST.get("decision") == "accept"
    form = OfferResponseForm(request.POST if not accept else None, reasons=offers.refusal_reasons())
    errors: list[str] = []
    if accept or form.is_valid():
        try:
            offers.respond(
                acting_user=None,
                offer=offer,
                accept=accept,
                reason="" if accept else form.cleaned_data["reason"],
                note="" if accept else form.cleaned_data["note"],
            )
        except ValidationError as exc:
            if accept:
                errors = exc.messages
            else:
                apply_errors(form, exc)
        else:
            if accept:
                messages.success(request, _("You have accepted the dwelling. Congratulations!"))
            else:
                messages.success(request, _("You have refused the offer."))
            return redirect(_page_url(token))
    application.refresh_from_db()
    return _render_page(request, application, token, refuse_form=form, offer_errors=errors)


@personal
@require_GET
def allocation_letter(request: HttpRequest, token: str) -> HttpResponse:
    from doorstroom.lettings import letters

    application = _application_or_404(token)
    if application.status != ApplicationStatus.ALLOCATED:
        raise Http404
    offer = get_object_or_404(application.offers.all(), status=OfferStatus.ALLOCATED)
    try:
        allocation = offer.allocation
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    response = HttpResponse(
        letters.allocation_letter_pdf(allocation), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'inline; filename="toewijzingsbrief.pdf"'
    return response
