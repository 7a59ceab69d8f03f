"""The Dutch citizen service number (BSN) and its eleven-test."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalise_bsn(value: str) -> str:
    """Digits only, 8-digit numbers padded with a leading zero; raises ValidationError."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 8:
        digits = "0" + digits
    if (
        len(digits) != 9
        or len(value.replace(" ", "").replace(".", "")) not in (8, 9)
        or digits == "0" * 9
    ):
        raise ValidationError(_("A BSN has 9 digits."), code="bsn_length")
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(
        digits[8]
    )
    if total % 11:
        raise ValidationError(
            _("This is not a valid BSN: it fails the eleven-test. Check for a typing error."),
            code="bsn_eleven",
        )
    return digits
