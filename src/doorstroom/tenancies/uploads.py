"""Uploaded import files waiting for the person's confirmation (upload → preview → confirm), for
the rent-arrears import and the placements register import: the file waits under the import
folder (VAR_DIR/imports), the session remembers whose it is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest

from doorstroom.portfolio.views_import import import_dir
from doorstroom.tenancies.forms_signals import SUFFIXES

#: How many uploads of one session wait at most; older ones are removed.
KEEP = 3


@dataclass(frozen=True)
class PendingUploads:
    """The waiting uploads of one kind (``kind`` prefixes the file names)."""

    kind: str
    session_key: str

    def _all(self, request: HttpRequest) -> dict[str, dict[str, Any]]:
        return dict(request.session.get(self.session_key, {}))

    def _path(self, token: str, entry: dict[str, Any]) -> Path:
        suffix = entry.get("suffix")
        if suffix not in SUFFIXES:
            raise Http404
        return import_dir() / f"{self.kind}-{uuid.UUID(token)}{suffix}"

    def store(
        self, request: HttpRequest, upload: UploadedFile, corporation: Any, **extra: Any
    ) -> str:
        """Keep the file for this person and corporation; returns its token."""
        token = str(uuid.uuid4())
        entry = {
            "corporation": corporation.pk,
            "user": request.user.pk,
            "suffix": Path(upload.name or "").suffix.lower(),
            "name": Path(upload.name or "").name[:200],
            **extra,
        }
        path = self._path(token, entry)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        uploads = self._all(request)
        for old in list(uploads)[: -(KEEP - 1)]:
            self._path(old, uploads.pop(old)).unlink(missing_ok=True)
        uploads[token] = entry
        request.session[self.session_key] = uploads
        return token

    def get(
        self, request: HttpRequest, token: Any, corporation: Any
    ) -> tuple[dict[str, Any], Path | None]:
        """The upload's entry and its file (None when the file is gone); 404 when it is not
        this person's upload for this corporation."""
        key = str(token)
        uploads = self._all(request)
        entry = uploads.get(key)
        if (
            not entry
            or entry.get("corporation") != corporation.pk
            or entry.get("user") != request.user.pk
        ):
            raise Http404
        path = self._path(key, entry)
        if not path.is_file():
            self.forget(request, key)
            return entry, None
        return entry, path

    def forget(self, request: HttpRequest, token: Any) -> None:
        """Done with the upload: its file and its entry go."""
        key = str(token)
        uploads = self._all(request)
        entry = uploads.pop(key, None)
        if entry is not None:
            self._path(key, entry).unlink(missing_ok=True)
        request.session[self.session_key] = uploads
