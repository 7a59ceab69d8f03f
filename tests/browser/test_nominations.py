"""Nominations in the browser: a case worker nominates a ready client, the corporation's manager
receives it, records a placement meeting and accepts it. Every page passes axe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from doorstroom.lettings.models import Nomination, NominationStatus, PlacementMeeting
from doorstroom.organisations.roles import OrganisationKind, Role
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    path_of,
    submit,
)
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory, OrganisationFactory
from tests.lettings.helpers import (
    FIRST_NAME,
    LAST_NAME,
    MOTIVATION,
    OVERRIDE_REASON,
    consent,
    make_client,
    meeting,
    nominate,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(member: Any) -> dict[str, Any]:
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Corporatie Domstad")
    provider = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, name="Zorg Utrecht")
    manager = member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user
    worker = member(Role.CASE_WORKER, organisation=provider).user
    lead = member(Role.TEAM_LEAD, organisation=provider).user
    complex_ = ComplexFactory(corporation=corporation, name="De Galerij")
    dwellings = DwellingFactory.create_batch(3, complex=complex_)
    AgreementFactory(complex=complex_, care_provider=provider, start_date=dt.date(2024, 1, 1))
    client = make_client(provider, worker)  # every ZRM domain 4 and the checks confirmed
    consent(client, corporation, worker)
    return {
        "corporation": corporation,
        "provider": provider,
        "manager": manager,
        "worker": worker,
        "lead": lead,
        "complex": complex_,
        "dwellings": dwellings,
        "client": client,
    }


def test_a_nomination_goes_from_case_worker_to_placement_meeting(
    new_page: Callable[..., Page], setting: dict[str, Any]
) -> None:
    client = setting["client"]

    # The case worker nominates the ready client for a dwelling in the complex.
    worker = new_page()
    log_in(worker, setting["worker"])
    worker.goto(f"/voordrachten/clienten/{client.pk}/voordragen/")
    expect(worker.locator("main h1")).to_contain_text(FIRST_NAME)
    expect(worker.locator(".ds-readiness-panel .ds-readiness--ready")).to_be_visible()
    expect(worker.locator("textarea[name=override_reason]")).to_have_count(0)
    assert_accessible(worker)

    # Sending the form empty is answered on the form, which stays accessible.
    submit(worker)
    expect(worker.locator(".utrecht-form-field--invalid")).not_to_have_count(0)
    assert_accessible(worker)

    worker.locator("select[name=complex]").select_option(label="De Galerij (Corporatie Domstad)")
    worker.locator("select[name=dwelling]").select_option(value=str(setting["dwellings"][1].pk))
    worker.locator("textarea[name=motivation]").fill(MOTIVATION)
    submit(worker)
    assert path_of(worker) == "/voordrachten/"
    expect(worker.locator("main table")).to_contain_text(client.reference)
    expect(worker.locator("main table .ds-status--open")).to_be_visible()
    assert_accessible(worker)
    nomination = Nomination.objects.get(client=client)
    assert nomination.dwelling == setting["dwellings"][1]

    # The manager sees the nomination by reference only, with the consented readiness outcome.
    manager = new_page()
    log_in(manager, setting["manager"])
    manager.goto("/voordrachten/inkomend/")
    row = manager.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(client.reference)
    expect(row).to_contain_text(MOTIVATION)
    expect(row.locator(".ds-readiness--ready")).to_be_visible()
    for secret in (FIRST_NAME, LAST_NAME):
        expect(manager.locator("body")).not_to_contain_text(secret)
    assert_accessible(manager)

    # The manager records the placement meeting: one care provider, so straight to the form.
    manager.locator("main a[href='/voordrachten/plaatsingsoverleg/nieuw/']").first.click()
    expect(manager.locator("input[name=held_on]")).to_be_visible()
    expect(
        manager.locator(f"input[name=attendees][value='{setting['manager'].pk}']")
    ).to_be_checked()
    assert_accessible(manager)
    manager.locator(f"input[name=attendees][value='{setting['worker'].pk}']").check()
    manager.locator("textarea[name=notes]").fill("Maandelijks plaatsingsoverleg.")
    submit(manager)
    meeting = PlacementMeeting.objects.get()
    assert path_of(manager) == f"/voordrachten/plaatsingsoverleg/{meeting.pk}/"
    card = manager.locator(f"#voordracht-{nomination.pk}")
    expect(card).to_contain_text(client.reference)
    assert_accessible(manager)

    # A deferral without a review date is refused on the page; the reasons stay.
    prefix = f"n{nomination.pk}"
    card.locator(f"input[name={prefix}-decision][value=deferred]").check()
    card.locator(f"textarea[name={prefix}-reason]").fill("Past goed bij de galerij.")
    submit(manager, f"#voordracht-{nomination.pk} form")
    card = manager.locator(f"#voordracht-{nomination.pk}")
    expect(card.locator(".utrecht-form-field--invalid")).not_to_have_count(0)
    expect(card.locator(f"textarea[name={prefix}-reason]")).to_have_value(
        "Past goed bij de galerij."
    )
    assert_accessible(manager)

    # Accepted.
    card.locator(f"input[name={prefix}-decision][value=accepted]").check()
    submit(manager, f"#voordracht-{nomination.pk} form")
    expect(manager.locator(f"#voordracht-{nomination.pk}")).to_have_count(0)
    expect(manager.locator("main table .ds-status--accepted")).to_be_visible()
    assert_accessible(manager)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ACCEPTED

    manager.goto("/voordrachten/plaatsingsoverleg/")
    expect(manager.locator("main table tbody tr")).to_have_count(1)
    assert_accessible(manager)

    # The care provider sees the outcome in its own list.
    worker.goto("/voordrachten/")
    expect(worker.locator("main table .ds-status--accepted")).to_be_visible()
    expect(worker.locator("main table")).to_contain_text("Past goed bij de galerij.")


def test_team_lead_screens(new_page: Callable[..., Page], setting: dict[str, Any]) -> None:
    """The override on the form, the overrides list, and choosing the partner of a meeting."""
    other = ComplexFactory(name="Het Hof")
    AgreementFactory(complex=other, care_provider=setting["provider"])
    late = make_client(
        setting["provider"], setting["worker"], ready=False, first_name="Xaverius", bsn=None
    )
    nominate(setting["client"], setting["complex"], setting["worker"])
    lead = new_page()
    log_in(lead, setting["lead"])

    lead.goto(f"/voordrachten/clienten/{late.pk}/voordragen/")
    expect(lead.locator(".ds-gate-badge--not-met")).not_to_have_count(0)
    assert_accessible(lead)
    lead.locator("select[name=complex]").select_option(label="De Galerij (Corporatie Domstad)")
    lead.locator("textarea[name=motivation]").fill(MOTIVATION)
    lead.locator("textarea[name=override_reason]").fill(OVERRIDE_REASON)
    submit(lead)
    assert path_of(lead) == "/voordrachten/"

    lead.goto("/voordrachten/afwijkingen/")
    expect(lead.locator("main table tbody tr")).to_have_count(1)
    expect(lead.locator("main table")).to_contain_text(OVERRIDE_REASON)
    assert_accessible(lead)

    # Two corporations to meet with: first choose one.
    lead.goto("/voordrachten/plaatsingsoverleg/nieuw/")
    expect(lead.locator("select[name=partner] option")).to_have_count(3)
    assert_accessible(lead)
    lead.locator("select[name=partner]").select_option(value=str(setting["corporation"].pk))
    submit(lead)
    expect(lead.locator(f"input[name=attendees][value='{setting['manager'].pk}']")).to_be_visible()
    assert_accessible(lead)


def test_nomination_pages_fit_a_phone(
    new_page: Callable[..., Page], setting: dict[str, Any]
) -> None:
    nominate(setting["client"], setting["complex"], setting["worker"])
    held = meeting(setting["corporation"], setting["provider"], setting["manager"])
    page = new_page(viewport=PHONE)
    log_in(page, setting["manager"])
    for url in (
        "/voordrachten/inkomend/",
        "/voordrachten/plaatsingsoverleg/",
        "/voordrachten/plaatsingsoverleg/nieuw/",
        f"/voordrachten/plaatsingsoverleg/{held.pk}/",
    ):
        page.goto(url)
        assert_no_horizontal_scroll(page)
        assert_accessible(page)
