"""Forms for offers: making one, recording the response, withdrawing it. The rules (deadlines,
reasons, who may be offered what) live in ``lettings.offers``; the forms only parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstroom.config.forms import UtrechtFormMixin
from doorstroom.lettings.forms import DATE, TEXT_LIMIT, AriaRequiredMixin
from doorstroom.lettings.offers import non_fitting_reasons, refusal_reasons, withdrawal_reasons

ACCEPT = "accept"
REFUSE = "refuse"


def _with_codes(reasons: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(code, f"{name} ({code})") for code, name in reasons]


def _set_reasons(form: forms.Form, name: str, reasons: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", _("Choose a reason")), *_with_codes(reasons)]


class OfferForm(AriaRequiredMixin, UtrechtFormMixin, forms.Form):
    start_date = forms.DateField(label=_("Proposed start of the tenancy"), widget=DATE)
    respond_by = forms.DateField(
        label=_("Respond by"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for the complex's usual response period."),
    )
    non_fitting_reason = forms.ChoiceField(
        label=_("Reason for a non-fitting allocation"),
        help_text=_("The rent does not fit this household's income: the law asks for a reason."),
    )

    def __init__(self, *args: Any, needs_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_reason:
            _set_reasons(self, "non_fitting_reason", non_fitting_reasons())
        else:
            del self.fields["non_fitting_reason"]


class ResponseForm(AriaRequiredMixin, UtrechtFormMixin, forms.Form):
    """The candidate's answer, recorded by staff (a phone call) or given by the care provider."""

    decision = forms.ChoiceField(
        label=_("Response"),
        choices=[(ACCEPT, _("Accept the dwelling")), (REFUSE, _("Refuse the dwelling"))],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Reason for refusing"),
        required=False,
        help_text=_("Only when the dwelling is refused."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_reasons(self, "reason", refusal_reasons())


class WithdrawForm(AriaRequiredMixin, UtrechtFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason for withdrawing"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_reasons(self, "reason", withdrawal_reasons())
