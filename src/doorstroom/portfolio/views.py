"""Portfolio screens: overview, complex, dwelling and agreement pages, with the manager's edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.audit.models import AuditEvent
from doorstroom.config.forms import apply_errors
from doorstroom.organisations.access import get_for_user_or_404
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import has_role_anywhere, holds_role_in, memberships_of
from doorstroom.portfolio import forms, services
from doorstroom.portfolio.mix import mix_of, with_mix
from doorstroom.portfolio.models import (
    CareLease,
    CareLeaseAgreement,
    CommunalSpace,
    Complex,
    Dwelling,
    DwellingStatus,
    SuitabilityPolicy,
    active_on,
)
from doorstroom.portfolio.suitability import policies_for, policy_for, scorecard
from doorstroom.reference.codes import accessibility_names, typology_names
from doorstroom.tenancies.models import Placement

PAGE_SIZE = 25


def managed_corporation(request: HttpRequest) -> Organisation:
    """The corporation the user manages in their active membership, or 404."""
    membership = request.membership  # type: ignore[attr-defined]
    if not membership or membership.role != Role.MIXED_LIVING_MANAGER:
        raise Http404
    return membership.organisation


def visible_placements(user: Any, corporation_id: int) -> Any:
    """Placements in a corporation's dwellings: all for its staff, a care provider only its own."""
    placements = Placement.objects.select_related("care_provider")
    if holds_role_in(user, corporation_id, (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER)):
        return placements
    providers = [
        m.organisation_id
        for m in memberships_of(user)
        if m.role in (Role.CASE_WORKER, Role.TEAM_LEAD)
    ]
    return placements.filter(care_provider_id__in=providers)


PORTFOLIO_ROLES = (
    Role.MIXED_LIVING_MANAGER,
    Role.LETTING_OFFICER,
    Role.CASE_WORKER,
    Role.TEAM_LEAD,
)


def require_portfolio_role(request: HttpRequest) -> None:
    """Deny by default: only corporation and care-provider staff work with the portfolio."""
    if not (request.user.is_superuser or has_role_anywhere(request.user, *PORTFOLIO_ROLES)):
        raise Http404


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    require_portfolio_role(request)
    complexes = Complex.objects.visible_to(request.user).select_related("corporation")
    form = forms.PortfolioFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if filters.get("q"):
        complexes = complexes.filter(
            Q(name__icontains=filters["q"]) | Q(code__icontains=filters["q"])
        )
    if filters.get("typology"):
        complexes = complexes.filter(typology=filters["typology"])
    if filters.get("municipality"):
        complexes = complexes.filter(municipality_name__icontains=filters["municipality"])
    annotated = list(with_mix(complexes).order_by("name"))
    policies = policies_for({c.corporation_id for c in annotated})
    rows = []
    for complex_ in annotated:
        mix = mix_of(complex_)
        card = scorecard(complex_, mix, policies[complex_.corporation_id])
        if filters.get("verdict") and card.verdict != filters["verdict"]:
            continue
        rows.append({"complex": complex_, "mix": mix, "card": card})
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    can_add = has_role_anywhere(request.user, Role.MIXED_LIVING_MANAGER)
    return render(
        request,
        "portfolio/overview.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "typologies": typology_names(),
            "can_add": can_add,
        },
    )


def _complex_context(request: HttpRequest, complex_: Complex) -> dict[str, Any]:
    annotated = with_mix(Complex.objects.filter(pk=complex_.pk)).get()
    mix = mix_of(annotated)
    card = scorecard(annotated, mix, policy_for(complex_.corporation_id))
    stream, reason = mix.next_vacancy()
    today = dt.date.today()
    dwellings = Dwelling.objects.filter(complex=complex_).with_status()
    status_filter = request.GET.get("status", "")
    if status_filter in DwellingStatus.values:
        dwellings = Dwelling.objects.filter(complex=complex_).in_status(status_filter)
    agreements = (
        CareLeaseAgreement.objects.visible_to(request.user)
        .filter(complex=complex_)
        .select_related("care_provider")
        .order_by("-start_date")
    )
    return {
        "complex": annotated,
        "mix": mix,
        "card": card,
        "next_stream": stream,
        "next_reason": reason,
        "typology_name": typology_names().get(complex_.typology, complex_.typology),
        "spaces": list(complex_.communal_spaces.all()),
        "agreements": agreements,
        "dwellings": Paginator(
            dwellings.order_by("street", "house_number", "house_number_addition"), 100
        ).get_page(request.GET.get("pagina")),
        "status_filter": status_filter,
        "query": f"status={status_filter}" if status_filter else "",
        "statuses": DwellingStatus.choices,
        "can_edit": request.user.has_perm("portfolio.change_complex", complex_),
        "sees_labels": request.user.has_perm("portfolio.view_tenant", complex_),
        "today": today,
        "space_form": forms.CommunalSpaceForm(),
    }


@require_GET
def complex_detail(request: HttpRequest, complex_id: int) -> HttpResponse:
    complex_ = get_for_user_or_404(
        Complex.objects.all(), request.user, "portfolio.view_complex", complex_id
    )
    return render(request, "portfolio/complex_detail.html", _complex_context(request, complex_))


@require_http_methods(["GET", "POST"])
def complex_edit(request: HttpRequest, complex_id: int | None = None) -> HttpResponse:
    if complex_id is None:
        corporation = managed_corporation(request)
        instance = Complex(corporation=corporation)
    else:
        instance = get_for_user_or_404(
            Complex.objects.all(), request.user, "portfolio.change_complex", complex_id
        )
    form = forms.ComplexForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            complex_ = services.save_complex(acting_user=request.user, complex_=form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The complex has been saved."))
            return redirect("portfolio:complex", complex_id=complex_.pk)
    back = (
        reverse("portfolio:complex", args=[instance.pk])
        if instance.pk
        else reverse("portfolio:overview")
    )
    title = _("Change %(name)s") % {"name": instance.name} if instance.pk else _("New complex")
    return render(request, "form_page.html", {"form": form, "title": title, "back_url": back})


@require_POST
def communal_space_add(request: HttpRequest, complex_id: int) -> HttpResponse:
    complex_ = get_for_user_or_404(
        Complex.objects.all(), request.user, "portfolio.change_complex", complex_id
    )
    form = forms.CommunalSpaceForm(request.POST, instance=CommunalSpace(complex=complex_))
    if form.is_valid():
        services.add_communal_space(acting_user=request.user, space=form.instance)
        messages.success(request, _("The communal space has been added."))
        return redirect("portfolio:complex", complex_id=complex_.pk)
    context = _complex_context(request, complex_)
    context["space_form"] = form
    return render(request, "portfolio/complex_detail.html", context, status=400)


@require_POST
def communal_space_remove(request: HttpRequest, complex_id: int, space_id: int) -> HttpResponse:
    complex_ = get_for_user_or_404(
        Complex.objects.all(), request.user, "portfolio.change_complex", complex_id
    )
    space = complex_.communal_spaces.filter(pk=space_id).first()
    if space is None:
        raise Http404
    services.remove_communal_space(acting_user=request.user, space=space)
    messages.success(request, _("The communal space has been removed."))
    return redirect("portfolio:complex", complex_id=complex_.pk)


@require_GET
def dwelling_detail(request: HttpRequest, dwelling_id: int) -> HttpResponse:
    dwelling = get_for_user_or_404(
        Dwelling.objects.select_related("complex").with_status(),
        request.user,
        "portfolio.view_dwelling",
        dwelling_id,
    )
    sees_tenant = request.user.has_perm("portfolio.view_tenant", dwelling)
    history: list[dict[str, Any]] = []
    for lease in dwelling.care_leases.select_related("agreement__care_provider"):
        history.append(
            {
                "start": lease.start_date,
                "end": lease.end_date,
                "kind": _("Care lease"),
                "who": lease.agreement.care_provider.name,
                "detail": lease.get_end_reason_display(),
            }
        )
    for tenancy in dwelling.regular_tenancies.all():
        # The label says the tenant came from care: for the corporation's own staff only.
        label = (
            _("'wonen met zorg' label until %(date)s")
            % {"date": tenancy.care_label_until.strftime("%d-%m-%Y")}
            if tenancy.care_label_until and sees_tenant
            else ""
        )
        history.append(
            {
                "start": tenancy.start_date,
                "end": tenancy.end_date,
                "kind": _("Regular tenancy"),
                "who": tenancy.tenant_name if sees_tenant else _("(tenant)"),
                "detail": label,
            }
        )
    for reservation in dwelling.reservations.all():
        history.append(
            {
                "start": reservation.start_date,
                "end": reservation.end_date,
                "kind": _("Reservation"),
                "who": "",
                "detail": reservation.reason,
            }
        )
    history.sort(key=lambda item: item["start"], reverse=True)
    changes = (
        AuditEvent.objects.filter(
            object_type="portfolio.dwelling", object_id=str(dwelling.pk)
        ).order_by("-at")[:20]
        if sees_tenant
        else []
    )
    return render(
        request,
        "portfolio/dwelling_detail.html",
        {
            "dwelling": dwelling,
            "history": history,
            "changes": changes,
            "placements": visible_placements(request.user, dwelling.corporation_id).filter(
                dwelling=dwelling
            ),
            "sees_label": sees_tenant,
            "status_label": DwellingStatus(dwelling.status).label,  # type: ignore[attr-defined]
            "type_name": typology_names().get(dwelling.dwelling_type, dwelling.dwelling_type),
            "accessibility_name": accessibility_names().get(dwelling.accessibility, ""),
            "can_edit": request.user.has_perm("portfolio.change_dwelling", dwelling.complex),
        },
    )


@require_http_methods(["GET", "POST"])
def dwelling_edit(
    request: HttpRequest, complex_id: int, dwelling_id: int | None = None
) -> HttpResponse:
    complex_ = get_for_user_or_404(
        Complex.objects.all(), request.user, "portfolio.change_complex", complex_id
    )
    instance = (
        get_for_user_or_404(
            complex_.dwellings.all(), request.user, "portfolio.view_dwelling", dwelling_id
        )
        if dwelling_id
        else Dwelling(complex=complex_, corporation=complex_.corporation, city=complex_.city)
    )
    form = forms.DwellingForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            dwelling = services.save_dwelling(acting_user=request.user, dwelling=form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The dwelling has been saved."))
            return redirect("portfolio:dwelling", dwelling_id=dwelling.pk)
    back = (
        reverse("portfolio:dwelling", args=[instance.pk])
        if instance.pk
        else reverse("portfolio:complex", args=[complex_.pk])
    )
    title = (
        _("Change %(address)s") % {"address": instance.address}
        if instance.pk
        else _("New dwelling in %(complex)s") % {"complex": complex_.name}
    )
    return render(request, "form_page.html", {"form": form, "title": title, "back_url": back})


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    require_portfolio_role(request)
    agreements = (
        CareLeaseAgreement.objects.visible_to(request.user)
        .select_related("care_provider", "complex", "corporation")
        .order_by("complex__name", "-start_date")
    )
    leased = {
        row["agreement"]: row["n"]
        for row in CareLease.objects.filter(agreement__in=agreements, end_date__isnull=True)
        .values("agreement")
        .annotate(n=Count("pk"))
    }
    rows = [
        {
            "agreement": a,
            "leased": leased.get(a.pk, 0),
            "gap": max(a.dwellings_promised - leased.get(a.pk, 0), 0),
        }
        for a in agreements
    ]
    return render(request, "portfolio/agreement_list.html", {"rows": rows})


def _agreement_context(request: HttpRequest, agreement: CareLeaseAgreement) -> dict[str, Any]:
    today = dt.date.today()
    current = list(
        agreement.leases.filter(end_date__isnull=True)
        .select_related("dwelling")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=visible_placements(request.user, agreement.corporation_id).filter(
                    exit_date__isnull=True
                ),
                to_attr="current_placements",
            )
        )
        .order_by("dwelling__street", "dwelling__house_number", "dwelling__house_number_addition")
    )
    ended = (
        agreement.leases.filter(end_date__isnull=False)
        .select_related("dwelling")
        .order_by("-end_date")[:50]
    )
    vacant = (
        Dwelling.objects.filter(complex=agreement.complex)
        .in_status(DwellingStatus.VACANT, today)
        .order_by("street", "house_number", "house_number_addition")
    )
    can_edit = request.user.has_perm("portfolio.change_agreement", agreement.complex)
    return {
        "agreement": agreement,
        "current": current,
        "ended": ended,
        "leased": len(current),
        "gap": max(agreement.dwellings_promised - len(current), 0),
        "vacant_count": vacant.count(),
        "lease_form": forms.LeaseForm(vacant=vacant) if can_edit else None,
        "end_form": forms.EndLeaseForm() if can_edit else None,
        "can_edit": can_edit,
        "is_active": CareLeaseAgreement.objects.filter(active_on(today), pk=agreement.pk).exists(),
    }


@require_GET
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_for_user_or_404(
        CareLeaseAgreement.objects.select_related("complex", "care_provider", "corporation"),
        request.user,
        "portfolio.view_agreement",
        agreement_id,
    )
    return render(
        request, "portfolio/agreement_detail.html", _agreement_context(request, agreement)
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(
    request: HttpRequest, complex_id: int, agreement_id: int | None = None
) -> HttpResponse:
    complex_ = get_for_user_or_404(
        Complex.objects.all(), request.user, "portfolio.change_complex", complex_id
    )
    instance = (
        get_for_user_or_404(
            complex_.agreements.all(), request.user, "portfolio.view_agreement", agreement_id
        )
        if agreement_id
        else CareLeaseAgreement(complex=complex_, corporation=complex_.corporation)
    )
    form = forms.AgreementForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.save_agreement(acting_user=request.user, agreement=form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The agreement has been saved."))
            return redirect("portfolio:agreement", agreement_id=agreement.pk)
    back = (
        reverse("portfolio:agreement", args=[instance.pk])
        if instance.pk
        else reverse("portfolio:complex", args=[complex_.pk])
    )
    title = (
        _("Change agreement")
        if instance.pk
        else _("New care lease agreement for %(complex)s") % {"complex": complex_.name}
    )
    intro = _(
        "The care provider leases this number of dwellings in the complex for the period. "
        "Together, overlapping agreements cannot lease more dwellings than the complex has."
    )
    return render(
        request, "form_page.html", {"form": form, "title": title, "intro": intro, "back_url": back}
    )


@require_POST
def agreement_lease(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = get_for_user_or_404(
        CareLeaseAgreement.objects.select_related("complex"),
        request.user,
        "portfolio.view_agreement",
        agreement_id,
    )
    if not request.user.has_perm("portfolio.change_agreement", agreement.complex):
        raise Http404
    context = _agreement_context(request, agreement)
    form = forms.LeaseForm(request.POST, vacant=context["lease_form"].fields["dwelling"].queryset)
    if form.is_valid():
        try:
            services.lease_dwelling(
                acting_user=request.user,
                agreement=agreement,
                dwelling=form.cleaned_data["dwelling"],
                start_date=form.cleaned_data["start_date"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The dwelling is now leased to %(provider)s.")
                % {"provider": agreement.care_provider},
            )
            return redirect("portfolio:agreement", agreement_id=agreement.pk)
    context["lease_form"] = form
    return render(request, "portfolio/agreement_detail.html", context, status=400)


@require_POST
def agreement_hand_back(request: HttpRequest, agreement_id: int, lease_id: int) -> HttpResponse:
    agreement = get_for_user_or_404(
        CareLeaseAgreement.objects.select_related("complex"),
        request.user,
        "portfolio.view_agreement",
        agreement_id,
    )
    if not request.user.has_perm("portfolio.change_agreement", agreement.complex):
        raise Http404
    lease = agreement.leases.filter(pk=lease_id).first()
    if lease is None:
        raise Http404
    form = forms.EndLeaseForm(request.POST)
    if form.is_valid():
        try:
            services.end_care_lease(
                acting_user=request.user, lease=lease, end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(dwelling)s has been handed back.") % {"dwelling": lease.dwelling.address},
            )
    else:
        messages.error(request, _("Enter a valid date for the hand-back."))
    return redirect("portfolio:agreement", agreement_id=agreement.pk)


@require_http_methods(["GET", "POST"])
def suitability_policy(request: HttpRequest) -> HttpResponse:
    corporation = managed_corporation(request)
    instance = SuitabilityPolicy.objects.filter(
        corporation=corporation
    ).first() or SuitabilityPolicy(corporation=corporation)
    form = forms.SuitabilityPolicyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_suitability_policy(acting_user=request.user, policy=form.instance)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The suitability criteria have been saved."))
            return redirect("portfolio:overview")
    intro = _(
        "How complexes of %(corporation)s are judged for mixed living. Each criterion scores 0, 1 or 2 "
        "and counts with its weight; the share of points decides the verdict. See the documentation "
        "for the rules."
    ) % {"corporation": corporation}
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("Suitability criteria"),
            "intro": intro,
            "back_url": reverse("portfolio:overview"),
        },
    )
