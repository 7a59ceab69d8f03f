"""Running Doorstroom in a subprocess with a clean environment."""

from __future__ import annotations

import os

from doorstroom.config.env import VARIABLES


def bare_environment(**env: str) -> dict[str, str]:
    """The machine's environment without any Doorstroom variable (the test settings set some)."""
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update(env)
    return clean
