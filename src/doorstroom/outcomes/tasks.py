"""Background work of outcomes: making a large quarterly report in the worker.

The file is stored as MEDIA_ROOT/reports/<random>.<pdf|xlsx>; the task's result names it, and
the download page checks again that the person may have the report of its scope."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django_tasks import task

#: format -> (extension, content type)
FORMATS = {
    "pdf": ("pdf", "application/pdf"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def reports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "reports"


def render_report(report: Any, file_format: str) -> bytes:
    if file_format == "pdf":
        from doorstroom.outcomes.report_pdf import report_pdf

        return report_pdf(report)
    from doorstroom.outcomes.report_xlsx import report_xlsx

    return report_xlsx(report)


@task()
def generate_report(
    user_id: int, scope_key: str, quarter: str, file_format: str, language: str
) -> dict[str, str]:
    """Make the report of ``scope_key`` for ``quarter`` as ``user_id`` may see it, and store it."""
    from doorstroom.accounts.models import User
    from doorstroom.outcomes.reports import build_report, parse_quarter, scope_for

    user = User.objects.get(pk=user_id)
    scope = scope_for(user, scope_key)
    if scope is None or file_format not in FORMATS:
        raise PermissionError("This report is not (or no longer) available to this person.")
    with translation.override(language):
        report = build_report(user, scope, parse_quarter(quarter))
        content = render_report(report, file_format)
    extension = FORMATS[file_format][0]
    name = f"{uuid.uuid4().hex}.{extension}"
    directory = reports_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(content)
    return {"file": name, "filename": report.filename(extension)}


@task()
def erase_visit_requests() -> int:
    """Delete working-visit requests after their retention period (outcomes/project.py)."""
    from doorstroom.outcomes.project import erase_old_visit_requests

    return erase_old_visit_requests()
