"""Forms of the vacancy screens: the stream choice, the advert and opening a vacancy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.lettings.models import VacancyCause
from doorstroom.portfolio.mix import Stream


class StreamForm(UtrechtFormMixin, forms.Form):
    stream = forms.ChoiceField(label=_("Stream"), choices=Stream.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason for choosing the other stream"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed only when you choose the stream that was not proposed."),
    )


class AdvertForm(UtrechtFormMixin, forms.Form):
    deadline = forms.DateField(
        label=_("Apply until"),
        widget=DateInput(),
        help_text=_("Applications close at the end of this day."),
    )
    text = forms.CharField(
        label=_("About this dwelling"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public advert, e.g. the view, the floor, the storage room."),
    )


class OpenVacancyForm(UtrechtFormMixin, forms.Form):
    dwelling = forms.ChoiceField(label=_("Dwelling"))
    available_from = forms.DateField(label=_("Available from"), widget=DateInput())
    cause = forms.ChoiceField(
        label=_("Cause"),
        choices=[
            (VacancyCause.NEW_BUILD, VacancyCause.NEW_BUILD.label),
            (VacancyCause.OTHER, VacancyCause.OTHER.label),
        ],
    )

    def __init__(self, *args: Any, dwellings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dwelling"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d.pk, d.address) for d in dwellings]
