"""The monthly meeting's pages: the meeting rule, the list of meetings, a meeting with its agenda,
attendance, decisions, evaluations and minutes, and the calendar with its .ics feed. Writes go
through meetings.py and decisions.py.

Residents see the date, the place, the titles on the agenda and, once the meeting is held, the
minutes and what was decided; the board and the manager see everything, with the amounts and what
remains of the budget. 404 for 'missing' and 'forbidden' alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doorstroom.accounts.decorators import public
from doorstroom.community import decisions, meetings
from doorstroom.community.feed import CONTENT_TYPE, build_feed, feed_urls, read_token
from doorstroom.community.forms_meetings import (
    AgendaItemForm,
    AttendanceForm,
    CloseEvaluationForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    SettingsForm,
    combine,
    dutch_amount,
)
from doorstroom.community.models import (
    ActivityRequest,
    ActivityStatus,
    Community,
    Meeting,
    MeetingStatus,
)
from doorstroom.community.models.activities import GRANTED_STATUSES as PUBLIC_STATUSES
from doorstroom.community.pages import get_community_or_404, render_community
from doorstroom.community.selectors import budget_summary, residency_of
from doorstroom.config.forms import apply_errors

# --- Settings ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def community_settings(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.change_settings")
    initial = {
        "meeting_week": community.meeting_week,
        "meeting_weekday": community.meeting_weekday,
        "meeting_time": community.meeting_time,
        "meeting_minutes": community.meeting_minutes,
        "meeting_place": community.meeting_place,
        "quorum": community.quorum,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.update_settings(
                acting_user=request.user, community=community, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The meeting settings have been saved."))
            return redirect("community:meetings", community.pk)
    return render_community(
        request,
        "community/meetings/settings.html",
        community,
        {"form": form},
        section="meetings",
        status=400 if form.is_bound else 200,
    )


# --- The list and a new meeting ------------------------------------------------------------------


def _meetings_of(community: Community) -> Any:
    return (
        Meeting.objects.filter(community=community)
        .annotate(has_minutes=ExpressionWrapper(~Q(minutes=""), output_field=BooleanField()))
        .defer("minutes")
    )


@require_GET
def meeting_list(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.view_meeting")
    today_start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    rows = list(_meetings_of(community).order_by("starts_at", "pk"))
    upcoming = [m for m in rows if m.starts_at >= today_start]
    past = [m for m in reversed(rows) if m.starts_at < today_start]
    # A planned meeting whose time has passed waits to be marked as held: it stays at the top.
    waiting = [m for m in past if m.status == MeetingStatus.PLANNED]
    past = [m for m in past if m.status != MeetingStatus.PLANNED]
    return render_community(
        request,
        "community/meetings/list.html",
        community,
        {
            "upcoming": waiting + upcoming,
            "past": past,
            "sees_all": request.user.has_perm("community.run_meeting", community),
        },
        section="meetings",
    )


@require_http_methods(["GET", "POST"])
def new_meeting(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.run_meeting")
    form = MeetingForm(
        request.POST or None,
        initial={"time": community.meeting_time, "place": community.meeting_place},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = meetings.add_meeting(
                acting_user=request.user,
                community=community,
                starts_at=combine(data["date"], data["time"]),
                place=data["place"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The meeting has been planned."))
            return redirect("community:meeting", community.pk, meeting.pk)
    return render_community(
        request,
        "community/meetings/new.html",
        community,
        {"form": form},
        section="meetings",
        status=400 if form.is_bound else 200,
    )


# --- A meeting -----------------------------------------------------------------------------------


def _meeting_or_404(community: Community, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.filter(community=community), pk=meeting_id)
    meeting.community = community
    return meeting


def _request_or_404(community: Community, request_id: int) -> ActivityRequest:
    return get_object_or_404(ActivityRequest.objects.filter(community=community), pk=request_id)


def _errors_of(form: Any) -> str:
    """All of a form's errors in one line, for a page that has no place for the form."""
    text = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return text or _("Nothing was recorded.")


def _meeting_url(community: Community, meeting: Meeting, anchor: str = "") -> str:
    url = reverse("community:meeting", args=[community.pk, meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def _detail(
    request: HttpRequest,
    community: Community,
    meeting: Meeting,
    *,
    decision_forms: dict[int, DecisionForm] | None = None,
    close_forms: dict[int, CloseEvaluationForm] | None = None,
    attendance_form: AttendanceForm | None = None,
    item_form: AgendaItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    sees_all = user.has_perm("community.run_meeting", community)
    may_decide = user.has_perm("community.decide", community)
    me = residency_of(user)
    agenda = meetings.agenda_of(meeting)
    attendance = list(meeting.attendance.all())
    quorum = meetings.quorum_of(meeting, attendance)
    now = timezone.now()
    recordable = meetings.at_the_meeting(meeting, now)
    held = meeting.status == MeetingStatus.HELD

    sections: list[dict[str, Any]] = []
    placed: set[int] = set()
    for label, entries in agenda.sections():
        rows = []
        hidden = 0
        for entry in entries:
            row: dict[str, Any] = {"entry": entry, "link": False}
            activity = entry.request
            if activity is not None:
                own = me is not None and activity.requested_by_id == me.pk
                # Residents see other residents' requests once approved, never a refusal.
                if not (sees_all or own or activity.status in PUBLIC_STATUSES):
                    hidden += 1
                    continue
                row["link"] = sees_all or own
                row["show_outcome"] = sees_all or own
                if may_decide and recordable and entry.decidable:
                    row["form"] = (decision_forms or {}).get(activity.pk) or DecisionForm(
                        prefix=f"r{activity.pk}",
                        initial={"amount_granted": dutch_amount(entry.requested_amount)},
                    )
                    placed.add(id(row["form"]))
                if may_decide and recordable and entry.closable:
                    row["close_form"] = (close_forms or {}).get(activity.pk) or CloseEvaluationForm(
                        prefix=f"e{activity.pk}"
                    )
            rows.append(row)
        if rows or hidden:
            sections.append({"label": label, "rows": rows, "hidden": hidden})
    # A refused form whose request has no place on this agenda: its errors go on top of the page.
    for form in (decision_forms or {}).values():
        if id(form) not in placed:
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))

    context: dict[str, Any] = {
        "meeting": meeting,
        "agenda": agenda,
        "sections": sections,
        "attendance": attendance,
        "present": [a for a in attendance if a.present],
        "quorum": quorum,
        "sees_all": sees_all,
        "held": held,
        "recordable": recordable,
        "show_minutes": bool(meeting.minutes) and (sees_all or held),
        "ends_at": meeting.starts_at + dt.timedelta(minutes=community.meeting_minutes),
    }
    if sees_all:
        years = {timezone.localtime(meeting.starts_at).year}
        years |= {e.request.starts_on.year for e in agenda.entries if e.request and e.decidable}
        context["budgets"] = [budget_summary(community, year) for year in sorted(years)]
        context["can_mark_held"] = (
            meeting.status == MeetingStatus.PLANNED and meeting.starts_at <= now and agenda.live
        )
        context["can_cancel"] = meeting.status == MeetingStatus.PLANNED and not any(
            e.decision for e in agenda.entries
        )
        if meeting.status == MeetingStatus.PLANNED:
            context["item_form"] = item_form or AgendaItemForm()
        if recordable:
            candidates = meetings.attendance_candidates(meeting)
            context["attendance_form"] = attendance_form or AttendanceForm(
                candidates=candidates,
                initial={"present": [a.user_id for a in attendance if a.present]},
            )
    return render_community(
        request,
        "community/meetings/detail.html",
        community,
        context,
        section="meetings",
        status=status,
    )


@require_GET
def meeting_detail(request: HttpRequest, community_id: int, meeting_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.view_meeting")
    return _detail(request, community, _meeting_or_404(community, meeting_id))


@require_POST
def attendance(request: HttpRequest, community_id: int, meeting_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.run_meeting")
    meeting = _meeting_or_404(community, meeting_id)
    form = AttendanceForm(request.POST, candidates=meetings.attendance_candidates(meeting))
    if form.is_valid():
        try:
            meetings.record_attendance(
                acting_user=request.user,
                meeting=meeting,
                present_user_ids=form.cleaned_data["present"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The attendance has been saved."))
            return redirect(_meeting_url(community, meeting, "aanwezig"))
    if not meetings.at_the_meeting(meeting):
        messages.error(request, _errors_of(form))
        return redirect(_meeting_url(community, meeting))
    return _detail(request, community, meeting, attendance_form=form, status=400)


@require_POST
def add_item(request: HttpRequest, community_id: int, meeting_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.run_meeting")
    meeting = _meeting_or_404(community, meeting_id)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            meetings.add_agenda_item(
                acting_user=request.user, meeting=meeting, title=form.cleaned_data["title"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The item has been added to the agenda."))
            return redirect(_meeting_url(community, meeting, "agenda"))
    if meeting.status != MeetingStatus.PLANNED:
        messages.error(request, _errors_of(form))
        return redirect(_meeting_url(community, meeting))
    return _detail(request, community, meeting, item_form=form, status=400)


@require_POST
def decide(
    request: HttpRequest, community_id: int, meeting_id: int, request_id: int
) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.decide")
    meeting = _meeting_or_404(community, meeting_id)
    activity = _request_or_404(community, request_id)
    form = DecisionForm(request.POST, prefix=f"r{activity.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = decisions.decide(
                acting_user=request.user,
                meeting=meeting,
                request=activity,
                outcome=data["outcome"],
                amount_granted=data["amount_granted"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("Decision on “%(title)s”: %(outcome)s. The requester gets an e-mail.")
                % {"title": activity.title, "outcome": decision.get_outcome_display().lower()},
            )
            return redirect(_meeting_url(community, meeting, "agenda"))
    if not meetings.at_the_meeting(meeting) or activity.status != ActivityStatus.SUBMITTED:
        # No form for this request on the page: say why on top of it.
        messages.error(request, _errors_of(form))
        return redirect(_meeting_url(community, meeting))
    return _detail(request, community, meeting, decision_forms={activity.pk: form}, status=400)


@require_POST
def close_evaluation(
    request: HttpRequest, community_id: int, meeting_id: int, request_id: int
) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.decide")
    meeting = _meeting_or_404(community, meeting_id)
    activity = _request_or_404(community, request_id)
    form = CloseEvaluationForm(request.POST, prefix=f"e{activity.pk}")
    if form.is_valid():
        try:
            decisions.close_evaluation(
                acting_user=request.user,
                meeting=meeting,
                request=activity,
                board_note=form.cleaned_data["board_note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("The evaluation of “%(title)s” has been closed.") % {"title": activity.title},
            )
            return redirect(_meeting_url(community, meeting, "agenda"))
    messages.error(request, _errors_of(form))
    return redirect(_meeting_url(community, meeting))


def _simple_action(
    request: HttpRequest, community: Community, meeting: Meeting, action: Any, done: str
) -> HttpResponse:
    try:
        action(acting_user=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, done)
    return redirect(_meeting_url(community, meeting))


@require_POST
def mark_held(request: HttpRequest, community_id: int, meeting_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.run_meeting")
    meeting = _meeting_or_404(community, meeting_id)
    return _simple_action(
        request,
        community,
        meeting,
        meetings.mark_held,
        _("The meeting has been marked as held; its agenda is kept as it was."),
    )


@require_POST
def cancel_meeting(request: HttpRequest, community_id: int, meeting_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.run_meeting")
    meeting = _meeting_or_404(community, meeting_id)
    return _simple_action(
        request, community, meeting, meetings.cancel_meeting, _("The meeting has been cancelled.")
    )


@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, community_id: int, meeting_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id, "community.write_minutes")
    meeting = _meeting_or_404(community, meeting_id)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            meetings.write_minutes(
                acting_user=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("The minutes have been saved."))
            return redirect(_meeting_url(community, meeting, "notulen"))
    return render_community(
        request,
        "community/meetings/minutes.html",
        community,
        {"form": form, "meeting": meeting, "recordable": meetings.at_the_meeting(meeting)},
        section="meetings",
        status=400 if form.is_bound else 200,
    )


# --- Calendar ------------------------------------------------------------------------------------


@require_GET
def calendar_page(request: HttpRequest, community_id: int) -> HttpResponse:
    community = get_community_or_404(request.user, community_id)
    return render_community(
        request,
        "community/calendar/page.html",
        community,
        {"urls": feed_urls(community, request.user)},
        section="calendar",
    )


@public
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal .ics feed: valid while its owner may view the community."""
    from django.contrib.auth import get_user_model

    ids = read_token(token)
    if ids is None:
        raise Http404
    community_id, user_id = ids
    community = Community.objects.select_related("complex").filter(pk=community_id).first()
    owner = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if (
        community is None
        or owner is None
        or not owner.has_perm("community.view_community", community)
    ):
        raise Http404
    response = HttpResponse(build_feed(community), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
