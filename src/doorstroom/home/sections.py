"""What each role's home page lists as needing attention.

A section has a title, an explanation of what will appear in it, and a provider that returns its
items for the acting membership. Domain apps register providers here as they are built; until a
domain holds data, its section shows the explanation as its empty state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from doorstroom.organisations.roles import ROLE_POLICY, Role


@dataclass(frozen=True)
class Item:
    label: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    empty_text: str | Promise
    provider: Callable[[Any, Any], list[Item]] = field(default=lambda user, membership: [])
    #: Whether the section applies to this person at all (e.g. only to residents on the board).
    shown: Callable[[Any, Any], bool] = field(default=lambda user, membership: True)


def _recent_failed_logins(user: Any, membership: Any) -> list[Item]:
    from doorstroom.audit.models import AuditAction
    from doorstroom.audit.selectors import trail_of

    since = timezone.now() - timedelta(days=7)
    rows = (
        trail_of(membership.organisation)
        .filter(at__gte=since, action__in=[AuditAction.LOGIN_FAILED, AuditAction.LOCKED_OUT])
        .values("actor_label")
        .annotate(
            failures=Count("id", filter=Q(action=AuditAction.LOGIN_FAILED)),
            lockouts=Count("id", filter=Q(action=AuditAction.LOCKED_OUT)),
        )
        .order_by("-failures")[:10]
    )
    url = reverse("audit:trail", args=[membership.organisation_id])
    return [
        Item(
            label=row["actor_label"] or "?",
            detail=str(
                _("%(failures)s failed logins, %(lockouts)s lockouts in the last 7 days")
                % {"failures": row["failures"], "lockouts": row["lockouts"]}
            ),
            url=f"{url}?{urlencode({'actor': row['actor_label']})}",
        )
        for row in rows
    ]


def _recent_trail(user: Any, membership: Any) -> list[Item]:
    from doorstroom.audit.selectors import trail_of

    url = reverse("audit:trail", args=[membership.organisation_id])
    return [
        Item(
            label=f"{event.get_action_display()}: {event.object_label or event.actor_label}",
            detail=f"{timezone.localtime(event.at):%d-%m-%Y %H:%M} · {event.actor_label}",
            url=url,
        )
        for event in trail_of(membership.organisation)[:8]
    ]


def _users_without_second_factor(user: Any, membership: Any) -> list[Item]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from doorstroom.accounts.models import User

    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    needs_factor = [role for role, policy in ROLE_POLICY.items() if policy.requires_two_factor]
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True) | Q(memberships__role__in=needs_factor))
        .exclude(pk__in=with_device)
        .distinct()
        .order_by("username")[:20]
    )
    return [
        Item(
            label=u.get_full_name() or u.username,
            detail=u.username,
            url=reverse("admin:accounts_user_change", args=[u.pk]),
        )
        for u in users
    ]


def _link(name: str, *args: Any) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _vacancies(user: Any, membership: Any) -> list[Item]:
    from doorstroom.lettings.models import Vacancy

    vacancies = (
        Vacancy.objects.open()
        .filter(dwelling__corporation=membership.organisation)
        .select_related("dwelling__complex")
        .order_by("available_from", "pk")[:10]
    )
    return [
        Item(
            label=v.dwelling.address,
            detail=f"{v.dwelling.complex.name} · {v.get_stream_display()} · "
            + str(_("available from %(date)s") % {"date": v.available_from.strftime("%d-%m-%Y")}),
            url=reverse("vacancies:detail", args=[v.pk]),
        )
        for v in vacancies
    ]


def _applications_to_score(user: Any, membership: Any) -> list[Item]:
    from doorstroom.lettings.models import Application

    applications = (
        Application.objects.active()
        .filter(vacancy__dwelling__corporation=membership.organisation)
        .annotate(reviewed=Count("reviews", distinct=True))
        .filter(reviewed__lt=2)
        .exclude(reviews__reviewer=user)
        .select_related("vacancy__dwelling__complex")
        .order_by("submitted_at")[:10]
    )
    return [
        Item(
            label=a.full_name,
            detail=f"{a.vacancy.dwelling.address} · "
            + str(_("%(n)s of 2 scores") % {"n": a.reviewed}),
            url=_link("selection:application", a.pk),
        )
        for a in applications
    ]


def _interviews(user: Any, membership: Any) -> list[Item]:
    from doorstroom.lettings.models import InterviewSlot

    slots = (
        InterviewSlot.objects.filter(
            vacancy__dwelling__corporation=membership.organisation,
            application__isnull=False,
            outcome="",
        )
        .select_related("application", "vacancy__dwelling")
        .order_by("starts_at")[:10]
    )
    return [
        Item(
            label=timezone.localtime(slot.starts_at).strftime("%d-%m-%Y %H:%M"),
            detail=f"{slot.application.full_name} · {slot.vacancy.dwelling.address}",  # type: ignore[union-attr]
            url=_link("selection:application", slot.application_id),
        )
        for slot in slots
    ]


def _open_offers(user: Any, membership: Any) -> list[Item]:
    from doorstroom.lettings.models import Offer, OfferStatus

    offers = (
        Offer.objects.filter(
            vacancy__dwelling__corporation=membership.organisation, status=OfferStatus.OFFERED
        )
        .select_related("vacancy__dwelling", "application", "nomination__care_provider")
        .order_by("respond_by")[:10]
    )
    return [
        Item(
            label=o.vacancy.dwelling.address,
            detail=(o.application.full_name if o.application else str(o.nomination.care_provider))  # type: ignore[union-attr]
            + " · "
            + str(_("respond by %(date)s") % {"date": o.respond_by.strftime("%d-%m-%Y")}),
            url=_link("offers:vacancy", o.vacancy_id),
        )
        for o in offers
    ]


def _dwellings_offered(user: Any, membership: Any) -> list[Item]:
    """Care-stream offers to the care provider awaiting its answer."""
    from doorstroom.lettings.models import Offer, OfferStatus

    offers = (
        Offer.objects.filter(
            nomination__care_provider=membership.organisation, status=OfferStatus.OFFERED
        )
        .select_related("vacancy__dwelling__complex", "nomination__client")
        .order_by("respond_by")[:10]
    )
    return [
        Item(
            label=f"{o.vacancy.dwelling.address} · {o.nomination.client.reference}",  # type: ignore[union-attr]
            detail=str(_("respond by %(date)s") % {"date": o.respond_by.strftime("%d-%m-%Y")}),
            url=reverse("offers:care"),
        )
        for o in offers
    ]


def _attention(user: Any, membership: Any) -> list[Item]:
    from doorstroom.tenancies.clock import attention_items

    return attention_items(user, membership)


def _check_ins_due(user: Any, membership: Any) -> list[Item]:
    from doorstroom.tenancies.aftercare import check_ins_due_items

    return check_ins_due_items(user, membership)


def _ready_to_flip(user: Any, membership: Any) -> list[Item]:
    """Care-lease placements the care provider signed off, waiting for the manager's sign-off."""
    from doorstroom.tenancies.models import Placement, PlacementState, SignOffParty

    placements = (
        Placement.objects.filter(
            dwelling__corporation=membership.organisation,
            state=PlacementState.CARE_LEASE,
            sign_offs__party=SignOffParty.CARE_PROVIDER,
        )
        .exclude(sign_offs__party=SignOffParty.CORPORATION)
        .select_related("dwelling")
        .order_by("start_date")[:10]
    )
    return [
        Item(
            label=f"{p.client_ref} · {p.dwelling.address}",
            detail=str(
                _("signed off by the care provider; since %(date)s in the care lease")
                % {"date": p.start_date.strftime("%d-%m-%Y")}
            ),
            url=_link("placements:detail", p.pk),
        )
        for p in placements
    ]


def _signals(user: Any, membership: Any) -> list[Item]:
    """Overdue referrals first, then the open signals of the corporation's dwellings."""
    from doorstroom.tenancies.models import Signal
    from doorstroom.tenancies.signals_services import overdue_referrals

    overdue = list(
        overdue_referrals(membership.organisation)
        .select_related("signal__dwelling", "receiver")
        .order_by("respond_by")[:5]
    )
    items = [
        Item(
            label=r.signal.dwelling.address,
            detail=str(
                _("%(kind)s: referral to %(receiver)s overdue since %(date)s")
                % {
                    "kind": r.signal.get_kind_display(),
                    "receiver": r.receiver,
                    "date": r.respond_by.strftime("%d-%m-%Y"),
                }
            ),
            url=_link("signals:detail", r.signal_id),
        )
        for r in overdue
    ]
    shown = {r.signal_id for r in overdue}
    signals = (
        Signal.objects.open()
        .filter(dwelling__corporation=membership.organisation)
        .exclude(pk__in=shown)
        .select_related("dwelling")
        .order_by("-escalated_on", "opened_on")[: 10 - len(items)]
    )
    items += [
        Item(
            label=s.dwelling.address,
            detail=f"{s.get_kind_display()} · "
            + str(_("open since %(date)s") % {"date": s.opened_on.strftime("%d-%m-%Y")}),
            url=_link("signals:detail", s.pk),
        )
        for s in signals
    ]
    return items


def _referrals_received(user: Any, membership: Any) -> list[Item]:
    from doorstroom.tenancies.signals_services import referrals_received_by

    referrals = (
        referrals_received_by(user)
        .filter(receiver=membership.organisation)
        .exclude(status="closed")
        .select_related("signal__dwelling")
        .order_by("respond_by")[:10]
    )
    url = (
        _link("team:home")
        if membership.role == Role.NEIGHBOURHOOD_TEAM_MEMBER
        else _link("signals:received")
    )
    return [
        Item(
            label=r.signal.dwelling.address,
            detail=f"{r.signal.get_kind_display()} · "
            + str(_("respond by %(date)s") % {"date": r.respond_by.strftime("%d-%m-%Y")}),
            url=url,
        )
        for r in referrals
    ]


def _labelled_in_area(user: Any, membership: Any) -> list[Item]:
    from doorstroom.tenancies.views_team import labelled_tenants

    _page, rows = labelled_tenants({membership.organisation_id}, 1)
    return [
        Item(
            label=row["tenancy"].dwelling.address,
            detail=str(
                _("label until %(date)s")
                % {"date": row["tenancy"].care_label_until.strftime("%d-%m-%Y")}
            ),
            url=_link("team:home"),
        )
        for row in rows[:10]
    ]


def _quota_progress(user: Any, membership: Any) -> list[Item]:
    from doorstroom.outcomes.quota import progress_of
    from doorstroom.portfolio.models import Quota

    quotas = list(
        Quota.objects.visible_to(user)
        .filter(year=timezone.localdate().year)
        .select_related("municipality", "corporation")
        .order_by("corporation__name", "target_group")
    )
    return [
        Item(
            label=f"{p.quota.corporation} · {p.quota.get_target_group_display()}",
            detail=str(
                _("%(realised)s of %(target)s dwellings, %(to_go)s still to go")
                % {"realised": p.realised, "target": p.target, "to_go": p.to_go}
            ),
            url=reverse("outcomes:quota"),
        )
        for p in progress_of(quotas)
    ]


def _my_clients(user: Any, membership: Any) -> list[Item]:
    from doorstroom.clients.models import Client
    from doorstroom.clients.selectors import readiness_of, with_status

    clients = list(
        with_status(
            Client.objects.visible_to(user).filter(
                care_provider=membership.organisation, case_worker=user
            )
        ).order_by("last_name", "first_name")[:12]
    )
    readiness = readiness_of(clients)
    return [
        Item(
            label=f"{client.full_name} ({client.reference})",
            detail=str(_("Readiness: %(verdict)s") % {"verdict": readiness[client.pk].label}),
            url=_client_url(client.pk),
        )
        for client in clients
    ]


def _client_url(pk: int) -> str:
    return reverse("clients:detail", args=[pk])


def _consent_to_renew(user: Any, membership: Any) -> list[Item]:
    from doorstroom.clients.models import Client
    from doorstroom.clients.selectors import (
        ConsentStatus,
        consent_status,
        needing_consent,
        with_status,
    )

    clients = needing_consent(
        with_status(
            Client.objects.visible_to(user).filter(
                care_provider=membership.organisation, case_worker=user
            )
        )
    )[:12]
    labels = {
        ConsentStatus.MISSING: _("No consent recorded"),
        ConsentStatus.EXPIRING: _("Consent expires within 30 days"),
    }
    return [
        Item(
            label=f"{c.full_name} ({c.reference})",
            detail=str(labels.get(consent_status(c), "")),
            url=_client_url(c.pk),
        )
        for c in clients
    ]


def _assessments_due(user: Any, membership: Any) -> list[Item]:
    from django.db.models import Max

    from doorstroom.clients.models import Client

    limit = timezone.localdate() - timedelta(days=183)
    clients = (
        Client.objects.visible_to(user)
        .filter(care_provider=membership.organisation, case_worker=user)
        .annotate(latest=Max("assessments__assessed_on"))
        .filter(Q(latest__isnull=True) | Q(latest__lt=limit))
        .order_by("latest")[:12]
    )
    return [
        Item(
            label=f"{c.full_name} ({c.reference})",
            detail=str(
                _("Last assessed on %(date)s") % {"date": c.latest.strftime("%d-%m-%Y")}
                if c.latest
                else _("Never assessed")
            ),
            url=_client_url(c.pk),
        )
        for c in clients
    ]


def _overdue_plan(user: Any, membership: Any) -> list[Item]:
    from doorstroom.clients.selectors import overdue_for

    return [
        Item(
            label=f"{item.client.full_name}: {item.description}",
            detail=str(
                _("Due on %(date)s, %(days)s days ago")
                % {"date": item.due_on.strftime("%d-%m-%Y"), "days": item.days_overdue}
            ),
            url=item.url,
        )
        for item in overdue_for(user)[:12]
    ]


def _nominations_for_corporation(user: Any, membership: Any) -> list[Item]:
    from doorstroom.lettings.models import Nomination

    nominations = (
        Nomination.objects.visible_to(user)
        .open()
        .filter(complex__corporation=membership.organisation)
        .select_related("client", "complex", "care_provider")
        .order_by("nominated_at")[:10]
    )
    return [
        Item(
            label=f"{n.client.reference} · {n.complex.name}",
            detail=f"{n.care_provider} · {n.get_status_display()}",
            url=reverse("lettings:incoming"),
        )
        for n in nominations
    ]


def _team_overview(user: Any, membership: Any) -> list[Item]:
    from collections import Counter

    from doorstroom.clients.models import Client
    from doorstroom.clients.readiness import Readiness
    from doorstroom.clients.selectors import readiness_of, with_status, without_case_worker

    clients = with_status(
        Client.objects.visible_to(user).filter(care_provider=membership.organisation)
    )
    verdicts = Counter(result.verdict for result in readiness_of(list(clients)).values())
    url = reverse("clients:overview")
    items = [
        Item(
            label=str(Readiness(verdict).label),
            detail=str(_("%(n)s clients") % {"n": verdicts[verdict]}),
            url=url,
        )
        for verdict in Readiness.values
    ]
    missing = without_case_worker(clients).count()
    if missing:
        items.append(
            Item(
                label=str(_("Without a case worker")),
                detail=str(_("%(n)s clients") % {"n": missing}),
                url=url,
            )
        )
    return items


def _overrides(user: Any, membership: Any) -> list[Item]:
    from doorstroom.lettings.models import Nomination

    nominations = (
        Nomination.objects.filter(care_provider=membership.organisation, override_by__isnull=False)
        .select_related("client", "complex", "override_by")
        .order_by("-nominated_at")[:10]
    )
    return [
        Item(
            label=f"{n.client.full_name} ({n.client.reference}) · {n.complex.name}",
            detail=str(
                _("Override by %(name)s: %(reason)s")
                % {"name": n.override_by, "reason": n.override_reason}
            ),
            url=_client_url(n.client_id),
        )
        for n in nominations
    ]


# Community ----------------------------------------------------------------------------------


def _community_of(user: Any) -> Any:
    from doorstroom.community.selectors import residency_of

    resident = residency_of(user)
    return resident.community if resident is not None else None


def _is_on_board(user: Any, membership: Any) -> bool:
    from doorstroom.community.selectors import board_terms_of

    return bool(board_terms_of(user))


def _open_requests(communities: Any, with_complex: bool) -> list[Item]:
    from doorstroom.community.models import ActivityRequest, ActivityStatus
    from doorstroom.config.templatetags.doorstroom import euro

    requests = (
        ActivityRequest.objects.filter(
            community__in=communities,
            status__in=[ActivityStatus.SUBMITTED, ActivityStatus.EVALUATED],
        )
        .with_requested_amount()
        .select_related("community__complex")
        .order_by("submitted_at")[:10]
    )
    items = []
    for request in requests:
        parts = [str(request.get_status_display())]
        if request.status == ActivityStatus.SUBMITTED:
            amount = euro(request.requested_amount)  # type: ignore[attr-defined]
            parts.append(str(_("requested %(amount)s") % {"amount": amount}))
        if with_complex:
            parts.insert(0, request.community.complex.name)
        items.append(
            Item(
                label=request.title,
                detail=" · ".join(parts),
                url=reverse("community:request", args=[request.community_id, request.pk]),
            )
        )
    return items


def _manager_board_items(user: Any, membership: Any) -> list[Item]:
    from doorstroom.community.models import Community

    communities = Community.objects.filter(complex__corporation=membership.organisation)
    return _open_requests(communities, with_complex=True)


def _board_items(user: Any, membership: Any) -> list[Item]:
    community = _community_of(user)
    return [] if community is None else _open_requests([community], with_complex=False)


def _coming_activities(user: Any, membership: Any) -> list[Item]:
    from doorstroom.community.models import ActivityRequest, ActivityStatus

    community = _community_of(user)
    if community is None:
        return []
    activities = ActivityRequest.objects.filter(
        community=community, status=ActivityStatus.APPROVED, starts_on__gte=timezone.localdate()
    ).order_by("starts_on", "start_time")[:5]
    return [
        Item(
            label=activity.title,
            detail=f"{activity.starts_on:%d-%m-%Y} · {activity.place}",
            url=reverse("community:request", args=[community.pk, activity.pk]),
        )
        for activity in activities
    ]


def _my_requests(user: Any, membership: Any) -> list[Item]:
    from doorstroom.community.models import ActivityRequest, ActivityStatus
    from doorstroom.community.selectors import residency_of

    resident = residency_of(user)
    if resident is None:
        return []
    requests = (
        ActivityRequest.objects.filter(requested_by=resident)
        .exclude(status__in=[ActivityStatus.CLOSED, ActivityStatus.WITHDRAWN])
        .order_by("-submitted_at")[:5]
    )
    return [
        Item(
            label=request.title,
            detail=str(request.get_status_display()),
            url=reverse("community:request", args=[request.community_id, request.pk]),
        )
        for request in requests
    ]


def _visit_requests(user: Any, membership: Any) -> list[Item]:
    from doorstroom.outcomes.project import visit_requests

    return list(visit_requests(user, membership))


def _outcome_headlines(user: Any, membership: Any) -> list[Item]:
    from doorstroom.outcomes.dashboard import headline_items

    return list(headline_items(user, membership))


SECTIONS: dict[str, list[Section]] = {
    Role.MIXED_LIVING_MANAGER: [
        Section(
            "vacancies",
            _("Vacancies"),
            _(
                "Dwellings that become vacant appear here, with the stream (care or regular) they go to."
            ),
            _vacancies,
        ),
        Section(
            "attention",
            _("The 3-year clock"),
            _(
                "Care-lease placements past an attention point (24, 30, 33 months) or past 36 months appear here."
            ),
            _attention,
        ),
        Section(
            "nominations",
            _("Incoming nominations"),
            _(
                "Clients nominated by care providers for your complexes, awaiting the placement meeting, appear here."
            ),
            _nominations_for_corporation,
        ),
        Section(
            "signals",
            _("Open signals"),
            _("Signals about tenancies (rent arrears, nuisance) that need follow-up appear here."),
            _signals,
        ),
        Section(
            "flips",
            _("Ready to flip"),
            _(
                "Care-lease placements whose flip checklist is met and await your sign-off appear here."
            ),
            _ready_to_flip,
        ),
        Section(
            "visit_requests",
            _("Working-visit requests"),
            _(
                "Requests from colleagues of other organisations for a working visit to one of your complexes appear here."
            ),
            _visit_requests,
        ),
        Section(
            "board",
            _("Community board"),
            _(
                "Activity requests for the next board meeting, and evaluations to discuss, appear here."
            ),
            _manager_board_items,
        ),
    ],
    Role.LETTING_OFFICER: [
        Section(
            "applications",
            _("Applications to score"),
            _("Motivations of home seekers waiting for your rubric score appear here."),
            _applications_to_score,
        ),
        Section(
            "interviews",
            _("Introduction interviews"),
            _("Planned introduction interviews and their outcomes appear here."),
            _interviews,
        ),
        Section(
            "offers",
            _("Open offers"),
            _("Offers awaiting the candidate's answer appear here."),
            _open_offers,
        ),
    ],
    Role.CASE_WORKER: [
        Section(
            "clients",
            _("My clients"),
            _("Your clients appear here, with their readiness and next review."),
            _my_clients,
        ),
        Section(
            "offered",
            _("Dwellings offered"),
            _("Dwellings the corporation offers for your accepted nominations appear here."),
            _dwellings_offered,
        ),
        Section(
            "attention",
            _("The 3-year clock"),
            _(
                "Care-lease placements past an attention point (24, 30, 33 months) or past 36 months appear here."
            ),
            _attention,
        ),
        Section(
            "check_ins",
            _("Aftercare check-ins due"),
            _(
                "Check-ins with clients after their flip (6, 12 and 24 months) that are due appear here."
            ),
            _check_ins_due,
        ),
        Section(
            "referrals",
            _("Referred signals"),
            _("Signals about your clients' tenancies handed to you for follow-up appear here."),
            _referrals_received,
        ),
        Section(
            "plan",
            _("Overdue actions and reviews"),
            _("Actions and reviews of your clients' guidance plans that are overdue appear here."),
            _overdue_plan,
        ),
        Section(
            "consent",
            _("Consent to renew"),
            _("Clients whose consent is missing or about to expire appear here."),
            _consent_to_renew,
        ),
        Section(
            "zrm",
            _("ZRM assessments due"),
            _("Clients whose self-sufficiency assessment is due appear here."),
            _assessments_due,
        ),
    ],
    Role.TEAM_LEAD: [
        Section(
            "team",
            _("Team overview"),
            _("Your organisation's clients by readiness appear here."),
            _team_overview,
        ),
        Section(
            "offered",
            _("Dwellings offered"),
            _("Dwellings the corporation offers for your accepted nominations appear here."),
            _dwellings_offered,
        ),
        Section(
            "attention",
            _("The 3-year clock"),
            _(
                "Care-lease placements past an attention point (24, 30, 33 months) or past 36 months appear here."
            ),
            _attention,
        ),
        Section(
            "check_ins",
            _("Aftercare check-ins due"),
            _(
                "Check-ins with clients after their flip (6, 12 and 24 months) that are due appear here."
            ),
            _check_ins_due,
        ),
        Section(
            "referrals",
            _("Referred signals"),
            _("Signals about your clients' tenancies handed to you for follow-up appear here."),
            _referrals_received,
        ),
        Section(
            "overrides",
            _("Overrides"),
            _(
                "Nominations of clients who were not ready, nominated with your team's override, appear here."
            ),
            _overrides,
        ),
        Section(
            "plan",
            _("Overdue actions and reviews"),
            _("Actions and reviews of your clients' guidance plans that are overdue appear here."),
            _overdue_plan,
        ),
    ],
    Role.POLICY_OFFICER: [
        Section(
            "quota",
            _("Quota progress"),
            _("This year's quota and the dwellings made available against it appear here."),
            _quota_progress,
        ),
        Section(
            "outcomes",
            _("Outcome figures"),
            _("Flip rates and exits across corporations appear here, as aggregates only."),
            _outcome_headlines,
        ),
    ],
    Role.NEIGHBOURHOOD_TEAM_MEMBER: [
        Section(
            "labelled",
            _("Tenants in view"),
            _(
                "Tenants with the 'wonen met zorg' label in your area appear here, where they consented."
            ),
            _labelled_in_area,
        ),
        Section(
            "referrals",
            _("Referred signals"),
            _("Signals handed to your team for follow-up appear here."),
            _referrals_received,
        ),
    ],
    Role.RESIDENT: [
        Section(
            "activities",
            _("Coming activities"),
            _("Joint activities in your complex appear here. You can also propose one."),
            _coming_activities,
        ),
        Section(
            "my_requests",
            _("My requests"),
            _("The activities you proposed appear here, with the board's decision."),
            _my_requests,
        ),
        Section(
            "requests",
            _("For the board"),
            _(
                "Activity requests for the next board meeting, and evaluations to discuss, appear here."
            ),
            _board_items,
            shown=_is_on_board,
        ),
    ],
    Role.PRIVACY_OFFICER: [
        Section(
            "failed_logins",
            _("Failed logins and lockouts"),
            _("Accounts of your organisation with failed logins in the last 7 days appear here."),
            _recent_failed_logins,
        ),
        Section(
            "trail",
            _("Latest audit events"),
            _(
                "Every change to personal data and every view of a care record in your organisation appears here."
            ),
            _recent_trail,
        ),
    ],
}

PLATFORM_ADMIN_SECTIONS = [
    Section(
        "no_second_factor",
        _("Accounts without a second factor"),
        _("Active accounts that have not yet set up their authenticator app appear here."),
        _users_without_second_factor,
    ),
]
