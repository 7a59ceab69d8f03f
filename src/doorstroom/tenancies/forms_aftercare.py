"""The form for recording an aftercare check-in. The rules live in ``tenancies.aftercare``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstroom.config.forms import UtrechtFormMixin
from doorstroom.lettings.forms import DATE, TEXT_LIMIT, AriaRequiredMixin
from doorstroom.tenancies.models import CheckInOutcome


class CheckInForm(AriaRequiredMixin, UtrechtFormMixin, forms.Form):
    done_on = forms.DateField(label=_("Date of the check-in"), widget=DATE)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CheckInOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only your organisation reads this note."),
    )
