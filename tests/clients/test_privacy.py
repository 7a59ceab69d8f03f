"""Every client screen, for every role: only the client's own care provider's case workers and
team leads get in; everyone else gets the 404 of a missing client, and never sees a name, a BSN,
a ZRM score or a note. Viewing the record and revealing the BSN are audited; the audit trail never
holds a score or a note.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.clients import zrm
from doorstroom.clients.models import Action, Assessment, Client, Consent, Goal, Review, Score
from doorstroom.organisations.roles import Role
from tests.clients.conftest import (
    ACTION,
    FIRST_NAME,
    GOAL,
    LAST_NAME,
    NOTE,
    SUMMARY,
    VALID_BSN,
    all_scores,
)

pytestmark = pytest.mark.django_db

OWN = {Role.CASE_WORKER, Role.TEAM_LEAD}
PEOPLE = [*Role.values, "other_case_worker", "other_team_lead", "superuser"]
#: Lists and the new-client form are the user's own provider's: any case worker or team lead
#: gets them, but another provider's staff never see this provider's clients there.
ANY_CARE_STAFF = OWN | {"other_case_worker", "other_team_lead"}


def urls(world: dict[str, Any]) -> dict[str, str]:
    client, consent, action = world["client"], world["consent"], world["action"]
    pk = client.pk
    return {
        "caseload": reverse("clients:caseload") + "?show=all",
        "consent_due": reverse("clients:consent_due") + "?show=all",
        "overview": reverse("clients:overview"),
        "add": reverse("clients:add"),
        "detail": reverse("clients:detail", args=[pk]),
        "edit": reverse("clients:edit", args=[pk]),
        "checks": reverse("clients:checks", args=[pk]),
        "assessments": reverse("clients:assessments", args=[pk]),
        "assessment_add": reverse("clients:assessment_add", args=[pk]),
        "consent_add": reverse("clients:consent_add", args=[pk]),
        "consent_withdraw": reverse("clients:consent_withdraw", args=[pk, consent.pk]),
        "goal_add": reverse("clients:goal_add", args=[pk]),
        "action_add": reverse("clients:action_add", args=[pk]),
        "review_hold": reverse("clients:review_hold", args=[pk]),
        # POST only
        "reveal_bsn": reverse("clients:reveal_bsn", args=[pk]),
        "action_done": reverse("clients:action_done", args=[pk, action.pk]),
    }


GET_SCREENS = {
    "caseload": ANY_CARE_STAFF,
    "consent_due": ANY_CARE_STAFF,
    "overview": ANY_CARE_STAFF,
    "add": ANY_CARE_STAFF,
    "detail": OWN,
    "edit": OWN,
    "checks": OWN,
    "assessments": OWN,
    "assessment_add": OWN,
    "consent_add": OWN,
    "consent_withdraw": OWN,
    "goal_add": OWN,
    "action_add": OWN,
    "review_hold": OWN,
}


def secrets_in(content: str) -> list[str]:
    """Which of the client's protected facts appear in a response."""
    found = [
        text
        for text in (FIRST_NAME, LAST_NAME, NOTE, SUMMARY, GOAL, ACTION, VALID_BSN, "1112 22 333")
        if text in content
    ]
    # ZRM scores are shown as levels in a table and chart; none of their markup may appear.
    for marker in ("ds-level--", "ds-chart__series", "radar-title", "lines-title"):
        if marker in content:
            found.append(marker)
    for language in ("nl", "en"):
        with translation.override(language):
            found += [str(label) for label in zrm.SCALE.values() if escape(str(label)) in content]
    return found


def test_every_role_was_considered() -> None:
    assert set(Role.values) == {
        "mixed_living_manager",
        "letting_officer",
        "case_worker",
        "team_lead",
        "policy_officer",
        "neighbourhood_team_member",
        "resident",
        "privacy_officer",
    }


@pytest.mark.parametrize("screen", sorted(GET_SCREENS))
def test_get_screen_answers_each_person_correctly(
    world: dict[str, Any], login: Any, screen: str
) -> None:
    url = urls(world)[screen]
    for person in PEOPLE:
        response = login(world["people"][person]).get(url)
        expected = 200 if person in GET_SCREENS[screen] else 404
        assert response.status_code == expected, (screen, person, response.status_code)
        content = response.content.decode()
        if person not in OWN:
            assert secrets_in(content) == [], (screen, person, secrets_in(content))


def test_missing_client_gives_the_same_404(world: dict[str, Any], login: Any) -> None:
    missing = Client.objects.order_by("-pk").first().pk + 100  # type: ignore[union-attr]
    worker = login(world["people"][Role.CASE_WORKER])
    for name in ("detail", "edit", "assessments", "assessment_add", "goal_add"):
        assert worker.get(reverse(f"clients:{name}", args=[missing])).status_code == 404
    stranger = login(world["people"]["other_case_worker"]).get(urls(world)["detail"])
    missing_page = worker.get(reverse("clients:detail", args=[missing]))
    assert stranger.status_code == missing_page.status_code == 404
    assert stranger.templates[0].name == "404.html"
    assert missing_page.templates[0].name == "404.html"


def _state(world: dict[str, Any]) -> dict[str, Any]:
    client = Client.objects.get(pk=world["client"].pk)
    return {
        "assessments": Assessment.objects.count(),
        "scores": Score.objects.count(),
        "consents": list(Consent.objects.values_list("pk", "withdrawn_at")),
        "goals": Goal.objects.count(),
        "actions": list(Action.objects.values_list("pk", "done_on")),
        "reviews": list(Review.objects.values_list("pk", "held_on")),
        "client": (
            client.first_name,
            client.bsn_digest,
            client.case_worker_id,
            client.housing_skills_confirmed,
            client.high_risk_signal_open,
        ),
        "audit": AuditEvent.objects.filter(object_type__startswith="clients.").count(),
    }


def post_data(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    scores = {f"score_{code}": 5 for code in all_scores()}
    return {
        "edit": {"first_name": "Hacked", "last_name": "X", "bsn": "", "case_worker": ""},
        "add": {"first_name": "Nieuw", "last_name": "Client"},
        "checks": {"housing_skills": "on", "income": "on"},
        "assessment_add": {"assessed_on": "2025-01-01", **scores},
        "consent_add": {
            "partner": world["corporation"].pk,
            "scope": "readiness_outcome",
            "method": "written",
            "given_on": "2025-01-01",
            "valid_from": "2025-01-01",
        },
        "consent_withdraw": {},
        "goal_add": {"domain": "", "description": "doel"},
        "action_add": {"description": "actie", "owner": "client", "due_on": "2030-01-01"},
        "review_hold": {"held_on": "2025-01-01", "summary": "samenvatting"},
        "reveal_bsn": {},
        "action_done": {},
    }


@pytest.mark.parametrize(
    "screen",
    [
        "edit",
        "checks",
        "assessment_add",
        "consent_add",
        "consent_withdraw",
        "goal_add",
        "action_add",
        "review_hold",
        "reveal_bsn",
        "action_done",
    ],
)
def test_nobody_else_can_post_to_a_client(world: dict[str, Any], login: Any, screen: str) -> None:
    url = urls(world)[screen]
    data = post_data(world)[screen]
    before = _state(world)
    for person in PEOPLE:
        if person in OWN:
            continue
        response = login(world["people"][person]).post(url, data)
        assert response.status_code == 404, (screen, person, response.status_code)
        assert secrets_in(response.content.decode()) == [], (screen, person)
    assert _state(world) == before


def test_another_provider_cannot_create_a_client_for_this_one(
    world: dict[str, Any], login: Any
) -> None:
    """The new client always belongs to the creator's own provider."""
    response = login(world["people"]["other_case_worker"]).post(
        reverse("clients:add"), {"first_name": "Nieuw", "last_name": "Client"}
    )
    assert response.status_code == 302
    assert Client.objects.get(first_name="Nieuw").care_provider == world["other_provider"]


@pytest.mark.parametrize("person", sorted(OWN))
def test_every_view_of_the_client_page_is_audited(
    world: dict[str, Any], login: Any, person: str
) -> None:
    browser = login(world["people"][person])
    url = urls(world)["detail"]
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="clients.client", object_id=str(world["client"].pk)
    )
    assert views.count() == 0
    for expected in (1, 2, 3):
        assert browser.get(url).status_code == 200
        assert views.count() == expected
    event = views.latest("pk")
    assert event.actor == world["people"][person]
    assert event.organisation == world["provider"]
    assert "bsn" not in event.fields


def test_denied_requests_write_no_view(world: dict[str, Any], login: Any) -> None:
    for person in PEOPLE:
        if person not in OWN:
            login(world["people"][person]).get(urls(world)["detail"])
            login(world["people"][person]).post(urls(world)["reveal_bsn"])
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_the_bsn_is_never_shown_until_revealed_and_the_reveal_is_audited(
    world: dict[str, Any], login: Any
) -> None:
    browser = login(world["people"][Role.CASE_WORKER])
    page = browser.get(urls(world)["detail"]).content.decode()
    assert VALID_BSN not in page and "1112 22 333" not in page
    assert "333" not in page.split('id="gegevens"')[1].split("</dl>")[0]  # not even masked
    assert urls(world)["reveal_bsn"] in page

    revealed = browser.post(urls(world)["reveal_bsn"])
    assert revealed.status_code == 200
    assert "1112 22 333" in revealed.content.decode()
    assert revealed["Cache-Control"].startswith("max-age=0")
    bsn_views = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="clients.client", fields=["bsn"]
    )
    assert bsn_views.count() == 1
    assert bsn_views.get().changes == {}

    again = browser.get(urls(world)["detail"]).content.decode()
    assert "1112 22 333" not in again and VALID_BSN not in again


def test_the_audit_trail_never_holds_a_score_or_a_note(world: dict[str, Any], login: Any) -> None:
    browser = login(world["people"][Role.CASE_WORKER])
    pk = world["client"].pk
    scores = {f"score_{code}": 5 for code in all_scores()}
    notes = {f"note_{code}": f"NOTITIE-{code}" for code in all_scores()}
    response = browser.post(
        reverse("clients:assessment_add", args=[pk]),
        {"assessed_on": "2025-01-02", **scores, **notes},
    )
    assert response.status_code == 302
    browser.post(
        reverse("clients:review_hold", args=[pk]),
        {"held_on": "2025-01-03", "summary": "EVALUATIE-TEKST"},
    )
    browser.post(reverse("clients:checks", args=[pk]), {"high_risk_signal_open": "on"})
    browser.post(reverse("clients:reveal_bsn", args=[pk]))
    events = list(AuditEvent.objects.filter(object_type__startswith="clients."))
    assert any(e.object_type == "clients.assessment" for e in events)
    for event in events:
        dumped = json.dumps(event.changes)
        for text in ("NOTITIE-", "EVALUATIE-TEKST", NOTE, SUMMARY, VALID_BSN):
            assert text not in dumped, (event.object_type, event.changes)
        for field in ("score", "scores", "note", "notes", "summary", "high_risk_signal_open"):
            if field in event.changes:
                assert all(value in (None, "•••") for value in event.changes[field]), event.changes
        if event.object_type in ("clients.assessment", "clients.score"):
            assert event.changes == {}, event.changes


def test_withdrawing_consent_is_audited_and_the_client_is_listed_again(
    world: dict[str, Any], login: Any
) -> None:
    browser = login(world["people"][Role.CASE_WORKER])
    consent_list = reverse("clients:consent_due") + "?show=mine"
    assert FIRST_NAME not in browser.get(consent_list).content.decode()

    confirm = browser.get(urls(world)["consent_withdraw"])
    assert confirm.status_code == 200
    assert Consent.objects.get(pk=world["consent"].pk).withdrawn_at is None  # GET only asks

    response = browser.post(urls(world)["consent_withdraw"])
    assert response.status_code == 302
    assert Consent.objects.get(pk=world["consent"].pk).withdrawn_at is not None
    event = AuditEvent.objects.filter(
        object_type="clients.consent", object_id=str(world["consent"].pk), action=AuditAction.UPDATE
    ).get()
    assert event.fields == ["withdrawn_at"]
    assert event.actor == world["people"][Role.CASE_WORKER]

    listed = browser.get(consent_list)
    assert FIRST_NAME in listed.content.decode()
    rows = listed.context["rows"]
    assert [(r["client"].pk, r["consent"]) for r in rows] == [(world["client"].pk, "missing")]
