"""Forms of the monthly meeting: the community's meeting rule and quorum, an extra meeting, a free
agenda item, attendance, a decision on a request, closing an evaluation, and the minutes. The
rules live in meetings.py and decisions.py; these forms only read the input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from doorstroom.community.meetings import Candidate
from doorstroom.community.models import BOARD_SEATS, DecisionOutcome
from doorstroom.community.models.residents import Weekday, WeekOfMonth
from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.lettings.applications import parse_amount


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class SettingsForm(UtrechtFormMixin, forms.Form):
    meeting_week = forms.TypedChoiceField(
        label=_("Week of the month"),
        choices=WeekOfMonth.choices,
        coerce=int,
        help_text=_("For example the first Tuesday, or the last Thursday of the month."),
    )
    meeting_weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=Weekday.choices, coerce=int
    )
    meeting_time = forms.TimeField(
        label=_("Time"),
        widget=TimeInput(),
        error_messages={"required": _("Fill in the time, for example 19:30.")},
    )
    meeting_minutes = forms.IntegerField(
        label=_("Length in minutes"),
        min_value=15,
        max_value=480,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Fill in how long the meeting lasts, in minutes."),
            "min_value": _("A meeting lasts at least 15 minutes."),
            "max_value": _("A meeting lasts at most 480 minutes (8 hours)."),
        },
    )
    meeting_place = forms.CharField(
        label=_("Place"),
        max_length=120,
        error_messages={"required": _("Fill in where the board meets.")},
    )
    quorum = forms.TypedChoiceField(
        label=_("Quorum"),
        choices=[(n, str(n)) for n in range(1, BOARD_SEATS + 1)],
        coerce=int,
        help_text=_("How many of the 4 board members must be present for a decision."),
    )


class MeetingForm(UtrechtFormMixin, forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={"required": _("Fill in the date."), "invalid": _("Fill in a valid date.")},
    )
    time = forms.TimeField(
        label=_("Time"),
        widget=TimeInput(),
        error_messages={"required": _("Fill in the time, for example 19:30.")},
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=120,
        error_messages={"required": _("Fill in where the meeting is.")},
    )


class AgendaItemForm(UtrechtFormMixin, forms.Form):
    title = forms.CharField(
        label=_("New agenda item"),
        max_length=200,
        error_messages={
            "required": _("Fill in the item."),
            "max_length": _("Keep the item under 200 characters."),
        },
    )


class AttendanceForm(UtrechtFormMixin, forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"),
        choices=[],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, candidates: list[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(c.user_id, _label(c)) for c in candidates]


def _label(candidate: Candidate) -> str:
    from doorstroom.community.models import AttendanceCapacity, BoardPosition

    if candidate.position:
        return f"{candidate.name} ({BoardPosition(candidate.position).label})"
    return f"{candidate.name} ({AttendanceCapacity(candidate.capacity).label})"


def dutch_amount(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return formats.number_format(amount, decimal_pos=2, use_l10n=True)


class AmountField(forms.CharField):
    """Euros typed the Dutch way: 12,50 or 1.250,00 (also 12.50)."""

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
        if str(text).strip().startswith("-"):
            raise ValidationError(_("The amount granted cannot be negative."), code="min_value")
        try:
            return parse_amount(text)
        except ValidationError as exc:
            if exc.code == "max_value":
                raise ValidationError(_("That amount is too high."), code="max_value") from None
            raise ValidationError(
                _("Fill in the amount in euros as a number, for example 12,50."),
                code="not_a_number",
            ) from None


class DecisionForm(UtrechtFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the decision.")},
    )
    amount_granted = AmountField(
        label=_("Amount granted (€)"),
        required=False,
        help_text=_("When approved. Empty is the amount requested."),
    )
    reason = forms.CharField(
        label=_("Reason, or what has to change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a rejection or a request for changes; the requester reads it."),
    )


class CloseEvaluationForm(UtrechtFormMixin, forms.Form):
    board_note = forms.CharField(
        label=_("The board's conclusion (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MinutesForm(UtrechtFormMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "What was discussed and agreed. Residents read the minutes once the meeting is held; "
            "write no private details about anyone."
        ),
    )


def combine(date: dt.date, time: dt.time) -> dt.datetime:
    from doorstroom.community.meetings import meeting_start

    return meeting_start(date, time)
