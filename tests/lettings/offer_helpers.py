"""Building blocks for the offer and allocation tests: a regular vacancy with interviewed
candidates, and a care-stream vacancy with an accepted nomination."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone

from doorstroom.lettings import services
from doorstroom.lettings.models import (
    AffordabilityLimits,
    Application,
    InterviewOutcome,
    InterviewSlot,
    LettingPolicy,
    Nomination,
    Vacancy,
)
from doorstroom.portfolio.mix import Stream
from tests.factories import ApplicationFactory, VacancyFactory
from tests.lettings.helpers import consent, make_client, meeting, nominate
from tests.migration_data import restore

AGREEMENTS = "Groet je buren.\nHoud de galerij vrij.\nKom naar de bewonersavond."


def limits_for_this_year() -> AffordabilityLimits:
    """The affordability limits for this year (see tests/migration_data.py)."""
    restore()
    return AffordabilityLimits.objects.get(year=timezone.localdate().year)


def ensure_reference_data() -> None:
    """The VERA lists, loaded again after a transactional test emptied the tables."""
    restore()


_slot_minutes = iter(range(10_000_000))


def interviewed(
    application: Application, interviewer: Any, outcome: str = InterviewOutcome.POSITIVE
) -> InterviewSlot:
    """Book and record an introduction interview for ``application``."""
    starts_at = timezone.now() - dt.timedelta(days=3, minutes=next(_slot_minutes))
    return InterviewSlot.objects.create(
        vacancy=application.vacancy,
        starts_at=starts_at,
        location="Buurtkamer",
        interviewer=interviewer,
        application=application,
        booked_at=starts_at - dt.timedelta(days=2),
        outcome=outcome,
        outcome_recorded_by=interviewer,
        outcome_recorded_at=starts_at,
    )


def regular_vacancy(dwelling: Any, **kwargs: Any) -> Vacancy:
    LettingPolicy.objects.get_or_create(
        complex=dwelling.complex, defaults={"community_agreements": AGREEMENTS}
    )
    return VacancyFactory(dwelling=dwelling, **kwargs)


def candidate(
    vacancy: Vacancy, interviewer: Any, outcome: str = InterviewOutcome.POSITIVE, **kwargs: Any
) -> Application:
    application = ApplicationFactory(vacancy=vacancy, **kwargs)
    interviewed(application, interviewer, outcome)
    return application


def care_vacancy(dwelling: Any) -> Vacancy:
    LettingPolicy.objects.get_or_create(
        complex=dwelling.complex, defaults={"community_agreements": AGREEMENTS}
    )
    return VacancyFactory(
        dwelling=dwelling,
        stream=Stream.CARE,
        proposed_stream=Stream.CARE,
        proposal_reason="The care provider's agreement has fewer dwellings than promised.",
        advert_published_at=None,
        advert_deadline=None,
    )


def accepted_nomination(world: dict[str, Any], **client: Any) -> Nomination:
    """A ready client of the world's care provider, nominated and accepted in a meeting."""
    provider, worker, manager = world["provider"], world["worker"], world["manager"]
    person = make_client(provider, worker, **client)
    consent(person, world["corporation"], worker)
    nomination = nominate(person, world["complex"], worker)
    held = meeting(world["corporation"], provider, manager, worker)
    services.decide(
        acting_user=manager,
        meeting=held,
        nomination=nomination,
        decision="accepted",
        reason="Past goed in de Galerij.",
    )
    nomination.refresh_from_db()
    return nomination


RENT = Decimal("650.00")


def linked_application(body: str) -> Application | None:
    """The application the personal link in an e-mail leads to."""
    found = re.search(r"https?://\S+/woningaanbod/reactie/([^/\s]+)/", body)
    assert found, "no personal link in the e-mail"
    return Application.objects.by_token(found.group(1)).first()
