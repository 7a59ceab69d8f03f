"""Data that data migrations load (VERA code lists, the affordability limits).

A transactional test (live server, worker, PostgreSQL threads) empties every table when it ends,
data migrations included; the next transactional test in the same worker would run without them.
``restore`` loads them again; the autouse fixture in tests/conftest.py calls it."""

from __future__ import annotations

import importlib

from django.utils import timezone

from doorstroom.lettings.models import AffordabilityLimits
from doorstroom.reference.codes import current_names
from doorstroom.reference.loading import load
from doorstroom.reference.models import ReferenceCode

LIMITS = importlib.import_module("doorstroom.lettings.migrations.0004_affordability_limits_2026")


def restore() -> None:
    if not ReferenceCode.objects.exists():
        load(ReferenceCode)
    current_names.cache_clear()
    if not AffordabilityLimits.objects.exists():
        AffordabilityLimits.objects.create(**LIMITS.LIMITS_2026)
    this_year = timezone.localdate().year
    if not AffordabilityLimits.objects.filter(year=this_year).exists():
        AffordabilityLimits.objects.create(**{**LIMITS.LIMITS_2026, "year": this_year})
