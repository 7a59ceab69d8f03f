"""Deny by default: every page needs a login, and a second factor for roles that see personal data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's deny-by-default login check, telling the user when their session has expired."""

    def handle_no_permission(self, request: HttpRequest, view_func: Callable[..., Any]) -> Any:
        # A session cookie that no longer maps to a session means it expired (logout deletes it).
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            messages.warning(request, _("Your session has expired. Please log in again."))
        return super().handle_no_permission(request, view_func)


class TwoFactorRequiredMiddleware:
    """Send a logged-in user to the second-factor step until the session is verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not getattr(view_func, "login_required", True):
            return None
        if getattr(view_func, "two_factor_exempt", False):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        from doorstroom.accounts.selectors import has_confirmed_device

        # Residents may choose a second factor; once they set one up, it is asked like any other.
        if not user.requires_two_factor and not has_confirmed_device(user):
            return None
        target = "accounts:verify" if has_confirmed_device(user) else "accounts:enrol"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")


class PrivateResponsesMiddleware:
    """Pages for a logged-in user may hold personal or care data: never store them in a cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
