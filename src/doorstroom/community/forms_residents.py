"""Forms of the residents and the board: inviting, accepting an invitation, the profile, a
move-out, and recording or ending a board term. The rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom.community.models import (
    BoardPosition,
    Community,
    Resident,
    ResidentVisibility,
    TermKind,
)
from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.portfolio.models import Dwelling

DATE_ERRORS = {"invalid": _("Fill in a date, for example 01-05-2025.")}


class DwellingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.address)


class ResidentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class InviteForm(UtrechtFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Fill in the e-mail address of the occupant."),
            "invalid": _("Fill in an e-mail address, for example naam@voorbeeld.nl."),
        },
    )
    dwelling = DwellingChoiceField(
        label=_("Dwelling (optional)"),
        queryset=Dwelling.objects.none(),
        required=False,
        empty_label="—",
        help_text=_(
            "Only you see this. When the rental contract of this dwelling ends, the "
            "resident leaves the community automatically."
        ),
        error_messages={"invalid_choice": _("Choose a dwelling of this complex.")},
    )

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dwelling"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Dwelling.objects.filter(complex_id=community.complex_id).order_by(
            "street", "house_number", "house_number_addition"
        )


class ProfileForm(UtrechtFormMixin, forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        help_text=_("The name others see, for example your first name."),
        error_messages={"required": _("Choose a display name.")},
    )
    visibility = forms.ChoiceField(
        label=_("Who sees my name"),
        choices=ResidentVisibility.choices,
        widget=forms.RadioSelect,
        initial=ResidentVisibility.COMMUNITY,
        error_messages={"required": _("Choose who sees your name.")},
    )
    about = forms.CharField(
        label=_("About me (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example what you like to do or can help with. Others see this with your name."
        ),
    )


class AcceptForm(ProfileForm):
    """Joining through an invitation: the profile, a password for a new account, and consent."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password."),
        error_messages={"required": _("Choose a password.")},
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )
    agree = forms.BooleanField(
        label=_("I agree to the house rules and the privacy statement of the community."),
        error_messages={
            "required": _("To join, agree to the house rules and the privacy statement.")
        },
    )

    def __init__(self, *args: Any, with_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_password:
            del self.fields["password"]
            del self.fields["password_again"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, again = cleaned.get("password"), cleaned.get("password_again")
        if first and again and first != again:
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


class EndResidencyForm(UtrechtFormMixin, forms.Form):
    left_on = forms.DateField(
        label=_("Moved out on"),
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": _("Fill in the date."), **DATE_ERRORS},
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=200,
        required=False,
        help_text=_("For the audit trail; the resident and others do not see this."),
    )


class TermForm(UtrechtFormMixin, forms.Form):
    resident = ResidentChoiceField(
        label=_("Resident"),
        queryset=Resident.objects.none(),
        empty_label="—",
        error_messages={
            "required": _("Choose a resident."),
            "invalid_choice": _("Choose a current resident of this complex."),
        },
    )
    position = forms.ChoiceField(
        label=_("Position"),
        choices=BoardPosition.choices,
        error_messages={"required": _("Choose a position.")},
    )
    start_date = forms.DateField(
        label=_("Term starts"),
        widget=DateInput(),
        error_messages={"required": _("Fill in the first day of the term."), **DATE_ERRORS},
    )
    end_date = forms.DateField(
        label=_("Term ends"),
        widget=DateInput(),
        error_messages={"required": _("Fill in the last day of the term."), **DATE_ERRORS},
    )
    kind = forms.ChoiceField(
        label=_("How"),
        choices=TermKind.choices,
        widget=forms.RadioSelect,
        initial=TermKind.ELECTED,
        error_messages={"required": _("Choose how the seat was filled.")},
    )
    decided_on = forms.DateField(
        label=_("Decided on (optional)"),
        widget=DateInput(),
        required=False,
        help_text=_("The date of the election or the appointment."),
        error_messages=DATE_ERRORS,
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["resident"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Resident.objects.current().filter(community=community).order_by("display_name")
        )


class EndTermForm(UtrechtFormMixin, forms.Form):
    end_date = forms.DateField(
        label=_("Last day of the term"),
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": _("Fill in the date."), **DATE_ERRORS},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Every resident of the complex sees this reason on the board page."),
        error_messages={"required": _("Give the reason the term ends early.")},
    )
