"""Placement screens for the corporation's staff and the care provider's staff.

- The list: the care provider's own placements, or the placements in the corporation's
  complexes, with the 3-year clock, whether the flip checklist is met and the sign-offs.
- The detail: state and dates, the clock, the checklist as the viewer may see it, sign-off, the
  flip, the label, the exit, the inventory and the timeline. Care records stay with the care
  provider: its staff get a link to the client's page; the corporation sees no care data.

Every write goes through ``tenancies.services``. Access is deny by default and answers 404 for
'missing' and 'forbidden' alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from doorstroom.config.forms import apply_errors
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import holds_role_in, memberships_of
from doorstroom.portfolio.mix import Stream
from doorstroom.tenancies import services
from doorstroom.tenancies.checklist import evaluate, evaluate_many, visible_checklist
from doorstroom.tenancies.forms_placements import (
    ExitForm,
    FlipForm,
    InventoryForm,
    LabelForm,
    StateFilterForm,
    StatementForm,
)
from doorstroom.tenancies.models import (
    FlipSignOff,
    InventoryItem,
    Placement,
    PlacementState,
    SignOffParty,
)
from doorstroom.tenancies.timeline import timeline_of
from doorstroom.tenancies.transitions import may_transition

PAGE_SIZE = 50
CLOCK_DAYS = 1095  # 36 months, as in shared/spec/outcome-measures.md
CARE = {Role.CASE_WORKER, Role.TEAM_LEAD}
CORPORATION = {Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER}


def placements_for(user: Any) -> QuerySet[Placement]:
    """The care provider's own placements and the placements in the corporation's complexes."""
    memberships = memberships_of(user)
    care = {m.organisation_id for m in memberships if m.role in CARE}
    corporations = {m.organisation_id for m in memberships if m.role in CORPORATION}
    if not care and not corporations:
        raise Http404
    return Placement.objects.visible_to(user).filter(
        Q(care_provider_id__in=care) | Q(dwelling__corporation_id__in=corporations)
    )


def clock(placement: Placement, today: dt.date) -> dict[str, Any] | None:
    """The 3-year clock of a care-lease placement: days since the start, days left, overdue."""
    if placement.state != PlacementState.CARE_LEASE:
        return None
    since = (today - placement.start_date).days
    left = CLOCK_DAYS - since
    return {"since": since, "left": left, "overdue": since >= CLOCK_DAYS}


@require_GET
def placement_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        placements_for(request.user)
        .select_related("dwelling__complex", "care_lease")
        .prefetch_related("sign_offs")
        .order_by("start_date", "pk")
    )
    form = StateFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["status"]:
        queryset = queryset.filter(state=form.cleaned_data["status"])
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    checklists = evaluate_many(rows)
    today = timezone.localdate()
    for placement in rows:
        parties = {s.party for s in placement.sign_offs.all()}
        placement.clock = clock(placement, today)  # type: ignore[attr-defined]
        placement.checklist_met = visible_checklist(  # type: ignore[attr-defined]
            checklists[placement.pk], request.user, placement
        ).met
        placement.signed_care = SignOffParty.CARE_PROVIDER in parties  # type: ignore[attr-defined]
        placement.signed_corporation = SignOffParty.CORPORATION in parties  # type: ignore[attr-defined]
    return render(
        request,
        "tenancies/placements/list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "status": request.GET.get("status", ""),
            "may_import": any(
                m.role == Role.MIXED_LIVING_MANAGER for m in memberships_of(request.user)
            ),
        },
    )


def _placement_or_404(request: HttpRequest, placement_id: int) -> Placement:
    placement = (
        placements_for(request.user)
        .select_related(
            "dwelling__complex",
            "dwelling__corporation",
            "care_provider",
            "care_lease__agreement",
            "tenancy",
        )
        .filter(pk=placement_id)
        .first()
    )
    if placement is None or not request.user.has_perm("tenancies.view_placement", placement):
        raise Http404
    return placement


def _client_url(user: Any, placement: Placement) -> str:
    """The client's page (guidance plan, reviews) for the care provider's own staff only."""
    if not holds_role_in(user, placement.care_provider_id, CARE):
        return ""
    from doorstroom.clients.models import Client

    client = (
        Client.objects.visible_to(user)
        .filter(care_provider_id=placement.care_provider_id, reference=placement.client_ref)
        .only("pk")
        .first()
    )
    return reverse("clients:detail", args=[client.pk]) if client else ""


def _forms(placement: Placement, data: Any = None, action: str = "") -> dict[str, Any]:
    def bound(name: str) -> Any:
        return data if action == name else None

    today = timezone.localdate()
    label_end = placement.tenancy.care_label_until if placement.tenancy else None
    return {
        "statement_form": StatementForm(bound("statement"), prefix="statement"),
        "flip_form": FlipForm(bound("flip"), prefix="flip", initial={"flip_date": today}),
        "label_form": LabelForm(bound("label"), prefix="label", initial={"new_end": label_end}),
        "exit_form": ExitForm(bound("exit"), prefix="exit", initial={"exit_date": today}),
        "inventory_form": InventoryForm(bound("inventory_add"), prefix="inventory"),
    }


def _inventory_item(placement: Placement, data: Any) -> InventoryItem:
    item = InventoryItem.objects.filter(placement=placement, pk=data.get("item") or 0).first()
    if item is None:
        raise Http404
    return item


def _flip_message(placement: Placement) -> str:
    text = _("The lease has flipped: %(reference)s now rents the dwelling.") % {
        "reference": placement.client_ref
    }
    gap = services.gap_after_flip(placement)
    if gap is None:
        return text
    stream = Stream(gap.next_stream).label
    return " ".join(
        [
            text,
            _("The agreement now leases %(leased)s of %(promised)s dwellings: a gap of %(gap)s.")
            % {"leased": gap.leased, "promised": gap.promised, "gap": gap.gap},
            _("The next vacancy goes to the %(stream)s: %(reason)s")
            % {"stream": stream, "reason": gap.next_reason},
        ]
    )


def _act(request: HttpRequest, placement: Placement, action: str, forms: dict[str, Any]) -> str:
    """Carry out one POSTed action; returns the success message (raises on refusal)."""
    user, data = request.user, request.POST
    if action == "sign_off":
        services.sign_off(acting_user=user, placement=placement)
        return _("You signed off the flip.")
    if action == "withdraw_sign_off":
        services.withdraw_sign_off(acting_user=user, placement=placement)
        return _("Your sign-off is withdrawn.")
    if action == "inventory_remove":
        services.remove_inventory_item(acting_user=user, item=_inventory_item(placement, data))
        return _("The item is removed from the inventory.")
    if action == "inventory_stays":
        services.mark_stays_at_flip(
            acting_user=user,
            item=_inventory_item(placement, data),
            stays=data.get("stays") == "yes",
        )
        return _("The inventory is updated.")
    form_name = {
        "statement": "statement_form",
        "flip": "flip_form",
        "label": "label_form",
        "exit": "exit_form",
        "inventory_add": "inventory_form",
    }.get(action)
    if form_name is None:
        raise Http404
    form = forms[form_name]
    if not form.is_valid():
        raise ValidationError(_("Check the form."))
    values = form.cleaned_data
    if action == "statement":
        services.record_statement(
            acting_user=user,
            placement=placement,
            kind=values["kind"],
            positive=values["positive"] == "yes",
            note=values["note"],
        )
        return _("Recorded.")
    if action == "flip":
        flipped = services.flip_placement(
            acting_user=user,
            placement=placement,
            flip_date=values["flip_date"],
            tenant_name=values["tenant_name"],
        )
        return _flip_message(flipped)
    if action == "label":
        services.change_label_end(
            acting_user=user,
            placement=placement,
            new_end=values["new_end"],
            reason=values["reason"],
        )
        return _("The decision on the label is recorded.")
    if action == "exit":
        services.exit_placement(
            acting_user=user,
            placement=placement,
            exit_date=values["exit_date"],
            reason=values["reason"],
            destination=values["destination"],
        )
        return _("The placement has ended.")
    services.add_inventory_item(
        acting_user=user,
        placement=placement,
        name=values["name"],
        quantity=values["quantity"],
        stays_at_flip=values["stays_at_flip"],
        note=values["note"],
    )
    return _("The item is added to the inventory.")


@require_http_methods(["GET", "POST"])
def placement_detail(request: HttpRequest, placement_id: int) -> HttpResponse:
    placement = _placement_or_404(request, placement_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _forms(placement, request.POST if action else None, action)
    error_form = None
    if action:
        try:
            message = _act(request, placement, action, forms)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form_name = {
                "statement": "statement_form",
                "flip": "flip_form",
                "label": "label_form",
                "exit": "exit_form",
                "inventory_add": "inventory_form",
            }.get(action)
            if form_name and forms[form_name].is_bound and forms[form_name].is_valid():
                apply_errors(forms[form_name], exc)
            if form_name is None:
                for text in exc.messages:
                    messages.error(request, text)
            error_form = form_name
        else:
            messages.success(request, message)
            return redirect("placements:detail", placement.pk)
    return _render_detail(request, placement, forms, error_form, status=400 if action else 200)


def _render_detail(
    request: HttpRequest,
    placement: Placement,
    forms: dict[str, Any],
    error_form: str | None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    checklist = visible_checklist(evaluate(placement, today), user, placement)
    sign_offs = list(FlipSignOff.objects.filter(placement=placement).select_related("signed_by"))
    parties = {s.party for s in sign_offs}
    party = services.sign_off_party(user, placement)
    in_care_lease = placement.state == PlacementState.CARE_LEASE
    is_care = holds_role_in(user, placement.care_provider_id, CARE)
    statements = list(placement.statements.select_related("recorded_by")[:10]) if is_care else []
    may_flip = (
        in_care_lease
        and parties == set(SignOffParty.values)
        and user.has_perm("tenancies.flip_placement", placement)
    )
    context = {
        "placement": placement,
        "clock": clock(placement, today),
        "clock_days": CLOCK_DAYS,
        "checklist": checklist,
        "sign_offs": sign_offs,
        "party": party,
        "party_label": SignOffParty(party).label if party else "",
        "has_signed": party in parties if party else False,
        "may_sign": bool(party) and in_care_lease and checklist.met and party not in parties,
        "may_statement": in_care_lease and user.has_perm("tenancies.record_statement", placement),
        "may_flip": may_flip,
        "may_label": placement.state == PlacementState.FLIPPED
        and user.has_perm("tenancies.change_label", placement),
        "may_exit": may_transition(placement, PlacementState.EXITED)
        and user.has_perm("tenancies.exit_placement", placement),
        "may_inventory": in_care_lease and user.has_perm("tenancies.change_inventory", placement),
        "inventory": list(placement.inventory.all()),
        "label_decisions": list(placement.label_decisions.select_related("decided_by")),
        "events": list(timeline_of(placement)),
        "statements": statements,
        "client_url": _client_url(user, placement),
        "is_care": is_care,
        "error_form": error_form,
        **forms,
    }
    return render(request, "tenancies/placements/detail.html", context, status=status)
