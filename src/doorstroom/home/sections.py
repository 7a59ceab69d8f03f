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

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from doorstroom.organisations.roles import Role


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
            url=f"{url}?actor={row['actor_label']}",
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
    users = (
        User.objects.filter(is_active=True)
        .exclude(pk__in=with_device)
        .exclude(memberships__role=Role.RESIDENT, memberships__isnull=False)
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


SECTIONS: dict[str, list[Section]] = {
    Role.MIXED_LIVING_MANAGER: [
        Section(
            "vacancies",
            _("Vacancies"),
            _(
                "Dwellings that become vacant appear here, with the stream (care or regular) they should go to."
            ),
        ),
        Section(
            "signals",
            _("Open signals"),
            _("Signals about tenancies (rent arrears, nuisance) that need follow-up appear here."),
        ),
        Section(
            "flips",
            _("Ready to flip"),
            _(
                "Care-lease placements whose flip checklist is met and await your sign-off appear here."
            ),
        ),
        Section(
            "board",
            _("Community board"),
            _("Activity requests for the next board meeting appear here."),
        ),
    ],
    Role.LETTING_OFFICER: [
        Section(
            "applications",
            _("Applications to score"),
            _("Motivations of home seekers waiting for your rubric score appear here."),
        ),
        Section(
            "interviews",
            _("Introduction interviews"),
            _("Planned introduction interviews and their outcomes appear here."),
        ),
        Section(
            "offers", _("Open offers"), _("Offers awaiting the candidate's answer appear here.")
        ),
    ],
    Role.CASE_WORKER: [
        Section(
            "clients",
            _("My clients"),
            _("Your clients appear here, with their readiness and next review."),
        ),
        Section(
            "consent",
            _("Consent to renew"),
            _("Clients whose consent is missing or about to expire appear here."),
        ),
        Section(
            "zrm",
            _("ZRM assessments due"),
            _("Clients whose self-sufficiency assessment is due appear here."),
        ),
    ],
    Role.TEAM_LEAD: [
        Section(
            "overrides",
            _("Decisions for you"),
            _("Nominations that need an override and flips that need your sign-off appear here."),
        ),
        Section("team", _("Team overview"), _("Placements of your team by state appear here.")),
    ],
    Role.POLICY_OFFICER: [
        Section(
            "quota",
            _("Quota progress"),
            _("This year's quota and the dwellings made available against it appear here."),
        ),
        Section(
            "outcomes",
            _("Outcome figures"),
            _("Flip rates and exits across corporations appear here, as aggregates only."),
        ),
    ],
    Role.NEIGHBOURHOOD_TEAM_MEMBER: [
        Section(
            "labelled",
            _("Tenants in view"),
            _(
                "Tenants with the 'wonen met zorg' label in your area appear here, where they consented."
            ),
        ),
        Section(
            "referrals",
            _("Referred signals"),
            _("Signals handed to your team for follow-up appear here."),
        ),
    ],
    Role.RESIDENT: [
        Section(
            "activities",
            _("Activities"),
            _("Joint activities in your complex appear here. You can also propose one."),
        ),
    ],
    Role.BOARD_MEMBER: [
        Section(
            "requests",
            _("Requests to decide"),
            _("Residents' activity requests for the next monthly meeting appear here."),
        ),
        Section(
            "evaluations",
            _("Activities to evaluate"),
            _("Activities that took place and still need an evaluation appear here."),
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
