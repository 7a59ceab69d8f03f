"""The neighbourhood team's screens: the labelled tenants in its areas and the referrals sent to
it, and the postcode areas it covers.

The team sees a labelled tenant's name, address and label end, and the contact details only while
the client's consent LABEL_AND_CONTACT for this team is in force. Nothing from care records is
read here: of a client only the reference (to match the placement), phone and e-mail are loaded.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.clients.models import Client, ConsentScope
from doorstroom.clients.sharing import consented_partners
from doorstroom.config.forms import apply_errors
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind
from doorstroom.portfolio.models import RegularTenancy, active_on
from doorstroom.tenancies import areas as area_services
from doorstroom.tenancies import signals_services as services
from doorstroom.tenancies.forms_signals import AreaForm, ReferralActionForm
from doorstroom.tenancies.models import NeighbourhoodArea, Placement
from doorstroom.tenancies.views_signals import received_rows, record_action

PAGE_SIZE = 50


def _team_ids(request: HttpRequest) -> set[int]:
    ids = services._org_ids(request.user, services.TEAM_ROLES)
    if not ids:
        raise Http404
    return ids


def _placement_of(tenancy: RegularTenancy) -> Placement | None:
    try:
        return tenancy.placement
    except Placement.DoesNotExist:
        return None


def labelled_tenants(team_ids: set[int], page_number: Any) -> tuple[Any, list[dict[str, Any]]]:
    """One page of labelled tenants in the teams' areas, with contact details where consented."""
    today = timezone.localdate()
    covering = dict(
        NeighbourhoodArea.objects.filter(team_id__in=team_ids).values_list(
            "postcode_digits", "team_id"
        )
    )
    tenancies = (
        RegularTenancy.objects.filter(active_on(today), care_label_until__gt=today)
        .annotate(area=Substr("dwelling__postcode", 1, 4))
        .filter(area__in=list(covering))
        .select_related("dwelling", "placement")
        .order_by("dwelling__street", "dwelling__house_number", "dwelling__house_number_addition")
    )
    page = Paginator(tenancies, PAGE_SIZE).get_page(page_number)
    placements = {t.pk: _placement_of(t) for t in page}
    pairs = Q()
    for placement in placements.values():
        if placement is not None:
            pairs |= Q(care_provider_id=placement.care_provider_id, reference=placement.client_ref)
    clients: dict[tuple[int, str], Client] = {}
    consented: dict[int, set[int]] = {}
    if pairs:
        found = list(
            Client.objects.filter(pairs).only(
                "pk", "care_provider_id", "reference", "phone", "email"
            )
        )
        clients = {(c.care_provider_id, c.reference): c for c in found}
        consented = consented_partners(found, ConsentScope.LABEL_AND_CONTACT, today)
    rows = []
    for tenancy in page:
        placement = placements[tenancy.pk]
        client = (
            clients.get((placement.care_provider_id, placement.client_ref))
            if placement is not None
            else None
        )
        team_id = covering.get(tenancy.area)  # type: ignore[attr-defined]
        shared = client is not None and team_id in consented.get(client.pk, set())
        rows.append(
            {
                "tenancy": tenancy,
                "contact": {"phone": client.phone, "email": client.email}
                if shared and client is not None
                else None,
            }
        )
    return page, rows


def _home_page(
    request: HttpRequest, bound: tuple[int, ReferralActionForm] | None = None, status: int = 200
) -> HttpResponse:
    team_ids = _team_ids(request)
    page, tenants = labelled_tenants(team_ids, request.GET.get("pagina"))
    context = received_rows(
        services.referrals_received_by(request.user, services.TEAM_ROLES), bound
    )
    context.update(
        {
            "page": page,
            "tenants": tenants,
            "teams": list(Organisation.objects.filter(pk__in=team_ids).order_by("name")),
        }
    )
    return render(request, "tenancies/team/home.html", context, status=status)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _home_page(request)


@require_POST
def action(request: HttpRequest, referral_id: int) -> HttpResponse:
    _team_ids(request)
    referrals = services.referrals_received_by(request.user, services.TEAM_ROLES)
    return record_action(request, referrals, referral_id, reverse("team:home"), _home_page)


# --- Areas ---------------------------------------------------------------------------------------


def _manageable_teams(request: HttpRequest) -> list[Organisation]:
    teams = Organisation.objects.filter(kind=OrganisationKind.NEIGHBOURHOOD_TEAM)
    if not request.user.is_superuser:
        teams = teams.filter(pk__in=services._org_ids(request.user, services.TEAM_ROLES))
    found = list(teams.order_by("name"))
    if not found:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
def areas(request: HttpRequest) -> HttpResponse:
    teams = _manageable_teams(request)
    form = AreaForm(request.POST or None, teams=teams)
    status = 200
    if request.method == "POST":
        if not area_services.may_assign_areas(request.user):
            raise Http404
        if form.is_valid():
            try:
                area = area_services.add_area(
                    acting_user=request.user,
                    team=form.cleaned_data["team"],
                    postcode_digits=form.cleaned_data["postcode_digits"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(
                    request,
                    _("Postcode area %(digits)s has been added.")
                    % {"digits": area.postcode_digits},
                )
                return redirect("team:areas")
        status = 400
    team_areas = (
        NeighbourhoodArea.objects.filter(team__in=teams)
        .select_related("team")
        .order_by("team__name", "postcode_digits")
    )
    return render(
        request,
        "tenancies/team/areas.html",
        {
            "form": form if area_services.may_assign_areas(request.user) else None,
            "areas": team_areas,
            "teams": teams,
            "several": len(teams) > 1,
        },
        status=status,
    )


@require_POST
def remove_area(request: HttpRequest, area_id: int) -> HttpResponse:
    teams = _manageable_teams(request)
    area = get_object_or_404(NeighbourhoodArea.objects.filter(team__in=teams), pk=area_id)
    try:
        area_services.remove_area(acting_user=request.user, area=area)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request, _("Postcode area %(digits)s has been removed.") % {"digits": area.postcode_digits}
    )
    return redirect("team:areas")
