"""Applications that did not lead to a tenancy are erased after the retention period, by the
scheduled job in the real background worker; allocated ones and recent ones stay."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from doorstroom.audit.models import AuditEvent
from doorstroom.lettings.models import Application, ApplicationStatus
from doorstroom.lettings.retention import erase_stale_applications
from tests.factories import ApplicationFactory, VacancyFactory

LONG_AGO = timezone.now() - dt.timedelta(days=200)
RECENTLY = timezone.now() - dt.timedelta(days=30)


def _applications() -> dict[str, Any]:
    vacancy = VacancyFactory()
    return {
        "withdrawn_long_ago": ApplicationFactory(
            vacancy=vacancy, status=ApplicationStatus.WITHDRAWN, ended_at=LONG_AGO
        ),
        "not_selected_long_ago": ApplicationFactory(
            vacancy=vacancy, status=ApplicationStatus.NOT_SELECTED, ended_at=LONG_AGO
        ),
        "not_selected_recently": ApplicationFactory(
            vacancy=vacancy, status=ApplicationStatus.NOT_SELECTED, ended_at=RECENTLY
        ),
        "allocated_long_ago": ApplicationFactory(
            vacancy=vacancy, status=ApplicationStatus.ALLOCATED, ended_at=LONG_AGO
        ),
        "still_running": ApplicationFactory(vacancy=vacancy, status=ApplicationStatus.SUBMITTED),
    }


def _unverified_long_ago() -> Application:
    application = ApplicationFactory(status=ApplicationStatus.UNVERIFIED, verified_at=None)
    Application.objects.filter(pk=application.pk).update(submitted_at=LONG_AGO)
    return application


@pytest.mark.django_db
def test_only_stale_applications_that_led_nowhere_are_erased() -> None:
    made = _applications()
    unverified = _unverified_long_ago()

    assert erase_stale_applications() == 3
    left = set(Application.objects.values_list("pk", flat=True))
    assert left == {
        made["not_selected_recently"].pk,
        made["allocated_long_ago"].pk,
        made["still_running"].pk,
    }
    assert unverified.pk not in left
    erased = AuditEvent.objects.filter(object_type="lettings.application", action="delete")
    assert erased.count() == 3
    assert all(made["withdrawn_long_ago"].full_name not in e.object_label for e in erased)
    # Running it again erases nothing more.
    assert erase_stale_applications() == 0


@pytest.mark.django_db
def test_the_retention_period_is_configurable(settings: Any) -> None:
    made = _applications()
    settings.APPLICATION_RETENTION_MONTHS = 12
    assert erase_stale_applications() == 0
    settings.APPLICATION_RETENTION_MONTHS = 0
    assert erase_stale_applications() == 3
    assert Application.objects.filter(pk=made["allocated_long_ago"].pk).exists()


@pytest.mark.django_db(transaction=True)
def test_run_scheduled_hands_the_erasure_to_the_real_worker() -> None:
    made = _applications()
    call_command("run-scheduled")
    # Nothing happens in the command itself: the worker does the work.
    assert Application.objects.filter(pk=made["withdrawn_long_ago"].pk).exists()
    call_command("worker", "--batch", "--no-startup-delay")
    assert not Application.objects.filter(pk=made["withdrawn_long_ago"].pk).exists()
    assert Application.objects.filter(pk=made["still_running"].pk).exists()
