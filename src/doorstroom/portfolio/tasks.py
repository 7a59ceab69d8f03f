"""Background work of the portfolio: checking and running large imports in the worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django_tasks import task

from doorstroom.accounts.models import User
from doorstroom.organisations.models import Organisation
from doorstroom.portfolio.importing import ImportFileError, result_to_dict, run_import


@task()
def import_file(path: str, corporation_id: int, user_id: int, dry_run: bool) -> dict[str, Any]:
    """Run (or check) an import; returns its report as data the web page can show."""
    corporation = Organisation.objects.get(pk=corporation_id)
    user = User.objects.get(pk=user_id)
    try:
        result = run_import(Path(path), corporation=corporation, acting_user=user, dry_run=dry_run)
    except ImportFileError as exc:
        return {"file_error": str(exc.message)}
    return result_to_dict(result)
