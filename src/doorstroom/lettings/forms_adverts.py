"""Forms of the public side: a home seeker's application, and the answers on their personal page
(withdrawing, booking an interview, responding to an offer)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.lettings.applications import (
    MOTIVATION_FIELDS,
    PLEDGE_HOURS,
    motivation_error,
    parse_amount,
)
from doorstroom.lettings.models import ContributionKind

DATE = DateInput()
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class AnswerTextarea(forms.Textarea):
    """A required answer without the HTML ``required`` attribute: the Utrecht style marks an empty
    :invalid textarea red before anyone typed a word. Screen readers still hear it is required."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"aria-required": "true", "rows": 5, **(attrs or {})})

    def use_required_attribute(self, initial: Any) -> bool:
        return False


class AmountField(forms.CharField):
    """An amount of euros typed the Dutch way: 32.500 or 32500,50."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if text in self.empty_values:
            return None
        return parse_amount(text)


class ApplicationForm(UtrechtFormMixin, forms.Form):
    """What a home seeker fills in to apply. The minimum length of the motivation answers is the
    complex's letting policy; the service checks everything again."""

    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_(
            "We send you a link to confirm it. Through that link you follow your application."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Fill in your e-mail address.")},
    )
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Fill in your name.")},
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    adults = forms.IntegerField(
        label=_("Adults in the household (18 and older), including yourself"),
        min_value=1,
        max_value=10,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": _("Fill in the number of adults, including yourself.")},
    )
    children = forms.IntegerField(
        label=_("Children in the household (under 18)"),
        min_value=0,
        max_value=15,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": _("Fill in the number of children; 0 when there are none.")},
    )
    senior_household = forms.TypedChoiceField(
        label=_("Have you or your partner reached the state pension (AOW) age?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_("This matters for the income limit of the affordability check."),
        error_messages={"required": _("Answer yes or no.")},
    )
    gross_income = AmountField(
        label=_("Gross household income per year (€)"),
        help_text=_(
            "All adults in the household together, before tax, for example 32.500. "
            "The law requires us to check that the rent fits the income."
        ),
        error_messages={"required": _("Fill in the gross household income per year.")},
    )
    registration_date = forms.DateField(
        label=_("Registered as a home seeker since"),
        help_text=_("The registration date at the regional letting system, for example WoningNet."),
        widget=DATE,
        error_messages={
            "required": _("Fill in your registration date."),
            "invalid": _("Fill in a date, for example 01-05-2019."),
        },
    )
    registration_number = forms.CharField(
        label=_("Registration number (optional)"), max_length=30, required=False
    )
    motivation_why = forms.CharField(
        label=_("Why do you want to live in a mixed complex?"), widget=AnswerTextarea()
    )
    motivation_bring = forms.CharField(
        label=_("What do you bring to the community?"), widget=AnswerTextarea()
    )
    motivation_experience = forms.CharField(
        label=_("What experience do you have with neighbours, volunteering or community work?"),
        widget=AnswerTextarea(),
    )
    pledge_kinds = forms.MultipleChoiceField(
        label=_("How will you contribute?"),
        help_text=_("Choose one or more."),
        choices=ContributionKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one way you will contribute."),
            "invalid_choice": _("Choose from the list."),
        },
    )
    pledge_text = forms.CharField(
        label=_("Your contribution in your own words (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    pledge_hours = forms.IntegerField(
        label=_("Hours per month"),
        min_value=PLEDGE_HOURS[0],
        max_value=PLEDGE_HOURS[1],
        help_text=_("Between 1 and 40 hours a month."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": _("Fill in how many hours a month you will contribute.")},
    )
    # Against bots: hidden from people (and screen readers), filled in by form-filling scripts.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    #: Groups of fields as the page shows them, each under its own heading.
    SECTIONS = [
        (_("About you"), ["email", "full_name", "phone"]),
        (_("Your household"), ["adults", "children", "senior_household", "gross_income"]),
        (_("Registration as a home seeker"), ["registration_date", "registration_number"]),
        (_("Your motivation"), list(MOTIVATION_FIELDS)),
        (_("Your contribution to the community"), ["pledge_kinds", "pledge_text", "pledge_hours"]),
    ]
    CHOICE_FIELDS = frozenset({"senior_household", "pledge_kinds"})

    def __init__(self, *args: Any, min_chars: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.min_chars = min_chars
        for name in MOTIVATION_FIELDS:
            field = self.fields[name]
            field.help_text = _("At least %(count)s characters.") % {"count": min_chars}
            field.error_messages["required"] = motivation_error("", min_chars) or _(
                "Fill in an answer."
            )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def _clean_motivation(self, name: str) -> str:
        text = str(self.cleaned_data.get(name, "")).strip()
        message = motivation_error(text, self.min_chars)
        if message:
            raise forms.ValidationError(message, code="too_short")
        return text

    def clean_motivation_why(self) -> str:
        return self._clean_motivation("motivation_why")

    def clean_motivation_bring(self) -> str:
        return self._clean_motivation("motivation_bring")

    def clean_motivation_experience(self) -> str:
        return self._clean_motivation("motivation_experience")

    def is_bot(self) -> bool:
        """The hidden field was filled in: a script, not a person."""
        return bool(self.data.get("website", "").strip())

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as keyword arguments of ``applications.apply``."""
        return {name: value for name, value in self.cleaned_data.items() if name != "website"}

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(title), [self[name] for name in names]) for title, names in self.SECTIONS]

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) of every error in the order of the form, to link to from the top."""
        summary = [("", str(message)) for message in self.non_field_errors()]
        for _title, names in self.SECTIONS:
            for name in names:
                bound = self[name]
                anchor = f"{bound.auto_id}_0" if name in self.CHOICE_FIELDS else bound.auto_id
                label = str(bound.label)
                prefix = f"{label} " if label.endswith("?") else f"{label}: "
                for message in self.errors.get(name, []):
                    summary.append((anchor, f"{prefix}{message}"))
        return summary


class ConfirmWithdrawForm(UtrechtFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I withdraw my application"),
        error_messages={"required": _("Tick the box to confirm that you withdraw.")},
    )


class SlotForm(UtrechtFormMixin, forms.Form):
    slot = forms.ChoiceField(
        label=_("Choose a time for the introduction interview"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a time."),
            "invalid_choice": _("This time is no longer available. Choose another time."),
        },
    )

    def __init__(self, *args: Any, slots: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = {str(slot.pk): slot for slot in slots}
        cast(forms.ChoiceField, self.fields["slot"]).choices = [
            (str(slot.pk), slot_label(slot)) for slot in slots
        ]


def slot_label(slot: Any) -> str:
    """ "Tuesday 12 March 2026, 10:00 (30 minutes), Community room", in the active language."""
    starts = formats.date_format(timezone.localtime(slot.starts_at), "l j F Y, H:i")
    minutes = ngettext("%(n)s minute", "%(n)s minutes", slot.duration_minutes) % {
        "n": slot.duration_minutes
    }
    return f"{starts} ({minutes}), {slot.location}"


class OfferResponseForm(UtrechtFormMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Why do you refuse the dwelling?"))
    note = forms.CharField(
        label=_("Anything you want to add (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, reasons: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["reason"]).choices = [
            ("", _("Choose a reason")),
            *reasons,
        ]
