"""The form in which a resident logs what they did for the community."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from doorstroom.community.contributions import parse_hours
from doorstroom.community.forms_residents import DATE_ERRORS
from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.lettings.models import ContributionKind


class HoursField(forms.CharField):
    """Hours typed the Dutch way: 2 or 1,5 (1.5 works too)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return parse_hours(text)


class ContributionForm(UtrechtFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("resident", "What did you do?"),
        choices=[("", "—"), *ContributionKind.choices],
        error_messages={
            "required": _("Choose what you did."),
            "invalid_choice": _("Choose from the list."),
        },
    )
    hours = HoursField(
        label=_("Hours"),
        help_text=_("From half an hour to 24 hours, for example 1,5."),
        error_messages={"required": _("Fill in how many hours.")},
    )
    done_on = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": _("Fill in the date."), **DATE_ERRORS},
    )
    note = forms.CharField(label=_("Note (only you see this)"), max_length=200, required=False)
