"""The quarterly reports page: choose a quarter and a scope, download a PDF or a spreadsheet.

A small report is made in the request; a large one (more placements than
REPORT_IN_BACKGROUND_FROM_PLACEMENTS) by the background worker, with a page that waits and then
offers the download. The waiting page and the download check again that the person may have
the report of that scope; anything else is 404. Works without JavaScript.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from doorstroom.config.forms import UtrechtFormMixin
from doorstroom.outcomes.reports import (
    Quarter,
    ReportScope,
    build_report,
    current_quarter,
    in_background,
    parse_quarter,
    scope_for,
    scopes_for,
)
from doorstroom.outcomes.tasks import FORMATS, generate_report, render_report, reports_dir

_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|xlsx)$")


def previous_quarter(today: Any) -> Quarter:
    quarter = current_quarter(today)
    if quarter.number == 1:
        return Quarter(quarter.year - 1, 4)
    return Quarter(quarter.year, quarter.number - 1)


class ReportForm(UtrechtFormMixin, forms.Form):
    kwartaal = forms.CharField(
        label=gettext_lazy("Quarter"),
        max_length=10,
        help_text=gettext_lazy("Year and quarter, for example 2026-Q3."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Report about"))
    formaat = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("pdf", "PDF"), ("xlsx", gettext_lazy("Spreadsheet (XLSX)"))],
        initial="pdf",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, scopes: list[ReportScope], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(s.key, s.label) for s in scopes]  # type: ignore[attr-defined]

    def clean_kwartaal(self) -> Quarter:
        try:
            quarter = parse_quarter(self.cleaned_data["kwartaal"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        if quarter.start > timezone.localdate():
            raise forms.ValidationError(_("This quarter has not begun yet."))
        return quarter


def _download(content: bytes, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[file_format][1])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def report_index(request: HttpRequest) -> HttpResponse:
    scopes = scopes_for(request.user)
    if not scopes:
        raise Http404
    asked = request.POST.get("scope") if request.method == "POST" else None
    if asked and asked not in {s.key for s in scopes}:
        raise Http404
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        scopes=scopes,
        initial={"kwartaal": str(previous_quarter(timezone.localdate())), "formaat": "pdf"},
    )
    if request.method == "POST" and form.is_valid():
        scope = scope_for(request.user, form.cleaned_data["scope"])
        if scope is None:
            raise Http404
        quarter: Quarter = form.cleaned_data["kwartaal"]
        file_format = form.cleaned_data["formaat"]
        if in_background(scope.placements(request.user).count()):
            enqueued = generate_report.enqueue(
                request.user.pk,  # type: ignore[arg-type]  # logged in: never None
                scope.key,
                str(quarter),
                file_format,
                get_language() or "nl",
            )
            return redirect("reports:result", result_id=enqueued.id)
        report = build_report(request.user, scope, quarter)
        return _download(
            render_report(report, file_format),
            file_format,
            report.filename(FORMATS[file_format][0]),
        )
    return render(request, "outcomes/reports/index.html", {"form": form})


def _result_or_404(request: HttpRequest, result_id: uuid.UUID) -> TaskResult[Any]:
    """The background report with this id, if the person may have the report of its scope."""
    try:
        result = generate_report.get_result(str(result_id))
    except (TaskResultDoesNotExist, TaskResultMismatch) as error:
        raise Http404 from error
    args = list(result.args)
    # The file was made with its requester's view of the data: it is theirs alone.
    if len(args) < 2 or args[0] != request.user.pk or scope_for(request.user, str(args[1])) is None:
        raise Http404
    return result


@require_GET
def report_result(request: HttpRequest, result_id: uuid.UUID) -> HttpResponse:
    result = _result_or_404(request, result_id)
    scope = scope_for(request.user, str(result.args[1]))
    return render(
        request,
        "outcomes/reports/result.html",
        {
            "result_id": result_id,
            "scope": scope,
            "quarter": result.args[2],
            "file_format": str(result.args[3]).upper(),
            "waiting": result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING),
            "ready": result.status == TaskResultStatus.SUCCESSFUL,
        },
    )


@require_GET
def report_download(request: HttpRequest, result_id: uuid.UUID) -> FileResponse:
    result = _result_or_404(request, result_id)
    if result.status != TaskResultStatus.SUCCESSFUL:
        raise Http404
    value = result.return_value or {}
    name = str(value.get("file", ""))
    if not _STORED_NAME.match(name):
        raise Http404
    path = reports_dir() / name
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=str(value.get("filename") or name),
        content_type=FORMATS[name.rsplit(".", 1)[1]][1],
    )
