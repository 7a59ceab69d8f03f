"""Client screens in the browser: a case worker records a ZRM assessment and sees chart and table.

Every page visited passes axe-core. Locators use URLs and ids rather than texts, so the tests
hold in Dutch and English.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.clients import services, zrm
from doorstroom.clients.models import Action, Assessment, Client, Consent, Goal
from doorstroom.organisations.roles import OrganisationKind, Role
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    path_of,
    submit,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def caseload(member: Any) -> dict[str, Any]:
    worker = member(Role.CASE_WORKER, first_name="Anna", last_name="de Vries")
    provider = worker.organisation
    corporation = OrganisationFactory(kind=OrganisationKind.CORPORATION, name="Woonstede")
    user = worker.user
    today = timezone.localdate()
    client = services.save_client(
        acting_user=None,
        client=Client(
            care_provider=provider, case_worker=user, first_name="Jan", last_name="Jansen"
        ),
        bsn="111222333",
    )
    services.record_assessment(
        acting_user=user,
        client=client,
        assessed_on=today - dt.timedelta(days=120),
        scores={d.code: 2 for d in zrm.domains()},
        notes={"financien": "Schulden in beeld"},
    )
    services.record_consent(
        acting_user=user,
        consent=Consent(
            client=client,
            partner=corporation,
            scope="readiness_outcome",
            method="written",
            given_on=today - dt.timedelta(days=30),
            valid_from=today - dt.timedelta(days=30),
            expires_on=today + dt.timedelta(days=20),
        ),
    )
    goal = services.add_goal(
        acting_user=user, goal=Goal(client=client, domain="financien", description="Schuldenvrij")
    )
    services.add_action(
        acting_user=user,
        action=Action(
            client=client,
            goal=goal,
            description="Budgetcoach bellen",
            owner="client",
            due_on=today - dt.timedelta(days=2),
        ),
    )
    other = services.save_client(
        acting_user=None,
        client=Client(care_provider=provider, case_worker=None, first_name="Els", last_name="Kok"),
    )
    return {"worker": user, "client": client, "other": other}


def test_case_worker_records_an_assessment_and_sees_chart_and_table(
    page: Page, caseload: dict[str, Any]
) -> None:
    client = caseload["client"]
    log_in(page, caseload["worker"])

    page.goto("/clienten/")
    assert_accessible(page)
    expect(page.locator("main table tbody tr")).to_have_count(1)  # only my own clients
    with page.expect_navigation():
        page.locator(f'main a[href="/clienten/{client.pk}/"]').click()

    assert path_of(page).split("#")[0] == f"/clienten/{client.pk}/"
    assert_accessible(page)
    expect(page.locator("main")).to_contain_text("Jan Jansen")
    expect(page.locator("main")).not_to_contain_text("111222333")
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(client.pk))
    assert views.count() == 1

    # The BSN, once, after asking for it.
    submit(page, f'form[action^="/clienten/{client.pk}/bsn/"]')
    expect(page.locator(".ds-bsn")).to_have_text("1112 22 333")
    assert_accessible(page)
    assert views.filter(fields=["bsn"]).count() == 1

    # A new assessment: first without scores (refused, nothing saved), then complete.
    page.goto(f"/clienten/{client.pk}/zrm/nieuw/")
    assert_accessible(page)
    expect(page.locator("main fieldset")).to_have_count(13)
    submit(page, "main form.ds-zrm-form")
    expect(page.locator("#fouten")).to_be_visible()
    expect(page.locator("#fouten li")).to_have_count(13)
    assert_accessible(page)
    assert Assessment.objects.filter(client=client).count() == 1

    levels = {"financien": 3, "middelengebruik": 5}
    for domain in zrm.domains():
        level = levels.get(domain.code, 4)
        page.locator(f'label[for="id_score_{domain.code}_{level - 1}"]').click()
    page.locator("#id_note_financien").fill("Budgetbeheer loopt")
    submit(page, "main form.ds-zrm-form")

    assert path_of(page).split("#")[0] == f"/clienten/{client.pk}/"
    assert_accessible(page)
    latest = Assessment.objects.filter(client=client).order_by("-assessed_on").first()
    assert latest is not None and latest.assessed_on == timezone.localdate()
    assert {s.domain: s.score for s in latest.scores.all()}["middelengebruik"] == 5

    chart = page.locator('section[aria-labelledby="zrm"] svg[role=img]')
    expect(chart).to_be_visible()
    expect(chart.locator(".ds-chart__series--latest circle")).to_have_count(13)
    expect(chart.locator(".ds-chart__series--previous rect")).to_have_count(13)
    table = page.locator("#zrm-latest")
    expect(table.locator("caption")).to_be_visible()
    expect(table.locator("tbody th[scope=row]")).to_have_count(13)
    expect(table.locator("thead th[scope=col]")).to_have_count(4)  # domain, two dates, change
    finances = table.locator("tbody tr").first
    expect(finances.locator("td").nth(0)).to_have_text("2")
    expect(finances.locator("td").nth(1)).to_have_text("3")

    # The whole history: a line per domain, and the same data as a table.
    page.goto(f"/clienten/{client.pk}/zrm/")
    assert_accessible(page)
    expect(page.locator("svg[role=img] path")).to_have_count(13)
    expect(page.locator("#zrm-history tbody tr")).to_have_count(13)
    expect(page.locator("main")).to_contain_text("Budgetbeheer loopt")


def test_lists_plan_and_consent_in_the_browser(page: Page, caseload: dict[str, Any]) -> None:
    client = caseload["client"]
    log_in(page, caseload["worker"])
    page.goto("/clienten/?show=all")
    assert_accessible(page)
    expect(page.locator("main table tbody tr")).to_have_count(2)
    page.goto("/clienten/toestemming/?show=all")
    assert_accessible(page)
    expect(page.locator("main table tbody tr")).to_have_count(2)  # one ending soon, one missing
    page.goto("/clienten/overzicht/")
    assert_accessible(page)
    expect(page.locator("#zonder-begeleider + p + ul li")).to_have_count(1)

    # Mark the overdue action done, then withdraw the consent after confirming.
    page.goto(f"/clienten/{client.pk}/")
    submit(page, 'form[action*="/plan/acties/"]')
    assert path_of(page).split("#")[0] == f"/clienten/{client.pk}/"
    assert Action.objects.get(client=client).done_on == timezone.localdate()
    consent = Consent.objects.get(client=client)
    with page.expect_navigation():
        page.locator(f'a[href="/clienten/{client.pk}/toestemming/{consent.pk}/intrekken/"]').click()
    assert_accessible(page)
    submit(page)
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
    assert_accessible(page)

    for path in (
        "/clienten/nieuw/",
        f"/clienten/{client.pk}/wijzigen/",
        f"/clienten/{client.pk}/toestemming/nieuw/",
        f"/clienten/{client.pk}/plan/doelen/nieuw/",
        f"/clienten/{client.pk}/plan/acties/nieuw/",
        f"/clienten/{client.pk}/plan/evaluatie/",
        f"/clienten/{client.pk}/controles/",
    ):
        page.goto(path)
        assert_accessible(page)


def test_client_page_fits_a_phone(new_page: Any, caseload: dict[str, Any]) -> None:
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(page, caseload["worker"])
    for path in (
        "/clienten/",
        f"/clienten/{caseload['client'].pk}/",
        f"/clienten/{caseload['client'].pk}/zrm/",
        f"/clienten/{caseload['client'].pk}/zrm/nieuw/",
    ):
        page.goto(path)
        assert_accessible(page)
        assert_no_horizontal_scroll(page)
