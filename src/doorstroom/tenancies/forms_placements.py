"""Forms of the placement screens; the services validate, these only collect."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.tenancies.models import ExitReason, PlacementState, StatementKind

YES_NO = [("yes", _("Yes, in favour of the flip")), ("no", _("No, not (yet) in favour"))]


class StateFilterForm(UtrechtFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *PlacementState.choices],
    )


class StatementForm(UtrechtFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=StatementKind.choices)
    positive = forms.ChoiceField(label=_("In favour of the flip?"), choices=YES_NO)
    note = forms.CharField(
        label=_("Note (care provider only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class FlipForm(UtrechtFormMixin, forms.Form):
    flip_date = forms.DateField(label=_("Flip date"), widget=DateInput())
    tenant_name = forms.CharField(
        label=_("Name of the new tenant"),
        max_length=200,
        help_text=_("As it goes on the tenancy agreement."),
    )


class LabelForm(UtrechtFormMixin, forms.Form):
    new_end = forms.DateField(
        label=_("New end of the label"),
        widget=DateInput(),
        help_text=_("Today or a date in the past ends the label now."),
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ExitForm(UtrechtFormMixin, forms.Form):
    exit_date = forms.DateField(label=_("Exit date"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[("", _("Choose a reason")), *ExitReason.choices]
    )
    destination = forms.CharField(
        label=_("Destination"),
        required=False,
        max_length=200,
        help_text=_("Where the client went, as far as known."),
    )


class InventoryForm(UtrechtFormMixin, forms.Form):
    name = forms.CharField(label=_("Item"), max_length=120)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99, initial=1)
    stays_at_flip = forms.BooleanField(label=_("Stays at the flip"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)
