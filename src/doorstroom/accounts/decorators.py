"""View markers for the deny-by-default middleware."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def public(view: ViewFunc) -> ViewFunc:
    """Mark a view as reachable without login (login pages, health check, public adverts)."""
    return login_not_required(view)


def password_only(view: ViewFunc) -> ViewFunc:
    """Mark a view as reachable after the password step but before the second factor."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view
