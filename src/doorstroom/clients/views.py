"""Care-provider screens of the care pathway: caseload, client record, ZRM, consent, plan.

Only case workers and team leads of the client's own care provider get these pages; everyone
else, the platform administrator included, gets the same 404 as for a client that does not
exist. Every write goes through ``clients.services`` (and so through the audit trail), and every
page that shows a client's care record records the view. Nothing here is cached by the browser.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.clients import charts, forms, selectors, services, zrm
from doorstroom.clients.models import (
    CARE_ROLES,
    Action,
    Assessment,
    Client,
    Consent,
    ConsentScope,
    Goal,
    ReadinessPolicy,
    Review,
)
from doorstroom.clients.readiness import Readiness, evaluate
from doorstroom.config.forms import apply_errors
from doorstroom.organisations.access import get_for_user_or_404
from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.portfolio.models import CareLeaseAgreement

PAGE_SIZE = 25
HISTORY_COLUMNS = 12  # assessments in the history chart and table


#: Care records are never kept in a browser or proxy cache.
private = never_cache


def care_membership(request: HttpRequest) -> Membership:
    """The case-worker or team-lead membership the user works in now, or 404.

    The active membership if it is one, else the user's first one. Platform administrators have
    no care membership, and so no access to care records.
    """
    active = request.membership  # type: ignore[attr-defined]
    if active and active.role in CARE_ROLES:
        return active
    for membership in memberships_of(request.user):
        if membership.role in CARE_ROLES:
            return membership
    raise Http404


def get_client(
    request: HttpRequest, client_id: int, permission: str, screen: str = "record"
) -> Client:
    """The client if the user works for its care provider; missing and forbidden look the same.

    ``visible_to`` goes by memberships, so a platform administrator does not get in. Every page
    (GET) showing part of the record is an audited view, tagged with the ``screen`` it shows.
    """
    client = get_for_user_or_404(
        Client.objects.visible_to(request.user).select_related("care_provider", "case_worker"),
        request.user,
        permission,
        client_id,
    )
    if request.method == "GET":
        services.view_client(acting_user=request.user, client=client, fields=(screen,))
    return client


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("pagina", None)
    return query.urlencode()


def _filtered(
    request: HttpRequest, membership: Membership
) -> tuple[forms.CaseloadFilterForm, str, Any]:
    """The filter form, 'mine' or 'all', and the provider's clients it selects, annotated."""
    provider = membership.organisation
    default = "mine" if membership.role == Role.CASE_WORKER else "all"
    form = forms.CaseloadFilterForm(request.GET or {"show": default}, provider=provider)
    filters = form.cleaned_data if form.is_valid() else {}
    show = filters.get("show") or default
    clients = Client.objects.visible_to(request.user).filter(care_provider=provider)
    if show == "mine":
        clients = clients.filter(case_worker_id=request.user.pk)
    if filters.get("q"):
        term = filters["q"].strip()
        clients = clients.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(reference__iexact=term)
        )
    return form, show, selectors.with_status(clients.select_related("case_worker"))


def _rows(clients: list[Client]) -> list[dict[str, Any]]:
    readiness = selectors.readiness_of(clients)
    today = timezone.localdate()
    return [
        {
            "client": client,
            "readiness": readiness[client.pk],
            "consent": selectors.consent_status(client),
            "review_overdue": bool(
                client.next_review_on  # type: ignore[attr-defined]
                and client.next_review_on < today  # type: ignore[attr-defined]
            ),
        }
        for client in clients
    ]


# --- lists ---------------------------------------------------------------------------------------


@require_GET
@private
def caseload(request: HttpRequest) -> HttpResponse:
    membership = care_membership(request)
    form, show, clients = _filtered(request, membership)
    clients = clients.order_by("last_name", "first_name", "pk")
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "clients/caseload.html",
        {
            "form": form,
            "show": show,
            "provider": membership.organisation,
            "page": page,
            "rows": _rows(list(page.object_list)),
            "query": _query_without_page(request),
            "is_team_lead": membership.role == Role.TEAM_LEAD,
        },
    )


@require_GET
@private
def consent_due(request: HttpRequest) -> HttpResponse:
    """Clients whose consent is missing, or ends within 30 days."""
    membership = care_membership(request)
    form, _show, clients = _filtered(request, membership)
    page = Paginator(selectors.needing_consent(clients), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    today = timezone.localdate()
    soon = today + dt.timedelta(days=selectors.CONSENT_WARNING_DAYS)
    expiring: dict[int, list[Consent]] = {}
    for consent in (
        Consent.objects.in_force(today)
        .filter(client__in=list(page.object_list), expires_on__lte=soon)
        .select_related("partner")
        .order_by("expires_on")
    ):
        expiring.setdefault(consent.client_id, []).append(consent)
    rows = [
        {
            "client": client,
            "consent": selectors.consent_status(client),
            "expiring": expiring.get(client.pk, []),
        }
        for client in page.object_list
    ]
    return render(
        request,
        "clients/consent_due.html",
        {
            "form": form,
            "provider": membership.organisation,
            "page": page,
            "rows": rows,
            "query": _query_without_page(request),
            "warning_days": selectors.CONSENT_WARNING_DAYS,
        },
    )


@require_GET
@private
def provider_overview(request: HttpRequest) -> HttpResponse:
    """The team lead's view: every client of the provider by readiness, and who lacks a worker."""
    membership = care_membership(request)
    provider = membership.organisation
    clients = list(
        selectors.with_status(
            Client.objects.visible_to(request.user)
            .filter(care_provider=provider)
            .select_related("case_worker")
        ).order_by("last_name", "first_name", "pk")
    )
    rows = _rows(clients)
    groups = [
        {
            "verdict": verdict,
            "label": label,
            "rows": [row for row in rows if row["readiness"].verdict == verdict],
        }
        for verdict, label in Readiness.choices
    ]
    unassigned = [row for row in rows if not row["client"].has_case_worker]
    return render(
        request,
        "clients/overview.html",
        {
            "provider": provider,
            "groups": groups,
            "unassigned": unassigned,
            "total": len(rows),
        },
    )


# --- the client --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@private
def client_edit(request: HttpRequest, client_id: int | None = None) -> HttpResponse:
    if client_id is None:
        membership = care_membership(request)
        instance = Client(
            care_provider=membership.organisation,
            case_worker_id=request.user.pk if membership.role == Role.CASE_WORKER else None,
        )
    else:
        instance = get_client(request, client_id, "clients.change_client")
    form = forms.ClientForm(
        request.POST or None, instance=instance, provider=instance.care_provider
    )
    if request.method == "POST" and form.is_valid():
        try:
            client = services.save_client(
                acting_user=request.user, client=form.instance, bsn=form.bsn_to_save()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The client has been saved with reference %(reference)s.")
                % {"reference": client.reference},
            )
            return redirect("clients:detail", client_id=client.pk)
    if instance.pk:
        title = _("Change details of %(name)s") % {"name": instance.full_name}
        back = reverse("clients:detail", args=[instance.pk])
        intro = ""
    else:
        title = _("New client")
        back = reverse("clients:caseload")
        intro = _(
            "The client gets a pseudonymous reference that partners see instead of the name. "
            "Name, date of birth, contact details and BSN stay within %(provider)s."
        ) % {"provider": instance.care_provider}
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "back_url": back,
            "back_label": instance.full_name if instance.pk else _("Caseload"),
        },
    )


def _detail_context(client: Client) -> dict[str, Any]:
    today = timezone.localdate()
    recent = list(
        client.assessments.select_related("assessor")
        .prefetch_related("scores")
        .order_by("-assessed_on", "-id")[:2]
    )
    readiness = evaluate(client, assessment=recent[0] if recent else None)
    table = charts.score_table(recent)
    consents = list(
        client.consents.select_related("partner", "recorded_by").order_by(
            "withdrawn_at", "-valid_from", "-pk"
        )
    )
    in_force = set(
        Consent.objects.in_force(today).filter(client=client).values_list("pk", flat=True)
    )
    goals = list(client.goals.order_by("achieved_on", "created_at"))
    actions = list(client.actions.select_related("goal").order_by("done_on", "due_on", "pk"))
    reviews = list(client.reviews.order_by("-due_on"))
    next_review = next((r for r in reviews if r.held_on is None), None)
    return {
        "client": client,
        "today": today,
        "readiness": readiness,
        "checks_form": forms.ChecksForm.for_client(client),
        "latest": recent[0] if recent else None,
        "table": table,
        "radar": charts.radar(table),
        "assessment_count": client.assessments.count(),
        "manual_url": zrm.MANUAL_URL,
        "scale": zrm.SCALE,
        "consents": [{"consent": c, "in_force": c.pk in in_force} for c in consents],
        "consent_status": _consent_status(consents, in_force, today),
        "goals": [
            {"goal": g, "domain": zrm.domain_label(g.domain) if g.domain else ""} for g in goals
        ],
        "open_actions": [a for a in actions if a.done_on is None],
        "done_actions": [a for a in actions if a.done_on is not None],
        "next_review": next_review,
        "held_reviews": [r for r in reviews if r.held_on is not None],
        "bsn_recorded": bool(client.bsn_encrypted),
        "case_worker_missing": client.case_worker is None,
    }


def _consent_status(consents: list[Consent], in_force: set[int], today: dt.date) -> str:
    """As on the caseload: missing, ending within 30 days, or in force."""
    if not in_force:
        return selectors.ConsentStatus.MISSING
    soon = today + dt.timedelta(days=selectors.CONSENT_WARNING_DAYS)
    if any(c.pk in in_force and c.expires_on and c.expires_on <= soon for c in consents):
        return selectors.ConsentStatus.EXPIRING
    return selectors.ConsentStatus.OK


@require_GET
@private
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(request, client_id, "clients.view_client")
    return render(request, "clients/detail.html", _detail_context(client))


@require_POST
@private
def reveal_bsn(request: HttpRequest, client_id: int) -> HttpResponse:
    """Show the BSN in full, once, in this response only; the reveal is in the audit trail."""
    client = get_client(request, client_id, "clients.view_client")
    bsn = services.reveal_bsn(acting_user=request.user, client=client)
    if not bsn:
        messages.info(request, _("No BSN is recorded for this client."))
        return redirect("clients:detail", client_id=client.pk)
    services.view_client(acting_user=request.user, client=client)
    context = _detail_context(client)
    context["revealed_bsn"] = f"{bsn[:4]} {bsn[4:6]} {bsn[6:]}"
    return render(request, "clients/detail.html", context)


@require_http_methods(["GET", "POST"])
@private
def checks(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(request, client_id, "clients.change_client")
    form = forms.ChecksForm.for_client(client, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.confirm_checks(
            acting_user=request.user,
            client=client,
            housing_skills=form.cleaned_data["housing_skills"],
            income=form.cleaned_data["income"],
            high_risk_signal_open=form.cleaned_data["high_risk_signal_open"],
        )
        messages.success(request, _("The checks have been confirmed."))
        return redirect(reverse("clients:detail", args=[client.pk]) + "#gereedheid")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Confirm the checks for %(name)s") % {"name": client.full_name},
            "intro": _(
                "These checks count towards readiness for independent living. Confirm what is "
                "true today; the date of your confirmation is recorded."
            ),
            "back_url": reverse("clients:detail", args=[client.pk]) + "#gereedheid",
            "back_label": client.full_name,
        },
    )


# --- ZRM ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@private
def assessment_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(request, client_id, "clients.change_client")
    form = forms.AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_assessment(
                acting_user=request.user,
                client=client,
                assessed_on=form.cleaned_data["assessed_on"],
                scores=form.scores(),
                notes=form.notes(),
                version=form.version,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The ZRM assessment has been recorded."))
            return redirect(reverse("clients:detail", args=[client.pk]) + "#zrm")
    return render(
        request,
        "clients/assessment_form.html",
        {
            "client": client,
            "form": form,
            "manual_url": zrm.MANUAL_URL,
            "version": form.version,
        },
    )


@require_GET
@private
def assessments(request: HttpRequest, client_id: int) -> HttpResponse:
    """Every ZRM assessment of the client: the scores over time, as a chart and a table."""
    client = get_client(request, client_id, "clients.view_client", screen="zrm")
    history = list(
        client.assessments.select_related("assessor")
        .prefetch_related("scores")
        .order_by("-assessed_on", "-id")
    )
    table = charts.score_table(history[:HISTORY_COLUMNS])
    labelled = []
    for assessment in history:
        notes = [
            (zrm.domain_label(s.domain, assessment.version), s.note)
            for s in sorted(assessment.scores.all(), key=lambda s: _domain_order(s, assessment))
            if s.note
        ]
        labelled.append({"assessment": assessment, "notes": notes})
    return render(
        request,
        "clients/assessments.html",
        {
            "client": client,
            "table": table,
            "lines": charts.lines(table),
            "history": labelled,
            "shown": min(len(history), HISTORY_COLUMNS),
            "manual_url": zrm.MANUAL_URL,
            "scale": zrm.SCALE,
        },
    )


def _domain_order(score: Any, assessment: Assessment) -> int:
    codes = [d.code for d in zrm.VERSIONS.get(assessment.version, [])]
    return codes.index(score.domain) if score.domain in codes else len(codes)


# --- consent -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@private
def consent_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(request, client_id, "clients.change_client")
    today = timezone.localdate()
    form = forms.ConsentForm(
        request.POST or None,
        instance=Consent(client=client),  # the service records who recorded it
        initial={
            "scope": ConsentScope.READINESS_OUTCOME,
            "given_on": today,
            "valid_from": today,
            "expires_on": today.replace(year=today.year + 1)
            if not (today.month == 2 and today.day == 29)
            else today + dt.timedelta(days=365),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.record_consent(acting_user=request.user, consent=form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Consent recorded: %(partner)s may see %(scope)s.")
                % {"partner": consent.partner, "scope": consent.get_scope_display().lower()},
            )
            return redirect(reverse("clients:detail", args=[client.pk]) + "#toestemming")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Record consent of %(name)s") % {"name": client.full_name},
            "intro": _(
                "Record what the client agreed to share, with which partner, and until when. "
                "The partner sees only this, only while the consent is in force, and never the "
                "client's name or scores. The client can withdraw it at any time."
            ),
            "back_url": reverse("clients:detail", args=[client.pk]) + "#toestemming",
            "back_label": client.full_name,
        },
    )


@require_http_methods(["GET", "POST"])
@private
def consent_withdraw(request: HttpRequest, client_id: int, consent_id: int) -> HttpResponse:
    """Confirm, then withdraw: the partner no longer sees the fact from this moment."""
    client = get_client(request, client_id, "clients.change_client")
    consent = Consent.objects.filter(client=client, pk=consent_id).select_related("partner").first()
    if consent is None:
        raise Http404
    back = reverse("clients:detail", args=[client.pk]) + "#toestemming"
    if consent.withdrawn_at:
        messages.info(request, _("This consent was already withdrawn."))
        return redirect(back)
    if request.method == "POST":
        try:
            services.withdraw_consent(acting_user=request.user, consent=consent)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Consent withdrawn: %(partner)s no longer sees %(scope)s, from now on.")
                % {"partner": consent.partner, "scope": consent.get_scope_display().lower()},
            )
        return redirect(back)
    return render(
        request,
        "clients/consent_withdraw.html",
        {"client": client, "consent": consent, "back_url": back},
    )


# --- guidance plan -----------------------------------------------------------------------------


def _plan_url(client: Client) -> str:
    return reverse("clients:detail", args=[client.pk]) + "#plan"


@require_http_methods(["GET", "POST"])
@private
def goal_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(request, client_id, "clients.change_client")
    form = forms.GoalForm(request.POST or None, instance=Goal(client=client))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_goal(acting_user=request.user, goal=form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The goal has been added to the plan."))
            return redirect(_plan_url(client))
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("New goal for %(name)s") % {"name": client.full_name},
            "intro": _("A goal the client works towards, per ZRM domain where that fits."),
            "back_url": _plan_url(client),
            "back_label": client.full_name,
        },
    )


@require_http_methods(["GET", "POST"])
@private
def action_add(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(request, client_id, "clients.change_client")
    form = forms.ActionForm(
        request.POST or None,
        instance=Action(client=client),
        client=client,
        initial={"goal": request.GET.get("doel")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(acting_user=request.user, action=form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The action has been added to the plan."))
            return redirect(_plan_url(client))
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("New agreed action for %(name)s") % {"name": client.full_name},
            "intro": _("What will be done, by whom, and by when."),
            "back_url": _plan_url(client),
            "back_label": client.full_name,
        },
    )


@require_POST
@private
def action_done(request: HttpRequest, client_id: int, action_id: int) -> HttpResponse:
    client = get_client(request, client_id, "clients.change_client")
    action = client.actions.filter(pk=action_id).first()
    if action is None:
        raise Http404
    if action.done_on:
        messages.info(request, _("This action was already done."))
    else:
        services.complete_action(acting_user=request.user, action=action)
        messages.success(request, _("The action is marked as done."))
    return redirect(_plan_url(client))


@require_http_methods(["GET", "POST"])
@private
def review_hold(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_client(request, client_id, "clients.change_client")
    planned = Review.objects.filter(client=client, held_on__isnull=True).first()
    form = forms.ReviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_review(
                acting_user=request.user,
                client=client,
                held_on=form.cleaned_data["held_on"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The review has been recorded; the next one is planned in 6 months.")
            )
            return redirect(_plan_url(client))
    intro = (
        (
            _("The review was planned for %(date)s.")
            % {"date": planned.due_on.strftime("%d-%m-%Y")}
            if planned
            else _("No review was planned yet.")
        )
        + " "
        + _("After you record it, the next review is planned 6 months later.")
    )
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Review of the plan of %(name)s") % {"name": client.full_name},
            "intro": intro,
            "back_url": _plan_url(client),
            "back_label": client.full_name,
        },
    )


@require_http_methods(["GET", "POST"])
@private
def readiness_policy(request: HttpRequest) -> HttpResponse:
    """The team lead sets the provider's readiness gates, or those for one agreement."""
    membership = care_membership(request)
    if membership.role != Role.TEAM_LEAD:
        raise Http404
    provider = membership.organisation
    agreements = CareLeaseAgreement.objects.filter(care_provider=provider).select_related("complex")
    agreement = None
    if request.GET.get("overeenkomst"):
        agreement = agreements.filter(pk=request.GET["overeenkomst"]).first()
        if agreement is None:
            raise Http404
    instance = ReadinessPolicy.objects.filter(
        care_provider=provider, agreement=agreement
    ).first() or ReadinessPolicy(care_provider=provider, agreement=agreement)
    form = forms.ReadinessPolicyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_readiness_policy(acting_user=request.user, policy=form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The readiness gates have been saved."))
            return redirect(request.get_full_path())
    return render(
        request,
        "clients/readiness_policy.html",
        {"form": form, "agreement": agreement, "agreements": agreements, "provider": provider},
    )
