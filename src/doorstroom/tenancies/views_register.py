"""The placements register import for the mixed-living manager: upload, preview (a dry run with
counts, the first rows and every error), confirm. The file waits under VAR_DIR/imports, as the
arrears import's does, and is removed once imported."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from doorstroom.organisations.models import Organisation
from doorstroom.portfolio.importing import ImportFileError
from doorstroom.portfolio.views_import import import_dir, importing_corporation
from doorstroom.tenancies.forms_register import RegisterUploadForm
from doorstroom.tenancies.forms_signals import SUFFIXES
from doorstroom.tenancies.register import COLUMNS, run_register_import

SESSION_KEY = "register_imports"


def _uploads(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(SESSION_KEY, {}))


def _upload_path(token: str, entry: dict[str, Any]) -> Path:
    suffix = entry.get("suffix")
    if suffix not in SUFFIXES:
        raise Http404
    return import_dir() / f"placements-{uuid.UUID(token)}{suffix}"


def _store(
    request: HttpRequest, upload: UploadedFile, corporation: Organisation, create_missing: bool
) -> str:
    token = str(uuid.uuid4())
    entry = {
        "corporation": corporation.pk,
        "user": request.user.pk,
        "suffix": Path(upload.name or "").suffix.lower(),
        "name": Path(upload.name or "").name[:200],
        "create_missing": create_missing,
    }
    path = _upload_path(token, entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    uploads = _uploads(request)
    for old in list(uploads)[:-2]:  # keep the last few uploads of this session
        _upload_path(old, uploads.pop(old)).unlink(missing_ok=True)
    uploads[token] = entry
    request.session[SESSION_KEY] = uploads
    return token


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    corporation = importing_corporation(request)
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = _store(
            request, form.cleaned_data["file"], corporation, form.cleaned_data["create_missing"]
        )
        return redirect("register:preview", token=token)
    return render(
        request,
        "tenancies/register/upload.html",
        {"form": form, "corporation": corporation, "columns": COLUMNS},
    )


@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """GET: the dry run and its report. POST: the import, then to the placements."""
    corporation = importing_corporation(request)
    key = str(token)
    uploads = _uploads(request)
    entry = uploads.get(key)
    if (
        not entry
        or entry.get("corporation") != corporation.pk
        or entry.get("user") != request.user.pk
    ):
        raise Http404
    path = _upload_path(key, entry)
    if not path.is_file():
        uploads.pop(key, None)
        request.session[SESSION_KEY] = uploads
        messages.error(request, _("That upload is no longer available; upload the file again."))
        return redirect("register:upload")
    confirming = request.method == "POST"
    result = None
    file_error = ""
    try:
        result = run_register_import(
            path,
            corporation=corporation,
            acting_user=request.user,
            dry_run=not confirming,
            create_missing=bool(entry.get("create_missing")),
        )
    except ImportFileError as exc:
        file_error = exc.message
    if result is not None and result.written:
        uploads.pop(key, None)
        request.session[SESSION_KEY] = uploads
        path.unlink(missing_ok=True)
        messages.success(request, " ".join([_("The import is done."), *result.summary()]))
        return redirect("placements:list")
    return render(
        request,
        "tenancies/register/preview.html",
        {
            "corporation": corporation,
            "name": entry.get("name", ""),
            "create_missing": bool(entry.get("create_missing")),
            "result": result,
            "file_error": file_error,
            "can_confirm": result is not None and result.ok and result.rows > 0,
        },
        status=200 if not confirming else 400,
    )
