"""The project page's services: writing and publishing the page (the corporation's manager only),
the rounded headline outcomes, working-visit requests (bad input, the rate limit, the e-mail to
the managers, the audit trail without the visitor's details), marking them handled, erasing them
after the retention period and the manager's home page section."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone, translation

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.organisations.models import Membership, Organisation
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.outcomes import project
from doorstroom.outcomes.measures import Register, compute
from doorstroom.outcomes.models import ProjectPage, VisitRequest
from doorstroom.portfolio.models import Complex
from doorstroom.tenancies.models import Placement
from tests.factories import ComplexFactory, DwellingFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 6, 1)
FIRST_START = D(2022, 1, 1)

# Until the lead mounts the project pages at /projecten/, the tests mount them here.
urlpatterns = [
    path("projecten/", include("doorstroom.outcomes.urls_project")),
    path("", include("doorstroom.config.urls")),
]


@pytest.fixture(autouse=True)
def _project_urls_and_a_fresh_rate_limit(settings: Any) -> Any:
    try:
        reverse("projects:list")
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__
    cache.clear()
    yield
    cache.clear()


def add_placements(
    complex_: Complex,
    provider: Organisation,
    *,
    flipped: int = 0,
    open_: int = 0,
    exited: int = 0,
    start: D = FIRST_START,
    days_to_flip: int = 300,
) -> None:
    """Placements straight into the register, each in its own dwelling of ``complex_``."""
    number = Placement.objects.count()
    kinds = ["flipped"] * flipped + ["open"] * open_ + ["exited"] * exited
    for kind in kinds:
        number += 1
        dates: dict[str, Any] = {}
        state = "care_lease"
        if kind == "flipped":
            dates = {"flip_date": start + dt.timedelta(days=days_to_flip)}
            state = "flipped"
        elif kind == "exited":
            dates = {"exit_date": start + dt.timedelta(days=100), "exit_reason": "other"}
            state = "exited"
        Placement.objects.create(
            dwelling=DwellingFactory(complex=complex_),
            care_provider=provider,
            client_ref=f"KLANT-{number:04d}",
            start_date=start,
            state=state,
            **dates,
        )


@pytest.fixture
def world(member: Callable[..., Membership], corporation: Organisation) -> dict[str, Any]:
    manager = member(Role.MIXED_LIVING_MANAGER, corporation, email="beheer@corporatie.nl")
    colleague = member(Role.MIXED_LIVING_MANAGER, corporation, email="collega@corporatie.nl")
    member(Role.MIXED_LIVING_MANAGER, corporation, email="", username="geen-mail")
    officer = member(Role.LETTING_OFFICER, corporation, email="verhuur@corporatie.nl")
    other = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Andere Corporatie")
    stranger = member(Role.MIXED_LIVING_MANAGER, other, email="ander@andere.nl")
    complex_ = ComplexFactory(corporation=corporation, name="De Nieuwe Buren", city="Utrecht")
    return {
        "manager": manager.user,
        "colleague": colleague.user,
        "officer": officer.user,
        "stranger": stranger.user,
        "complex": complex_,
        "other_complex": ComplexFactory(corporation=other, name="Elders"),
        "corporation": corporation,
        "provider": OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg BV"),
    }


def published_page(world: dict[str, Any], complex_: Complex | None = None) -> ProjectPage:
    complex_ = complex_ or world["complex"]
    project.save_project_page(
        acting_user=None,
        complex_=complex_,
        concept="Een derde van de woningen is voor mensen uit de opvang.",
        since=D(2021, 3, 1),
    )
    return project.publish_project_page(acting_user=None, complex_=complex_)


VISIT = {
    "name": "Fatima Yilmaz",
    "organisation": "Woonstichting Elders",
    "email": "f.yilmaz@elders.nl",
    "phone": "06 12345678",
    "proposed_dates": "Een dinsdag in september",
    "group_size": 4,
    "message": "Wij willen graag zien hoe de huiskamer werkt.",
}


def visit(page: ProjectPage, ip: str = "192.0.2.1", **changes: Any) -> VisitRequest:
    return project.submit_visit_request(page=page, client_ip=ip, **{**VISIT, **changes})


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- rounding --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flipped", "placements", "expected"),
    [
        (17, 20, "More than 80% of them"),  # 85%
        (8, 10, "80% of them"),  # exactly 80%: no "more than"
        (799, 1000, "More than 70% of them"),  # 79.9% is rounded down, never up
        (5, 5, "100% of them"),
        (5, 60, "Less than 10% of them"),
    ],
)
def test_the_flip_share_is_rounded_down_to_a_multiple_of_ten(
    flipped: int, placements: int, expected: str
) -> None:
    measures = {"placements": placements, "flipped": flipped, "median_days_to_flip": None}
    with translation.override("en"):
        lines = project.headline_outcomes(measures, D(2021, 3, 1))
    assert any(line.startswith(expected) for line in lines), lines


def test_no_figure_below_five_placements_and_no_flip_figure_below_five_flips() -> None:
    with translation.override("en"):
        assert project.headline_outcomes({"placements": 4, "flipped": 4}, D(2021, 3, 1)) == []
        lines = project.headline_outcomes(
            {"placements": 12, "flipped": 4, "median_days_to_flip": 200.0}, D(2021, 3, 1)
        )
    assert lines == [
        "Since March 2021, more than 10 people have come to live here through a care provider."
    ]


@pytest.mark.parametrize(
    ("n", "expected"),
    [(4, None), (5, (5, True)), (9, (5, False)), (10, (10, True)), (27, (20, False))],
)
def test_counts_are_rounded_down(n: int, expected: tuple[int, bool] | None) -> None:
    rounded = project.rounded_count(n)
    assert (None if rounded is None else (rounded.value, rounded.exact)) == expected


def test_the_median_time_to_flip_is_rounded_up_to_whole_months() -> None:
    with translation.override("en"):
        lines = project.headline_outcomes(
            {"placements": 6, "flipped": 6, "median_days_to_flip": 400.0}, D(2021, 3, 1)
        )
    assert lines == [
        "Since March 2021, at least 5 people have come to live here through a care provider.",
        "100% of them have so far got a tenancy in their own name.",
        # 400 days is 13.1 months: "within 14 months" stays true.
        "Half of those who got their own tenancy had it within 14 months.",
    ]


def test_the_page_uses_the_measures_of_the_spec(world: dict[str, Any]) -> None:
    add_placements(world["complex"], world["provider"], flipped=6, open_=3, exited=1)
    add_placements(world["other_complex"], world["provider"], flipped=1)  # another complex
    published_page(world)
    facts = project.project_facts("de-nieuwe-buren-utrecht", TODAY)
    assert facts is not None
    measures = compute(
        Register.from_queryset(Placement.objects.filter(dwelling__complex=world["complex"])),
        TODAY,
    )
    assert measures["flipped"] == 6 and measures["placements"] == 10
    assert facts.headlines == project.headline_outcomes(measures, D(2021, 3, 1))


def test_the_mix_is_rounded_and_left_out_below_five_vulnerable_dwellings(
    world: dict[str, Any],
) -> None:
    DwellingFactory.create_batch(12, complex=world["complex"])
    published_page(world)
    facts = project.project_facts("de-nieuwe-buren-utrecht", TODAY)
    assert facts is not None
    assert facts.mix.dwellings == 12
    assert facts.mix.target_percent == 33
    assert facts.mix.vulnerable_percent is None  # nobody leased or labelled: below 5


# --- the page ----------------------------------------------------------------------------------------


def test_the_manager_writes_and_publishes_the_page(world: dict[str, Any]) -> None:
    page = project.save_project_page(
        acting_user=world["manager"],
        complex_=world["complex"],
        concept="  Samen wonen.\r\nMet steun.  ",
        since=D(2021, 3, 1),
    )
    assert page.slug == "de-nieuwe-buren-utrecht"
    assert page.concept == "Samen wonen.\nMet steun."
    assert not page.published
    assert project.project_facts(page.slug) is None  # not public until published

    page = project.publish_project_page(acting_user=world["manager"], complex_=world["complex"])
    assert page.published and page.published_at is not None
    assert project.project_facts(page.slug) is not None
    actions = list(
        AuditEvent.objects.filter(object_type="outcomes.projectpage")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE]

    project.unpublish_project_page(acting_user=world["manager"], complex_=world["complex"])
    assert project.project_facts(page.slug) is None


@pytest.mark.parametrize("who", ["officer", "stranger"])
def test_only_a_manager_of_the_corporation_may_write_or_publish(
    world: dict[str, Any], who: str
) -> None:
    published_page(world)
    user = world[who]
    with pytest.raises(PermissionDenied):
        project.save_project_page(
            acting_user=user, complex_=world["complex"], concept="x", since=None
        )
    with pytest.raises(PermissionDenied):
        project.unpublish_project_page(acting_user=user, complex_=world["complex"])
    with pytest.raises(PermissionDenied):
        project.publish_project_page(acting_user=user, complex_=world["complex"])
    assert ProjectPage.objects.get().published


def test_a_page_is_published_only_with_its_concept_and_start_date(world: dict[str, Any]) -> None:
    manager, complex_ = world["manager"], world["complex"]
    with translation.override("en"), pytest.raises(ValidationError, match="Write the page first"):
        project.publish_project_page(acting_user=manager, complex_=complex_)
    project.save_project_page(acting_user=manager, complex_=complex_, concept="", since=None)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        project.publish_project_page(acting_user=manager, complex_=complex_)
    assert set(errors_of(exc)) == {"concept", "since"}
    assert not ProjectPage.objects.get().published
    published_page(world)
    # A published page cannot lose its concept.
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        project.save_project_page(acting_user=manager, complex_=complex_, concept=" ", since=None)
    assert set(errors_of(exc)) == {"concept", "since"}


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("De Buren!", "lower-case letters"),
        ("beheer", "reserved"),
        ("bestaand", "already has this address"),
    ],
)
def test_bad_addresses_are_refused(world: dict[str, Any], slug: str, message: str) -> None:
    project.save_project_page(
        acting_user=None,
        complex_=world["other_complex"],
        concept="Elders",
        since=None,
        slug="bestaand",
    )
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        project.save_project_page(
            acting_user=world["manager"],
            complex_=world["complex"],
            concept="",
            since=None,
            slug=slug,
        )


def test_the_start_cannot_be_in_the_future(world: dict[str, Any]) -> None:
    with translation.override("en"), pytest.raises(ValidationError, match="future"):
        project.save_project_page(
            acting_user=world["manager"],
            complex_=world["complex"],
            concept="x",
            since=timezone.localdate() + dt.timedelta(days=1),
        )


def test_two_complexes_with_the_same_name_get_different_addresses(world: dict[str, Any]) -> None:
    twin = ComplexFactory(corporation=world["corporation"], name="De Nieuwe Buren", city="Utrecht")
    first = project.save_project_page(
        acting_user=None, complex_=world["complex"], concept="a", since=None
    )
    second = project.save_project_page(acting_user=None, complex_=twin, concept="b", since=None)
    assert (first.slug, second.slug) == ("de-nieuwe-buren-utrecht", "de-nieuwe-buren-utrecht-2")


# --- visit requests ----------------------------------------------------------------------------------


def test_a_visit_request_reaches_the_managers_by_email_after_commit(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "https://doorstroom.example.nl"
    page = published_page(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = visit(page)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert sorted(message.to) == ["beheer@corporatie.nl", "collega@corporatie.nl"]
    assert "De Nieuwe Buren" in message.subject
    assert "Fatima Yilmaz" in message.body and "f.yilmaz@elders.nl" in message.body
    assert "https://doorstroom.example.nl/projecten/beheer/bezoekverzoeken/" in message.body
    assert request.complex == world["complex"]
    assert (request.group_size, request.handled_at) == (4, None)


def test_the_audit_trail_never_holds_the_visitors_details(world: dict[str, Any]) -> None:
    request = visit(published_page(world))
    event = AuditEvent.objects.get(object_type="outcomes.visitrequest")
    assert event.actor is None and event.actor_label == project.VISITOR_ACTOR
    assert event.organisation == world["corporation"]
    text = f"{event.changes} {event.object_label}"
    for value in ("Fatima", "Elders", "f.yilmaz", "0612", "dinsdag", "huiskamer"):
        assert value not in text
    assert str(request.pk) in event.object_label


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"email": "f.yilmaz-at-elders.nl"}, {"email"}),
        ({"email": ""}, {"email"}),
        ({"group_size": 0}, {"group_size"}),
        ({"group_size": 26}, {"group_size"}),
        ({"group_size": None}, {"group_size"}),
        (
            {"name": " ", "organisation": "", "proposed_dates": ""},
            {"name", "organisation", "proposed_dates"},
        ),
        ({"message": "x" * 2001}, {"message"}),
        ({"phone": "0" * 31}, {"phone"}),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_saved(
    world: dict[str, Any], changes: dict[str, Any], fields: set[str]
) -> None:
    page = published_page(world)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        visit(page, **changes)
    assert set(errors_of(exc)) == fields
    assert not VisitRequest.objects.exists()
    assert mail.outbox == []


def test_the_messages_for_bad_input_are_clear(world: dict[str, Any]) -> None:
    page = published_page(world)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        visit(page, email="nope", group_size=40, name="")
    assert errors_of(exc) == {
        "name": ["Fill in your name."],
        "email": ["Fill in a valid e-mail address, for example name@corporation.nl."],
        "group_size": ["Fill in a number of visitors between 1 and 25."],
    }


def test_one_address_may_send_three_requests_an_hour(world: dict[str, Any]) -> None:
    page = published_page(world)
    for _ in range(project.RATE_LIMIT):
        visit(page, ip="198.51.100.7")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        visit(page, ip="198.51.100.7")
    assert exc.value.code == "rate_limited"
    assert exc.value.messages == [
        "You have already sent 3 requests in the past hour. Please try again in an hour, or "
        "contact the corporation by phone or e-mail."
    ]
    assert VisitRequest.objects.count() == 3
    visit(page, ip="198.51.100.8")  # another address is not held back
    assert VisitRequest.objects.count() == 4


def test_refused_input_does_not_count_against_the_rate_limit(world: dict[str, Any]) -> None:
    page = published_page(world)
    for _ in range(5):
        with pytest.raises(ValidationError):
            visit(page, email="wrong")
    visit(page)
    assert VisitRequest.objects.count() == 1


def test_the_rate_limit_window_ends(world: dict[str, Any], settings: Any) -> None:
    page = published_page(world)
    for _ in range(project.RATE_LIMIT):
        visit(page)
    assert project.rate_limited("192.0.2.1")
    cache.delete(project._rate_key("192.0.2.1"))  # what the cache does when the hour is over
    visit(page)


def test_no_request_for_an_unpublished_page(world: dict[str, Any]) -> None:
    page = published_page(world)
    project.unpublish_project_page(acting_user=None, complex_=world["complex"])
    with translation.override("en"), pytest.raises(ValidationError, match="no longer published"):
        visit(page)
    assert not VisitRequest.objects.exists()


def test_the_manager_marks_a_request_handled(world: dict[str, Any]) -> None:
    request = visit(published_page(world))
    with pytest.raises(PermissionDenied):
        project.mark_visit_request_handled(acting_user=world["stranger"], visit_request=request)
    with pytest.raises(PermissionDenied):
        project.mark_visit_request_handled(acting_user=world["officer"], visit_request=request)
    handled = project.mark_visit_request_handled(
        acting_user=world["manager"], visit_request=request
    )
    assert handled.handled_by == world["manager"] and handled.handled_at is not None
    again = project.mark_visit_request_handled(
        acting_user=world["colleague"], visit_request=request
    )
    assert again.handled_by == world["manager"]  # idempotent: the first one counts


def test_the_managers_home_page_lists_open_requests_of_their_corporation(
    world: dict[str, Any],
) -> None:
    page = published_page(world)
    first = visit(page, name="Eerste Bezoeker", ip="192.0.2.10")
    visit(page, name="Tweede Bezoeker", ip="192.0.2.11", group_size=1)
    visit(published_page(world, world["other_complex"]), name="Elders Bezoeker")
    project.mark_visit_request_handled(acting_user=world["manager"], visit_request=first)
    membership = Membership.objects.get(user=world["manager"])
    with translation.override("en"):
        items = project.visit_requests(world["manager"], membership)
    assert [item.label for item in items] == ["Tweede Bezoeker (Woonstichting Elders)"]
    assert items[0].detail.startswith("De Nieuwe Buren · 1 visitor, received ")
    assert items[0].url.startswith(reverse("projects:requests"))
    officer = Membership.objects.get(user=world["officer"])
    assert project.visit_requests(world["officer"], officer) == []


# --- retention ---------------------------------------------------------------------------------------


def test_requests_are_erased_twelve_months_after_they_were_handled(world: dict[str, Any]) -> None:
    page = published_page(world)
    today = D(2026, 6, 1)

    def at(day: D) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))

    handled_long_ago = visit(page, ip="192.0.2.20")
    handled_recently = visit(page, ip="192.0.2.21")
    open_long_ago = visit(page, ip="192.0.2.22")
    open_recently = visit(page, ip="192.0.2.23")
    VisitRequest.objects.filter(pk=handled_long_ago.pk).update(
        created_at=at(D(2025, 3, 1)), handled_at=at(D(2025, 5, 31))
    )
    VisitRequest.objects.filter(pk=handled_recently.pk).update(
        created_at=at(D(2025, 3, 1)), handled_at=at(D(2025, 6, 1))
    )
    VisitRequest.objects.filter(pk=open_long_ago.pk).update(created_at=at(D(2024, 5, 31)))
    VisitRequest.objects.filter(pk=open_recently.pk).update(created_at=at(D(2024, 6, 1)))

    assert project.erase_old_visit_requests(today) == 2
    assert set(VisitRequest.objects.values_list("pk", flat=True)) == {
        handled_recently.pk,
        open_recently.pk,
    }
    assert project.erase_old_visit_requests(today) == 0  # idempotent
    erased = AuditEvent.objects.filter(
        object_type="outcomes.visitrequest", action=AuditAction.DELETE
    )
    assert erased.count() == 2
    assert all(event.organisation == world["corporation"] for event in erased)
