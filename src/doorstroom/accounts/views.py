"""Login with password and a second factor, enrolment, backup codes and password reset."""

from __future__ import annotations

import base64
import io
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login

from doorstroom.accounts import forms, services
from doorstroom.accounts.decorators import password_only, public
from doorstroom.accounts.selectors import has_confirmed_device
from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import client_ip, record


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return str(reverse_lazy("home:start"))


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True


@never_cache
@password_only
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of the login: a code from the authenticator app or a backup code."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    if not has_confirmed_device(user):
        return redirect(
            f"{reverse_lazy('accounts:enrol')}?{urlencode({'next': _next_url(request)})}"
        )
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = [d for d in devices_for_user(user) if not d.verify_is_allowed()[0]]
        device = None if throttled else match_token(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            record(
                actor=user,
                action=AuditAction.SECOND_FACTOR_VERIFIED,
                fields=[device.persistent_id.split("/")[0]],
                ip_address=client_ip(request),
            )
            return redirect(_next_url(request))
        record(actor=user, action=AuditAction.SECOND_FACTOR_FAILED, ip_address=client_ip(request))
        if throttled:
            form.add_error(
                "token",
                _("Too many wrong codes. Wait a minute, then try again with a new code."),
            )
        else:
            form.add_error("token", _("This code is not correct or has expired. Try again."))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@never_cache
@password_only
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app with a QR code; shows backup codes once afterwards."""
    user = request.user
    if has_confirmed_device(user) and not user.is_verified():  # type: ignore[union-attr]
        return redirect(
            f"{reverse_lazy('accounts:verify')}?{urlencode({'next': _next_url(request)})}"
        )
    device = services.pending_totp_device(user)  # type: ignore[arg-type]
    form = forms.EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_device(
            user=user,  # type: ignore[arg-type]
            device=device,
            token=form.cleaned_data["token"],
        )
        if codes is not None:
            otp_login(request, device)
            return render(
                request,
                "accounts/backup_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error(
            "token", _("This code is not correct. Check the time on your phone and try again.")
        )
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_url(request),
    }
    return render(request, "accounts/enrol.html", context)


@never_cache
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/account.html", {"has_device": has_confirmed_device(request.user)}
    )


@never_cache
@require_POST
def regenerate_backup_codes(request: HttpRequest) -> HttpResponse:
    codes = services.replace_backup_codes(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/backup_codes.html", {"codes": codes, "first_time": False})


class LogoutView(auth_views.LogoutView):
    next_page = "accounts:login"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have been logged out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = forms.ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        record(
            actor=None,
            actor_label=form.cleaned_data["email"][:200],
            action=AuditAction.PASSWORD_RESET_REQUESTED,
            ip_address=client_ip(self.request),
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(
            actor=form.user, action=AuditAction.PASSWORD_CHANGED, obj=form.user, fields=["password"]
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = forms.ChangePasswordForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(
            actor=form.user, action=AuditAction.PASSWORD_CHANGED, obj=form.user, fields=["password"]
        )
        messages.success(self.request, _("Your password has been changed."))
        return response


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Shown by django-axes instead of the login page while an account is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


@public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
