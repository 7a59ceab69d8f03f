"""Forms for nominations and placement meetings. Rules that need the database live in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstroom.accounts.models import User
from doorstroom.config.forms import UtrechtFormMixin
from doorstroom.lettings.models import Decision, Nomination, NominationStatus
from doorstroom.organisations.models import Membership, Organisation
from doorstroom.portfolio.models import Complex, Dwelling, DwellingStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_LIMIT = 2000


class AriaRequiredMixin:
    """Required fields carry ``aria-required`` instead of ``required``: Utrecht styles an empty
    required textarea or radio button as invalid before anything was typed. Server-side
    validation is unchanged, and the forms are ``novalidate`` anyway."""

    use_required_attribute = False
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.required and not isinstance(
                field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                field.widget.attrs["aria-required"] = "true"


class ComplexChoiceField(forms.ModelChoiceField[Complex]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.corporation})"


def dwelling_label(dwelling: Dwelling) -> str:
    addition = f"-{dwelling.house_number_addition}" if dwelling.house_number_addition else ""
    status = getattr(dwelling, "status", "")
    label = f"{dwelling.street} {dwelling.house_number}{addition}"
    return f"{label} ({DwellingStatus(status).label})" if status else label


class NominationForm(AriaRequiredMixin, UtrechtFormMixin, forms.Form):
    """Complex, optional dwelling and motivation; the override reason only for a team lead.

    Without JavaScript the dwelling list cannot follow the chosen complex, so it lists the
    dwellings of every complex on offer, grouped per complex; the service refuses a dwelling
    outside the chosen complex.
    """

    complex = ComplexChoiceField(
        label=_("Complex"), queryset=Complex.objects.none(), empty_label=_("Choose a complex")
    )
    dwelling = forms.TypedChoiceField(
        label=_("Dwelling (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Only when you nominate for one dwelling. It must be in the chosen complex."),
    )
    motivation = forms.CharField(
        label=Nomination._meta.get_field("motivation").verbose_name.capitalize(),
        help_text=Nomination._meta.get_field("motivation").help_text,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(
        self,
        *args: Any,
        complexes: Any,
        dwellings: list[Dwelling],
        may_override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["complex"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = complexes
        self.dwellings = {d.pk: d for d in dwellings}
        groups: dict[str, list[tuple[int, str]]] = {}
        for dwelling in dwellings:
            groups.setdefault(dwelling.complex.name, []).append(
                (dwelling.pk, dwelling_label(dwelling))
            )
        dwelling_field = self.fields["dwelling"]
        assert isinstance(dwelling_field, forms.ChoiceField)
        dwelling_field.choices = [("", _("Any dwelling in the complex")), *groups.items()]
        if may_override:
            self.fields["override_reason"] = forms.CharField(
                label=_("Reason for the override (team lead)"),
                help_text=_(
                    "Only when the client is not ready: why you nominate the client anyway. "
                    "Recorded with your name in the audit trail."
                ),
                required=False,
                max_length=TEXT_LIMIT,
                widget=forms.Textarea(
                    attrs={"rows": 3, "class": "utrecht-textarea utrecht-textarea--html-textarea"}
                ),
            )

    def clean_dwelling(self) -> Dwelling | None:
        pk = self.cleaned_data.get("dwelling")
        return self.dwellings[pk] if pk is not None else None


class DecisionForm(AriaRequiredMixin, UtrechtFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reasons"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )
    review_on = forms.DateField(
        label=_("Review date"),
        required=False,
        widget=DATE,
        help_text=_("Needed when the nomination is deferred: when the meeting looks at it again."),
    )


class AttendeeField(forms.ModelMultipleChoiceField[User]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.labels: dict[int, str] = {}

    def label_from_instance(self, obj: Any) -> str:
        return self.labels.get(obj.pk) or str(obj)


class MeetingForm(AriaRequiredMixin, UtrechtFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Date of the meeting"), widget=DATE, initial=dt.date.today)
    attendees = AttendeeField(
        label=_("Who attended"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Record who attended.")},
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Agreements made in the meeting. Do not include health or care details."),
    )

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels: dict[int, list[str]] = {}
        for m in memberships:
            labels.setdefault(m.user_id, [str(m.user)]).append(
                f"{m.organisation} ({m.get_role_display()})"
            )
        field = self.fields["attendees"]
        assert isinstance(field, AttendeeField)
        # CheckboxSelectMultiple subclasses RadioSelect, so the mixin gives it the radio class.
        field.widget.attrs["class"] = "utrecht-checkbox utrecht-checkbox--html-input"
        field.queryset = User.objects.filter(pk__in=list(labels)).order_by(
            "last_name", "first_name", "username"
        )
        field.labels = {pk: f"{parts[0]} · {', '.join(parts[1:])}" for pk, parts in labels.items()}


class PartnerForm(AriaRequiredMixin, UtrechtFormMixin, forms.Form):
    """Step one of a new meeting: the organisation on the other side of the table."""

    partner = forms.ModelChoiceField(label=_("Meeting with"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, partners: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[p.pk for p in partners]).order_by(
            "name"
        )


class StatusFilterForm(UtrechtFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *NominationStatus.choices],
    )
