"""The placements register import for the mixed-living manager: upload, preview (a dry run with
counts, the first rows and every error), confirm. The file waits under VAR_DIR/imports, as the
arrears import's does, and is removed once imported."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from doorstroom.portfolio.importing import ImportFileError
from doorstroom.portfolio.views_import import importing_corporation
from doorstroom.tenancies.forms_register import RegisterUploadForm
from doorstroom.tenancies.register import COLUMNS, run_register_import
from doorstroom.tenancies.uploads import PendingUploads

UPLOADS = PendingUploads("placements", "register_imports")


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    corporation = importing_corporation(request)
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = UPLOADS.store(
            request,
            form.cleaned_data["file"],
            corporation,
            create_missing=form.cleaned_data["create_missing"],
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
    entry, path = UPLOADS.get(request, token, corporation)
    if path is None:
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
        UPLOADS.forget(request, token)
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
