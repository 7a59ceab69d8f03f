"""Selection of regular applicants: two independent rubric reviews per motivation, disagreement
flags, the shortlist (rubric score or lottery) with its reasons, the letting policy and rubric of
a complex, and the screens for all of it (with every refusal)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from doorstroom.audit.models import AuditEvent
from doorstroom.audit.services import MASK
from doorstroom.lettings import selection
from doorstroom.lettings.models import (
    Application,
    ApplicationStatus,
    InterviewOutcome,
    InterviewSlot,
    LettingPolicy,
    MotivationReview,
    MotivationScore,
    Ranking,
    RubricCriterion,
    Vacancy,
)
from doorstroom.lettings.vacancies import policy_for
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.mix import Stream
from tests.factories import ApplicationFactory, VacancyFactory
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

OUTSIDERS = (
    Role.CASE_WORKER,
    Role.TEAM_LEAD,
    Role.POLICY_OFFICER,
    Role.NEIGHBOURHOOD_TEAM_MEMBER,
    Role.RESIDENT,
    "corporation_privacy_officer",
    "other_manager",
    "platform_admin",
)


# --- helpers (also used by test_interviews.py) ---------------------------------------------------


def criteria_of(vacancy: Vacancy) -> list[RubricCriterion]:
    return list(policy_for(vacancy.dwelling.complex).criteria.all())


def scores_for(vacancy: Vacancy, *values: int) -> dict[int, int]:
    """Scores for every criterion: ``values`` in rubric order, the last one repeated."""
    criteria = criteria_of(vacancy)
    padded = list(values) + [values[-1]] * (len(criteria) - len(values))
    return {c.pk: v for c, v in zip(criteria, padded, strict=True)}


def score(user: Any, application: Application, *values: int, note: str = "") -> MotivationReview:
    return selection.score_motivation(
        acting_user=user,
        application=application,
        scores=scores_for(application.vacancy, *values),
        note=note,
    )


def letting_setup(world: dict[str, Any], member: Any) -> dict[str, Any]:
    """A regular vacancy in the world's complex, its manager and two letting officers."""
    corporation = world["corporation"]
    return {
        "vacancy": VacancyFactory(dwelling=world["dwellings"][0]),
        "manager": world["manager"],
        "officer": world["people"][Role.LETTING_OFFICER],
        "officer2": member(Role.LETTING_OFFICER, organisation=corporation).user,
    }


@pytest.fixture
def letting(world: dict[str, Any], member: Any) -> dict[str, Any]:
    return letting_setup(world, member)


# --- scoring -------------------------------------------------------------------------------------


def test_two_staff_members_score_a_motivation(letting: dict[str, Any]) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    review = score(letting["officer"], application, 4, 3, 5, 2, note="Sterk verhaal over koken")
    assert review.reviewer == letting["officer"]
    assert sorted(review.scores.values_list("score", flat=True)) == [2, 3, 4, 5]
    score(letting["manager"], application, 4)
    assert application.reviews.count() == 2

    event = AuditEvent.objects.filter(object_type="lettings.motivationreview").latest("pk")
    assert event.actor == letting["manager"]
    assert any(name.startswith("score: ") for name in event.changes)
    first = AuditEvent.objects.filter(
        object_type="lettings.motivationreview", object_id=str(review.pk)
    ).get()
    assert "Sterk" not in str(first.changes)  # the note never enters the trail
    assert first.changes["note"][1] == MASK


def test_a_third_reviewer_is_refused(letting: dict[str, Any]) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    score(letting["officer"], application, 4)
    score(letting["officer2"], application, 3)
    with translation.override("en"), pytest.raises(ValidationError, match="already scored"):
        score(letting["manager"], application, 5)
    assert application.reviews.count() == 2


def test_a_reviewer_scores_once_also_in_the_database(letting: dict[str, Any]) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    score(letting["officer"], application, 4)
    with translation.override("en"), pytest.raises(ValidationError, match="already scored"):
        score(letting["officer"], application, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        MotivationReview.objects.create(application=application, reviewer=letting["officer"])


@pytest.mark.parametrize("bad", [0, 6, -1, 3.5, "4", True])
def test_a_score_outside_the_scale_is_refused_naming_the_criterion(
    letting: dict[str, Any], bad: Any
) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    criteria = criteria_of(letting["vacancy"])
    scores: dict[int, Any] = {c.pk: 3 for c in criteria}
    scores[criteria[1].pk] = bad
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        selection.score_motivation(
            acting_user=letting["officer"], application=application, scores=scores
        )
    key = selection.criterion_key(criteria[1].pk)
    assert list(refused.value.message_dict) == [key]
    [message] = refused.value.message_dict[key]
    assert criteria[1].name in message and "1 to 5" in message
    assert not MotivationReview.objects.exists()  # nothing half-written
    assert not MotivationScore.objects.exists()


def test_every_criterion_is_scored_and_only_criteria_of_the_rubric(
    letting: dict[str, Any],
) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    criteria = criteria_of(letting["vacancy"])
    missing = {c.pk: 3 for c in criteria[1:]}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        selection.score_motivation(
            acting_user=letting["officer"], application=application, scores=missing
        )
    [message] = refused.value.message_dict[selection.criterion_key(criteria[0].pk)]
    assert criteria[0].name in message and "no score" in message

    other = VacancyFactory(dwelling__complex__corporation=letting["vacancy"].dwelling.corporation)
    foreign = criteria_of(other)[0]
    extra = {c.pk: 3 for c in criteria} | {foreign.pk: 3}
    with translation.override("en"), pytest.raises(ValidationError, match="criteria of this"):
        selection.score_motivation(
            acting_user=letting["officer"], application=application, scores=extra
        )
    assert not MotivationReview.objects.exists()


def test_only_an_active_application_is_scored(letting: dict[str, Any]) -> None:
    for status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.NOT_SELECTED):
        application = ApplicationFactory(vacancy=letting["vacancy"], status=status)
        with translation.override("en"), pytest.raises(ValidationError, match="no longer"):
            score(letting["officer"], application, 4)
    assert not MotivationReview.objects.exists()


@pytest.mark.parametrize("who", [*OUTSIDERS, None])
def test_only_letting_staff_of_the_corporation_score(
    world: dict[str, Any], letting: dict[str, Any], who: str | None
) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    user = world["people"][who] if who else None
    with pytest.raises(PermissionDenied):
        score(user, application, 4)
    assert not MotivationReview.objects.exists()


def test_disagreements_beyond_the_threshold_are_flagged(letting: dict[str, Any]) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    criteria = criteria_of(letting["vacancy"])
    score(letting["officer"], application, 5, 4, 3, 3)
    assert selection.disagreements(application) == []  # one review: nothing to compare
    score(letting["officer2"], application, 3, 3, 3, 1)
    found = selection.disagreements(application)  # threshold 2 by default
    assert [(d.criterion, d.scores, d.difference) for d in found] == [
        (criteria[0], (5, 3), 2),
        (criteria[3], (3, 1), 2),
    ]
    [candidate] = selection.shortlist(letting["vacancy"])
    assert candidate.disagreement


# --- the shortlist -------------------------------------------------------------------------------


def _scored(letting: dict[str, Any], *values: int, status: str = "", **fields: Any) -> Application:
    """An application scored ``values`` by both letting officers (then put in ``status``)."""
    application = ApplicationFactory(vacancy=letting["vacancy"], **fields)
    score(letting["officer"], application, *values)
    score(letting["officer2"], application, *values)
    if status:
        Application.objects.filter(pk=application.pk).update(status=status)
        application.refresh_from_db()
    return application


def test_the_shortlist_ranks_by_score_then_registration_then_application_time(
    letting: dict[str, Any],
) -> None:
    low = _scored(letting, 3)
    early = _scored(letting, 4, registration_date=dt.date(2015, 1, 1))
    late = _scored(letting, 4, registration_date=dt.date(2019, 5, 1))
    same_day = _scored(letting, 4, registration_date=dt.date(2019, 5, 1))
    unscored = ApplicationFactory(vacancy=letting["vacancy"])
    score(letting["officer"], unscored, 5)

    with translation.override("en"):
        candidates = selection.shortlist(letting["vacancy"])
    assert [(c.application, c.rank) for c in candidates] == [
        (early, 1),
        (late, 2),
        (same_day, 3),
        (low, 4),
        (unscored, None),
    ]
    assert candidates[0].score == Decimal("4.0") and candidates[0].reviews == 2
    assert candidates[0].reasons == ["average score 4.0 from 2 reviewers"]
    assert "same score as no. 1, registered later (01-05-2019)" in candidates[1].reasons
    assert any(
        r.startswith("same score and registration date as no. 2, applied later")
        for r in candidates[2].reasons
    )
    assert candidates[4].score is None  # one review: no score, so it cannot sway the second
    assert candidates[4].reasons == ["not yet scored by two staff members (1 of 2)"]


def test_the_score_is_the_weighted_mean_of_both_reviewers(letting: dict[str, Any]) -> None:
    criteria = criteria_of(letting["vacancy"])
    RubricCriterion.objects.filter(pk=criteria[0].pk).update(weight=3)
    application = ApplicationFactory(vacancy=letting["vacancy"])
    score(letting["officer"], application, 5, 2, 2, 2)
    score(letting["officer2"], application, 4, 3, 3, 3)
    [candidate] = selection.shortlist(letting["vacancy"])
    # (3*5 + 2+2+2 + 3*4 + 3+3+3) / (6 + 6) = 42 / 12 = 3.5
    assert candidate.score == Decimal("3.5")


def test_ended_and_negative_candidates_are_not_ranked(letting: dict[str, Any]) -> None:
    ranked = _scored(letting, 3)
    withdrawn = _scored(letting, 5, status=ApplicationStatus.WITHDRAWN)
    negative = _scored(letting, 5, status=ApplicationStatus.NOT_SELECTED)
    InterviewSlot.objects.create(
        vacancy=letting["vacancy"],
        starts_at=timezone.now() - dt.timedelta(days=1),
        location="Kantoor",
        interviewer=letting["officer"],
        application=negative,
        outcome=InterviewOutcome.NEGATIVE,
    )
    assert [c.application for c in selection.shortlist(letting["vacancy"])] == [ranked]

    with translation.override("en"):
        everyone = selection.shortlist(letting["vacancy"], include_ended=True)
    by_application = {c.application: c for c in everyone}
    assert by_application[ranked].rank == 1
    assert by_application[withdrawn].rank is None
    assert by_application[withdrawn].reasons == ["withdrew the application"]
    assert by_application[negative].rank is None
    assert by_application[negative].reasons == ["introduction interview negative"]
    assert by_application[negative].outcome == InterviewOutcome.NEGATIVE


def test_the_shortlist_runs_a_fixed_number_of_queries(letting: dict[str, Any]) -> None:
    _scored(letting, 4)
    vacancy = Vacancy.objects.select_related("dwelling__complex").get(pk=letting["vacancy"].pk)
    with CaptureQueriesContext(connection) as few:
        selection.shortlist(vacancy, include_ended=True)
    for values in ([3], [5], [2], [4]):
        _scored(letting, *values)
    ApplicationFactory(vacancy=letting["vacancy"])
    with CaptureQueriesContext(connection) as many:
        assert len(selection.shortlist(vacancy, include_ended=True)) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


# --- the lottery ---------------------------------------------------------------------------------


def _lottery(letting: dict[str, Any], *, closed: bool = True) -> Vacancy:
    vacancy = letting["vacancy"]
    LettingPolicy.objects.filter(pk=policy_for(vacancy.dwelling.complex).pk).update(
        ranking=Ranking.LOTTERY, lottery_min_score=Decimal("3.0")
    )
    if closed:
        Vacancy.objects.filter(pk=vacancy.pk).update(
            advert_deadline=timezone.localdate() - dt.timedelta(days=1)
        )
        vacancy.refresh_from_db()
    return vacancy


def test_the_lottery_orders_the_candidates_above_the_minimum_reproducibly(
    letting: dict[str, Any],
) -> None:
    vacancy = _lottery(letting)
    entrants = [_scored(letting, value) for value in (3, 4, 5, 3, 4, 5)]
    below = [_scored(letting, 2), _scored(letting, 1)]
    ApplicationFactory(vacancy=vacancy)  # not scored: never in the lottery

    with translation.override("en"):
        before = selection.shortlist(vacancy)
    assert all(c.rank is None for c in before)
    assert all(c.in_lottery for c in before[:6])
    assert "not yet drawn" in " ".join(before[0].reasons)

    selection.draw_lottery(acting_user=letting["officer"], vacancy=vacancy, seed=12345)
    vacancy.refresh_from_db()
    assert vacancy.lottery_seed == 12345
    assert vacancy.lottery_drawn_by == letting["officer"]
    assert vacancy.lottery_drawn_at is not None

    with translation.override("en"):
        drawn = selection.shortlist(vacancy)
    every_pk = sorted(Application.objects.filter(vacancy=vacancy).values_list("pk", flat=True))
    random.Random(12345).shuffle(every_pk)
    expected = [pk for pk in every_pk if pk in {a.pk for a in entrants}]
    assert [c.application.pk for c in drawn[:6]] == expected
    assert [c.rank for c in drawn] == [1, 2, 3, 4, 5, 6, 7, 8, None]
    assert drawn[2].reasons[-1] == "lottery (seed 12345): position 3"
    assert [c.application for c in drawn[6:8]] == below  # by score after the lottery
    assert "below the lottery minimum" in drawn[6].reasons[-1]

    # A candidate who withdraws does not reshuffle the others.
    Application.objects.filter(pk=expected[0]).update(status=ApplicationStatus.WITHDRAWN)
    after = selection.shortlist(vacancy)
    assert [c.application.pk for c in after[:5]] == expected[1:]


def test_the_lottery_is_drawn_once_after_the_deadline_and_only_for_a_lottery_policy(
    letting: dict[str, Any],
) -> None:
    vacancy = letting["vacancy"]
    with translation.override("en"), pytest.raises(ValidationError, match="rubric score"):
        selection.draw_lottery(acting_user=letting["officer"], vacancy=vacancy)

    _lottery(letting, closed=False)
    with translation.override("en"), pytest.raises(ValidationError, match="after the deadline"):
        selection.draw_lottery(acting_user=letting["officer"], vacancy=vacancy)

    _lottery(letting)
    drawn = selection.draw_lottery(acting_user=letting["officer"], vacancy=vacancy)
    assert drawn.lottery_seed is not None and 0 <= drawn.lottery_seed < 2**62
    with translation.override("en"), pytest.raises(ValidationError, match="only once"):
        selection.draw_lottery(acting_user=letting["manager"], vacancy=vacancy, seed=1)
    vacancy.refresh_from_db()
    assert vacancy.lottery_seed == drawn.lottery_seed
    event = AuditEvent.objects.filter(object_type="lettings.vacancy").latest("pk")
    assert "lottery_seed" in event.changes


def test_outsiders_cannot_draw_the_lottery(world: dict[str, Any], letting: dict[str, Any]) -> None:
    vacancy = _lottery(letting)
    with pytest.raises(PermissionDenied):
        selection.draw_lottery(acting_user=world["people"]["other_manager"], vacancy=vacancy)


# --- the letting policy and its rubric -----------------------------------------------------------


def test_the_manager_configures_the_policy_and_the_rubric(
    world: dict[str, Any], letting: dict[str, Any]
) -> None:
    complex_ = world["complex"]
    manager = letting["manager"]
    policy = selection.update_policy(
        acting_user=manager,
        complex_=complex_,
        values={"ranking": Ranking.LOTTERY, "disagreement_threshold": 3},
    )
    assert policy.ranking == Ranking.LOTTERY and policy.disagreement_threshold == 3
    assert (
        "ranking" in AuditEvent.objects.filter(object_type="lettings.lettingpolicy").get().changes
    )
    with pytest.raises(ValidationError) as refused:
        selection.update_policy(
            acting_user=manager, complex_=complex_, values={"disagreement_threshold": 9}
        )
    assert "disagreement_threshold" in refused.value.message_dict

    added = selection.add_criterion(
        acting_user=manager, complex_=complex_, name="Tuinieren", description="Groen", weight=2
    )
    assert added.position == 4
    with translation.override("en"), pytest.raises(ValidationError, match="already has"):
        selection.add_criterion(acting_user=manager, complex_=complex_, name="tuinieren")
    changed = selection.change_criterion(
        acting_user=manager, complex_=complex_, criterion=added, name="Groen", weight=3
    )
    assert (changed.name, changed.weight) == ("Groen", 3)
    selection.remove_criterion(acting_user=manager, complex_=complex_, criterion=added)
    assert not RubricCriterion.objects.filter(pk=added.pk).exists()
    assert AuditEvent.objects.filter(object_type="lettings.rubriccriterion").count() == 3


def test_a_scored_criterion_stays_and_a_letting_officer_cannot_change_the_policy(
    world: dict[str, Any], letting: dict[str, Any]
) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    score(letting["officer"], application, 4)
    first = criteria_of(letting["vacancy"])[0]
    with translation.override("en"), pytest.raises(ValidationError, match="scored already"):
        selection.remove_criterion(
            acting_user=letting["manager"], complex_=world["complex"], criterion=first
        )
    with pytest.raises(PermissionDenied):
        selection.update_policy(
            acting_user=letting["officer"],
            complex_=world["complex"],
            values={"ranking": Ranking.LOTTERY},
        )
    with pytest.raises(PermissionDenied):
        selection.add_criterion(acting_user=letting["officer"], complex_=world["complex"], name="X")


# --- screens -------------------------------------------------------------------------------------


def test_letting_staff_see_the_shortlist_and_the_application_and_others_get_404(
    world: dict[str, Any], letting: dict[str, Any], login: Any
) -> None:
    application = _scored(letting, 4)
    urls = [
        reverse("selection:shortlist", args=[letting["vacancy"].pk]),
        reverse("selection:application", args=[application.pk]),
        reverse("selection:policy", args=[world["complex"].pk]),
    ]
    for user in (letting["manager"], letting["officer"]):
        client = login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
        assert application.full_name in client.get(urls[0]).content.decode()
    for name in OUTSIDERS:
        client = login(world["people"][name])
        for url in urls:
            assert client.get(url).status_code == 404, (name, url)
            assert client.post(url, {"action": "draw"}).status_code == 404, (name, url)


def test_a_care_stream_vacancy_has_no_shortlist(world: dict[str, Any], login: Any) -> None:
    care = VacancyFactory(
        dwelling=world["dwellings"][1],
        stream=Stream.CARE,
        proposed_stream=Stream.CARE,
        advert_published_at=None,
        advert_deadline=None,
    )
    client = login(world["manager"])
    assert client.get(reverse("selection:shortlist", args=[care.pk])).status_code == 404


def test_a_reviewer_sees_the_other_scores_only_after_scoring(
    letting: dict[str, Any], login: Any
) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    score(letting["officer"], application, 5, note="NOTITIE-VAN-DE-EERSTE")
    url = reverse("selection:application", args=[application.pk])

    second = login(letting["officer2"])
    page = second.get(url)
    assert page.status_code == 200
    assert not page.context["show_reviews"]
    assert page.context["reviews"] == [] and page.context["rows"] == []
    html = page.content.decode()
    assert "NOTITIE-VAN-DE-EERSTE" not in html
    assert escape(str(letting["officer"])) not in html  # not even who scored
    assert 'name="action" value="score"' in html

    criteria = criteria_of(letting["vacancy"])
    data = {"action": "score", "note": "Mijn eigen oordeel"}
    data |= {selection.criterion_key(c.pk): "2" for c in criteria}
    assert second.post(url, data).status_code == 302
    page = second.get(url)
    assert page.context["show_reviews"]
    assert len(page.context["reviews"]) == 2
    html = page.content.decode()
    assert "NOTITIE-VAN-DE-EERSTE" in html and escape(str(letting["officer"])) in html
    assert all(row["disagreement"] for row in page.context["rows"])  # 5 against 2
    assert 'name="action" value="score"' not in html  # no third review

    third = login(letting["manager"])
    page = third.get(url)
    assert page.context["show_reviews"] and page.context["rubric_form"] is None
    assert third.post(url, data).status_code == 404


@pytest.mark.parametrize("bad", ["0", "6"])
def test_the_rubric_form_refuses_a_score_outside_the_scale(
    letting: dict[str, Any], login: Any, bad: str
) -> None:
    application = ApplicationFactory(vacancy=letting["vacancy"])
    criteria = criteria_of(letting["vacancy"])
    data = {"action": "score"} | {selection.criterion_key(c.pk): "3" for c in criteria}
    data[selection.criterion_key(criteria[2].pk)] = bad
    client = login(letting["officer"])
    response = client.post(reverse("selection:application", args=[application.pk]), data)
    assert response.status_code == 200
    assert selection.criterion_key(criteria[2].pk) in response.context["rubric_form"].errors
    assert not MotivationReview.objects.exists()


def test_the_shortlist_page_runs_a_fixed_number_of_queries(
    letting: dict[str, Any], login: Any
) -> None:
    client = login(letting["manager"])
    url = reverse("selection:shortlist", args=[letting["vacancy"].pk])
    _scored(letting, 4)
    few = count_queries(client, url)
    for values in ([3], [5], [2]):
        _scored(letting, *values)
    _scored(letting, 4, status=ApplicationStatus.WITHDRAWN)
    ApplicationFactory(vacancy=letting["vacancy"])
    assert count_queries(client, url) == few


def test_the_lottery_is_drawn_on_the_shortlist_page(letting: dict[str, Any], login: Any) -> None:
    vacancy = _lottery(letting)
    _scored(letting, 4)
    client = login(letting["officer"])
    url = reverse("selection:shortlist", args=[vacancy.pk])
    assert 'value="draw"' in client.get(url).content.decode()
    assert client.post(url, {"action": "draw"}).status_code == 302
    vacancy.refresh_from_db()
    seed = vacancy.lottery_seed
    assert seed is not None
    assert str(seed) in client.get(url).content.decode()
    client.post(url, {"action": "draw"})  # a second draw is refused, the seed stays
    vacancy.refresh_from_db()
    assert vacancy.lottery_seed == seed


def test_the_policy_page_is_for_the_manager_to_change_and_officers_to_read(
    world: dict[str, Any], letting: dict[str, Any], login: Any
) -> None:
    url = reverse("selection:policy", args=[world["complex"].pk])
    officer = login(letting["officer"])
    page = officer.get(url)
    assert page.status_code == 200 and page.context["policy_form"] is None
    assert officer.post(url, {"action": "add", "name": "X", "weight": "1"}).status_code == 404

    manager = login(letting["manager"])
    form = manager.get(url).context["policy_form"]
    data = {name: form[name].value() for name in selection.POLICY_FIELDS}
    data |= {"action": "policy", "ranking": Ranking.LOTTERY, "lottery_min_score": "3.5"}
    assert manager.post(url, data).status_code == 302
    policy = policy_for(world["complex"])
    assert policy.ranking == Ranking.LOTTERY and policy.lottery_min_score == Decimal("3.5")

    refused = manager.post(url, data | {"disagreement_threshold": "0"})
    assert (
        refused.status_code == 200
        and "disagreement_threshold" in refused.context["policy_form"].errors
    )

    assert manager.post(url, {"action": "add", "name": "Tuin", "weight": "2"}).status_code == 302
    added = policy.criteria.get(name="Tuin")
    duplicate = manager.post(url, {"action": "add", "name": "Tuin", "weight": "1"})
    assert duplicate.status_code == 200 and "name" in duplicate.context["criterion_form"].errors

    edit = reverse("selection:criterion", args=[world["complex"].pk, added.pk])
    assert officer.get(edit).status_code == 404
    assert manager.post(edit, {"name": "Groen", "weight": "4"}).status_code == 302
    added.refresh_from_db()
    assert (added.name, added.weight) == ("Groen", 4)
    assert manager.post(url, {"action": "remove", "criterion": added.pk}).status_code == 302
    assert not RubricCriterion.objects.filter(pk=added.pk).exists()


def test_the_policy_page_runs_a_fixed_number_of_queries(
    world: dict[str, Any], letting: dict[str, Any], login: Any
) -> None:
    client = login(letting["manager"])
    url = reverse("selection:policy", args=[world["complex"].pk])
    policy_for(world["complex"])  # the first visit creates the policy with the default rubric
    few = count_queries(client, url)
    for n in range(5):
        selection.add_criterion(
            acting_user=letting["manager"], complex_=world["complex"], name=f"Criterium {n}"
        )
    assert count_queries(client, url) == few
