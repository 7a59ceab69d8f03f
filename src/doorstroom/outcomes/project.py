"""The public project page of a complex and the working-visit requests sent through it.

The corporation's mixed-living manager writes the page (the concept, since when) and publishes it
when the corporation chooses to (opt-in); until then it does not exist for the public. A page
shows the complex's dwellings and mix and a few headline outcomes, rounded so that nobody living
there can be recognised:

- every figure is rounded DOWN: a share to a multiple of 10 percentage points ("more than 80%"
  for 85%; "80%" only when it is exactly 80%; "less than 10%" below 10%), a count to a multiple of
  10, or to 5 when it is below 10 ("at least 5");
- no figure about flips is shown when fewer than 5 placements flipped, and no figure at all when
  fewer than 5 placements started (the same threshold as the "<5" of the municipality's reports);
- the time to the flip is the median of the spec (outcome-measures.md), rounded UP to whole
  months ("within 14 months" stays true), and only with 5 or more flips;
- the live share of vulnerable dwellings is rounded to the nearest 10 percentage points and left
  out when fewer than 5 dwellings are vulnerable; returns to homelessness are not shown in public.

The measures themselves come from ``outcomes.measures`` (never recomputed here). Colleagues of
other organisations ask for a working visit with the form on the page: a hidden field catches
form-filling scripts, and one client address may send ``RATE_LIMIT`` requests per hour (counted
in Django's cache: with several server processes the cache must be shared, e.g. Redis or the
database cache, or each process counts on its own). A request reaches the managers of the
corporation by e-mail and on their home page (:func:`visit_requests`); it is erased
``HANDLED_RETENTION_MONTHS`` after it was handled, or ``OPEN_RETENTION_MONTHS`` after it came in
when nobody handled it (:func:`erase_old_visit_requests`, a daily job).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import (
    MASKED_BY_MODEL,
    build_event,
    record_saved,
    saved_event,
    snapshot_fields,
)
from doorstroom.home.sections import Item
from doorstroom.lettings.mail import send_after_commit
from doorstroom.organisations.access import require_permission
from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import Role
from doorstroom.outcomes.measures import Register, compute
from doorstroom.outcomes.models import GROUP_SIZE, ProjectPage, VisitRequest
from doorstroom.portfolio.mix import mix_of, with_mix
from doorstroom.portfolio.models import Complex
from doorstroom.tenancies.models import Placement

logger = logging.getLogger(__name__)

#: No figure below this many placements (started, or flipped for the figures about flips).
MIN_COUNT = 5
#: Visit requests one client address may send per RATE_WINDOW seconds.
RATE_LIMIT = 3
RATE_WINDOW = 60 * 60
HANDLED_RETENTION_MONTHS = 12
OPEN_RETENTION_MONTHS = 24
CONCEPT_MAX = 5000
MESSAGE_MAX = 2000
#: Path segments of the manager's pages under /projecten/: never a page's address.
RESERVED_SLUGS = frozenset({"beheer", "verzonden", "nieuw"})
#: How the audit trail names a visitor sending the public form (never by name).
VISITOR_ACTOR = "visitor (project page)"
PERMISSION = "portfolio.change_complex"  # the corporation's mixed-living manager

# The visitor's contact details and words stay out of the audit trail: it says they were given.
MASKED_BY_MODEL.setdefault("outcomes.visitrequest", set()).update(
    {"name", "organisation", "email", "phone", "proposed_dates", "message"}
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --- the page (the corporation's mixed-living manager) -------------------------------------------


def suggested_slug(complex_: Complex, exclude_pk: int | None = None) -> str:
    """The complex's name and place as an address, made unique with -2, -3 … when taken."""
    base = slugify(f"{complex_.name} {complex_.city}")[:70].strip("-") or f"complex-{complex_.pk}"
    if base in RESERVED_SLUGS:
        base = f"{base}-{complex_.pk}"
    pages = ProjectPage.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        pages = pages.exclude(pk=exclude_pk)
    taken = set(pages.values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def page_of(complex_: Complex) -> ProjectPage:
    """The complex's page, or an unsaved draft with a suggested address."""
    page = ProjectPage.objects.filter(complex=complex_).first()
    if page is None:
        page = ProjectPage(complex=complex_, slug=suggested_slug(complex_))
    return page


def _page_errors(page: ProjectPage, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not _SLUG.match(page.slug):
        errors["slug"] = [
            _(
                "Use only lower-case letters, digits and single hyphens, for example de-buren-utrecht."
            )
        ]
    elif page.slug in RESERVED_SLUGS:
        errors["slug"] = [_("This address is reserved. Choose another one.")]
    elif ProjectPage.objects.filter(slug=page.slug).exclude(pk=page.pk).exists():
        errors["slug"] = [_("Another project page already has this address. Choose another one.")]
    if page.since is not None and page.since > today:
        errors["since"] = [_("The start of mixed living cannot be in the future.")]
    if len(page.concept) > CONCEPT_MAX:
        errors["concept"] = [
            _("Write at most %(max)s characters; you wrote %(count)s.")
            % {"max": CONCEPT_MAX, "count": len(page.concept)}
        ]
    if page.published:
        if not page.concept:
            errors.setdefault("concept", []).append(
                _("A published page needs its concept: describe how mixed living works here.")
            )
        if page.since is None:
            errors.setdefault("since", []).append(
                _("A published page needs the date mixed living started.")
            )
    return errors


def _locked_page(complex_: Complex) -> ProjectPage | None:
    return (
        ProjectPage.objects.select_for_update(of=("self",))
        .select_related("complex__corporation")
        .filter(complex=complex_)
        .first()
    )


@transaction.atomic
def save_project_page(
    *,
    acting_user: Any,
    complex_: Complex,
    concept: str,
    since: dt.date | None,
    slug: str = "",
    today: dt.date | None = None,
) -> ProjectPage:
    """Write or change the page of ``complex_`` (it stays published or unpublished as it was)."""
    require_permission(acting_user, PERMISSION, complex_)
    day = today or timezone.localdate()
    page = _locked_page(complex_)
    before = snapshot_fields(page) if page is not None else None
    if page is None:
        page = ProjectPage(complex=complex_)
    page.concept = concept.strip().replace("\r\n", "\n")
    page.since = since
    page.slug = slug.strip().lower() or page.slug or suggested_slug(complex_, page.pk)
    errors = _page_errors(page, day)
    if errors:
        raise ValidationError(errors)
    page.full_clean(exclude=["complex", "slug"], validate_constraints=False)
    page.save()
    record_saved(actor=acting_user, organisation=complex_.corporation, obj=page, before=before)
    return page


@transaction.atomic
def publish_project_page(
    *, acting_user: Any, complex_: Complex, today: dt.date | None = None
) -> ProjectPage:
    """The corporation opts in: the page appears on the public list. It needs its concept and the
    date mixed living started."""
    require_permission(acting_user, PERMISSION, complex_)
    page = _locked_page(complex_)
    if page is None:
        raise ValidationError(
            _("Write the page first: its concept and the date mixed living started."),
            code="no_page",
        )
    if page.published:
        return page
    before = snapshot_fields(page)
    page.published = True
    page.published_at = timezone.now()
    errors = _page_errors(page, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    page.save(update_fields=["published", "published_at", "updated_at"])
    record_saved(actor=acting_user, organisation=complex_.corporation, obj=page, before=before)
    logger.info("project page %s published", page.pk)
    return page


@transaction.atomic
def unpublish_project_page(*, acting_user: Any, complex_: Complex) -> ProjectPage | None:
    """The page disappears from the public at once (its address then gives 404)."""
    require_permission(acting_user, PERMISSION, complex_)
    page = _locked_page(complex_)
    if page is None or not page.published:
        return page
    before = snapshot_fields(page)
    page.published = False
    page.published_at = None
    page.save(update_fields=["published", "published_at", "updated_at"])
    record_saved(actor=acting_user, organisation=complex_.corporation, obj=page, before=before)
    logger.info("project page %s unpublished", page.pk)
    return page


# --- working-visit requests (public) -------------------------------------------------------------


def _rate_key(client_ip: str | None) -> str:
    return f"outcomes:visit-request:{client_ip or 'unknown'}"


def rate_limited(client_ip: str | None) -> bool:
    """Whether this client address already sent ``RATE_LIMIT`` requests within the window."""
    return int(cache.get(_rate_key(client_ip), 0)) >= RATE_LIMIT


def _count_request(client_ip: str | None) -> None:
    key = _rate_key(client_ip)
    # The window starts at the first request; add() does nothing when the key exists.
    cache.add(key, 0, RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, RATE_WINDOW)


def rate_limit_message() -> str:
    return ngettext(
        "You have already sent %(count)s request in the past hour. Please try again in an "
        "hour, or contact the corporation by phone or e-mail.",
        "You have already sent %(count)s requests in the past hour. Please try again in an "
        "hour, or contact the corporation by phone or e-mail.",
        RATE_LIMIT,
    ) % {"count": RATE_LIMIT}


def _visit_errors(
    *,
    name: str,
    organisation: str,
    email: str,
    proposed_dates: str,
    group_size: int | None,
    message: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Fill in your name.")]
    if not organisation:
        errors["organisation"] = [_("Fill in the organisation you work for.")]
    if not email:
        errors["email"] = [_("Fill in your e-mail address.")]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [
                _("Fill in a valid e-mail address, for example name@corporation.nl.")
            ]
    if not proposed_dates:
        errors["proposed_dates"] = [_("Fill in one or more dates or periods that suit you.")]
    if group_size is None or not GROUP_SIZE[0] <= group_size <= GROUP_SIZE[1]:
        errors["group_size"] = [
            _("Fill in a number of visitors between %(min)s and %(max)s.")
            % {"min": GROUP_SIZE[0], "max": GROUP_SIZE[1]}
        ]
    if len(message) > MESSAGE_MAX:
        errors["message"] = [
            _("Write at most %(max)s characters; you wrote %(count)s.")
            % {"max": MESSAGE_MAX, "count": len(message)}
        ]
    return errors


def manager_emails(corporation_id: int) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=corporation_id,
                role=Role.MIXED_LIVING_MANAGER,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def submit_visit_request(
    *,
    page: ProjectPage,
    name: str,
    organisation: str,
    email: str,
    proposed_dates: str,
    group_size: int | None,
    phone: str = "",
    message: str = "",
    client_ip: str | None = None,
) -> VisitRequest:
    """A colleague asks for a working visit through a published page (no account). Refused when
    the page is no longer published, when this client address already sent ``RATE_LIMIT``
    requests this hour, or with a message per field for bad input; nothing is saved then."""
    current = (
        ProjectPage.objects.published()
        .select_related("complex__corporation")
        .filter(pk=page.pk)
        .first()
    )
    if current is None:
        raise ValidationError(
            _("This project page is no longer published; the request has not been sent."),
            code="unpublished",
        )
    page = current
    if rate_limited(client_ip):
        raise ValidationError(rate_limit_message(), code="rate_limited")
    answers = {
        "name": " ".join(name.split()),
        "organisation": " ".join(organisation.split()),
        "email": email.strip().lower(),
        "proposed_dates": proposed_dates.strip(),
        "message": message.strip().replace("\r\n", "\n"),
    }
    errors = _visit_errors(group_size=group_size, **answers)
    request = VisitRequest(
        complex=page.complex, phone=phone.strip(), group_size=group_size or 0, **answers
    )
    try:
        request.full_clean(exclude=["complex", *errors], validate_constraints=False)
    except ValidationError as exc:
        for name_, messages in exc.message_dict.items():
            errors.setdefault(name_, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    request.save()
    event = saved_event(
        actor=None,
        actor_label=VISITOR_ACTOR,
        organisation=page.complex.corporation,
        obj=request,
        before=None,
    )
    if event is not None:
        event.save()
    _count_request(client_ip)
    to = manager_emails(page.complex.corporation_id)
    if to:
        send_after_commit(
            "visit_request",
            {
                "complex_name": page.complex.name,
                "visit": request,
                "link": _site_url(reverse("projects:requests")),
            },
            to,
            folder="outcomes/email",
        )
    logger.info("visit request %s received for complex %s", request.pk, page.complex_id)
    return request


@transaction.atomic
def mark_visit_request_handled(*, acting_user: Any, visit_request: VisitRequest) -> VisitRequest:
    """The manager answered the request (by e-mail or phone, outside Doorstroom). Idempotent."""
    visit_request = (
        VisitRequest.objects.select_for_update(of=("self",))
        .select_related("complex__corporation")
        .get(pk=visit_request.pk)
    )
    require_permission(acting_user, PERMISSION, visit_request.complex)
    if visit_request.handled_at is not None:
        return visit_request
    before = snapshot_fields(visit_request)
    visit_request.handled_at = timezone.now()
    visit_request.handled_by = acting_user
    visit_request.save(update_fields=["handled_at", "handled_by"])
    record_saved(
        actor=acting_user,
        organisation=visit_request.complex.corporation,
        obj=visit_request,
        before=before,
    )
    return visit_request


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@transaction.atomic
def erase_old_visit_requests(today: dt.date | None = None) -> int:
    """Delete requests handled more than ``HANDLED_RETENTION_MONTHS`` ago, and requests nobody
    handled that came in more than ``OPEN_RETENTION_MONTHS`` ago; returns how many. The audit
    trail keeps that a request was erased, never who sent it. Idempotent; run daily."""
    day = today or timezone.localdate()
    handled_cutoff = _midnight(day - relativedelta(months=HANDLED_RETENTION_MONTHS))
    open_cutoff = _midnight(day - relativedelta(months=OPEN_RETENTION_MONTHS))
    old = list(
        VisitRequest.objects.filter(
            Q(handled_at__lt=handled_cutoff)
            | Q(handled_at__isnull=True, created_at__lt=open_cutoff)
        )
        .select_related("complex__corporation")
        .select_for_update(of=("self",))
    )
    if not old:
        return 0
    events = [
        build_event(
            actor=None,
            action=AuditAction.DELETE,
            organisation=request.complex.corporation,
            obj=request,
            fields=["retention"],
        )
        for request in old
    ]
    VisitRequest.objects.filter(pk__in=[r.pk for r in old]).delete()
    for event in events:
        event.save()
    logger.info("%s visit requests erased after their retention period", len(old))
    return len(old)


# --- what the public sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rounded:
    """A number rounded down for the public: ``value`` and whether it is exact."""

    value: int
    exact: bool


def rounded_count(n: int) -> Rounded | None:
    """Down to a multiple of 10 (to 5 below 10); None below ``MIN_COUNT``."""
    if n < MIN_COUNT:
        return None
    floor = n // 10 * 10 if n >= 10 else MIN_COUNT
    return Rounded(floor, floor == n)


def rounded_percent(numerator: int, denominator: int) -> Rounded:
    """The share in percent, down to a multiple of 10 (integer arithmetic: no float edge)."""
    floor = numerator * 100 // denominator // 10 * 10
    return Rounded(floor, floor * denominator == numerator * 100)


def _more_than(rounded: Rounded) -> str:
    if rounded.exact:
        return str(rounded.value)
    return _("more than %(n)s") % {"n": rounded.value}


def _month(day: dt.date) -> str:
    return formats.date_format(day, "F Y")


def headline_outcomes(measures: dict[str, Any], since: dt.date | None = None) -> list[str]:
    """The rounded sentences a project page shows, from the measures of ``measures.compute``."""
    placements = int(measures["placements"])
    flipped = int(measures["flipped"])
    lines: list[str] = []
    started = rounded_count(placements)
    if started is None:
        return lines
    if since is not None:
        if started.value < 10 and not started.exact:
            text = _(
                "Since %(month)s, at least %(count)s people have come to live here through a "
                "care provider."
            ) % {"month": _month(since), "count": started.value}
        else:
            text = _(
                "Since %(month)s, %(count)s people have come to live here through a care provider."
            ) % {"month": _month(since), "count": _more_than(started)}
        lines.append(text)
    if flipped < MIN_COUNT:
        return lines
    share = rounded_percent(flipped, placements)
    if share.value == 0:
        lines.append(
            _("Less than %(percent)s%% of them have so far got a tenancy in their own name.")
            % {"percent": 10}
        )
    elif share.exact:
        lines.append(
            _("%(percent)s%% of them have so far got a tenancy in their own name.")
            % {"percent": share.value}
        )
    else:
        lines.append(
            _("More than %(percent)s%% of them have so far got a tenancy in their own name.")
            % {"percent": share.value}
        )
    median = measures.get("median_days_to_flip")
    if median is not None:
        months = max(1, math.ceil(float(median) / (365.25 / 12)))
        lines.append(
            ngettext(
                "Half of those who got their own tenancy had it within %(months)s month.",
                "Half of those who got their own tenancy had it within %(months)s months.",
                months,
            )
            % {"months": months}
        )
    return lines


@dataclass(frozen=True)
class MixFacts:
    dwellings: int
    target_percent: int
    #: The live vulnerable share, to the nearest 10 points; None below ``MIN_COUNT`` dwellings.
    vulnerable_percent: int | None
    communal_m2: int


def _mix_facts(complex_: Complex) -> MixFacts:
    mix = mix_of(complex_)
    vulnerable = None
    if mix.dwellings and mix.vulnerable >= MIN_COUNT:
        tens = (Decimal(mix.vulnerable) * 10 / mix.dwellings).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        vulnerable = int(tens) * 10
    return MixFacts(
        dwellings=mix.dwellings,
        target_percent=int((mix.target * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        vulnerable_percent=vulnerable,
        communal_m2=int(getattr(complex_, "communal_m2", 0) or 0),
    )


@dataclass(frozen=True)
class ProjectFacts:
    page: ProjectPage
    mix: MixFacts
    headlines: list[str] = field(default_factory=list)

    @property
    def complex(self) -> Complex:
        return self.page.complex


def _measures_by_complex(complex_ids: list[int], today: dt.date) -> dict[int, dict[str, Any]]:
    """Every measure per complex from one query over their placements."""
    rows: dict[int, list[Any]] = defaultdict(list)
    for complex_id, *row in Placement.objects.filter(
        dwelling__complex_id__in=complex_ids
    ).values_list("dwelling__complex_id", "start_date", "flip_date", "exit_date", "exit_reason"):
        rows[complex_id].append(row)
    return {pk: compute(Register.from_rows(rows.get(pk, [])), today) for pk in complex_ids}


def _published_with_mix(today: dt.date) -> list[ProjectPage]:
    """Published pages, each complex annotated with its mix (one query)."""
    complexes = {
        c.pk: c for c in with_mix(Complex.objects.filter(project_page__published=True), on=today)
    }
    pages = list(ProjectPage.objects.published().order_by("complex__name", "pk"))
    for page in pages:
        page.complex = complexes[page.complex_id]
    return pages


def published_projects(today: dt.date | None = None) -> list[ProjectFacts]:
    """Every published page with its mix and headlines, in a fixed number of queries."""
    day = today or timezone.localdate()
    pages = _published_with_mix(day)
    measures = _measures_by_complex([p.complex_id for p in pages], day)
    return [
        ProjectFacts(
            page=page,
            mix=_mix_facts(page.complex),
            headlines=headline_outcomes(measures[page.complex_id], page.since),
        )
        for page in pages
    ]


def project_facts(slug: str, today: dt.date | None = None) -> ProjectFacts | None:
    """The published page at ``slug`` with its mix and headlines; None when there is none."""
    day = today or timezone.localdate()
    page = ProjectPage.objects.published().filter(slug=slug).first()
    if page is None:
        return None
    page.complex = with_mix(Complex.objects.filter(pk=page.complex_id), on=day).get()
    measures = _measures_by_complex([page.complex_id], day)[page.complex_id]
    return ProjectFacts(
        page=page, mix=_mix_facts(page.complex), headlines=headline_outcomes(measures, page.since)
    )


# --- the manager's side --------------------------------------------------------------------------


def managed_complexes(user: Any) -> list[Any]:
    """The complexes of the corporations where ``user`` is mixed-living manager, each with its
    page (or None) and its number of open visit requests."""
    return list(
        Complex.objects.editable_by(user)
        .select_related("project_page", "corporation")
        .annotate(
            open_requests=Count("visit_requests", filter=Q(visit_requests__handled_at__isnull=True))
        )
        .order_by("corporation__name", "name")
    )


def visit_requests(user: Any, membership: Any) -> list[Item]:
    """Home page section of the mixed-living manager: open visit requests of the corporation."""
    requests = (
        VisitRequest.objects.visible_to(user)
        .open()
        .filter(complex__corporation=membership.organisation)
        .select_related("complex")
        .order_by("created_at")[:10]
    )
    url = reverse("projects:requests")
    return [
        Item(
            label=f"{r.name} ({r.organisation})",
            detail=f"{r.complex.name} · "
            + ngettext(
                "%(n)s visitor, received %(date)s",
                "%(n)s visitors, received %(date)s",
                r.group_size,
            )
            % {
                "n": r.group_size,
                "date": timezone.localtime(r.created_at).strftime("%d-%m-%Y"),
            },
            url=f"{url}#verzoek-{r.pk}",
        )
        for r in requests
    ]
