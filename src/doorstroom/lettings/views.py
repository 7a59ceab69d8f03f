"""Nomination and placement-meeting screens. Every write goes through ``lettings.services``.

Access is deny by default and answers 404 for both 'missing' and 'forbidden':

- the nomination form, the provider's own nominations: case workers and team leads of the
  client's care provider; the overrides list: team leads;
- incoming nominations: mixed-living managers of the complex's corporation;
- placement meetings: the corporation's mixed-living managers and the care provider's case
  workers and team leads (``lettings.rules.in_meeting_organisations``).

Pages shown to the corporation name a client by the pseudonymous reference only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.clients import services as client_services
from doorstroom.clients.models import Client
from doorstroom.clients.readiness import Readiness, evaluate, policy_for
from doorstroom.config.forms import apply_errors
from doorstroom.lettings import services
from doorstroom.lettings.forms import (
    DecisionForm,
    MeetingForm,
    NominationForm,
    PartnerForm,
    StatusFilterForm,
)
from doorstroom.lettings.models import (
    OPEN_STATUSES,
    MeetingDecision,
    Nomination,
    PlacementMeeting,
)
from doorstroom.lettings.rules import PROVIDER_ROLES
from doorstroom.lettings.selectors import (
    MANAGER_ROLES,
    MEETING_ROLES,
    allowed,
    attendee_memberships,
    current_agreements,
    current_nomination,
    dwellings_in,
    holds_any,
    incoming_for,
    meeting_partners,
    meetings_for,
    nominable_complexes,
    nominations_of_providers,
    open_nominations_for,
    overrides_of,
    shared_readiness,
)
from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import OrganisationKind, Role

PAGE_SIZE = 25


def client_url(client_id: int) -> str:
    """The client's page in the clients app (for the care provider's own staff only)."""
    try:
        return reverse("clients:detail", args=[client_id])
    except NoReverseMatch:
        return ""


def section_links(request: HttpRequest) -> list[dict[str, Any]]:
    """The nomination screens this user can open, for the links at the top of each page."""
    user = request.user
    links: list[tuple[str, str]] = []
    if holds_any(user, MANAGER_ROLES):
        links.append((reverse("lettings:incoming"), _("Incoming nominations")))
    if holds_any(user, PROVIDER_ROLES):
        links.append((reverse("lettings:own"), _("Our nominations")))
    if holds_any(user, {Role.TEAM_LEAD}):
        links.append((reverse("lettings:overrides"), _("Overrides")))
    if holds_any(user, MEETING_ROLES):
        links.append((reverse("lettings:meetings"), _("Placement meetings")))
    return [{"url": url, "label": label, "current": url == request.path} for url, label in links]


def _filtered(request: HttpRequest, nominations: QuerySet[Nomination]) -> tuple[Any, Page, str]:
    form = StatusFilterForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["status"]:
        nominations = nominations.filter(status=form.cleaned_data["status"])
    page = Paginator(nominations.order_by("-nominated_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    query = request.GET.copy()
    query.pop("pagina", None)
    return form, page, query.urlencode()


# --- the care provider ---------------------------------------------------------------------------


@require_GET
def own_nominations(request: HttpRequest) -> HttpResponse:
    """The care provider's nominations and what the placement meeting decided."""
    if not holds_any(request.user, PROVIDER_ROLES):
        raise Http404
    nominations = nominations_of_providers(request.user).prefetch_related(
        Prefetch(
            "decisions",
            queryset=MeetingDecision.objects.select_related("meeting").order_by("decided_at"),
        )
    )
    form, page, query = _filtered(request, nominations)
    rows = [
        {
            "nomination": n,
            "client_url": client_url(n.client_id),
            "decision": (list(n.decisions.all()) or [None])[-1],  # prefetched, oldest first
            "can_withdraw": n.status in OPEN_STATUSES,
        }
        for n in page.object_list
    ]
    return render(
        request,
        "lettings/own.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "links": section_links(request),
        },
    )


@require_GET
def overrides(request: HttpRequest) -> HttpResponse:
    """The team lead's nominations of clients who were not ready: the reason and who decided."""
    if not holds_any(request.user, {Role.TEAM_LEAD}):
        raise Http404
    page = Paginator(
        overrides_of(request.user).order_by("-nominated_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("pagina"))
    labels = dict(Readiness.choices)
    rows = [
        {
            "nomination": n,
            "client_url": client_url(n.client_id),
            "readiness": labels.get(n.readiness_at_nomination, n.readiness_at_nomination),
        }
        for n in page.object_list
    ]
    return render(
        request,
        "lettings/overrides.html",
        {"page": page, "rows": rows, "query": "", "links": section_links(request)},
    )


@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, client_id: int) -> HttpResponse:
    client = Client.objects.select_related("care_provider").filter(pk=client_id).first()
    if client is None or not allowed(request.user, "clients.change_client", client):
        raise Http404
    if request.method == "GET":  # the page shows the readiness gates: part of the care record
        client_services.view_client(acting_user=request.user, client=client, fields=("nomination",))
    may_override = allowed(request.user, "clients.override_readiness", client)
    complexes = nominable_complexes(client.care_provider_id)
    form = NominationForm(
        request.POST or None,
        complexes=complexes,
        dwellings=dwellings_in(complexes),
        may_override=may_override,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nominate(
                acting_user=request.user,
                client=client,
                complex_=data["complex"],
                motivation=data["motivation"],
                dwelling=data["dwelling"],
                override_reason=data.get("override_reason", ""),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s has been nominated for %(complex)s.")
                % {"reference": client.reference, "complex": data["complex"].name},
            )
            return redirect("lettings:own")
    # The gates of the chosen complex's agreement if one was chosen, else the provider's gates.
    chosen = getattr(form, "cleaned_data", {}).get("complex")
    agreement = (
        current_agreements(client.care_provider_id).filter(complex=chosen).first()
        if chosen
        else None
    )
    readiness = evaluate(client, policy=policy_for(client, agreement.pk if agreement else None))
    return render(
        request,
        "lettings/nominate.html",
        {
            "client": client,
            "form": form,
            "readiness": readiness,
            "readiness_complex": chosen,
            "may_override": may_override,
            "has_complexes": complexes.exists(),
            "current": current_nomination(client),
            "client_url": client_url(client.pk),
            "links": section_links(request),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def withdraw(request: HttpRequest, nomination_id: int) -> HttpResponse:
    nomination = nominations_of_providers(request.user).filter(pk=nomination_id).first()
    if nomination is None:
        raise Http404
    try:
        services.withdraw_nomination(acting_user=request.user, nomination=nomination)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The nomination of %(reference)s has been withdrawn.")
            % {"reference": nomination.client.reference},
        )
    return redirect("lettings:own")


# --- the corporation -----------------------------------------------------------------------------


@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """Nominations for the corporation's complexes: reference, complex, motivation, status, and
    the readiness outcome only where the client's consent for it is in force now."""
    if not holds_any(request.user, MANAGER_ROLES):
        raise Http404
    form, page, query = _filtered(request, incoming_for(request.user))
    readiness = shared_readiness(page.object_list)
    rows = [{"nomination": n, "readiness": readiness[n.pk]} for n in page.object_list]
    return render(
        request,
        "lettings/incoming.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "links": section_links(request),
        },
    )


# --- placement meetings --------------------------------------------------------------------------


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    if not holds_any(request.user, MEETING_ROLES):
        raise Http404
    page = Paginator(meetings_for(request.user), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "lettings/meeting_list.html",
        {"page": page, "query": "", "links": section_links(request)},
    )


@require_http_methods(["GET", "POST"])
def meeting_add(request: HttpRequest) -> HttpResponse:
    """A new meeting record in two steps without JavaScript: first the organisation on the other
    side of the table (skipped when there is only one), then date, attendees and notes."""
    membership = request.membership  # type: ignore[attr-defined]
    try:
        # A lazy object: falsy (not None) when the user has no membership.
        own, partners = meeting_partners(membership if membership else None)
    except LookupError:
        raise Http404 from None
    context: dict[str, Any] = {
        "own": own,
        "partners": partners,
        "links": section_links(request),
    }
    chosen = request.POST.get("partner") or request.GET.get("partner")
    partner_form = PartnerForm({"partner": chosen} if chosen else None, partners=partners)
    if chosen and partner_form.is_valid():
        partner = partner_form.cleaned_data["partner"]
    elif not chosen and len(partners) == 1:
        partner = partners[0]
    else:
        context["partner_form"] = partner_form
        status = 400 if chosen else 200
        return render(request, "lettings/meeting_partner.html", context, status=status)
    if own.kind == OrganisationKind.CORPORATION:
        corporation, care_provider = own, partner
    else:
        corporation, care_provider = partner, own
    form = MeetingForm(
        request.POST or None,
        memberships=attendee_memberships(corporation, care_provider),
        initial={"attendees": [request.user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.hold_meeting(
                acting_user=request.user,
                corporation=corporation,
                care_provider=care_provider,
                held_on=data["held_on"],
                attendees=data["attendees"],
                notes=data["notes"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The placement meeting has been recorded."))
            return redirect("lettings:meeting", meeting_id=meeting.pk)
    context.update(
        {
            "form": form,
            "partner": partner,
            "corporation": corporation,
            "care_provider": care_provider,
        }
    )
    return render(
        request,
        "lettings/meeting_form.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _meeting_or_404(request: HttpRequest, meeting_id: int) -> PlacementMeeting:
    meeting = (
        PlacementMeeting.objects.select_related("corporation", "care_provider", "created_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None or not allowed(request.user, "lettings.view_meeting", meeting):
        raise Http404
    return meeting


def _meeting_context(
    request: HttpRequest, meeting: PlacementMeeting, bound: dict[int, DecisionForm] | None = None
) -> dict[str, Any]:
    people = list(meeting.attendees.order_by("last_name", "first_name", "username"))
    roles: dict[int, list[str]] = {}
    for m in Membership.objects.filter(
        user__in=people, organisation_id__in=[meeting.corporation_id, meeting.care_provider_id]
    ).select_related("organisation"):
        roles.setdefault(m.user_id, []).append(f"{m.organisation} ({m.get_role_display()})")
    decisions = list(
        meeting.decisions.select_related("nomination__client", "nomination__complex", "decided_by")
    )
    nominations = list(open_nominations_for(meeting))
    readiness = shared_readiness(nominations)
    can_decide = allowed(request.user, "lettings.decide_in_meeting", meeting)
    bound = bound or {}
    rows = [
        {
            "nomination": n,
            "readiness": readiness[n.pk],
            "form": (bound.get(n.pk) or DecisionForm(prefix=f"n{n.pk}")) if can_decide else None,
        }
        for n in nominations
    ]
    return {
        "meeting": meeting,
        "attendees": [{"user": p, "roles": roles.get(p.pk, [])} for p in people],
        "decisions": decisions,
        "rows": rows,
        "can_decide": can_decide,
        "links": section_links(request),
    }


@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    return render(request, "lettings/meeting_detail.html", _meeting_context(request, meeting))


@require_POST
def decide(request: HttpRequest, meeting_id: int, nomination_id: int) -> HttpResponse:
    meeting = _meeting_or_404(request, meeting_id)
    nomination = (
        Nomination.objects.filter(
            care_provider_id=meeting.care_provider_id,
            complex__corporation_id=meeting.corporation_id,
        )
        .select_related("client", "complex")
        .filter(pk=nomination_id)
        .first()
    )
    if nomination is None:
        raise Http404
    form = DecisionForm(request.POST, prefix=f"n{nomination.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                acting_user=request.user,
                meeting=meeting,
                nomination=nomination,
                decision=data["decision"],
                reason=data["reason"],
                review_on=data["review_on"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The decision on %(reference)s has been recorded.")
                % {"reference": nomination.client.reference},
            )
            return redirect("lettings:meeting", meeting_id=meeting.pk)
    if not open_nominations_for(meeting).filter(pk=nomination.pk).exists():
        # Decided meanwhile (here or in another meeting), or withdrawn: nothing to decide now.
        nomination.refresh_from_db(fields=["status"])
        messages.error(
            request,
            _("The nomination of %(reference)s is no longer open for a decision (%(status)s).")
            % {"reference": nomination.client.reference, "status": nomination.get_status_display()},
        )
        return redirect("lettings:meeting", meeting_id=meeting.pk)
    context = _meeting_context(request, meeting, bound={nomination.pk: form})
    context["invalid"] = nomination
    return render(request, "lettings/meeting_detail.html", context, status=400)
