"""The project pages over HTTP: public without login, 404 when unpublished, the visit request
form (honeypot, rate limit, bad input), nothing that identifies residents, a fixed number of
queries whatever the data size, and the manager's pages (other people get 404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from doorstroom.outcomes import project
from doorstroom.outcomes.models import ProjectPage, VisitRequest
from doorstroom.portfolio.models import RegularTenancy
from tests.factories import ComplexFactory, DwellingFactory
from tests.outcomes import test_project as shared
from tests.outcomes.test_project import VISIT, add_placements, published_page
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

SLUG = "de-nieuwe-buren-utrecht"

# The fixtures of the service tests: the people and complexes, and the URLs with a fresh cache.
world = shared.world
_project_urls_and_a_fresh_rate_limit = shared._project_urls_and_a_fresh_rate_limit


def detail_url(slug: str = SLUG) -> str:
    return reverse("projects:detail", args=[slug])


def form_data(**changes: Any) -> dict[str, Any]:
    return {**VISIT, "website": "", **changes}


# --- public ------------------------------------------------------------------------------------------


def test_anyone_sees_the_published_pages_without_logging_in(world: dict[str, Any]) -> None:
    add_placements(world["complex"], world["provider"], flipped=17, open_=3)
    published_page(world)
    project.save_project_page(
        acting_user=None, complex_=world["other_complex"], concept="Concept", since=None
    )  # a draft: never public
    client = Client()

    response = client.get(reverse("projects:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "De Nieuwe Buren" in html and "Elders" not in html

    response = client.get(detail_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Een derde van de woningen is voor mensen uit de opvang." in html
    assert 'name="website"' in html and "<div hidden>" in html
    with translation.override("nl"):
        headlines = project.headline_outcomes(
            {"placements": 20, "flipped": 17, "median_days_to_flip": 300.0}, dt.date(2021, 3, 1)
        )
    for line in headlines:
        assert line in response.content.decode()


def test_an_unpublished_page_does_not_exist(world: dict[str, Any]) -> None:
    published_page(world)
    project.unpublish_project_page(acting_user=None, complex_=world["complex"])
    client = Client()
    assert client.get(detail_url()).status_code == 404
    assert client.post(detail_url(), form_data()).status_code == 404
    assert client.get(reverse("projects:sent", args=[SLUG])).status_code == 404
    assert client.get(detail_url("bestaat-niet")).status_code == 404
    assert not VisitRequest.objects.exists()


def test_the_page_shows_nothing_that_identifies_residents(world: dict[str, Any]) -> None:
    complex_ = world["complex"]
    add_placements(complex_, world["provider"], flipped=3, open_=2)
    dwelling = DwellingFactory(complex=complex_, street="Geheimstraat", house_number=7)
    RegularTenancy.objects.create(
        dwelling=dwelling,
        tenant_name="Jan Huurder",
        start_date=dt.date(2023, 1, 1),
        care_label_until=dt.date(2030, 1, 1),
    )
    published_page(world)
    html = Client().get(detail_url()).content.decode()
    for secret in ("KLANT-", "Jan Huurder", "Geheimstraat", "Teststraat", "Zorg BV"):
        assert secret not in html
    # Five placements, three flips: the share of flips is not shown (fewer than 5 flipped).
    assert "%" not in html.split("resultaten", 1)[1].split("werkbezoek", 1)[0]


def test_a_visit_request_is_sent_and_thanked_for(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    published_page(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(detail_url(), form_data(), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:sent", args=[SLUG])
    request = VisitRequest.objects.get()
    assert (request.name, request.email, request.group_size) == (
        "Fatima Yilmaz",
        "f.yilmaz@elders.nl",
        4,
    )
    assert len(mail.outbox) == 1
    response = Client().get(response["Location"])
    assert response.status_code == 200 and "De Nieuwe Buren" in response.content.decode()


def test_a_bot_that_fills_the_hidden_field_gets_nothing(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    published_page(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(detail_url(), form_data(website="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:sent", args=[SLUG])
    assert not VisitRequest.objects.exists()
    assert mail.outbox == []


def test_the_fourth_request_within_an_hour_is_refused_with_a_clear_message(
    world: dict[str, Any],
) -> None:
    published_page(world)
    client = Client()
    for _ in range(3):
        assert client.post(detail_url(), form_data(), REMOTE_ADDR="203.0.113.9").status_code == 302
    response = client.post(detail_url(), form_data(), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    with translation.override("nl"):
        message = project.rate_limit_message()
    assert message in response.content.decode()
    assert response.context["form"]["email"].value() == VISIT["email"]  # nothing typed is lost
    assert VisitRequest.objects.count() == 3
    assert client.post(detail_url(), form_data(), REMOTE_ADDR="203.0.113.10").status_code == 302


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"email": "geen-adres"}, ["email"]),
        ({"group_size": "0"}, ["group_size"]),
        ({"group_size": "26"}, ["group_size"]),
        ({"group_size": "vier"}, ["group_size"]),
        (
            {"name": "", "organisation": "", "email": "", "proposed_dates": "", "group_size": ""},
            ["name", "organisation", "email", "proposed_dates", "group_size"],
        ),
    ],
)
def test_bad_input_is_shown_with_the_form_and_nothing_is_saved(
    world: dict[str, Any], changes: dict[str, Any], fields: list[str]
) -> None:
    published_page(world)
    response = Client().post(detail_url(), form_data(**changes))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == fields
    summary = response.context["form"].error_summary()
    assert [anchor for anchor, _message in summary] == [f"id_{name}" for name in fields]
    assert (
        'class="utrecht-alert utrecht-alert--error ds-error-summary"' in response.content.decode()
    )
    assert not VisitRequest.objects.exists()


def test_public_pages_run_a_fixed_number_of_queries(world: dict[str, Any]) -> None:
    client = Client()
    published_page(world)
    add_placements(world["complex"], world["provider"], flipped=5, open_=1)
    small = (count_queries(client, reverse("projects:list")), count_queries(client, detail_url()))
    add_placements(world["complex"], world["provider"], flipped=30, open_=20, exited=5)
    for number in range(3):
        complex_ = ComplexFactory(corporation=world["corporation"], name=f"Extra {number}")
        add_placements(complex_, world["provider"], flipped=6)
        published_page(world, complex_)
    large = (count_queries(client, reverse("projects:list")), count_queries(client, detail_url()))
    assert small == large


# --- the manager -------------------------------------------------------------------------------------


def test_the_manager_writes_publishes_and_unpublishes_the_page(
    world: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    client = login(world["manager"])
    complex_ = world["complex"]
    edit_url = reverse("projects:edit", args=[complex_.pk])

    response = client.get(reverse("projects:manage"))
    assert response.status_code == 200 and edit_url in response.content.decode()
    assert client.get(edit_url).status_code == 200

    response = client.post(
        edit_url, {"concept": "Samen wonen.", "since": "2021-03-01", "slug": "buren"}
    )
    assert response.status_code == 302
    page = ProjectPage.objects.get()
    assert (page.slug, page.since, page.published) == ("buren", dt.date(2021, 3, 1), False)
    assert Client().get(detail_url("buren")).status_code == 404

    client.post(reverse("projects:publish", args=[complex_.pk]), {"action": "publish"})
    assert Client().get(detail_url("buren")).status_code == 200
    client.post(reverse("projects:publish", args=[complex_.pk]), {"action": "unpublish"})
    assert Client().get(detail_url("buren")).status_code == 404


def test_publishing_an_incomplete_page_says_what_is_missing(
    world: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    client = login(world["manager"])
    complex_ = world["complex"]
    client.post(reverse("projects:edit", args=[complex_.pk]), {"concept": "", "slug": "buren"})
    response = client.post(
        reverse("projects:publish", args=[complex_.pk]), {"action": "publish"}, follow=True
    )
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 2
    assert not ProjectPage.objects.get().published


def test_bad_input_on_the_page_editor_is_shown(
    world: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    client = login(world["manager"])
    url = reverse("projects:edit", args=[world["complex"].pk])
    response = client.post(url, {"concept": "x", "since": "2099-01-01", "slug": "beheer"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"since", "slug"}
    assert not ProjectPage.objects.exists()


@pytest.mark.parametrize("who", ["officer", "stranger"])
def test_others_get_404_on_the_managers_pages(
    world: dict[str, Any], login: Callable[[Any], Client], who: str
) -> None:
    request = project.submit_visit_request(page=published_page(world), **VISIT)
    client = login(world[who])
    complex_ = world["complex"]
    for url in (
        reverse("projects:edit", args=[complex_.pk]),
        reverse("projects:publish", args=[complex_.pk]),
        reverse("projects:handled", args=[request.pk]),
    ):
        assert client.post(url, {"action": "unpublish"}).status_code == 404
    assert ProjectPage.objects.get().published
    assert VisitRequest.objects.get().handled_at is None
    if who == "officer":
        assert client.get(reverse("projects:manage")).status_code == 404
        assert client.get(reverse("projects:requests")).status_code == 404
    else:  # a manager of another corporation sees their own (empty) lists, never this request
        assert "Fatima" not in client.get(reverse("projects:requests")).content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login(world: dict[str, Any]) -> None:
    response = Client().get(reverse("projects:requests"))
    assert response.status_code == 302 and "/account/" in response["Location"]


def test_the_manager_lists_requests_and_marks_them_handled(
    world: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    page = published_page(world)
    request = project.submit_visit_request(page=page, **VISIT)
    other = project.submit_visit_request(
        page=published_page(world, world["other_complex"]),
        **{**VISIT, "name": "Iemand Anders"},
        client_ip="192.0.2.99",
    )
    client = login(world["manager"])
    html = client.get(reverse("projects:requests")).content.decode()
    assert "Fatima Yilmaz" in html and "f.yilmaz@elders.nl" in html
    assert "Iemand Anders" not in html
    assert client.post(reverse("projects:handled", args=[other.pk])).status_code == 404

    response = client.post(reverse("projects:handled", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.handled_by == world["manager"]


def test_the_requests_page_runs_a_fixed_number_of_queries(
    world: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    page = published_page(world)
    client = login(world["manager"])
    project.submit_visit_request(page=page, **VISIT, client_ip="192.0.2.1")
    handled = project.submit_visit_request(page=page, **VISIT, client_ip="192.0.2.2")
    project.mark_visit_request_handled(acting_user=world["manager"], visit_request=handled)
    small = count_queries(client, reverse("projects:requests"))
    for number in range(6):
        request = project.submit_visit_request(
            page=page, **VISIT, client_ip=f"192.0.2.{10 + number}"
        )
        if number % 2:
            project.mark_visit_request_handled(
                acting_user=world["colleague"], visit_request=request
            )
    assert count_queries(client, reverse("projects:requests")) == small
