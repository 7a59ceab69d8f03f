"""Forms of the selection screens: the rubric, the interview outcome, interview slots, and the
letting policy of a complex with its rubric criteria."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.accounts.models import User
from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.lettings.models import SCALE, InterviewOutcome, LettingPolicy, RubricCriterion
from doorstroom.lettings.selection import POLICY_FIELDS, criterion_key
from doorstroom.portfolio.models import CORPORATION_STAFF

DATE = DateInput()
SCORE_LABELS = {
    1: gettext_lazy("1 – weak"),
    2: gettext_lazy("2 – meagre"),
    3: gettext_lazy("3 – sufficient"),
    4: gettext_lazy("4 – good"),
    5: gettext_lazy("5 – excellent"),
}


class RubricForm(UtrechtFormMixin, forms.Form):
    """One radio group 1-5 per criterion of the complex's rubric, and an optional note."""

    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Only letting staff see this note; the other reviewer sees it once they have scored."
        ),
    )

    def __init__(self, *args: Any, criteria: Sequence[RubricCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        note = self.fields.pop("note")
        low, high = SCALE
        for criterion in self.criteria:
            self.fields[criterion_key(criterion.pk)] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.description,
                choices=[(n, SCORE_LABELS.get(n, str(n))) for n in range(low, high + 1)],
                coerce=int,
                widget=forms.RadioSelect(
                    attrs={"class": "utrecht-radio-button utrecht-radio-button--html-input"}
                ),
                error_messages={
                    "required": _("%(criterion)s: choose a score.") % {"criterion": criterion.name},
                    "invalid_choice": _(
                        "%(criterion)s: give a whole number from %(low)s to %(high)s."
                    )
                    % {"criterion": criterion.name, "low": low, "high": high},
                },
            )
        self.fields["note"] = note

    def groups(self) -> list[dict[str, Any]]:
        return [{"criterion": c, "field": self[criterion_key(c.pk)]} for c in self.criteria]

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[criterion_key(c.pk)] for c in self.criteria}


class OutcomeForm(UtrechtFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome of the introduction interview"),
        choices=InterviewOutcome.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What you noticed in the interview; only letting staff see this."),
    )


def letting_staff(corporation_id: int) -> QuerySet[User]:
    """The corporation's mixed-living managers and letting officers: who can interview."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=corporation_id,
            memberships__role__in=CORPORATION_STAFF,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


TIMES = re.compile(r"[\s,;]+")


class SlotsForm(UtrechtFormMixin, forms.Form):
    """Several interview slots on one day: one per starting time."""

    day = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    times = forms.CharField(
        label=gettext_lazy("Starting times"),
        max_length=300,
        help_text=gettext_lazy("One or more times, separated by commas, e.g. 09:00, 09:45, 10:30."),
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duration (minutes)"), min_value=10, max_value=240, initial=30
    )
    location = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=200,
        help_text=gettext_lazy("E.g. the communal room of the complex, or an address."),
    )
    interviewer = forms.ModelChoiceField(
        label=gettext_lazy("Interviewer"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, corporation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["interviewer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = letting_staff(corporation_id)

    def clean_times(self) -> list[dt.time]:
        text = self.cleaned_data["times"].strip()
        found = []
        for part in filter(None, TIMES.split(text)):
            try:
                found.append(dt.datetime.strptime(part.replace(".", ":"), "%H:%M").time())
            except ValueError as exc:
                raise ValidationError(
                    _("%(value)s is not a time; write times as 09:30.") % {"value": part}
                ) from exc
        if not found:
            raise ValidationError(_("Give at least one starting time."))
        return found

    def starts(self) -> list[dt.datetime]:
        day = self.cleaned_data["day"]
        return [
            timezone.make_aware(dt.datetime.combine(day, time))
            for time in self.cleaned_data["times"]
        ]


class PolicyForm(UtrechtFormMixin, forms.ModelForm[LettingPolicy]):
    class Meta:
        model = LettingPolicy
        fields = list(POLICY_FIELDS)
        widgets = {
            "concept": forms.Textarea(attrs={"rows": 4}),
            "expectations": forms.Textarea(attrs={"rows": 4}),
            "community_agreements": forms.Textarea(attrs={"rows": 5}),
            "ranking": forms.RadioSelect,
        }

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in POLICY_FIELDS}


class CriterionForm(UtrechtFormMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Criterion"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("What a high score means"), max_length=300, required=False
    )
    weight = forms.TypedChoiceField(
        label=gettext_lazy("Weight"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        initial=1,
        help_text=gettext_lazy("How much this criterion counts in the average (1 to 5)."),
    )
