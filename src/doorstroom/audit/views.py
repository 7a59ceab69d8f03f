"""The privacy officer's search of their organisation's audit trail (htmx-enhanced, works without JS)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from doorstroom.audit.forms import TrailSearchForm
from doorstroom.audit.models import AuditEvent
from doorstroom.audit.selectors import search_trail
from doorstroom.organisations.access import get_organisation_or_404
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of

PAGE_SIZE = 50


@require_GET
def trail_index(request: HttpRequest) -> HttpResponse:
    for membership in memberships_of(request.user):
        if membership.role == Role.PRIVACY_OFFICER:
            return redirect("audit:trail", organisation_id=membership.organisation_id)
    raise Http404


@require_GET
def trail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = get_organisation_or_404(request.user, organisation_id, "audit.search_trail")
    object_types = list(
        AuditEvent.objects.order_by("object_type")
        .exclude(object_type="")
        .values_list("object_type", flat=True)
        .distinct()
    )
    form = TrailSearchForm(request.GET or None, object_types=object_types)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = search_trail(organisation, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "organisation": organisation,
        "form": form,
        "page": page,
        "query": query.urlencode(),
    }
    template = "audit/_results.html" if request.headers.get("HX-Request") else "audit/trail.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
