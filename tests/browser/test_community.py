"""The community on a phone: a resident joins through the e-mail invitation, proposes an activity
with budget lines, logs a contribution and reads the board, the meetings and the calendar; a
board member and the manager run the meeting and decide. Every page passes axe-core and nothing
scrolls sideways on a phone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from doorstroom.community import residents as resident_services
from doorstroom.community.models import ActivityRequest, ActivityStatus, Resident
from doorstroom.organisations.roles import Role
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    log_in,
    password_step,
    path_of,
    submit,
)
from tests.factories import (
    BoardTermFactory,
    BudgetFactory,
    CommunityFactory,
    ComplexFactory,
    MeetingFactory,
    ResidentFactory,
)

pytestmark = pytest.mark.browser


def check(page: Page) -> None:
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


@pytest.fixture
def community(corporation: Any) -> Any:
    community = CommunityFactory(
        complex=ComplexFactory(corporation=corporation, name="De Galerij van Overvecht-Noord")
    )
    for position, name in [("chair", "Bram"), ("secretary", "Carla"), ("treasurer", "Dirk")]:
        BoardTermFactory(
            resident=ResidentFactory(community=community, display_name=name),
            community=community,
            position=position,
        )
    BudgetFactory(community=community, year=timezone.localdate().year, amount=Decimal("2500"))
    today = timezone.localdate()
    BudgetFactory(community=community, year=today.year + 1, amount=Decimal("2500"))
    return community


def test_a_resident_joins_and_proposes_an_activity_on_a_phone(
    new_page: Callable[..., Page], member: Any, corporation: Any, community: Any, mailoutbox: Any
) -> None:
    manager = member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user
    resident_services.invite_resident(
        acting_user=manager, community=community, email="samira.el-amrani@example.nl"
    )
    link = re.search(r"https?://\S+(/community/uitnodiging/\S+/)", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)

    # Accepting the invitation: display name, who sees it, a password, the house rules.
    page.goto(link.group(1))
    check(page)
    page.locator("input[name='display_name']").fill("Samira")
    page.locator("input[name='password']").fill("zonnige-galerij-2026")
    page.locator("input[name='password_again']").fill("zonnige-galerij-2026")
    page.locator("input[name='agree']").check()
    submit(page)
    assert re.fullmatch(r"/community/\d+/", path_of(page)), page.url
    expect(page.locator("main")).to_contain_text("Samira")
    check(page)

    # Proposing an activity with two budget lines, one with a Dutch amount.
    page.goto(f"/community/{community.pk}/activiteiten/nieuw/")
    check(page)
    page.locator("input[name='title']").fill("Pannenkoekenmiddag")
    page.locator("textarea[name='description']").fill("Samen pannenkoeken bakken in de huiskamer.")
    page.locator("input[name='place']").fill("Huiskamer")
    when = timezone.localdate() + dt.timedelta(days=20)
    page.locator("input[name='starts_on']").fill(when.isoformat())
    page.locator("input[name='expected_participants']").fill("14")
    page.locator("input[name='lines-0-item']").fill("Beslag en beleg")
    page.locator("input[name='lines-0-amount']").fill("42,50")
    page.locator("input[name='lines-1-item']").fill("Koekenpan")
    page.locator("input[name='lines-1-amount']").fill("veertig")
    submit(page)
    expect(page.locator("main")).to_contain_text("bedrag")  # the line that is not an amount
    check(page)
    page.locator("input[name='lines-1-amount']").fill("19,95")
    submit(page)
    request = ActivityRequest.objects.get(title="Pannenkoekenmiddag")
    assert request.status == ActivityStatus.SUBMITTED
    assert sorted(request.budget_lines.values_list("amount", flat=True)) == [
        Decimal("19.95"),
        Decimal("42.50"),
    ]
    check(page)

    # Every page of the community fits the phone.
    for section in ["activiteiten", "vergaderingen", "bestuur", "bewoners", "bijdragen", "agenda"]:
        page.goto(f"/community/{community.pk}/{section}/")
        assert path_of(page) == f"/community/{community.pk}/{section}/"
        check(page)

    # Logging a contribution.
    page.goto(f"/community/{community.pk}/bijdragen/")
    page.locator("select[name='kind']").select_option("garden")
    page.locator("input[name='hours']").fill("1,5")
    page.locator("input[name='done_on']").fill(timezone.localdate().isoformat())
    submit(page, "main form:has(select[name='kind'])")
    resident = Resident.objects.get(display_name="Samira")
    assert resident.contributions.get().hours == Decimal("1.5")
    check(page)


def test_the_board_decides_in_the_meeting(
    new_page: Callable[..., Page], member: Any, corporation: Any, community: Any
) -> None:
    manager = member(Role.MIXED_LIVING_MANAGER, organisation=corporation).user
    requester = ResidentFactory(community=community, display_name="Samira")
    request = ActivityRequest.objects.create(
        community=community,
        requested_by=requester,
        title="Pannenkoekenmiddag",
        description="Samen bakken.",
        place="Huiskamer",
        starts_on=timezone.localdate() + dt.timedelta(days=20),
        expected_participants=14,
    )
    request.budget_lines.create(item="Beslag", amount=Decimal("62.45"))
    meeting = MeetingFactory(
        community=community, starts_at=timezone.now() - dt.timedelta(minutes=30)
    )
    page = new_page()
    log_in(page, manager, check=check)

    page.goto(f"/community/{community.pk}/vergaderingen/{meeting.pk}/")
    expect(page.locator("main")).to_contain_text("Pannenkoekenmiddag")
    check(page)
    # Attendance: the three board members and the manager make the quorum.
    for box in page.locator("main form input[name='present']").all():
        box.check()
    submit(page, "main form:has(input[name='present'])")
    expect(page.locator("main")).to_contain_text("quorum")
    check(page)
    decision_form = page.locator(f"main form[action$='/besluit/{request.pk}/']")
    page.locator("main details.ds-decide summary").first.click()
    decision_form.locator("input[value='approved']").check()
    decision_form.locator("button[type='submit']").click()
    request.refresh_from_db()
    assert request.status == ActivityStatus.APPROVED
    assert request.amount_granted == Decimal("62.45")
    check(page)

    # The resident on the board sees the same community with a phone.
    chair = Resident.objects.get(display_name="Bram").user
    phone = new_page(viewport=PHONE, has_touch=True, is_mobile=True)
    password_step(phone, chair.username, check=check)
    phone.goto(f"/community/{community.pk}/budget/")
    expect(phone.locator("main")).to_contain_text("Pannenkoekenmiddag")
    check(phone)
    phone.goto(f"/community/{community.pk}/cijfers/")
    check(phone)
