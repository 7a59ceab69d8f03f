"""The bulk import screens: upload a file, see what it would change, then confirm.

Only the mixed-living manager of the active corporation imports. The upload is stored under
VAR_DIR/imports/<uuid4><suffix>; its token is remembered in the uploader's session together with
the corporation and the user, so nobody else (and not the same person acting for another
corporation) can preview or confirm it. Works without JavaScript: two plain forms.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_tasks import TaskResultStatus

from doorstroom.config.forms import UtrechtFormMixin
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import Role
from doorstroom.portfolio.importing import (
    COLUMNS,
    COMPLEX_REQUIRED,
    ImportFileError,
    ImportResult,
    result_from_dict,
    run_import,
)
from doorstroom.portfolio.tasks import import_file

MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")
SESSION_KEY = "portfolio_imports"
#: Uploads per session kept for preview; an older one is removed when a new one arrives.
KEEP_PER_SESSION = 3
#: Uploads that were never confirmed are removed after a day.
STALE_SECONDS = 24 * 60 * 60


def import_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def importing_corporation(request: HttpRequest) -> Organisation:
    """The corporation whose mixed-living manager the user is acting as, or 404."""
    membership = request.membership  # type: ignore[attr-defined]
    if not membership or membership.role != Role.MIXED_LIVING_MANAGER:
        raise Http404
    corporation: Organisation = membership.organisation
    if not request.user.has_perm("portfolio.import_dwellings", corporation):
        raise Http404
    return corporation


class ImportUploadForm(UtrechtFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "A CSV file (comma or semicolon, UTF-8) or an Excel file (.xlsx), at most 50 MB."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise ValidationError(_("Choose a .csv or .xlsx file."))
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _(
                    "The file is %(size)s MB; the limit is %(limit)s MB. Split the file, or ask "
                    "an administrator to run the import command."
                )
                % {"size": round((upload.size or 0) / 1024 / 1024, 1), "limit": MAX_UPLOAD_MB}
            )
        return upload


def _uploads(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(SESSION_KEY, {}))


def _path(token: str, entry: dict[str, Any]) -> Path:
    suffix = entry.get("suffix")
    if suffix not in SUFFIXES:
        raise Http404
    return import_dir() / f"{uuid.UUID(token)}{suffix}"


def _forget(request: HttpRequest, token: str) -> None:
    uploads = _uploads(request)
    entry = uploads.pop(token, None)
    if entry is not None:
        _path(token, entry).unlink(missing_ok=True)
    request.session[SESSION_KEY] = uploads


def _remove_stale_uploads() -> None:
    folder = import_dir()
    if not folder.is_dir():
        return
    limit = time.time() - STALE_SECONDS
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue  # removed by another request meanwhile


def _store(request: HttpRequest, upload: UploadedFile, corporation: Organisation) -> uuid.UUID:
    token = uuid.uuid4()
    suffix = Path(upload.name or "").suffix.lower()
    folder = import_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{token}{suffix}").open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    uploads = _uploads(request)
    for old in list(uploads)[: max(0, len(uploads) - KEEP_PER_SESSION + 1)]:
        _path(old, uploads.pop(old)).unlink(missing_ok=True)
    uploads[str(token)] = {
        "corporation": corporation.pk,
        "user": request.user.pk,
        "suffix": suffix,
        "name": Path(upload.name or "").name[:200],
    }
    request.session[SESSION_KEY] = uploads
    return token


def _column_rows() -> list[dict[str, Any]]:
    rows = []
    for column in COLUMNS:
        if column.required:
            needed = _("yes")
        elif column.name in COMPLEX_REQUIRED:
            needed = _("for a new complex")
        else:
            needed = _("no")
        rows.append(
            {
                "dutch": column.dutch,
                "english": column.name,
                "aliases": ", ".join(column.aliases),
                "required": needed,
                "description": column.description,
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    corporation = importing_corporation(request)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
    else:
        form = ImportUploadForm()
    if form.is_bound and form.is_valid():
        _remove_stale_uploads()
        token = _store(request, form.cleaned_data["file"], corporation)
        return redirect("portfolio_import:preview", token=token)
    return render(
        request,
        "portfolio/import/upload.html",
        {"form": form, "corporation": corporation, "columns": _column_rows()},
    )


@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """GET: the dry run and its report. POST: the real import, then back to the portfolio."""
    corporation = importing_corporation(request)
    key = str(token)
    entry = _uploads(request).get(key)
    if (
        not entry
        or entry.get("corporation") != corporation.pk
        or entry.get("user") != request.user.pk
    ):
        raise Http404
    path = _path(key, entry)
    if not path.is_file():
        _forget(request, key)
        messages.error(request, _("That upload is no longer available; upload the file again."))
        return redirect("portfolio_import:upload")
    confirming = request.method == "POST"
    if path.stat().st_size >= settings.IMPORT_IN_BACKGROUND_FROM_BYTES:
        return _in_background(request, key, entry, path, corporation, confirming)
    result: ImportResult | None = None
    file_error = ""
    try:
        result = run_import(
            path, corporation=corporation, acting_user=request.user, dry_run=not confirming
        )
    except ImportFileError as exc:
        file_error = exc.message
    return _report(request, key, entry, corporation, result, file_error, confirming)


def _report(
    request: HttpRequest,
    key: str,
    entry: dict[str, Any],
    corporation: Organisation,
    result: ImportResult | None,
    file_error: str,
    confirming: bool,
) -> HttpResponse:
    if result is not None and result.written:
        _forget(request, key)
        messages.success(request, " ".join([_("The import is done."), *result.summary()]))
        return redirect("portfolio:overview")
    return render(
        request,
        "portfolio/import/preview.html",
        {
            "corporation": corporation,
            "name": entry.get("name", ""),
            "result": result,
            "file_error": file_error,
            "confirming": confirming,
            "can_confirm": result is not None and result.ok and result.rows > 0,
        },
    )


def _in_background(
    request: HttpRequest,
    key: str,
    entry: dict[str, Any],
    path: Path,
    corporation: Organisation,
    confirming: bool,
) -> HttpResponse:
    """Large files are checked and imported by the worker; the page waits and refreshes itself."""
    mode = "apply" if confirming else "check"
    task_id = entry.get(f"task_{mode}")
    if confirming or task_id is None:
        user_id: int = request.user.pk  # type: ignore[assignment]  # logged in: never None
        enqueued = import_file.enqueue(str(path), corporation.pk, user_id, not confirming)
        uploads = _uploads(request)
        uploads[key] = {**entry, f"task_{mode}": enqueued.id}
        request.session[SESSION_KEY] = uploads
        if confirming:
            return redirect(request.path)
        task_id = enqueued.id
    else:
        apply_id = entry.get("task_apply")
        if apply_id:
            mode, task_id = "apply", apply_id
    outcome = import_file.get_result(task_id)
    if outcome.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING):
        return render(
            request,
            "portfolio/import/waiting.html",
            {"name": entry.get("name", ""), "applying": mode == "apply"},
        )
    if outcome.status != TaskResultStatus.SUCCESSFUL:
        uploads = _uploads(request)
        uploads[key] = {k: v for k, v in entry.items() if not k.startswith("task_")}
        request.session[SESSION_KEY] = uploads
        messages.error(
            request, _("The import could not be completed; nothing was written. Try again.")
        )
        return redirect(request.path)
    data = outcome.return_value or {}
    if "file_error" in data:
        return _report(request, key, entry, corporation, None, data["file_error"], mode == "apply")
    return _report(request, key, entry, corporation, result_from_dict(data), "", mode == "apply")
