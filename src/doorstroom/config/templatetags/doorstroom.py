"""Template filters used across the project."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """A fraction as a percentage in the active locale: 0.3333 -> '33%'."""
    if value is None or value == "":
        return "–"
    return f"{number_format(Decimal(value) * 100, decimal_pos=digits)}%"


@register.filter
def euro(value: Any) -> str:
    if value is None or value == "":
        return "–"
    return f"€ {number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)}"
