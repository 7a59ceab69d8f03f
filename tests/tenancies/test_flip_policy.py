"""The flip policy per agreement: the manager changes it, the care provider reads it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from doorstroom.audit.models import AuditEvent
from doorstroom.tenancies.checklist import evaluate
from doorstroom.tenancies.models import FlipPolicy

pytestmark = pytest.mark.django_db

VALID = {
    "months_without_arrears": "3",
    "no_open_nuisance": "on",
    "case_worker_advice": "on",
    "readiness_gates": "on",
    "attention_months": "30, 24",
    "aftercare_months": "6, 18",
}


def test_the_manager_changes_the_flip_policy_and_the_checklist_follows(
    world: dict[str, Any], login: Any
) -> None:
    url = reverse("placements:flip_policy", args=[world["agreement"].pk])
    response = login(world["manager"]).post(url, VALID)
    assert response.status_code == 302
    policy = FlipPolicy.objects.get(agreement=world["agreement"])
    assert policy.months_without_arrears == 3
    assert policy.attention_months == [24, 30]
    assert policy.aftercare_months == [6, 18]
    assert policy.client_wish is False
    keys = [item.key for item in evaluate(world["placement"]).items]
    assert "wish" not in " ".join(keys)
    assert AuditEvent.objects.filter(object_type="tenancies.flippolicy").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("attention_months", "24, dertig"), ("attention_months", "0, 40"), ("aftercare_months", "")],
)
def test_bad_months_are_refused_and_nothing_changes(
    world: dict[str, Any], login: Any, field: str, value: str
) -> None:
    url = reverse("placements:flip_policy", args=[world["agreement"].pk])
    response = login(world["manager"]).post(url, {**VALID, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    policy = FlipPolicy.objects.get(agreement=world["agreement"])
    assert policy.attention_months == [24, 30, 33]


def test_the_care_provider_reads_and_others_get_404(world: dict[str, Any], login: Any) -> None:
    url = reverse("placements:flip_policy", args=[world["agreement"].pk])
    for name in ("worker", "lead"):
        client = login(world[name])
        page = client.get(url)
        assert page.status_code == 200
        assert not page.context["may_change"]
        assert client.post(url, VALID).status_code == 404
    for name in ("team_member", "resident", "policy", "other_manager", "other_lead"):
        assert login(world[name]).get(url).status_code == 404


def test_without_consent_the_corporation_cannot_infer_readiness_from_the_whole(
    world: dict[str, Any], login: Any
) -> None:
    """All visible items met, readiness hidden: the whole waits for the care provider's sign-off
    (which needs readiness), so 'not met' never singles out the hidden item."""
    from doorstroom.tenancies import services
    from doorstroom.tenancies.checklist import visible_checklist
    from tests.tenancies.conftest import make_ready

    placement = make_ready(world)
    manager = world["manager"]
    assert evaluate(placement).met  # the client is ready, but did not consent to share it
    seen = visible_checklist(evaluate(placement), manager, placement)
    assert seen.item("readiness").met is None
    assert not seen.met
    page = login(manager).get(reverse("placements:list"))
    assert [p.checklist_met for p in page.context["page"].object_list] == [False]

    services.sign_off(acting_user=world["lead"], placement=placement)
    placement.refresh_from_db()
    assert visible_checklist(evaluate(placement), manager, placement).met
