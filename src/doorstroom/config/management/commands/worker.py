"""`doorstroom worker`: the background worker (django-tasks' database worker)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    help = "Run the background worker that executes imports and scheduled jobs."
