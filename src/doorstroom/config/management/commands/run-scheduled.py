"""`doorstroom run-scheduled`: enqueue the day's scheduled jobs for the background worker.

Run it from cron or a systemd timer (docs/operations.md), e.g. every hour. Every job is
idempotent: running it twice on one day does nothing twice. The jobs run in the worker
(`doorstroom worker`), never in this command or in a web request.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from doorstroom.config.scheduling import scheduled_jobs


class Command(BaseCommand):
    help = "Enqueue the scheduled jobs (retention, expired offers, …) for the background worker."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, job in scheduled_jobs():
            result = job.enqueue()
            self.stdout.write(f"{name}: {result.id}")
