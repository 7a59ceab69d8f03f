"""The nomination and placement-meeting screens: what they offer, what they refuse, and that bad
input is answered on the form without losing what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from doorstroom.clients.readiness import evaluate
from doorstroom.lettings import services
from doorstroom.lettings.models import (
    Decision,
    MeetingDecision,
    Nomination,
    NominationStatus,
    PlacementMeeting,
)
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.models import Complex
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory
from tests.lettings.helpers import (
    MOTIVATION,
    OVERRIDE_REASON,
    in_language,
    make_client,
    meeting,
    nominate,
)

pytestmark = pytest.mark.django_db


def nominate_url(client: Any) -> str:
    return reverse("lettings:nominate", kwargs={"client_id": client.pk})


# --- the nomination form -------------------------------------------------------------------------


def test_the_form_offers_complexes_with_a_current_agreement_only(
    world: dict[str, Any], login: Any
) -> None:
    ended = ComplexFactory(corporation=world["corporation"], name="Afgelopen Hof")
    AgreementFactory(
        complex=ended,
        care_provider=world["provider"],
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )
    client = make_client(world["provider"], world["worker"])
    response = login(world["worker"]).get(nominate_url(client))
    assert response.status_code == 200
    choices = {str(c) for c in response.context["form"].fields["complex"].queryset}
    assert choices == {str(world["complex"])}
    dwelling_ids = set(response.context["form"].dwellings)
    assert dwelling_ids == {d.pk for d in world["dwellings"]}


def test_a_case_worker_nominates_a_ready_client(world: dict[str, Any], login: Any) -> None:
    client = make_client(world["provider"], world["worker"])
    dwelling = world["dwellings"][1]
    response = login(world["worker"]).post(
        nominate_url(client),
        {"complex": world["complex"].pk, "dwelling": dwelling.pk, "motivation": MOTIVATION},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("lettings:own")
    nomination = Nomination.objects.get(client=client)
    assert nomination.dwelling == dwelling
    assert nomination.nominated_by == world["worker"]
    assert nomination.status == NominationStatus.OPEN


def test_the_override_field_is_shown_to_team_leads_only(world: dict[str, Any], login: Any) -> None:
    client = make_client(world["provider"], world["worker"], ready=False)
    as_worker = login(world["worker"]).get(nominate_url(client))
    as_lead = login(world["lead"]).get(nominate_url(client))
    assert "override_reason" not in as_worker.context["form"].fields
    assert 'name="override_reason"' not in as_worker.content.decode()
    assert "override_reason" in as_lead.context["form"].fields
    assert 'name="override_reason"' in as_lead.content.decode()


def test_a_refusal_names_the_failing_gates_and_keeps_the_input(
    world: dict[str, Any], login: Any
) -> None:
    client = make_client(world["provider"], world["worker"], ready=False)
    response = login(world["worker"]).post(
        nominate_url(client),
        {
            "complex": world["complex"].pk,
            "motivation": MOTIVATION,
            # Not on the case worker's form: a crafted post must not slip an override through.
            "override_reason": OVERRIDE_REASON,
        },
    )
    assert response.status_code == 400
    assert not Nomination.objects.exists()
    page = response.content.decode()
    errors = " ".join(response.context["form"].non_field_errors())
    for gate in evaluate(client).failing:
        assert gate.label in errors
        assert gate.label in page
    assert MOTIVATION in page  # what was typed is still there


def test_a_team_lead_overrides_through_the_form(world: dict[str, Any], login: Any) -> None:
    client = make_client(world["provider"], world["worker"], ready=False)
    response = login(world["lead"]).post(
        nominate_url(client),
        {
            "complex": world["complex"].pk,
            "motivation": MOTIVATION,
            "override_reason": OVERRIDE_REASON,
        },
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get(client=client)
    assert nomination.override_by == world["lead"]
    assert nomination.override_reason == OVERRIDE_REASON


def test_a_complex_without_an_agreement_is_answered_on_the_form(
    world: dict[str, Any], login: Any
) -> None:
    client = make_client(world["provider"], world["worker"])
    response = login(world["worker"]).post(
        nominate_url(client), {"complex": world["elsewhere"].pk, "motivation": MOTIVATION}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["complex"]
    assert MOTIVATION in response.content.decode()
    assert not Nomination.objects.exists()


def test_an_agreement_ending_between_form_and_post_is_answered_on_the_form(
    world: dict[str, Any], login: Any, monkeypatch: Any
) -> None:
    """The form offers the complex, but the service finds no current agreement any more."""
    from doorstroom.lettings import views

    client = make_client(world["provider"], world["worker"])
    world["agreement"].end_date = timezone.localdate()
    world["agreement"].save()
    stale = Complex.objects.filter(pk=world["complex"].pk).select_related("corporation")
    monkeypatch.setattr(views, "nominable_complexes", lambda provider_id: stale)
    response = login(world["worker"]).post(
        nominate_url(client), {"complex": world["complex"].pk, "motivation": MOTIVATION}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["complex"] == [
        in_language("Your organisation has no current agreement for this complex.")
    ]
    assert not Nomination.objects.exists()


def test_a_dwelling_in_another_complex_is_answered_on_the_form(
    world: dict[str, Any], login: Any
) -> None:
    second = ComplexFactory(corporation=world["corporation"], name="Tweede Galerij")
    AgreementFactory(complex=second, care_provider=world["provider"])
    other_dwelling = DwellingFactory(complex=second)
    client = make_client(world["provider"], world["worker"])
    response = login(world["worker"]).post(
        nominate_url(client),
        {
            "complex": world["complex"].pk,
            "dwelling": other_dwelling.pk,
            "motivation": MOTIVATION,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["dwelling"]
    assert not Nomination.objects.exists()


def test_a_second_open_nomination_is_answered_on_the_form(
    world: dict[str, Any], login: Any
) -> None:
    client = make_client(world["provider"], world["worker"])
    nominate(client, world["complex"], world["worker"])
    browser = login(world["worker"])
    page = browser.get(nominate_url(client))
    assert page.context["current"].client == client  # the form warns before anything is typed
    response = browser.post(
        nominate_url(client), {"complex": world["complex"].pk, "motivation": MOTIVATION}
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Nomination.objects.filter(client=client).count() == 1


def test_a_nomination_is_withdrawn_from_the_list(world: dict[str, Any], login: Any) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    response = login(world["worker"]).post(reverse("lettings:withdraw", args=[nomination.pk]))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.WITHDRAWN


@pytest.mark.parametrize(
    "person", [Role.MIXED_LIVING_MANAGER, "other_case_worker", "platform_admin"]
)
def test_others_cannot_withdraw(world: dict[str, Any], login: Any, person: str) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    response = login(world["people"][person]).post(
        reverse("lettings:withdraw", args=[nomination.pk])
    )
    assert response.status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.OPEN


# --- the lists -----------------------------------------------------------------------------------


def test_the_care_provider_sees_its_nominations_and_the_decision(
    world: dict[str, Any], login: Any
) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    held = meeting(world["corporation"], world["provider"], world["manager"])
    services.decide(
        acting_user=world["manager"],
        meeting=held,
        nomination=nomination,
        decision=Decision.ACCEPTED,
        reason="Past goed bij de galerij.",
    )
    response = login(world["worker"]).get(reverse("lettings:own"))
    page = response.content.decode()
    assert client.reference in page
    assert "Past goed bij de galerij." in page
    assert "ds-status--accepted" in page
    filtered = login(world["lead"]).get(reverse("lettings:own"), {"status": "open"})
    assert client.reference not in filtered.content.decode()


def test_the_overrides_list_shows_reason_and_who(world: dict[str, Any], login: Any) -> None:
    ready = make_client(world["provider"], world["worker"], first_name="Anna", bsn=None)
    nominate(ready, world["complex"], world["worker"])
    overridden = make_client(world["provider"], world["worker"], ready=False, bsn=None)
    nominate(overridden, world["complex"], world["lead"], override_reason=OVERRIDE_REASON)
    response = login(world["lead"]).get(reverse("lettings:overrides"))
    rows = [row["nomination"] for row in response.context["rows"]]
    assert [n.client for n in rows] == [overridden]
    page = response.content.decode()
    assert OVERRIDE_REASON in page
    assert escape(str(world["lead"])) in page


def test_incoming_lists_the_corporations_complexes_only(
    world: dict[str, Any], login: Any, member: Any
) -> None:
    client = make_client(world["provider"], world["worker"])
    nomination = nominate(client, world["complex"], world["worker"])
    response = login(world["manager"]).get(reverse("lettings:incoming"))
    assert [row["nomination"] for row in response.context["rows"]] == [nomination]
    other = login(world["people"]["other_manager"]).get(reverse("lettings:incoming"))
    assert other.context["rows"] == []


# --- placement meetings --------------------------------------------------------------------------


def test_a_manager_records_a_meeting_with_attendees_of_both_sides(
    world: dict[str, Any], login: Any
) -> None:
    browser = login(world["manager"])
    form_page = browser.get(reverse("lettings:meeting_add"))
    assert form_page.status_code == 200  # one partner: straight to the meeting form
    offered = set(form_page.context["form"].fields["attendees"].queryset)
    assert {world["manager"], world["worker"], world["lead"]} <= offered
    assert world["people"]["other_case_worker"] not in offered
    assert world["people"][Role.POLICY_OFFICER] not in offered
    today = timezone.localdate()
    response = browser.post(
        reverse("lettings:meeting_add"),
        {
            "partner": world["provider"].pk,
            "held_on": today.isoformat(),
            "attendees": [world["manager"].pk, world["lead"].pk],
            "notes": "Maandelijks overleg.",
        },
    )
    assert response.status_code == 302
    held = PlacementMeeting.objects.get()
    assert response["Location"] == reverse("lettings:meeting", args=[held.pk])
    assert (held.corporation, held.care_provider, held.held_on) == (
        world["corporation"],
        world["provider"],
        today,
    )
    assert set(held.attendees.all()) == {world["manager"], world["lead"]}


def test_a_care_provider_chooses_the_corporation_first(world: dict[str, Any], login: Any) -> None:
    second = ComplexFactory(name="Elders")
    AgreementFactory(complex=second, care_provider=world["provider"])
    browser = login(world["lead"])
    step_one = browser.get(reverse("lettings:meeting_add"))
    assert "partner_form" in step_one.context
    assert set(step_one.context["partners"]) == {world["corporation"], second.corporation}
    step_two = browser.get(reverse("lettings:meeting_add"), {"partner": world["corporation"].pk})
    assert step_two.context["corporation"] == world["corporation"]
    assert step_two.context["care_provider"] == world["provider"]
    stranger = browser.get(
        reverse("lettings:meeting_add"), {"partner": world["people"]["other_manager"].pk}
    )
    assert stranger.status_code == 400


def test_a_meeting_without_attendees_keeps_the_notes(world: dict[str, Any], login: Any) -> None:
    response = login(world["manager"]).post(
        reverse("lettings:meeting_add"),
        {
            "partner": world["provider"].pk,
            "held_on": timezone.localdate().isoformat(),
            "notes": "Notities die niet verloren mogen gaan.",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["attendees"]
    assert "Notities die niet verloren mogen gaan." in response.content.decode()
    assert not PlacementMeeting.objects.exists()


def test_a_forged_attendee_is_refused(world: dict[str, Any], login: Any) -> None:
    response = login(world["manager"]).post(
        reverse("lettings:meeting_add"),
        {
            "partner": world["provider"].pk,
            "held_on": timezone.localdate().isoformat(),
            "attendees": [world["manager"].pk, world["people"]["other_case_worker"].pk],
        },
    )
    assert response.status_code == 400
    assert not PlacementMeeting.objects.exists()


def test_the_meeting_lists_open_nominations_of_its_organisations(
    world: dict[str, Any], login: Any, member: Any
) -> None:
    mine = nominate(
        make_client(world["provider"], world["worker"]), world["complex"], world["worker"]
    )
    other = member(Role.CASE_WORKER)
    AgreementFactory(complex=world["complex"], care_provider=other.organisation)
    theirs = nominate(make_client(other.organisation, other.user), world["complex"], other.user)
    withdrawn = nominate(
        make_client(world["provider"], world["worker"], bsn=None), world["complex"], world["worker"]
    )
    services.withdraw_nomination(acting_user=world["worker"], nomination=withdrawn)
    held = meeting(world["corporation"], world["provider"], world["manager"])
    response = login(world["manager"]).get(reverse("lettings:meeting", args=[held.pk]))
    listed = [row["nomination"] for row in response.context["rows"]]
    assert listed == [mine]
    assert theirs not in listed


def decide_url(held: Any, nomination: Any) -> str:
    return reverse("lettings:decide", args=[held.pk, nomination.pk])


def test_the_meeting_accepts_a_nomination(world: dict[str, Any], login: Any) -> None:
    nomination = nominate(
        make_client(world["provider"], world["worker"]), world["complex"], world["worker"]
    )
    held = meeting(world["corporation"], world["provider"], world["manager"])
    prefix = f"n{nomination.pk}"
    response = login(world["manager"]).post(
        decide_url(held, nomination),
        {f"{prefix}-decision": Decision.ACCEPTED, f"{prefix}-reason": "Past goed."},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ACCEPTED
    page = login(world["worker"]).get(reverse("lettings:meeting", args=[held.pk]))
    assert page.context["rows"] == []
    assert [d.nomination for d in page.context["decisions"]] == [nomination]


def test_a_deferral_without_a_review_date_keeps_the_reasons(
    world: dict[str, Any], login: Any
) -> None:
    nomination = nominate(
        make_client(world["provider"], world["worker"]), world["complex"], world["worker"]
    )
    held = meeting(world["corporation"], world["provider"], world["manager"])
    prefix = f"n{nomination.pk}"
    response = login(world["lead"]).post(
        decide_url(held, nomination),
        {f"{prefix}-decision": Decision.DEFERRED, f"{prefix}-reason": "Eerst nieuwe meting."},
    )
    assert response.status_code == 400
    row = next(r for r in response.context["rows"] if r["nomination"] == nomination)
    assert row["form"].errors["review_on"]
    assert "Eerst nieuwe meting." in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.OPEN
    review_on = held.held_on + dt.timedelta(days=28)
    response = login(world["worker"]).post(
        decide_url(held, nomination),
        {
            f"{prefix}-decision": Decision.DEFERRED,
            f"{prefix}-reason": "Eerst nieuwe meting.",
            f"{prefix}-review_on": review_on.isoformat(),
        },
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.status, nomination.review_on) == (NominationStatus.DEFERRED, review_on)


def test_deciding_twice_is_answered_with_a_message(world: dict[str, Any], login: Any) -> None:
    nomination = nominate(
        make_client(world["provider"], world["worker"]), world["complex"], world["worker"]
    )
    held = meeting(world["corporation"], world["provider"], world["manager"])
    prefix = f"n{nomination.pk}"
    data = {f"{prefix}-decision": Decision.REJECTED, f"{prefix}-reason": "Past niet."}
    browser = login(world["manager"])
    assert browser.post(decide_url(held, nomination), data).status_code == 302
    again = browser.post(decide_url(held, nomination), data, follow=True)
    assert again.status_code == 200
    assert list(again.context["messages"])
    assert MeetingDecision.objects.count() == 1


@pytest.mark.parametrize(
    "person",
    [
        "other_manager",
        "other_case_worker",
        Role.LETTING_OFFICER,
        Role.POLICY_OFFICER,
        "corporation_privacy_officer",
        "platform_admin",
    ],
)
def test_a_decision_from_outside_the_meeting_organisations_is_a_404(
    world: dict[str, Any], login: Any, person: str
) -> None:
    nomination = nominate(
        make_client(world["provider"], world["worker"]), world["complex"], world["worker"]
    )
    held = meeting(world["corporation"], world["provider"], world["manager"])
    prefix = f"n{nomination.pk}"
    response = login(world["people"][person]).post(
        decide_url(held, nomination),
        {f"{prefix}-decision": Decision.ACCEPTED, f"{prefix}-reason": "Akkoord."},
    )
    assert response.status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.OPEN


def test_a_nomination_of_another_provider_cannot_be_decided_here(
    world: dict[str, Any], login: Any, member: Any
) -> None:
    other = member(Role.CASE_WORKER)
    AgreementFactory(complex=world["complex"], care_provider=other.organisation)
    theirs = nominate(make_client(other.organisation, other.user), world["complex"], other.user)
    held = meeting(world["corporation"], world["provider"], world["manager"])
    prefix = f"n{theirs.pk}"
    response = login(world["manager"]).post(
        decide_url(held, theirs),
        {f"{prefix}-decision": Decision.ACCEPTED, f"{prefix}-reason": "Akkoord."},
    )
    assert response.status_code == 404
