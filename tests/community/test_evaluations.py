"""Evaluating an activity after it took place: by its requester or a board member, once, never
before the activity has taken place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from doorstroom.audit.models import AuditEvent
from doorstroom.community import activities
from doorstroom.community.models import ActivityStatus, Evaluation, Expense
from tests.factories import ActivityRequestFactory, ResidentFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def nl(msgid: str) -> str:
    with translation.override("nl"):
        return escape(gettext(msgid))


def url(name: str, community: Any, *args: Any) -> str:
    return reverse(f"community:{name}", args=[community.pk, *args])


def held(resident: Any, days_ago: int = 3, **kwargs: Any) -> Any:
    kwargs.setdefault("status", ActivityStatus.APPROVED)
    kwargs.setdefault("amount_granted", Decimal("60.00"))
    return ActivityRequestFactory(
        requested_by=resident, starts_on=TODAY - dt.timedelta(days=days_ago), **kwargs
    )


DATA = {
    "participants": "18",
    "how_it_went": "Gezellig, veel nieuwe gezichten.",
    "do_differently": "Eerder beginnen met de boodschappen.",
    "actual_spending": "62,50",
}


def test_the_requester_evaluates_an_activity_that_took_place(
    community: Any, resident: Any, as_user: Any
) -> None:
    activity = held(resident)
    Expense.objects.create(
        request=activity, description="Markt", amount=Decimal("40.00"), spent_on=TODAY
    )
    Expense.objects.create(
        request=activity, description="Bakker", amount=Decimal("22.50"), spent_on=TODAY
    )
    client = as_user(resident)
    page = client.get(url("evaluate", community, activity.pk)).content.decode()
    assert 'value="62,50"' in page  # prefilled with the recorded spending
    response = client.post(url("evaluate", community, activity.pk), DATA)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.request == activity
    assert evaluation.participants == 18
    assert evaluation.actual_spending == Decimal("62.50")
    assert evaluation.submitted_by == resident.user
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.EVALUATED
    assert AuditEvent.objects.filter(object_type="community.evaluation").exists()
    detail = client.get(url("request", community, activity.pk)).content.decode()
    assert "Gezellig, veel nieuwe gezichten." in detail
    assert "Eerder beginnen met de boodschappen." in detail


def test_a_board_member_may_evaluate(
    community: Any, resident: Any, board: Any, as_user: Any
) -> None:
    activity = held(resident)
    response = as_user(board["member"]).post(url("evaluate", community, activity.pk), DATA)
    assert response.status_code == 302
    assert Evaluation.objects.get().submitted_by == board["member"].user


def test_others_may_not_evaluate(
    community: Any, resident: Any, manager: Any, outsiders: dict[str, Any], as_user: Any
) -> None:
    activity = held(resident)
    for person in [manager, ResidentFactory(community=community), *outsiders.values()]:
        client = as_user(person)
        assert client.get(url("evaluate", community, activity.pk)).status_code == 404
        assert client.post(url("evaluate", community, activity.pk), DATA).status_code == 404
    assert not Evaluation.objects.exists()
    with pytest.raises(PermissionDenied):
        activities.submit_evaluation(
            acting_user=manager,
            request=activity,
            participants=3,
            how_it_went="Goed",
            actual_spending=Decimal("0"),
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"starts_on": TODAY + dt.timedelta(days=3)},
        {"starts_on": TODAY},
        {"starts_on": TODAY - dt.timedelta(days=2), "ends_on": TODAY},
    ],
    ids=["future", "today", "last-day-today"],
)
def test_an_activity_that_has_not_taken_place_is_not_evaluated(
    community: Any, resident: Any, as_user: Any, kwargs: dict[str, Any]
) -> None:
    activity = ActivityRequestFactory(
        requested_by=resident,
        status=ActivityStatus.APPROVED,
        amount_granted=Decimal("10"),
        **kwargs,
    )
    client = as_user(resident)
    response = client.post(url("evaluate", community, activity.pk), DATA, follow=True)
    assert nl("You can evaluate an activity after it has taken place.") in response.content.decode()
    assert not Evaluation.objects.exists()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.APPROVED
    detail = client.get(url("request", community, activity.pk)).content.decode()
    assert url("evaluate", community, activity.pk) not in detail
    with translation.override("en"), pytest.raises(ValidationError) as error:
        activities.submit_evaluation(
            acting_user=resident.user,
            request=activity,
            participants=3,
            how_it_went="Goed",
            actual_spending=Decimal("0"),
        )
    assert error.value.messages == ["You can evaluate an activity after it has taken place."]


def test_a_second_evaluation_is_refused(community: Any, resident: Any, as_user: Any) -> None:
    activity = held(resident)
    client = as_user(resident)
    client.post(url("evaluate", community, activity.pk), DATA)
    response = client.post(
        url("evaluate", community, activity.pk), {**DATA, "participants": "99"}, follow=True
    )
    assert nl("This activity has already been evaluated.") in response.content.decode()
    assert Evaluation.objects.get().participants == 18
    with translation.override("en"), pytest.raises(ValidationError) as error:
        activities.submit_evaluation(
            acting_user=resident.user,
            request=activity,
            participants=3,
            how_it_went="Goed",
            actual_spending=Decimal("0"),
        )
    assert error.value.messages == ["This activity has already been evaluated."]


@pytest.mark.parametrize(
    "status", [ActivityStatus.SUBMITTED, ActivityStatus.REJECTED, ActivityStatus.CANCELLED]
)
def test_only_an_approved_activity_is_evaluated(
    community: Any, resident: Any, as_user: Any, status: str
) -> None:
    activity = held(resident, status=status, amount_granted=None)
    response = as_user(resident).post(url("evaluate", community, activity.pk), DATA, follow=True)
    assert nl("Only an approved activity that took place can be evaluated.") in (
        response.content.decode()
    )
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"how_it_went": ""}, "Tell how it went."),
        ({"participants": ""}, "Fill in how many people took part."),
        ({"actual_spending": "veel"}, "Fill in an amount, for example 12.50."),
        ({"actual_spending": ""}, "Fill in what was spent; 0 when nothing was spent."),
    ],
)
def test_bad_evaluations_are_refused(
    community: Any, resident: Any, as_user: Any, overrides: dict[str, str], message: str
) -> None:
    activity = held(resident)
    response = as_user(resident).post(
        url("evaluate", community, activity.pk), {**DATA, **overrides}
    )
    assert response.status_code == 400
    assert nl(message) in response.content.decode()
    assert not Evaluation.objects.exists()


def test_nothing_spent_is_zero(community: Any, resident: Any, as_user: Any) -> None:
    activity = held(resident)
    response = as_user(resident).post(
        url("evaluate", community, activity.pk), {**DATA, "actual_spending": "0"}
    )
    assert response.status_code == 302
    assert Evaluation.objects.get().actual_spending == Decimal("0")


def test_an_evaluated_activity_shows_to_other_residents_without_its_evaluation(
    community: Any, resident: Any, as_user: Any
) -> None:
    activity = held(resident)
    as_user(resident).post(url("evaluate", community, activity.pk), DATA)
    neighbour = ResidentFactory(community=community)
    response = as_user(neighbour).get(url("request", community, activity.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert escape(activity.title) in content
    assert "Eerder beginnen" not in content and "€" not in content
