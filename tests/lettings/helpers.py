"""Building blocks for the lettings tests: a corporation, a care provider, clients in every state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from doorstroom.clients import services as clients_services
from doorstroom.clients import zrm
from doorstroom.clients.models import Client, Consent, ConsentMethod, ConsentScope
from doorstroom.lettings import services
from doorstroom.lettings.models import Nomination, PlacementMeeting

#: Identifying and special-category data that must never reach a corporation's screen.
FIRST_NAME = "Zebulon"
LAST_NAME = "Quackenbush"
BIRTH_DATE = dt.date(1981, 7, 13)
BSN = "111222333"
ASSESSMENT_NOTE = "Geheime notitie over een terugval in maart"
OVERRIDE_REASON = "Schuldhulpverlening loopt sinds kort, geheime zorgdetails"
MOTIVATION = "Wil graag een eigen plek tussen buren en helpt mee in de moestuin."
SECRETS = [
    FIRST_NAME,
    LAST_NAME,
    BSN,
    "13-07-1981",
    "1981-07-13",
    "13 juli 1981",
    "July 13, 1981",
    ASSESSMENT_NOTE,
]


def in_language(text: str) -> str:
    """``text`` as the interface shows it (the default language), whether translated yet or not."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(translation.gettext(text))


def make_client(
    provider: Any,
    worker: Any,
    *,
    ready: bool = True,
    assessed: bool = True,
    first_name: str = FIRST_NAME,
    last_name: str = LAST_NAME,
    bsn: str | None = BSN,
) -> Client:
    """A client of ``provider``: ready (every ZRM domain 4, checks confirmed) or not yet
    (checks not confirmed). The assessment carries a note that must stay inside the provider."""
    client = clients_services.save_client(
        acting_user=worker,
        client=Client(
            care_provider=provider,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=BIRTH_DATE,
            case_worker=worker,
        ),
        bsn=bsn,
    )
    if assessed:
        clients_services.record_assessment(
            acting_user=worker,
            client=client,
            assessed_on=timezone.localdate() - dt.timedelta(days=10),
            scores={domain.code: 4 for domain in zrm.domains()},
            notes={"middelengebruik": ASSESSMENT_NOTE},
        )
    clients_services.confirm_checks(
        acting_user=worker,
        client=client,
        housing_skills=ready,
        income=ready,
        high_risk_signal_open=False,
    )
    return client


def consent(client: Client, partner: Any, worker: Any) -> Consent:
    """The client consents to share the readiness outcome with ``partner``, from yesterday."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return clients_services.record_consent(
        acting_user=worker,
        consent=Consent(
            client=client,
            partner=partner,
            scope=ConsentScope.READINESS_OUTCOME,
            method=ConsentMethod.WRITTEN,
            given_on=yesterday,
            valid_from=yesterday,
        ),
    )


def nominate(client: Client, complex_: Any, worker: Any, **kwargs: Any) -> Nomination:
    return services.nominate(
        acting_user=worker, client=client, complex_=complex_, motivation=MOTIVATION, **kwargs
    )


def meeting(corporation: Any, provider: Any, manager: Any, *attendees: Any) -> PlacementMeeting:
    return services.hold_meeting(
        acting_user=manager,
        corporation=corporation,
        care_provider=provider,
        held_on=timezone.localdate(),
        attendees=[manager, *attendees],
        notes="Maandelijks overleg.",
    )
