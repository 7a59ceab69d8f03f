"""The project pages: public (no login) the list of published pages and one page per complex with
the working-visit request form; for the corporation's mixed-living manager, writing and
publishing the page and the visit requests received. An unpublished page, another corporation's
complex and another corporation's request all give 404."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.accounts.decorators import public
from doorstroom.audit.services import client_ip
from doorstroom.config.forms import apply_errors
from doorstroom.organisations.access import get_for_user_or_404
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import has_role_anywhere
from doorstroom.outcomes import project
from doorstroom.outcomes.forms_project import ProjectPageForm, VisitRequestForm
from doorstroom.outcomes.models import ProjectPage, VisitRequest
from doorstroom.portfolio.models import Complex

logger = logging.getLogger(__name__)


# --- public --------------------------------------------------------------------------------------


@public
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    return render(request, "outcomes/project/list.html", {"projects": project.published_projects()})


def _facts_or_404(slug: str) -> project.ProjectFacts:
    facts = project.project_facts(slug)
    if facts is None:
        raise Http404
    return facts


@public
@require_http_methods(["GET", "POST"])
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The page and its visit request form. A filled-in hidden field (a bot) gets the same
    answer as a person, but nothing is saved or sent."""
    facts = _facts_or_404(slug)
    form = VisitRequestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_bot():
            logger.info("visit request form of page %s: hidden field filled in", facts.page.pk)
            return redirect("projects:sent", slug)
        if form.is_valid():
            try:
                project.submit_visit_request(
                    page=facts.page, client_ip=client_ip(request), **form.answers()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                if getattr(exc, "code", None) == "rate_limited":
                    status = 429
            else:
                return redirect("projects:sent", slug)
    return render(
        request,
        "outcomes/project/detail.html",
        {
            "facts": facts,
            "form": form,
            "retention_months": project.HANDLED_RETENTION_MONTHS,
        },
        status=status,
    )


@public
@require_GET
def sent(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "outcomes/project/sent.html", {"facts": _facts_or_404(slug)})


# --- the corporation's mixed-living manager ------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    if not has_role_anywhere(request.user, Role.MIXED_LIVING_MANAGER):
        raise Http404


@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    """The manager's complexes, each with the state of its page and its open requests."""
    _require_manager(request)
    rows = []
    for complex_ in project.managed_complexes(request.user):
        page: ProjectPage | None = getattr(complex_, "project_page", None)
        rows.append({"complex": complex_, "page": page})
    return render(request, "outcomes/project/manage.html", {"rows": rows})


def _complex_or_404(request: HttpRequest, complex_id: int) -> Complex:
    return get_for_user_or_404(
        Complex.objects.select_related("corporation"), request.user, project.PERMISSION, complex_id
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, complex_id: int) -> HttpResponse:
    complex_ = _complex_or_404(request, complex_id)
    page = project.page_of(complex_)
    initial = {"concept": page.concept, "since": page.since, "slug": page.slug}
    form = ProjectPageForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project.save_project_page(
                acting_user=request.user, complex_=complex_, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The project page has been saved."))
            return redirect("projects:edit", complex_.pk)
    return render(
        request,
        "outcomes/project/edit.html",
        {"complex": complex_, "page": page, "form": form},
    )


@require_POST
def publish(request: HttpRequest, complex_id: int) -> HttpResponse:
    complex_ = _complex_or_404(request, complex_id)
    if request.POST.get("action") == "unpublish":
        project.unpublish_project_page(acting_user=request.user, complex_=complex_)
        messages.success(request, _("The project page is no longer public."))
        return redirect("projects:edit", complex_.pk)
    try:
        project.publish_project_page(acting_user=request.user, complex_=complex_)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The project page is public now."))
    return redirect("projects:edit", complex_.pk)


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """The visit requests of the manager's corporations: open ones first, then those handled."""
    _require_manager(request)
    visible = VisitRequest.objects.visible_to(request.user).select_related("complex", "handled_by")
    return render(
        request,
        "outcomes/project/requests.html",
        {
            "open_requests": list(visible.open().order_by("created_at")),
            "handled": list(visible.filter(handled_at__isnull=False).order_by("-handled_at")[:50]),
            "retention_months": project.HANDLED_RETENTION_MONTHS,
        },
    )


@require_POST
def mark_handled(request: HttpRequest, request_id: int) -> HttpResponse:
    visit_request = VisitRequest.objects.visible_to(request.user).filter(pk=request_id).first()
    if visit_request is None:
        raise Http404
    project.mark_visit_request_handled(acting_user=request.user, visit_request=visit_request)
    messages.success(request, _("The request has been marked as handled."))
    return redirect(reverse("projects:requests"))
