from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from doorstroom.config.forms import UtrechtFormMixin


class LoginForm(UtrechtFormMixin, AuthenticationForm):
    pass


class TokenForm(UtrechtFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Code"),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split())


class EnrolForm(TokenForm):
    token = forms.CharField(
        label=_("Code from your app"),
        help_text=_("Enter the 6-digit code your authenticator app shows after scanning."),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ResetRequestForm(UtrechtFormMixin, PasswordResetForm):
    pass


class NewPasswordForm(UtrechtFormMixin, SetPasswordForm):
    pass


class ChangePasswordForm(UtrechtFormMixin, PasswordChangeForm):
    pass
