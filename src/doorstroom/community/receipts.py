"""Checking an uploaded receipt before it is stored: not larger than COMMUNITY_RECEIPT_MAX_MB, and
a photo (JPEG, PNG, WebP, HEIC) or a PDF judged by its content, never by its name. Photos that
Pillow can read are opened and verified, so a file that only starts like an image is refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: ftyp brands of HEIF/HEIC photos (what phones make).
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)
JPEG, PNG, WEBP, HEIC, PDF = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "application/pdf",
)
EXTENSIONS = {JPEG: ".jpg", PNG: ".png", WEBP: ".webp", HEIC: ".heic", PDF: ".pdf"}
#: Types a browser may show inline without risk; the others are downloaded.
INLINE_TYPES = frozenset({JPEG, PNG, WEBP})
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


@dataclass(frozen=True)
class CheckedReceipt:
    content_type: str
    extension: str
    original_name: str


def max_bytes() -> int:
    return int(settings.COMMUNITY_RECEIPT_MAX_MB) * 1024 * 1024


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None when it is not a receipt type."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        box_size = int.from_bytes(head[:4], "big")
        brands = {head[8:12]} | {
            head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)
        }
        if brands & _HEIF_BRANDS:
            return HEIC
    # A PDF starts with its header (leading white space aside); HTML with "%PDF-" in a comment
    # is not one.
    if head.lstrip()[:5] == b"%PDF-":
        return PDF
    return None


def _type_error() -> ValidationError:
    return ValidationError(
        _("A receipt is a photo (JPEG, PNG, WebP, HEIC) or a PDF."), code="receipt_type"
    )


def _verify_image(upload: Any, content_type: str) -> None:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency; without it, trust the bytes
        return
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format != _PILLOW_FORMATS[content_type]:
                raise _type_error()
            image.verify()
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds of errors for a broken file
        raise _type_error() from exc
    finally:
        upload.seek(0)


def _original_name(name: str | None) -> str:
    base = PurePath(str(name or "")).name
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return cleaned[:120]


def check_receipt(upload: Any) -> CheckedReceipt:
    """Refuse a receipt that is too large or not a photo or PDF (ValidationError)."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes():
        raise ValidationError(
            _("The receipt is larger than %(mb)s MB.") % {"mb": settings.COMMUNITY_RECEIPT_MAX_MB},
            code="receipt_size",
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if not head:
        raise _type_error()
    content_type = sniff(head)
    if content_type is None:
        raise _type_error()
    if content_type in _PILLOW_FORMATS:
        _verify_image(upload, content_type)
    if content_type == PDF:
        # A whole PDF ends with its end-of-file marker (a truncated upload does not).
        upload.seek(max(0, (size or 0) - 1024))
        tail = upload.read()
        upload.seek(0)
        if b"%%EOF" not in tail:
            raise _type_error()
    return CheckedReceipt(
        content_type=content_type,
        extension=EXTENSIONS[content_type],
        original_name=_original_name(getattr(upload, "name", "")),
    )


__all__ = ["INLINE_TYPES", "CheckedReceipt", "check_receipt", "max_bytes", "sniff"]
