"""The one place where settings read the environment.

Every variable is declared through :func:`config` with its help text, so the list of variables
(``doorstroom show-config`` and docs/configuration.md) can never drift from what the code reads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class _Missing:
    def __repr__(self) -> str:
        return "<required>"


REQUIRED: Any = _Missing()


@dataclass(frozen=True)
class Variable:
    name: str
    default: Any
    help: str
    secret: bool


#: Every environment variable the settings read, in declaration order.
VARIABLES: dict[str, Variable] = {}


def as_bool(value: str) -> bool:
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on", "ja"}:
        return True
    if normalised in {"0", "false", "no", "off", "nee", ""}:
        return False
    raise ValueError(f"expected a boolean (1/0, true/false), got {value!r}")


def as_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def config(
    name: str,
    default: Any = REQUIRED,
    *,
    cast: Callable[[str], Any] = str,
    help: str,
    secret: bool = False,
) -> Any:
    """Read ``name`` from the environment, cast it, and register it with its documentation."""
    VARIABLES[name] = Variable(name=name, default=default, help=help, secret=secret)
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return cast(raw)
    except ValueError as exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"Omgevingsvariabele {name} heeft een ongeldige waarde: {exc}. "
            f"(Environment variable {name} is invalid.)"
        ) from exc
