"""Validation of Dutch addresses and housing codes, shared by forms, services and the import."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")
# PostNL never issues these letter combinations.
_FORBIDDEN_LETTERS = {"SA", "SD", "SS"}
_ADDITION = re.compile(r"^[A-Za-z0-9]{1,6}$")


def normalise_postcode(value: str) -> str:
    """'3526kl' -> '3526 KL'; raises ValidationError for anything that is not a Dutch postcode."""
    match = _POSTCODE.match(value or "")
    if not match or match.group(2).upper() in _FORBIDDEN_LETTERS:
        raise ValidationError(
            _("'%(value)s' is not a Dutch postcode (four digits and two letters, e.g. 3526 KL)."),
            code="postcode",
            params={"value": value},
        )
    return f"{match.group(1)} {match.group(2).upper()}"


def validate_postcode(value: str) -> None:
    if value != normalise_postcode(value):
        raise ValidationError(
            _("Write the postcode as four digits, a space and two capitals, e.g. 3526 KL."),
            code="postcode_format",
        )


def validate_house_number_addition(value: str) -> None:
    if value and not _ADDITION.match(value):
        raise ValidationError(
            _("A house number addition has at most 6 letters or digits, e.g. A, 2 or BIS."),
            code="addition",
        )
