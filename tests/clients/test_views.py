"""The care-provider screens at work: caseload, client record, ZRM, consent, plan, overview."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from doorstroom.audit.models import AuditAction, AuditEvent
from doorstroom.clients import crypto, zrm
from doorstroom.clients.forms import AssessmentForm
from doorstroom.clients.models import Action, Assessment, Client, Consent, Goal, Review, Score
from doorstroom.clients.readiness import Readiness
from doorstroom.organisations.models import Membership
from doorstroom.organisations.roles import Role
from tests.clients.conftest import (
    FIRST_NAME,
    INVALID_BSN,
    OTHER_VALID_BSN,
    VALID_BSN,
    all_scores,
    assess,
    give_consent,
    make_client,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def worker_of(world: dict[str, Any]) -> Any:
    return world["people"][Role.CASE_WORKER]


def lead_of(world: dict[str, Any]) -> Any:
    return world["people"][Role.TEAM_LEAD]


def add_caseload(world: dict[str, Any], size: int) -> None:
    """Clients of every kind: assessed or not, with consent or not, with overdue plan items."""
    worker = worker_of(world)
    for i in range(size):
        client = make_client(
            world["provider"], worker, first_name=f"Extra{i}", last_name=f"Client{i}"
        )
        if i % 2:
            assess(client, worker, on=TODAY() - dt.timedelta(days=10 + i), middelengebruik=5)
        if i % 3:
            give_consent(
                client,
                world["corporation"],
                worker,
                expires_on=TODAY() + dt.timedelta(days=5 + 20 * i),
            )
        if i % 4 == 0:
            from doorstroom.clients import services

            services.add_action(
                acting_user=worker,
                action=Action(
                    client=client,
                    description="x",
                    owner="client",
                    due_on=TODAY() - dt.timedelta(days=1),
                ),
            )


# --- lists ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        reverse("clients:caseload"),
        reverse("clients:caseload") + "?show=all",
        reverse("clients:consent_due") + "?show=all",
        reverse("clients:overview"),
    ],
)
def test_lists_run_a_fixed_number_of_queries(world: dict[str, Any], login: Any, url: str) -> None:
    browser = login(worker_of(world))
    add_caseload(world, 3)
    small = count_queries(browser, url)
    add_caseload(world, 17)
    large = count_queries(browser, url)
    assert small == large, (small, large)


def test_caseload_shows_readiness_review_and_consent(world: dict[str, Any], login: Any) -> None:
    response = login(worker_of(world)).get(reverse("clients:caseload"))
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row["client"] == world["client"]
    assert row["readiness"].verdict == Readiness.NOT_YET  # income and housing skills unconfirmed
    assert row["consent"] == "ok"
    # The world's review was held yesterday, so the next one is 6 months after that.
    assert row["client"].next_review_on == TODAY() - dt.timedelta(days=1) + relativedelta(months=6)
    assert row["client"].overdue_actions == 1
    content = response.content.decode()
    assert FIRST_NAME in content and world["client"].reference in content
    assert response["Cache-Control"].startswith("max-age=0")


def test_caseload_filters_mine_all_and_search(world: dict[str, Any], login: Any) -> None:
    colleague = Membership.objects.create(
        user=world["people"]["other_case_worker"],
        organisation=world["provider"],
        role=Role.CASE_WORKER,
    ).user
    theirs = make_client(world["provider"], colleague, first_name="Collega", last_name="Client")
    unassigned = make_client(world["provider"], None, first_name="Niemand", last_name="Toegewezen")
    other = make_client(
        world["other_provider"], world["people"]["other_case_worker"], first_name="Ander"
    )
    browser = login(worker_of(world))

    def names(query: str) -> set[str]:
        response = browser.get(reverse("clients:caseload") + query)
        return {row["client"].first_name for row in response.context["rows"]}

    assert names("") == {FIRST_NAME}  # a case worker starts with their own clients
    assert names("?show=all") == {FIRST_NAME, theirs.first_name, unassigned.first_name}
    assert names("?show=all&q=niemand") == {unassigned.first_name}
    assert names(f"?show=all&q={theirs.reference}") == {theirs.first_name}
    assert other.first_name not in names("?show=all")
    # A team lead starts with all clients of the provider.
    lead = login(lead_of(world)).get(reverse("clients:caseload"))
    assert {row["client"].first_name for row in lead.context["rows"]} == {
        FIRST_NAME,
        theirs.first_name,
        unassigned.first_name,
    }


def test_caseload_is_paginated(world: dict[str, Any], login: Any) -> None:
    add_caseload(world, 30)
    browser = login(worker_of(world))
    first = browser.get(reverse("clients:caseload"))
    assert len(first.context["rows"]) == 25
    assert "pagina=2" in first.content.decode()
    second = browser.get(reverse("clients:caseload") + "?pagina=2")
    assert len(second.context["rows"]) == 6


def test_consent_list_shows_missing_and_ending_consent(world: dict[str, Any], login: Any) -> None:
    worker = worker_of(world)
    missing = make_client(world["provider"], worker, first_name="Zonder")
    ending = make_client(world["provider"], worker, first_name="Eindigt")
    give_consent(ending, world["corporation"], worker, expires_on=TODAY() + dt.timedelta(days=30))
    later = make_client(world["provider"], worker, first_name="Later")
    give_consent(later, world["corporation"], worker, expires_on=TODAY() + dt.timedelta(days=31))
    response = login(worker).get(reverse("clients:consent_due"))
    statuses = {row["client"].first_name: row["consent"] for row in response.context["rows"]}
    assert statuses == {"Zonder": "missing", "Eindigt": "expiring"}
    [row] = [r for r in response.context["rows"] if r["client"] == ending]
    assert [c.expires_on for c in row["expiring"]] == [TODAY() + dt.timedelta(days=30)]
    assert missing.first_name in response.content.decode()


def test_overview_groups_by_verdict_and_lists_clients_without_case_worker(
    world: dict[str, Any], login: Any
) -> None:
    worker = worker_of(world)
    ready = make_client(world["provider"], worker, first_name="Klaar")
    assess(ready, worker, middelengebruik=5, financien=4)
    from doorstroom.clients import services

    services.confirm_checks(
        acting_user=worker,
        client=ready,
        housing_skills=True,
        income=True,
        high_risk_signal_open=False,
    )
    blocked = make_client(world["provider"], worker, first_name="Geblokkeerd")
    nobody = make_client(world["provider"], None, first_name="Niemand")
    departed = Membership.objects.create(
        user=world["people"]["other_team_lead"],
        organisation=world["provider"],
        role=Role.CASE_WORKER,
    )
    left = make_client(world["provider"], departed.user, first_name="Verlaten")
    departed.delete()  # the case worker left the provider
    response = login(lead_of(world)).get(reverse("clients:overview"))
    groups = {
        g["verdict"]: {r["client"].first_name for r in g["rows"]}
        for g in response.context["groups"]
    }
    assert groups[Readiness.READY] == {ready.first_name}
    assert groups[Readiness.NOT_YET] == {FIRST_NAME}
    assert groups[Readiness.NOT_READY] == {blocked.first_name, nobody.first_name, left.first_name}
    assert {r["client"].first_name for r in response.context["unassigned"]} == {
        nobody.first_name,
        left.first_name,
    }
    assert response.context["total"] == 5


# --- the client ----------------------------------------------------------------------------------


def test_new_client_with_a_valid_bsn_stores_it_encrypted(world: dict[str, Any], login: Any) -> None:
    worker = worker_of(world)
    response = login(worker).post(
        reverse("clients:add"),
        {
            "first_name": "Nieuwe",
            "last_name": "Client",
            "bsn": "1234.56.782",
            "case_worker": worker.pk,
        },
    )
    client = Client.objects.get(first_name="Nieuwe")
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[client.pk])
    assert client.care_provider == world["provider"] and client.case_worker == worker
    assert OTHER_VALID_BSN not in client.bsn_encrypted
    assert crypto.decrypt(client.bsn_encrypted, world["provider"].pk) == OTHER_VALID_BSN
    assert client.reference.startswith("CL-")


def test_new_client_without_bsn(world: dict[str, Any], login: Any) -> None:
    response = login(lead_of(world)).post(
        reverse("clients:add"), {"first_name": "Geen", "last_name": "BSN"}
    )
    assert response.status_code == 302
    client = Client.objects.get(first_name="Geen")
    assert client.bsn_encrypted == "" and client.case_worker is None  # a team lead assigns later


def test_an_invalid_bsn_is_refused_with_a_clear_message(world: dict[str, Any], login: Any) -> None:
    before = Client.objects.count()
    response = login(worker_of(world)).post(
        reverse("clients:add"), {"first_name": "Fout", "last_name": "BSN", "bsn": INVALID_BSN}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("bsn", code="bsn_eleven")
    assert escape(str(form.errors["bsn"][0])) in response.content.decode()
    assert Client.objects.count() == before
    short = login(worker_of(world)).post(
        reverse("clients:add"), {"first_name": "Fout", "last_name": "BSN", "bsn": "1234"}
    )
    assert short.context["form"].has_error("bsn", code="bsn_length")
    assert Client.objects.count() == before


def test_the_same_bsn_twice_in_one_provider_is_refused(world: dict[str, Any], login: Any) -> None:
    response = login(worker_of(world)).post(
        reverse("clients:add"), {"first_name": "Dubbel", "last_name": "BSN", "bsn": VALID_BSN}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Client.objects.filter(first_name="Dubbel").exists()


def test_edit_keeps_replaces_or_removes_the_bsn(world: dict[str, Any], login: Any) -> None:
    browser = login(worker_of(world))
    client = world["client"]
    url = reverse("clients:edit", args=[client.pk])
    data = {"first_name": FIRST_NAME, "last_name": "Anders", "case_worker": worker_of(world).pk}
    assert browser.post(url, {**data, "bsn": ""}).status_code == 302
    client.refresh_from_db()
    assert (
        client.last_name == "Anders"
        and crypto.decrypt(client.bsn_encrypted, client.care_provider_id) == VALID_BSN
    )
    assert browser.post(url, {**data, "bsn": OTHER_VALID_BSN}).status_code == 302
    client.refresh_from_db()
    assert crypto.decrypt(client.bsn_encrypted, client.care_provider_id) == OTHER_VALID_BSN
    assert browser.post(url, {**data, "remove_bsn": "on"}).status_code == 302
    client.refresh_from_db()
    assert client.bsn_encrypted == "" and client.bsn_digest == ""


def test_only_staff_of_the_provider_can_be_case_worker(world: dict[str, Any], login: Any) -> None:
    response = login(lead_of(world)).post(
        reverse("clients:edit", args=[world["client"].pk]),
        {
            "first_name": "X",
            "last_name": "Y",
            "case_worker": world["people"]["other_case_worker"].pk,
        },
    )
    assert response.status_code == 200
    assert "case_worker" in response.context["form"].errors
    assert Client.objects.get(pk=world["client"].pk).first_name == FIRST_NAME


def test_client_page_shows_verdict_gates_chart_table_consent_and_plan(
    world: dict[str, Any], login: Any
) -> None:
    response = login(worker_of(world)).get(reverse("clients:detail", args=[world["client"].pk]))
    content = response.content.decode()
    readiness = response.context["readiness"]
    assert readiness.verdict == Readiness.NOT_YET
    for gate in readiness.gates:
        assert escape(str(gate.label)) in content
        assert escape(str(gate.reason)) in content
    assert "<svg" in content and 'role="img"' in content and "ds-chart__series--previous" in content
    assert 'scope="row"' in content and 'scope="col"' in content and "<caption" in content
    for domain in zrm.domains():
        assert escape(str(domain.label)) in content
    assert zrm.MANUAL_URL in content
    assert world["corporation"].name in content
    assert (
        reverse("clients:consent_withdraw", args=[world["client"].pk, world["consent"].pk])
        in content
    )
    assert reverse("clients:action_done", args=[world["client"].pk, world["action"].pk]) in content
    assert VALID_BSN not in content


def test_checks_form_confirms_the_checks(world: dict[str, Any], login: Any) -> None:
    browser = login(worker_of(world))
    client = world["client"]
    response = browser.post(
        reverse("clients:checks", args=[client.pk]), {"housing_skills": "on", "income": "on"}
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.housing_skills_confirmed and client.income_arranged
    assert not client.high_risk_signal_open and client.checks_confirmed_at
    page = browser.get(reverse("clients:detail", args=[client.pk]))
    assert page.context["readiness"].verdict == Readiness.READY
    browser.post(
        reverse("clients:checks", args=[client.pk]),
        {"housing_skills": "on", "income": "on", "high_risk_signal_open": "on"},
    )
    page = browser.get(reverse("clients:detail", args=[client.pk]))
    assert page.context["readiness"].verdict == Readiness.NOT_READY
    assert browser.get(reverse("clients:checks", args=[client.pk])).status_code == 200


def test_reveal_without_a_bsn_says_so_and_audits_nothing(world: dict[str, Any], login: Any) -> None:
    client = make_client(world["provider"], worker_of(world))
    response = login(worker_of(world)).post(reverse("clients:reveal_bsn", args=[client.pk]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(client.pk)).exists()


# --- ZRM -----------------------------------------------------------------------------------------


def _assessment_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"assessed_on": TODAY().isoformat()}
    data.update({f"score_{code}": score for code, score in all_scores(4).items()})
    data.update(overrides)
    return data


def test_assessment_form_has_a_radio_group_per_domain(world: dict[str, Any], login: Any) -> None:
    response = login(worker_of(world)).get(
        reverse("clients:assessment_add", args=[world["client"].pk])
    )
    content = response.content.decode()
    domains = zrm.domains()
    assert len(domains) == 13
    assert content.count("<fieldset") == 13
    assert content.count('type="radio"') == 13 * 5
    for label in zrm.SCALE.values():
        assert escape(str(label)) in content
    for domain in domains:
        assert f'name="score_{domain.code}"' in content and f'name="note_{domain.code}"' in content
    assert zrm.MANUAL_URL in content


def test_recording_an_assessment(world: dict[str, Any], login: Any) -> None:
    client = make_client(world["provider"], worker_of(world))
    response = login(worker_of(world)).post(
        reverse("clients:assessment_add", args=[client.pk]),
        _assessment_post(score_financien=2, note_financien="Schulden in beeld"),
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(client=client)
    assert assessment.assessor == worker_of(world) and assessment.version == zrm.CURRENT_VERSION
    scores = {s.domain: (s.score, s.note) for s in assessment.scores.all()}
    assert len(scores) == 13
    assert scores["financien"] == (2, "Schulden in beeld") and scores["justitie"] == (4, "")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"assessed_on": "2999-01-01"}, "assessed_on"),
        ({"score_justitie": ""}, "score_justitie"),
        ({"score_financien": "7"}, "score_financien"),
        ({"score_financien": "0"}, "score_financien"),
        ({"assessed_on": ""}, "assessed_on"),
    ],
)
def test_assessment_form_refuses_and_writes_nothing(
    world: dict[str, Any], login: Any, overrides: dict[str, Any], field: str
) -> None:
    browser = login(worker_of(world))
    before = (Assessment.objects.count(), Score.objects.count(), AuditEvent.objects.count())
    response = browser.post(
        reverse("clients:assessment_add", args=[world["client"].pk]), _assessment_post(**overrides)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    content = response.content.decode()
    assert escape(str(form.errors[field][0])) in content
    assert 'id="fouten"' in content  # the error summary at the top
    assert (Assessment.objects.count(), Score.objects.count(), AuditEvent.objects.count()) == before


def test_assessment_form_shows_future_date_and_missing_scores_together(
    world: dict[str, Any], login: Any
) -> None:
    response = login(worker_of(world)).post(
        reverse("clients:assessment_add", args=[world["client"].pk]),
        {"assessed_on": "2999-01-01", "score_financien": "3"},
    )
    errors = response.context["form"].errors
    assert "assessed_on" in errors
    assert len([name for name in errors if name.startswith("score_")]) == 12


def test_the_services_errors_land_on_the_form_fields() -> None:
    form = AssessmentForm(data={})
    form.is_valid()
    form.add_service_errors(
        ValidationError(
            {
                "financien": ["A ZRM score is 1, 2, 3, 4 or 5."],
                "assessed_on": ["future"],
                "__all__": ["x"],
            }
        )
    )
    assert "A ZRM score is 1, 2, 3, 4 or 5." in form.errors["score_financien"]
    assert "future" in form.errors["assessed_on"]
    assert "x" in form.non_field_errors()
    form.add_service_errors(ValidationError("plain"))
    assert "plain" in form.non_field_errors()


def test_history_page_has_the_chart_the_table_and_the_notes(
    world: dict[str, Any], login: Any
) -> None:
    response = login(worker_of(world)).get(
        reverse("clients:assessments", args=[world["client"].pk])
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'aria-labelledby="lines-title"' in content and "<path" in content
    table = response.context["table"]
    assert len(table.dates) == 2 and len(table.rows) == 13
    assert "GEHEIME-NOTITIE-middelen" in content
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, fields=["zrm"]).count() == 1


# --- consent -------------------------------------------------------------------------------------


def test_recording_consent(world: dict[str, Any], login: Any) -> None:
    client = make_client(world["provider"], worker_of(world))
    url = reverse("clients:consent_add", args=[client.pk])
    browser = login(worker_of(world))
    assert browser.get(url).status_code == 200
    response = browser.post(
        url,
        {
            "partner": world["team"].pk,
            "scope": "label_and_contact",
            "method": "verbal",
            "given_on": TODAY().isoformat(),
            "valid_from": TODAY().isoformat(),
            "expires_on": (TODAY() + dt.timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(client=client)
    assert consent.partner == world["team"] and consent.recorded_by == worker_of(world)
    assert AuditEvent.objects.filter(
        object_type="clients.consent", action=AuditAction.CREATE, object_id=str(consent.pk)
    ).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"partner": "team", "scope": "readiness_outcome"}, "partner"),
        ({"partner": "corporation", "scope": "label_and_contact"}, "partner"),
        ({"partner": "other_provider", "scope": "readiness_outcome"}, "partner"),
        ({"given_on": "2999-01-01", "valid_from": "2999-01-01"}, "given_on"),
        ({"expires_on": "2000-01-01"}, None),
    ],
)
def test_consent_form_refuses_wrong_input(
    world: dict[str, Any], login: Any, data: dict[str, Any], field: str | None
) -> None:
    post = {
        "partner": world["corporation"].pk,
        "scope": "readiness_outcome",
        "method": "written",
        "given_on": "2025-01-01",
        "valid_from": "2025-01-01",
        "expires_on": "",
    }
    post.update({k: world[v].pk if k == "partner" else v for k, v in data.items()})
    before = Consent.objects.count()
    response = login(worker_of(world)).post(
        reverse("clients:consent_add", args=[world["client"].pk]), post
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors if field is None else field in errors, errors
    assert Consent.objects.count() == before


def test_withdrawing_twice_is_harmless(world: dict[str, Any], login: Any) -> None:
    browser = login(worker_of(world))
    url = reverse("clients:consent_withdraw", args=[world["client"].pk, world["consent"].pk])
    browser.post(url)
    first = Consent.objects.get(pk=world["consent"].pk).withdrawn_at
    assert browser.post(url).status_code == 302
    assert browser.get(url).status_code == 302
    assert Consent.objects.get(pk=world["consent"].pk).withdrawn_at == first
    assert (
        AuditEvent.objects.filter(object_type="clients.consent", action=AuditAction.UPDATE).count()
        == 1
    )


def test_consent_of_another_client_cannot_be_withdrawn_through_this_one(
    world: dict[str, Any], login: Any
) -> None:
    other = make_client(world["provider"], worker_of(world))
    response = login(worker_of(world)).post(
        reverse("clients:consent_withdraw", args=[other.pk, world["consent"].pk])
    )
    assert response.status_code == 404
    assert Consent.objects.get(pk=world["consent"].pk).withdrawn_at is None


# --- guidance plan -------------------------------------------------------------------------------


def test_plan_goal_action_done_and_review(world: dict[str, Any], login: Any) -> None:
    browser = login(worker_of(world))
    client = make_client(world["provider"], worker_of(world))
    pk = client.pk
    assert browser.get(reverse("clients:goal_add", args=[pk])).status_code == 200
    response = browser.post(
        reverse("clients:goal_add", args=[pk]),
        {"domain": "huisvesting", "description": "Zelfstandig wonen"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get(client=client)
    assert goal.domain == "huisvesting"
    # Adding to the plan plans the first review, 6 months ahead.
    [review] = Review.objects.filter(client=client)
    assert review.held_on is None and review.due_on > TODAY() + dt.timedelta(days=180)

    response = browser.post(
        reverse("clients:action_add", args=[pk]),
        {
            "goal": goal.pk,
            "description": "Huurcontract bespreken",
            "owner": "corporation",
            "due_on": "2030-01-01",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(client=client)
    assert action.goal == goal and action.owner == "corporation"

    assert browser.post(reverse("clients:action_done", args=[pk, action.pk])).status_code == 302
    action.refresh_from_db()
    assert action.done_on == TODAY()

    held = TODAY() - dt.timedelta(days=2)
    response = browser.post(
        reverse("clients:review_hold", args=[pk]),
        {"held_on": held.isoformat(), "summary": "Loopt goed"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.held_on == held and review.summary == "Loopt goed"
    planned = Review.objects.get(client=client, held_on__isnull=True)
    assert planned.due_on == held + relativedelta(months=6)


def test_plan_forms_refuse_wrong_input(world: dict[str, Any], login: Any) -> None:
    browser = login(worker_of(world))
    pk = world["client"].pk
    other_goal = Goal.objects.create(client=make_client(world["provider"]), description="ander")
    before = (
        Goal.objects.count(),
        Action.objects.count(),
        list(Review.objects.values_list("pk", "held_on")),
    )
    assert (
        browser.post(
            reverse("clients:goal_add", args=[pk]), {"domain": "onzin", "description": "x"}
        ).status_code
        == 200
    )
    assert (
        browser.post(reverse("clients:goal_add", args=[pk]), {"description": ""}).status_code == 200
    )
    response = browser.post(
        reverse("clients:action_add", args=[pk]),
        {"goal": other_goal.pk, "description": "x", "owner": "client", "due_on": "2030-01-01"},
    )
    assert "goal" in response.context["form"].errors
    response = browser.post(
        reverse("clients:review_hold", args=[pk]), {"held_on": "2999-01-01", "summary": "x"}
    )
    assert "held_on" in response.context["form"].errors
    assert (
        Goal.objects.count(),
        Action.objects.count(),
        list(Review.objects.values_list("pk", "held_on")),
    ) == before


def test_marking_an_action_of_another_client_done_is_refused(
    world: dict[str, Any], login: Any
) -> None:
    other = make_client(world["provider"], worker_of(world))
    response = login(worker_of(world)).post(
        reverse("clients:action_done", args=[other.pk, world["action"].pk])
    )
    assert response.status_code == 404
    assert Action.objects.get(pk=world["action"].pk).done_on is None
