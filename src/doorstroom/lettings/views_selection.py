"""The selection screens of the corporation's letting staff: the shortlist of a vacancy, one
application with the rubric and the interview outcome, the interview slots, and the letting
policy of a complex with its rubric.

Applicant data is for the corporation's mixed-living manager and letting officers only: everyone
else gets 404. A reviewer sees the other reviewer's scores only after submitting their own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from doorstroom.audit.services import record_view
from doorstroom.config.forms import apply_errors
from doorstroom.lettings import interviews, selection
from doorstroom.lettings.forms_selection import (
    CriterionForm,
    OutcomeForm,
    PolicyForm,
    RubricForm,
    SlotsForm,
)
from doorstroom.lettings.models import (
    ACTIVE_STATUSES,
    Application,
    ApplicationStatus,
    InterviewSlot,
    MotivationReview,
    Ranking,
    RubricCriterion,
    Vacancy,
    VacancyStatus,
)
from doorstroom.lettings.vacancies import policy_for
from doorstroom.organisations.access import get_for_user_or_404
from doorstroom.portfolio.mix import Stream
from doorstroom.portfolio.models import CORPORATION_STAFF, Complex, _org_ids

#: Fields of an application shown on its page (for the "viewed" audit event).
SHOWN_FIELDS = [
    "full_name",
    "email",
    "phone",
    "adults",
    "children",
    "senior_household",
    "gross_income",
    "registration_date",
    "motivation_why",
    "motivation_bring",
    "motivation_experience",
    "pledge_kinds",
    "pledge_text",
    "pledge_hours",
]


def _link(name: str, *args: Any) -> str:
    """A link to a screen of another letting step, empty when that screen is not installed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _vacancy_or_404(request: HttpRequest, vacancy_id: int) -> Vacancy:
    """A regular-stream vacancy of the user's corporation (404 for anyone else)."""
    vacancy = get_for_user_or_404(
        Vacancy.objects.visible_to(request.user).select_related(
            "dwelling__complex", "dwelling__corporation", "lottery_drawn_by"
        ),
        request.user,
        "lettings.view_vacancy",
        vacancy_id,
    )
    if vacancy.stream != Stream.REGULAR:
        raise Http404
    return vacancy


def _error(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- the shortlist -------------------------------------------------------------------------------


def _interview_state(candidate: selection.Candidate) -> str:
    slot = candidate.slot
    if slot is not None and slot.outcome:
        return str(slot.get_outcome_display())
    if slot is not None:
        return _("Interview on %(time)s") % {
            "time": timezone.localtime(slot.starts_at).strftime("%d-%m-%Y %H:%M")
        }
    if candidate.application.status == ApplicationStatus.INVITED:
        return _("Invited, no time chosen yet")
    return _("Not invited")


@require_http_methods(["GET", "POST"])
def shortlist(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    """The candidates of a vacancy in ranking order, with why each stands where they stand."""
    vacancy = _vacancy_or_404(request, vacancy_id)
    may_let = request.user.has_perm("lettings.let_vacancy", vacancy)
    if request.method == "POST":
        action = request.POST.get("action")
        if not may_let or action not in ("draw", "invite"):
            raise Http404
        try:
            if action == "draw":
                selection.draw_lottery(acting_user=request.user, vacancy=vacancy)
                messages.success(request, _("The lottery is drawn."))
            else:
                application = (
                    Application.objects.visible_to(request.user)
                    .filter(vacancy=vacancy, pk=request.POST.get("application") or 0)
                    .first()
                )
                if application is None:
                    raise Http404
                interviews.invite(acting_user=request.user, application=application)
                messages.success(
                    request,
                    _("%(name)s is invited and receives an e-mail to choose a time.")
                    % {"name": application.full_name},
                )
        except ValidationError as exc:
            _error(request, exc)
        return redirect("selection:shortlist", vacancy.pk)

    policy = policy_for(vacancy.dwelling.complex)
    candidates = selection.shortlist(vacancy, include_ended=True)
    for candidate in candidates:
        candidate.interview_state = _interview_state(candidate)  # type: ignore[attr-defined]
        candidate.may_invite = (  # type: ignore[attr-defined]
            may_let
            and vacancy.status == VacancyStatus.OPEN
            and candidate.application.status == ApplicationStatus.SUBMITTED
            and candidate.reviews >= selection.REVIEWERS
            and candidate.slot is None
        )
    running = [c for c in candidates if c.application.status in ACTIVE_STATUSES]
    ended = [c for c in candidates if c.application.status not in ACTIVE_STATUSES]
    lottery = policy.ranking == Ranking.LOTTERY
    deadline_passed = bool(
        vacancy.advert_deadline and timezone.localdate() > vacancy.advert_deadline
    )
    return render(
        request,
        "lettings/selection/shortlist.html",
        {
            "vacancy": vacancy,
            "dwelling": vacancy.dwelling,
            "policy": policy,
            "lottery": lottery,
            "may_draw": may_let
            and lottery
            and vacancy.lottery_seed is None
            and deadline_passed
            and vacancy.status == VacancyStatus.OPEN,
            "deadline_passed": deadline_passed,
            "running": running,
            "ended": ended,
            "slots_url": reverse("selection:slots", args=[vacancy.pk]),
            "policy_url": reverse("selection:policy", args=[vacancy.dwelling.complex_id]),
            "offers_url": _link("offers:vacancy", vacancy.pk),
        },
    )


# --- one application -----------------------------------------------------------------------------


def _application_or_404(request: HttpRequest, application_id: int) -> Application:
    application = get_for_user_or_404(
        Application.objects.visible_to(request.user).select_related(
            "vacancy__dwelling__complex", "vacancy__dwelling__corporation"
        ),
        request.user,
        "lettings.view_application",
        application_id,
    )
    return application


def _review_rows(
    criteria: list[RubricCriterion], reviews: list[MotivationReview], threshold: int
) -> list[dict[str, Any]]:
    """Per criterion: each reviewer's score and whether they differ by the threshold or more."""
    by_review = [{s.criterion_id: s.score for s in r.scores.all()} for r in reviews]
    rows = []
    for criterion in criteria:
        scores = [scores.get(criterion.pk) for scores in by_review]
        known = [s for s in scores if s is not None]
        rows.append(
            {
                "criterion": criterion,
                "scores": scores,
                "disagreement": len(known) == 2 and abs(known[0] - known[1]) >= threshold,
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    """An application: household, income, registration, motivation and pledge; the rubric for
    the current user; both reviews once the user has scored; the interview and its outcome."""
    application = _application_or_404(request, application_id)
    vacancy = application.vacancy
    user = request.user
    policy = policy_for(vacancy.dwelling.complex)
    criteria = list(policy.criteria.all())
    reviews = list(
        application.reviews.select_related("reviewer")
        .prefetch_related("scores")
        .order_by("created_at", "pk")
    )
    own = next((r for r in reviews if r.reviewer_id == user.pk), None)
    may_score = (
        own is None
        and len(reviews) < selection.REVIEWERS
        and application.status in ACTIVE_STATUSES
        and user.has_perm("lettings.score_application", application)
    )
    slot = (
        InterviewSlot.objects.select_related("interviewer", "outcome_recorded_by")
        .filter(application=application)
        .first()
    )
    may_record = interviews.may_record_outcome(slot) and user.has_perm(
        "lettings.score_application", application
    )
    rubric_form = RubricForm(criteria=criteria) if may_score else None
    outcome_form = (
        OutcomeForm(initial={"outcome": slot.outcome, "notes": slot.notes})
        if may_record and slot
        else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "score" and may_score:
            rubric_form = RubricForm(request.POST, criteria=criteria)
            if rubric_form.is_valid():
                try:
                    selection.score_motivation(
                        acting_user=user,
                        application=application,
                        scores=rubric_form.scores(),
                        note=rubric_form.cleaned_data["note"],
                    )
                except ValidationError as exc:
                    apply_errors(rubric_form, exc)
                else:
                    messages.success(request, _("Your scores are saved."))
                    return redirect("selection:application", application.pk)
        elif action == "outcome" and may_record and slot is not None:
            outcome_form = OutcomeForm(request.POST)
            if outcome_form.is_valid():
                try:
                    interviews.record_outcome(
                        acting_user=user,
                        slot=slot,
                        outcome=outcome_form.cleaned_data["outcome"],
                        notes=outcome_form.cleaned_data["notes"],
                    )
                except ValidationError as exc:
                    apply_errors(outcome_form, exc)
                else:
                    messages.success(request, _("The outcome of the interview is saved."))
                    return redirect("selection:application", application.pk)
        elif (
            action == "outcome"
            and slot is not None
            and user.has_perm("lettings.score_application", application)
        ):
            # The form is not offered yet (the interview has not started): say why.
            try:
                interviews.record_outcome(
                    acting_user=user,
                    slot=slot,
                    outcome=request.POST.get("outcome", ""),
                    notes=request.POST.get("notes", ""),
                )
            except ValidationError as exc:
                _error(request, exc)
            return redirect("selection:application", application.pk)
        else:
            raise Http404

    record_view(
        actor=user,
        organisation=vacancy.dwelling.corporation,
        obj=application,
        fields=SHOWN_FIELDS,
    )
    show_reviews = own is not None or len(reviews) >= selection.REVIEWERS
    return render(
        request,
        "lettings/selection/application.html",
        {
            "application": application,
            "vacancy": vacancy,
            "dwelling": vacancy.dwelling,
            "policy": policy,
            "criteria": criteria,
            "reviews": reviews if show_reviews else [],
            "review_count": len(reviews),
            "own_review": own,
            "show_reviews": show_reviews,
            "rows": _review_rows(criteria, reviews, policy.disagreement_threshold)
            if show_reviews
            else [],
            "score": selection.weighted_score(reviews, criteria) if show_reviews else None,
            "rubric_form": rubric_form,
            "slot": slot,
            "outcome_form": outcome_form,
            "may_score": may_score,
        },
    )


# --- interview slots -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def slots(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    """The interview slots of a vacancy: add several at once, see who booked, cancel free ones."""
    vacancy = _vacancy_or_404(request, vacancy_id)
    may_let = request.user.has_perm("lettings.let_vacancy", vacancy)
    corporation_id = vacancy.dwelling.corporation_id
    form = SlotsForm(
        corporation_id=corporation_id,
        initial={"interviewer": request.user.pk, "duration_minutes": 30},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if not may_let:
            raise Http404
        if action == "add":
            form = SlotsForm(request.POST, corporation_id=corporation_id)
            if form.is_valid():
                try:
                    added = interviews.add_slots(
                        acting_user=request.user,
                        vacancy=vacancy,
                        starts=form.starts(),
                        duration_minutes=form.cleaned_data["duration_minutes"],
                        location=form.cleaned_data["location"],
                        interviewer=form.cleaned_data["interviewer"],
                    )
                except ValidationError as exc:
                    if hasattr(exc, "error_dict") and "starts" in exc.error_dict:
                        exc.error_dict["times"] = exc.error_dict.pop("starts")
                    apply_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("%(n)s interview slots added.") % {"n": len(added)},
                    )
                    return redirect("selection:slots", vacancy.pk)
        elif action == "cancel":
            slot = vacancy.slots.filter(pk=request.POST.get("slot") or 0).first()
            if slot is None:
                raise Http404
            try:
                interviews.cancel_slot(acting_user=request.user, slot=slot)
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("The interview slot is cancelled."))
            return redirect("selection:slots", vacancy.pk)
        else:
            raise Http404
    now = timezone.now()
    rows = list(
        vacancy.slots.select_related("interviewer", "application").order_by("starts_at", "pk")
    )
    for slot in rows:
        slot.is_past = slot.starts_at <= now  # type: ignore[attr-defined]
        slot.ends_at = slot.starts_at + dt.timedelta(  # type: ignore[attr-defined]
            minutes=slot.duration_minutes
        )
    return render(
        request,
        "lettings/selection/slots.html",
        {
            "vacancy": vacancy,
            "dwelling": vacancy.dwelling,
            "slots": rows,
            "free": sum(1 for s in rows if s.application_id is None and s.starts_at > now),
            "form": form if may_let and vacancy.status == VacancyStatus.OPEN else None,
        },
    )


# --- the letting policy --------------------------------------------------------------------------


def _complex_or_404(request: HttpRequest, complex_id: int) -> Complex:
    """A complex of the user's corporation, for its letting staff (404 for anyone else)."""
    return get_for_user_or_404(
        Complex.objects.filter(
            corporation_id__in=_org_ids(request.user, CORPORATION_STAFF)
        ).select_related("corporation"),
        request.user,
        "portfolio.view_complex",
        complex_id,
    )


def _criteria(policy: Any) -> QuerySet[RubricCriterion]:
    return policy.criteria.all()


@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest, complex_id: int) -> HttpResponse:
    """The letting policy of a complex and its rubric: the manager changes them, letting officers
    read them."""
    complex_ = _complex_or_404(request, complex_id)
    may_change = request.user.has_perm("portfolio.change_complex", complex_)
    current = policy_for(complex_)
    policy_form = PolicyForm(instance=current)
    criterion_form = CriterionForm()
    if request.method == "POST":
        if not may_change:
            raise Http404
        action = request.POST.get("action")
        if action == "policy":
            policy_form = PolicyForm(request.POST, instance=policy_for(complex_))
            if policy_form.is_valid():
                try:
                    selection.update_policy(
                        acting_user=request.user, complex_=complex_, values=policy_form.values()
                    )
                except ValidationError as exc:
                    apply_errors(policy_form, exc)
                else:
                    messages.success(request, _("The letting policy is saved."))
                    return redirect("selection:policy", complex_.pk)
        elif action == "add":
            criterion_form = CriterionForm(request.POST)
            if criterion_form.is_valid():
                try:
                    selection.add_criterion(
                        acting_user=request.user, complex_=complex_, **criterion_form.cleaned_data
                    )
                except ValidationError as exc:
                    apply_errors(criterion_form, exc)
                else:
                    messages.success(request, _("The criterion is added to the rubric."))
                    return redirect("selection:policy", complex_.pk)
        elif action == "remove":
            criterion = current.criteria.filter(pk=request.POST.get("criterion") or 0).first()
            if criterion is None:
                raise Http404
            try:
                selection.remove_criterion(
                    acting_user=request.user, complex_=complex_, criterion=criterion
                )
            except ValidationError as exc:
                _error(request, exc)
            else:
                messages.success(request, _("The criterion is removed from the rubric."))
            return redirect("selection:policy", complex_.pk)
        else:
            raise Http404
    current = policy_for(complex_)
    scored = selection.scored_criteria(current)
    criteria = list(_criteria(current))
    for criterion in criteria:
        criterion.is_scored = criterion.pk in scored  # type: ignore[attr-defined]
    return render(
        request,
        "lettings/selection/policy.html",
        {
            "complex": complex_,
            "policy": current,
            "criteria": criteria,
            "may_change": may_change,
            "policy_form": policy_form if may_change else None,
            "criterion_form": criterion_form if may_change else None,
            "agreements": [line for line in current.community_agreements.splitlines() if line],
        },
    )


@require_http_methods(["GET", "POST"])
def criterion(request: HttpRequest, complex_id: int, criterion_id: int) -> HttpResponse:
    """Change one criterion of a complex's rubric (the manager)."""
    complex_ = _complex_or_404(request, complex_id)
    if not request.user.has_perm("portfolio.change_complex", complex_):
        raise Http404
    current = policy_for(complex_)
    found = current.criteria.filter(pk=criterion_id).first()
    if found is None:
        raise Http404
    form = CriterionForm(
        initial={"name": found.name, "description": found.description, "weight": found.weight}
    )
    if request.method == "POST":
        form = CriterionForm(request.POST)
        if form.is_valid():
            try:
                selection.change_criterion(
                    acting_user=request.user,
                    complex_=complex_,
                    criterion=found,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The criterion is saved."))
                return redirect("selection:policy", complex_.pk)
    back = reverse("selection:policy", args=[complex_.pk])
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Criterion of the rubric of %(complex)s") % {"complex": complex_.name},
            "intro": _(
                "A changed weight or description also applies to scores already given: the "
                "shortlist recalculates."
            ),
            "back_url": back,
            "back_label": _("Letting policy"),
        },
    )
