"""Privacy of the nomination screens.

- Every screen, for every role (plus a manager of another corporation, a case worker of another
  care provider and a platform administrator): who gets the page and who gets a 404.
- Corporation staff never see a client's name, BSN, date of birth, ZRM scores or notes, nor the
  team lead's override reason: only the pseudonymous reference.
- The readiness outcome shows for the corporation only while the client's consent (scope
  readiness outcome, partner = the corporation) is in force, and is gone right after withdrawal.
- Every page runs a fixed number of queries, whatever the number of nominations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from doorstroom.clients import services as clients_services
from doorstroom.clients import zrm
from doorstroom.clients.models import Consent, ConsentMethod, ConsentScope
from doorstroom.clients.sharing import readiness_for_partner
from doorstroom.lettings import services
from doorstroom.lettings.models import Decision
from doorstroom.organisations.roles import Role
from tests.factories import AgreementFactory, ComplexFactory, DwellingFactory
from tests.lettings.helpers import (
    ASSESSMENT_NOTE,
    OVERRIDE_REASON,
    SECRETS,
    consent,
    in_language,
    make_client,
    meeting,
    nominate,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

PROVIDER = {Role.CASE_WORKER, Role.TEAM_LEAD}
MANAGER = {Role.MIXED_LIVING_MANAGER}
ALLOWED: dict[str, set[str]] = {
    "own": PROVIDER | {"other_case_worker"},
    "nominate": PROVIDER,
    "overrides": {Role.TEAM_LEAD},
    "incoming": MANAGER | {"other_manager"},
    "meetings": PROVIDER | MANAGER | {"other_case_worker", "other_manager"},
    "meeting_add": PROVIDER | MANAGER | {"other_case_worker", "other_manager"},
    "meeting": PROVIDER | MANAGER,
}
PEOPLE = [
    *Role.values,
    "corporation_privacy_officer",
    "other_manager",
    "other_case_worker",
    "platform_admin",
]
#: People of the corporation (and of another one): what they can open must never identify a client.
CORPORATION_PEOPLE = [
    Role.MIXED_LIVING_MANAGER,
    Role.LETTING_OFFICER,
    Role.RESIDENT,
    "corporation_privacy_officer",
    "other_manager",
]


@pytest.fixture
def scene(world: dict[str, Any]) -> dict[str, Any]:
    """A ready client nominated (open), a client nominated with an override, and a meeting that
    accepted a third client's nomination."""
    worker, lead, manager = world["worker"], world["lead"], world["manager"]
    ready = make_client(world["provider"], worker)
    open_nomination = nominate(ready, world["complex"], worker, dwelling=world["dwellings"][0])
    overridden = make_client(
        world["provider"], worker, ready=False, first_name="Xaverius", bsn=None
    )
    nominate(overridden, world["complex"], lead, override_reason=OVERRIDE_REASON)
    accepted_client = make_client(world["provider"], worker, first_name="Ysolde", bsn=None)
    accepted = nominate(accepted_client, world["complex"], worker)
    held = meeting(world["corporation"], world["provider"], manager, worker)
    services.decide(
        acting_user=manager,
        meeting=held,
        nomination=accepted,
        decision=Decision.ACCEPTED,
        reason="Past goed bij de galerij.",
    )
    return {
        **world,
        "client": ready,
        "nomination": open_nomination,
        "meeting": held,
        "urls": {
            "own": reverse("lettings:own"),
            "nominate": reverse("lettings:nominate", kwargs={"client_id": ready.pk}),
            "overrides": reverse("lettings:overrides"),
            "incoming": reverse("lettings:incoming"),
            "meetings": reverse("lettings:meetings"),
            "meeting_add": reverse("lettings:meeting_add"),
            "meeting": reverse("lettings:meeting", args=[held.pk]),
        },
    }


@pytest.mark.parametrize("screen", sorted(ALLOWED))
def test_screen_answers_each_role_correctly(scene: dict[str, Any], login: Any, screen: str) -> None:
    url = scene["urls"][screen]
    for person in PEOPLE:
        response = login(scene["people"][person]).get(url)
        expected = 200 if person in ALLOWED[screen] else 404
        assert response.status_code == expected, f"{person} on {screen}: {response.status_code}"


def special_category_texts() -> list[str]:
    """What ZRM scores and readiness details look like on a page, in the interface language."""
    score = in_language("Score %(score)s, at least %(minimum)s needed.") % {
        "score": 4,
        "minimum": 4,
    }
    with translation.override(settings.LANGUAGE_CODE):
        domains = [str(domain.label) for domain in zrm.domains()]
    return [score, *domains, "ds-gate-badge", "ds-readiness-panel"]


def test_corporation_staff_never_see_who_the_client_is(scene: dict[str, Any], login: Any) -> None:
    forbidden = [*SECRETS, OVERRIDE_REASON, "Xaverius", "Ysolde", *special_category_texts()]
    seen = 0
    for person in CORPORATION_PEOPLE:
        browser = login(scene["people"][person])
        for screen, url in scene["urls"].items():
            response = browser.get(url)
            if response.status_code != 200:
                continue
            seen += 1
            page = response.content.decode()
            for text in forbidden:
                assert text not in page, f"{text!r} on {screen} for {person}"
    assert seen >= 6  # the manager's four screens and the other manager's lists were checked
    manager_page = login(scene["manager"]).get(scene["urls"]["incoming"]).content.decode()
    assert scene["client"].reference in manager_page


def test_the_care_provider_does_see_its_own_client(scene: dict[str, Any], login: Any) -> None:
    """The check above can see a name: on the provider's own list it is there."""
    page = login(scene["worker"]).get(scene["urls"]["own"]).content.decode()
    assert scene["client"].first_name in page
    assert ASSESSMENT_NOTE not in page


def readiness_marks(page: str) -> int:
    return page.count("ds-readiness ds-readiness--")


def test_the_readiness_outcome_follows_consent(scene: dict[str, Any], login: Any) -> None:
    client, corporation, worker = scene["client"], scene["corporation"], scene["worker"]
    manager = login(scene["manager"])
    not_shared = in_language("Not shared")

    def pages() -> list[str]:
        return [
            manager.get(scene["urls"]["incoming"]).content.decode(),
            manager.get(scene["urls"]["meeting"]).content.decode(),
        ]

    for page in pages():
        assert readiness_marks(page) == 0
        assert not_shared in page

    # Consent for another partner or for another scope shares nothing with this corporation.
    consent(client, scene["people"]["other_manager"].memberships.get().organisation, worker)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    clients_services.record_consent(
        acting_user=worker,
        consent=Consent(
            client=client,
            partner=corporation,
            scope=ConsentScope.LABEL_AND_CONTACT,
            method=ConsentMethod.VERBAL,
            given_on=yesterday,
            valid_from=yesterday,
        ),
    )
    assert all(readiness_marks(page) == 0 for page in pages())

    given = consent(client, corporation, worker)
    assert readiness_for_partner(client, corporation.pk) == "ready"
    for page in pages():
        assert readiness_marks(page) == 1
        assert "ds-readiness--ready" in page

    clients_services.withdraw_consent(acting_user=worker, consent=given)
    for page in pages():
        assert readiness_marks(page) == 0
        assert not_shared in page


def test_an_expired_consent_shares_nothing(scene: dict[str, Any], login: Any) -> None:
    today = timezone.localdate()
    clients_services.record_consent(
        acting_user=scene["worker"],
        consent=Consent(
            client=scene["client"],
            partner=scene["corporation"],
            scope=ConsentScope.READINESS_OUTCOME,
            method=ConsentMethod.WRITTEN,
            given_on=today - dt.timedelta(days=400),
            valid_from=today - dt.timedelta(days=400),
            expires_on=today,
        ),
    )
    page = login(scene["manager"]).get(scene["urls"]["incoming"]).content.decode()
    assert readiness_marks(page) == 0


def test_the_outcome_is_what_sharing_says_for_a_client_who_is_not_ready(
    scene: dict[str, Any], login: Any
) -> None:
    """A not-ready client nominated with an override: the corporation sees 'not yet' with consent,
    and a client without any assessment shows as 'not ready'."""
    worker = scene["worker"]
    overridden = scene["client"].__class__.objects.get(first_name="Xaverius")
    consent(overridden, scene["corporation"], worker)
    unassessed = make_client(
        scene["provider"], worker, ready=True, assessed=False, first_name="Wolf", bsn=None
    )
    nominate(unassessed, scene["complex"], scene["lead"], override_reason=OVERRIDE_REASON)
    consent(unassessed, scene["corporation"], worker)
    rows = login(scene["manager"]).get(scene["urls"]["incoming"]).context["rows"]
    shown = {row["nomination"].client_id: row["readiness"].verdict for row in rows}
    assert shown[overridden.pk] == readiness_for_partner(overridden, scene["corporation"].pk)
    assert shown[overridden.pk] == "not_yet"
    assert shown[unassessed.pk] == readiness_for_partner(unassessed, scene["corporation"].pk)
    assert shown[unassessed.pk] == "not_ready"
    assert shown[scene["client"].pk] is None


# --- a fixed number of queries -------------------------------------------------------------------


def grow(scene: dict[str, Any], extra: int, offset: int) -> None:
    """More of everything every page lists: nominations with consent (open, overridden,
    decided), meetings, complexes and dwellings to nominate for, and possible attendees."""
    worker, lead, manager = scene["worker"], scene["lead"], scene["manager"]
    for number in range(offset, offset + extra):
        ready = make_client(scene["provider"], worker, first_name=f"Klant{number}", bsn=None)
        consent(ready, scene["corporation"], worker)
        nominate(ready, scene["complex"], worker, dwelling=scene["dwellings"][number % 2])
        late = make_client(
            scene["provider"], worker, ready=False, first_name=f"Later{number}", bsn=None
        )
        consent(late, scene["corporation"], worker)
        nominate(late, scene["complex"], lead, override_reason=OVERRIDE_REASON)
        decided = make_client(scene["provider"], worker, first_name=f"Besluit{number}", bsn=None)
        nomination = nominate(decided, scene["complex"], worker)
        held = meeting(scene["corporation"], scene["provider"], manager, worker, lead)
        services.decide(
            acting_user=manager,
            meeting=scene["meeting"],
            nomination=nomination,
            decision=Decision.DEFERRED,
            reason="Later opnieuw.",
            review_on=held.held_on + dt.timedelta(days=14),
        )
        complex_ = ComplexFactory(corporation=scene["corporation"])
        AgreementFactory(complex=complex_, care_provider=scene["provider"])
        DwellingFactory.create_batch(3, complex=complex_)


@pytest.mark.parametrize(
    ("screen", "person"),
    [
        ("own", Role.CASE_WORKER),
        ("nominate", Role.CASE_WORKER),
        ("overrides", Role.TEAM_LEAD),
        ("incoming", Role.MIXED_LIVING_MANAGER),
        ("meetings", Role.MIXED_LIVING_MANAGER),
        ("meeting_add", Role.MIXED_LIVING_MANAGER),
        ("meeting", Role.MIXED_LIVING_MANAGER),
        ("meeting", Role.TEAM_LEAD),
    ],
)
def test_pages_run_a_fixed_number_of_queries(
    scene: dict[str, Any], login: Any, member: Any, screen: str, person: str
) -> None:
    browser = login(scene["people"][person])
    url = scene["urls"][screen]
    grow(scene, 1, 0)
    small = count_queries(browser, url)
    grow(scene, 4, 1)
    for _ in range(3):
        member(Role.CASE_WORKER, organisation=scene["provider"])
    larger = count_queries(browser, url)
    assert small == larger, f"{screen}: {small} queries with a few rows, {larger} with more"
