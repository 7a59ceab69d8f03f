"""Looking up VERA codes: the lists Doorstroom uses, and choices for forms and imports."""

from __future__ import annotations

from functools import lru_cache

from doorstroom.reference.models import ReferenceCode

#: Dwelling and access typologies (galerijflat GAL, portiekflat POF, ...): residential detail kinds.
TYPOLOGY_LIST = "EENHEIDDETAILSOORT"
TYPOLOGY_PARENT = "EENHEIDSOORT.WOO"
ACCESSIBILITY_LIST = "TOEGANKELIJKHEIDSLABEL"


@lru_cache(maxsize=32)
def current_names(list_name: str, parent: str | None = None) -> dict[str, str]:
    """{code: Dutch name} of the codes that may be used for new data (cached per process)."""
    rows = ReferenceCode.objects.of_list(list_name, parent).current().values_list("code", "name")
    return dict(sorted(rows, key=lambda row: row[1]))


def typology_names() -> dict[str, str]:
    return current_names(TYPOLOGY_LIST, TYPOLOGY_PARENT)


def accessibility_names() -> dict[str, str]:
    return current_names(ACCESSIBILITY_LIST)


def choices(names: dict[str, str]) -> list[tuple[str, str]]:
    return [(code, f"{name} ({code})") for code, name in names.items()]
