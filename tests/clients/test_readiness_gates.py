"""Readiness gates on the latest ZRM: every gate, the three verdicts, per-provider policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from doorstroom.clients import services, zrm
from doorstroom.clients.models import Client, ReadinessPolicy
from doorstroom.clients.readiness import Readiness, evaluate
from doorstroom.organisations.roles import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def all_scores(level: int, **overrides: int) -> dict[str, int]:
    scores = {d.code: level for d in zrm.domains()}
    scores.update(overrides)
    return scores


@pytest.fixture
def worker(member: Any) -> Any:
    return member(Role.CASE_WORKER)


@pytest.fixture
def client_(worker: Any) -> Client:
    client = services.save_client(
        acting_user=worker.user,
        client=Client(
            care_provider=worker.organisation,
            first_name="Sam",
            last_name="de Vries",
            case_worker=worker.user,
        ),
    )
    services.confirm_checks(
        acting_user=worker.user,
        client=client,
        housing_skills=True,
        income=True,
        high_risk_signal_open=False,
    )
    return client


def gate(result: Any, key: str) -> Any:
    return next(g for g in result.gates if g.key == key)


def test_no_assessment_means_not_ready(client_: Client) -> None:
    result = evaluate(client_)
    assert result.verdict == Readiness.NOT_READY
    assert not gate(result, "assessment").passed


def test_all_gates_pass_means_ready(worker: Any, client_: Client) -> None:
    services.record_assessment(
        acting_user=worker.user, client=client_, assessed_on=TODAY, scores=all_scores(4)
    )
    result = evaluate(client_)
    assert result.verdict == Readiness.READY
    assert all(g.passed and g.reason for g in result.gates)


def test_addiction_first_makes_a_client_not_ready(worker: Any, client_: Client) -> None:
    services.record_assessment(
        acting_user=worker.user,
        client=client_,
        assessed_on=TODAY,
        scores=all_scores(5, middelengebruik=3),
    )
    result = evaluate(client_)
    assert result.verdict == Readiness.NOT_READY
    addiction = gate(result, "addiction")
    assert not addiction.passed and "3" in addiction.reason and "4" in addiction.reason


def test_low_finances_and_unconfirmed_checks_mean_not_yet(worker: Any, client_: Client) -> None:
    services.record_assessment(
        acting_user=worker.user,
        client=client_,
        assessed_on=TODAY,
        scores=all_scores(4, financien=2),
    )
    services.confirm_checks(
        acting_user=worker.user,
        client=client_,
        housing_skills=False,
        income=True,
        high_risk_signal_open=False,
    )
    result = evaluate(Client.objects.get(pk=client_.pk))
    assert result.verdict == Readiness.NOT_YET
    assert {g.key for g in result.failing} == {"finances", "housing_skills"}


def test_open_high_risk_signal_makes_a_client_not_ready(worker: Any, client_: Client) -> None:
    services.record_assessment(
        acting_user=worker.user, client=client_, assessed_on=TODAY, scores=all_scores(4)
    )
    services.confirm_checks(
        acting_user=worker.user,
        client=client_,
        housing_skills=True,
        income=True,
        high_risk_signal_open=True,
    )
    assert evaluate(Client.objects.get(pk=client_.pk)).verdict == Readiness.NOT_READY


def test_an_old_assessment_means_not_yet(worker: Any, client_: Client) -> None:
    services.record_assessment(
        acting_user=worker.user,
        client=client_,
        assessed_on=TODAY - dt.timedelta(days=400),
        scores=all_scores(4),
    )
    result = evaluate(client_)
    assert result.verdict == Readiness.NOT_YET
    assert not gate(result, "assessment").passed


def test_the_latest_assessment_counts(worker: Any, client_: Client) -> None:
    services.record_assessment(
        acting_user=worker.user,
        client=client_,
        assessed_on=TODAY - dt.timedelta(days=30),
        scores=all_scores(2),
    )
    services.record_assessment(
        acting_user=worker.user, client=client_, assessed_on=TODAY, scores=all_scores(4)
    )
    assert evaluate(client_).verdict == Readiness.READY


def test_gates_are_configurable_per_provider(worker: Any, client_: Client) -> None:
    services.record_assessment(
        acting_user=worker.user, client=client_, assessed_on=TODAY, scores=all_scores(4)
    )
    ReadinessPolicy.objects.create(care_provider=worker.organisation, min_addiction=5)
    assert evaluate(client_).verdict == Readiness.NOT_READY


def test_team_lead_sets_the_gates_for_the_provider_and_for_one_agreement(
    member: Any, login: Any
) -> None:
    from django.urls import reverse

    from tests.factories import AgreementFactory

    lead = member(Role.TEAM_LEAD)
    agreement = AgreementFactory(care_provider=lead.organisation)
    client = login(lead.user)
    url = reverse("clients:readiness_policy")
    data = {
        "min_addiction": "5",
        "min_finances": "3",
        "require_housing_skills": "on",
        "require_income": "on",
        "require_no_high_risk": "on",
        "max_assessment_age_days": "183",
    }
    assert client.post(url, data).status_code == 302
    assert (
        client.post(
            f"{url}?overeenkomst={agreement.pk}", {**data, "min_addiction": "3"}
        ).status_code
        == 302
    )
    policies = {p.agreement_id: p.min_addiction for p in ReadinessPolicy.objects.all()}
    assert policies == {None: 5, agreement.pk: 3}
    refused = client.post(url, {**data, "min_addiction": "7"})
    assert (
        refused.status_code == 200
        and ReadinessPolicy.objects.get(agreement=None).min_addiction == 5
    )


@pytest.mark.parametrize(
    "role", [Role.CASE_WORKER, Role.MIXED_LIVING_MANAGER, Role.PRIVACY_OFFICER]
)
def test_only_team_leads_open_the_gates_page(member: Any, login: Any, role: str) -> None:
    from django.urls import reverse

    assert login(member(role).user).get(reverse("clients:readiness_policy")).status_code == 404
