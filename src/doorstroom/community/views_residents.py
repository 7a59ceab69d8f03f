"""Residents and the board: the list of residents (names as far as each allows), the manager's
invitations and move-outs, accepting an invitation, the own profile, and the board with its
history. Writes go through ``community.residents`` and ``community.board``.

404 for 'missing' and 'forbidden' alike; the invitation page is public (the link is the key).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.accounts.decorators import public
from doorstroom.community import board as board_services
from doorstroom.community import residents as services
from doorstroom.community.forms_residents import (
    AcceptForm,
    EndResidencyForm,
    EndTermForm,
    InviteForm,
    ProfileForm,
    TermForm,
)
from doorstroom.community.models import (
    BOARD_SEATS,
    BoardPosition,
    BoardTerm,
    Community,
    Invitation,
    Resident,
    ResidentVisibility,
)
from doorstroom.community.pages import get_community_or_404, render_community
from doorstroom.community.rules import is_board_member
from doorstroom.community.selectors import board_on, residency_of
from doorstroom.config.forms import apply_errors

#: Django's own backend: the first one configured (axes) does not log anyone in.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _manages(request: HttpRequest, community: Community) -> bool:
    return bool(request.user.has_perm("community.invite_resident", community))


# --- residents ----------------------------------------------------------------------------------


@require_GET
def residents(request: HttpRequest, community_id: int) -> HttpResponse:
    """Residents see the names of those who show it to everyone and of the board, and how many
    others there are; the board and the manager see every name; the manager also sees e-mail
    address, dwelling and joining date, and the open invitations."""
    community = get_community_or_404(request.user, community_id)
    today = timezone.localdate()
    manager = _manages(request, community)
    sees_all = manager or bool(is_board_member(request.user, community))
    running = BoardTerm.objects.on(today).filter(resident=OuterRef("pk")).order_by("start_date")
    found = (
        Resident.objects.current(today)
        .filter(community=community)
        .annotate(board_position=Subquery(running.values("position")[:1]))
        .order_by(Lower("display_name"), "pk")
    )
    if manager:
        found = found.select_related("user", "dwelling")
    positions = dict(BoardPosition.choices)
    rows: list[dict[str, Any]] = []
    hidden = 0
    for resident in found:
        on_board = resident.board_position is not None
        if not (sees_all or on_board or resident.visibility == ResidentVisibility.COMMUNITY):
            hidden += 1
            continue
        row: dict[str, Any] = {
            "name": resident.display_name,
            "about": resident.about,
            "position": positions.get(resident.board_position) if on_board else None,
            "board_only": resident.visibility == ResidentVisibility.BOARD,
        }
        if manager:
            row.update(
                {
                    "pk": resident.pk,
                    "email": resident.user.email,
                    "dwelling": resident.dwelling.address if resident.dwelling else "",
                    "joined_on": resident.joined_on,
                    "left_on": resident.left_on,
                }
            )
        rows.append(row)
    invitations = []
    if manager:
        invitations = [
            {"invitation": i, "expired": i.expires_on < today}
            for i in Invitation.objects.filter(
                community=community, accepted_at__isnull=True, revoked_at__isnull=True
            )
            .select_related("dwelling")
            .order_by("-invited_at")
        ]
    return render_community(
        request,
        "community/residents/list.html",
        community,
        {
            "rows": rows,
            "hidden": hidden,
            "sees_all": sees_all,
            "manager": manager,
            "invitations": invitations,
        },
        section="residents",
    )


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.invite_resident")
    form = InviteForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_resident(
                acting_user=request.user,
                community=community,
                email=form.cleaned_data["email"],
                dwelling=form.cleaned_data["dwelling"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The invitation has been sent to %(email)s. The link works until %(date)s.")
                % {"email": invitation.email, "date": invitation.expires_on.strftime("%d-%m-%Y")},
            )
            return redirect("community:residents", community.pk)
    return render_community(
        request,
        "community/residents/invite.html",
        community,
        {"form": form, "days": services.INVITATION_DAYS},
        section="residents",
    )


@require_POST
def revoke_invitation(request: HttpRequest, community_id: int, invitation_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.invite_resident")
    invitation = get_object_or_404(Invitation.objects.filter(community=community), pk=invitation_id)
    try:
        services.revoke_invitation(acting_user=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The invitation for %(email)s has been withdrawn; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("community:residents", community.pk)


@require_http_methods(["GET", "POST"])
def end_residency(request: HttpRequest, community_id: int, resident_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.invite_resident")
    resident = get_object_or_404(
        Resident.objects.current().filter(community=community, left_on__isnull=True),
        pk=resident_id,
    )
    form = EndResidencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_residency(
                acting_user=request.user,
                resident=resident,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s leaves the community on %(date)s.")
                % {
                    "name": resident.display_name,
                    "date": form.cleaned_data["left_on"].strftime("%d-%m-%Y"),
                },
            )
            return redirect("community:residents", community.pk)
    return render_community(
        request,
        "community/residents/end_residency.html",
        community,
        {"form": form, "resident": resident},
        section="residents",
    )


# --- accepting an invitation ----------------------------------------------------------------------


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "community/residents/invitation_invalid.html", status=410)


def _with_robots_header(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@public
@never_cache
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation link opens. Without an account: choose a display name and a
    password. With an account: log in first (the page links to the login and back)."""
    invitation = services.invitation_from_token(token)
    if invitation is None or not services.invitation_is_open(invitation):
        return _with_robots_header(_invalid(request))
    community = invitation.community
    account = services.existing_account(invitation.email)
    user: Any = request.user
    context: dict[str, Any] = {"invitation": invitation, "community": community}
    if user.is_authenticated and (account is None or account.pk != user.pk):
        context["state"] = "other_account"
        return _with_robots_header(render(request, "community/residents/accept.html", context))
    if user.is_authenticated and user.requires_two_factor and not user.is_verified():
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:verify')}?{query}")
    if account is not None and not user.is_authenticated:
        context["state"] = "log_in"
        context["login_url"] = (
            f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
        )
        return _with_robots_header(render(request, "community/residents/accept.html", context))
    new_account = account is None
    form = AcceptForm(request.POST or None, with_password=new_account)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.accept_invitation(
                invitation=invitation,
                acting_user=None if new_account else user,
                display_name=form.cleaned_data["display_name"],
                visibility=form.cleaned_data["visibility"],
                about=form.cleaned_data["about"],
                password=form.cleaned_data.get("password"),
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == services.INVALID_INVITATION:
                return _with_robots_header(_invalid(request))
            apply_errors(form, exc)
        else:
            if new_account:
                login(request, resident.user, backend=LOGIN_BACKEND)
            messages.success(
                request,
                _("Welcome to the community of %(complex)s, %(name)s!")
                % {"complex": community.complex.name, "name": resident.display_name},
            )
            return redirect("community:overview", community.pk)
    context.update({"state": "form", "form": form, "new_account": new_account})
    return _with_robots_header(render(request, "community/residents/accept.html", context))


# --- the own profile ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    me = residency_of(request.user)
    if me is None or me.community_id != community.pk:
        raise Http404
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": me.display_name, "visibility": me.visibility, "about": me.about},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(
                acting_user=request.user,
                resident=me,
                display_name=form.cleaned_data["display_name"],
                visibility=form.cleaned_data["visibility"],
                about=form.cleaned_data["about"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("community:profile", community.pk)
    on_board = bool(is_board_member(request.user, community))
    return render_community(
        request,
        "community/residents/profile.html",
        community,
        {"form": form, "resident": me, "on_board": on_board},
        section="profile",
    )


# --- the board ----------------------------------------------------------------------------------


@require_GET
def board(request: HttpRequest, community_id: int) -> HttpResponse:
    """The board today as four seats, then every term there was (visible to every resident)."""
    community = get_community_or_404(request.user, community_id)
    today = timezone.localdate()
    current = board_on(community, today)
    seats: list[BoardTerm | None] = [*current, *([None] * max(0, BOARD_SEATS - len(current)))]
    history = list(
        BoardTerm.objects.filter(community=community)
        .select_related("resident")
        .order_by("-start_date", "position", "pk")
    )
    return render_community(
        request,
        "community/board/board.html",
        community,
        {
            "seats": seats,
            "history": history,
            "today": today,
            "manager": request.user.has_perm("community.manage_board", community),
        },
        section="board",
    )


@require_http_methods(["GET", "POST"])
def add_term(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.manage_board")
    form = TermForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            term = board_services.record_term(
                acting_user=request.user,
                community=community,
                resident=data["resident"],
                position=data["position"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                kind=data["kind"],
                decided_on=data["decided_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is %(position)s from %(start)s to %(end)s.")
                % {
                    "name": term.resident.display_name,
                    "position": term.get_position_display().lower(),
                    "start": term.start_date.strftime("%d-%m-%Y"),
                    "end": term.end_date.strftime("%d-%m-%Y"),
                },
            )
            return redirect("community:board", community.pk)
    return render_community(
        request, "community/board/add_term.html", community, {"form": form}, section="board"
    )


@require_http_methods(["GET", "POST"])
def end_term(request: HttpRequest, community_id: int, term_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.manage_board")
    term = get_object_or_404(
        BoardTerm.objects.filter(community=community).select_related("resident"), pk=term_id
    )
    form = EndTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            board_services.end_term(
                acting_user=request.user,
                term=term,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("The term of %(name)s ends on %(date)s.")
                % {
                    "name": term.resident.display_name,
                    "date": form.cleaned_data["end_date"].strftime("%d-%m-%Y"),
                },
            )
            return redirect("community:board", community.pk)
    return render_community(
        request,
        "community/board/end_term.html",
        community,
        {"form": form, "term": term},
        section="board",
    )
