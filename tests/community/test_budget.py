"""The yearly budget: the year overview for the board and the manager, and setting the budget
(the manager; never below what was granted, never negative)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from doorstroom.audit.models import AuditEvent
from doorstroom.community import budget as budgets
from doorstroom.community.models import ActivityStatus, Budget, Expense
from tests.factories import ActivityRequestFactory, BudgetFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


def nl(msgid: str, **values: Any) -> str:
    with translation.override("nl"):
        text = gettext(msgid)
    return escape(text % values if values else text)


def url(name: str, community: Any, *args: Any) -> str:
    return reverse(f"community:{name}", args=[community.pk, *args])


def activity(resident: Any, status: str, granted: str | None, day: dt.date, **kwargs: Any) -> Any:
    return ActivityRequestFactory(
        requested_by=resident,
        status=status,
        amount_granted=Decimal(granted) if granted is not None else None,
        starts_on=day,
        **kwargs,
    )


def spend(request: Any, amount: str, receipt: bool = False) -> Expense:
    expense = Expense(request=request, description="Inkoop", amount=Decimal(amount), spent_on=TODAY)
    if receipt:
        expense.receipt.save("bon.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        expense.receipt_type = "application/pdf"
    expense.save()
    return expense


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def year_data(community: Any, resident: Any) -> dict[str, Any]:
    """Budget € 2.000; granted € 300 + € 200 (a cancelled € 100 no longer counts); spent € 170."""
    BudgetFactory(community=community, year=YEAR, amount=Decimal("2000.00"), note="Besluit MT")
    day = dt.date(YEAR, 6, 15)
    barbecue = activity(resident, ActivityStatus.APPROVED, "300", day, title="Barbecue")
    quiz = activity(resident, ActivityStatus.CLOSED, "200", day, title="Pubquiz")
    cancelled = activity(resident, ActivityStatus.CANCELLED, "100", day, title="Afgelast")
    waiting = activity(
        resident, ActivityStatus.SUBMITTED, None, day, title="Wacht", lines=[("Taart", "80")]
    )
    activity(resident, ActivityStatus.WITHDRAWN, None, day, title="Ingetrokken")
    activity(resident, ActivityStatus.APPROVED, "999", dt.date(YEAR - 1, 6, 1), title="Vorig jaar")
    spend(barbecue, "120", receipt=True)
    spend(quiz, "30", receipt=True)
    spend(quiz, "20")
    return {"barbecue": barbecue, "quiz": quiz, "cancelled": cancelled, "waiting": waiting}


def test_the_budget_goes_to_this_year(
    community: Any, board: Any, manager: Any, as_user: Any
) -> None:
    for person in [board["chair"], manager]:
        response = as_user(person).get(url("budget", community))
        assert response.status_code == 302
        assert response["Location"] == url("budget_year", community, YEAR)


def test_the_year_overview(
    community: Any, board: Any, year_data: dict[str, Any], as_user: Any
) -> None:
    response = as_user(board["treasurer"]).get(url("budget_year", community, YEAR))
    content = response.content.decode()
    assert response.status_code == 200
    for text in ["€ 2.000,00", "€ 500,00", "€ 170,00", "€ 1.500,00", "Besluit MT"]:
        assert text in content, text
    assert "width: 8%" in content  # 170 of 2000 spent
    assert "Barbecue" in content and "Pubquiz" in content and "Afgelast" in content
    assert "Ingetrokken" not in content and "Vorig jaar" not in content
    assert "€ 80,00" in content  # requested by the request that waits
    assert url("budget_year", community, YEAR - 1) in content
    assert url("budget_year", community, YEAR + 1) in content
    rows = {
        row.request.title: row
        for row in budgets.year_overview(year_data["quiz"].community, YEAR).rows
    }
    assert rows["Barbecue"].requested == Decimal("50.00")
    assert rows["Barbecue"].granted == Decimal("300")
    assert rows["Barbecue"].spent == Decimal("120")
    assert rows["Barbecue"].receipts == 1
    assert rows["Pubquiz"].spent == Decimal("50") and rows["Pubquiz"].receipts == 1
    assert rows["Afgelast"].granted is None
    assert rows["Wacht"].requested == Decimal("80")


def test_spending_above_the_grant_is_marked(
    community: Any, resident: Any, board: Any, as_user: Any
) -> None:
    BudgetFactory(community=community, year=YEAR)
    over = activity(resident, ActivityStatus.APPROVED, "10", dt.date(YEAR, 3, 1))
    spend(over, "25")
    content = as_user(board["chair"]).get(url("budget_year", community, YEAR)).content.decode()
    assert nl("more than granted") in content


def test_without_a_budget_the_page_says_so(
    community: Any, board: Any, manager: Any, as_user: Any
) -> None:
    message = nl(
        "There is no budget for %(year)s yet. Without a budget the board cannot grant money to"
        " activities."
    ).replace("%(year)s", str(YEAR))
    board_page = as_user(board["chair"]).get(url("budget_year", community, YEAR)).content.decode()
    manager_page = as_user(manager).get(url("budget_year", community, YEAR)).content.decode()
    assert message in board_page and message in manager_page
    assert url("set_budget", community, YEAR) not in board_page
    assert url("set_budget", community, YEAR) in manager_page


def test_who_sees_the_budget(
    community: Any, resident: Any, outsiders: dict[str, Any], as_user: Any
) -> None:
    BudgetFactory(community=community, year=YEAR)
    for person in [resident, *outsiders.values()]:
        client = as_user(person)
        assert client.get(url("budget", community)).status_code == 404
        assert client.get(url("budget_year", community, YEAR)).status_code == 404
        assert client.get(url("set_budget", community, YEAR)).status_code == 404


def test_a_year_out_of_range_is_404(community: Any, manager: Any, as_user: Any) -> None:
    assert as_user(manager).get(url("budget_year", community, 1999)).status_code == 404


def test_the_overview_runs_a_fixed_number_of_queries(
    community: Any, resident: Any, board: Any, manager: Any, as_user: Any
) -> None:
    BudgetFactory(community=community, year=YEAR)

    def add(n: int) -> None:
        for i in range(n):
            granted = activity(
                resident, ActivityStatus.APPROVED, "20", dt.date(YEAR, 1 + i % 12, 1)
            )
            spend(granted, "5", receipt=True)
            spend(granted, "6")
            activity(resident, ActivityStatus.SUBMITTED, None, dt.date(YEAR, 2, 1))

    for person in [board["chair"], manager]:
        client = as_user(person)
        client.get(url("budget_year", community, YEAR))
    add(1)
    small = {
        p: count_queries(as_user(p), url("budget_year", community, YEAR))
        for p in [board["chair"], manager]
    }
    add(6)
    large = {
        p: count_queries(as_user(p), url("budget_year", community, YEAR))
        for p in [board["chair"], manager]
    }
    assert small == large


# --- Setting the budget ---------------------------------------------------------------------------


def test_the_manager_sets_and_changes_the_budget(
    community: Any, manager: Any, as_user: Any
) -> None:
    client = as_user(manager)
    assert client.get(url("set_budget", community, YEAR)).status_code == 200
    response = client.post(
        url("set_budget", community, YEAR), {"amount": "2.500,00", "note": "Jaarplan"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("budget_year", community, YEAR)
    budget = Budget.objects.get(community=community, year=YEAR)
    assert budget.amount == Decimal("2500.00") and budget.note == "Jaarplan"
    assert budget.set_by == manager
    page = client.get(url("set_budget", community, YEAR)).content.decode()
    assert 'value="2500,00"' in page
    client.post(url("set_budget", community, YEAR), {"amount": "3000", "note": ""})
    budget.refresh_from_db()
    assert budget.amount == Decimal("3000.00")
    assert Budget.objects.count() == 1
    events = AuditEvent.objects.filter(object_type="community.budget", object_id=str(budget.pk))
    assert sorted(events.values_list("action", flat=True)) == ["create", "update"]


def test_a_budget_below_what_is_granted_is_refused(
    community: Any, resident: Any, manager: Any, as_user: Any
) -> None:
    BudgetFactory(community=community, year=YEAR, amount=Decimal("1000"))
    activity(resident, ActivityStatus.APPROVED, "400", dt.date(YEAR, 5, 1))
    activity(resident, ActivityStatus.EVALUATED, "250", dt.date(YEAR, 4, 1))
    activity(resident, ActivityStatus.CANCELLED, "300", dt.date(YEAR, 4, 1))
    response = as_user(manager).post(url("set_budget", community, YEAR), {"amount": "600"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "€ 650,00" in content
    assert Budget.objects.get().amount == Decimal("1000")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        budgets.set_budget(
            acting_user=manager, community=community, year=YEAR, amount=Decimal("649.99")
        )
    assert error.value.message_dict["amount"] == [
        f"Already € 650.00 has been granted to activities in {YEAR}; the budget cannot be lower"
        " than that."
    ]
    # Exactly what was granted is fine.
    budgets.set_budget(acting_user=manager, community=community, year=YEAR, amount=Decimal("650"))
    assert Budget.objects.get().amount == Decimal("650")


def test_a_negative_budget_is_refused(community: Any, manager: Any, as_user: Any) -> None:
    response = as_user(manager).post(url("set_budget", community, YEAR), {"amount": "-100"})
    assert response.status_code == 400
    assert nl("Fill in an amount, for example 12.50.") in response.content.decode()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        budgets.set_budget(
            acting_user=manager, community=community, year=YEAR, amount=Decimal("-1")
        )
    assert error.value.message_dict == {"amount": ["A budget cannot be negative."]}
    assert not Budget.objects.exists()


def test_only_the_manager_sets_the_budget(
    community: Any, board: Any, outsiders: dict[str, Any], as_user: Any
) -> None:
    for person in [board["chair"], board["treasurer"], *outsiders.values()]:
        client = as_user(person)
        assert client.get(url("set_budget", community, YEAR)).status_code == 404
        assert client.post(url("set_budget", community, YEAR), {"amount": "10"}).status_code == 404
    assert not Budget.objects.exists()
    with pytest.raises(PermissionDenied):
        budgets.set_budget(
            acting_user=board["treasurer"].user,
            community=community,
            year=YEAR,
            amount=Decimal("10"),
        )
