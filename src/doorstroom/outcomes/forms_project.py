"""Forms of the project page: the working-visit request (public) and the manager's page editor.
The services in ``outcomes/project.py`` check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.outcomes.models import GROUP_SIZE
from doorstroom.outcomes.project import CONCEPT_MAX, MESSAGE_MAX


class VisitRequestForm(UtrechtFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Fill in your name.")},
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_(
            "The corporation, care provider, municipality or other organisation you work for."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("Fill in the organisation you work for.")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Fill in your e-mail address."),
            "invalid": _("Fill in a valid e-mail address, for example name@corporation.nl."),
        },
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    proposed_dates = forms.CharField(
        label=_("When would you like to visit?"),
        max_length=500,
        help_text=_("One or more days or periods that suit you, for example 'a Tuesday in May'."),
        error_messages={"required": _("Fill in one or more dates or periods that suit you.")},
    )
    group_size = forms.IntegerField(
        label=_("Number of visitors"),
        min_value=GROUP_SIZE[0],
        max_value=GROUP_SIZE[1],
        help_text=_("Between %(min)s and %(max)s people.")
        % {"min": GROUP_SIZE[0], "max": GROUP_SIZE[1]},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Fill in the number of visitors."),
            "invalid": _("Fill in the number of visitors as a whole number."),
            "min_value": _("Fill in a number of visitors between %(min)s and %(max)s.")
            % {"min": GROUP_SIZE[0], "max": GROUP_SIZE[1]},
            "max_value": _("Fill in a number of visitors between %(min)s and %(max)s.")
            % {"min": GROUP_SIZE[0], "max": GROUP_SIZE[1]},
        },
    )
    message = forms.CharField(
        label=_("What would you like to see or discuss? (optional)"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Against bots: hidden from people (and screen readers), filled in by form-filling scripts.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    FIELDS = ("name", "organisation", "email", "phone", "proposed_dates", "group_size", "message")

    def is_bot(self) -> bool:
        """The hidden field was filled in: a script, not a person."""
        return bool(str(self.data.get("website", "")).strip())

    def answers(self) -> dict[str, Any]:
        """The cleaned answers as keyword arguments of ``project.submit_visit_request``."""
        return {name: self.cleaned_data[name] for name in self.FIELDS}

    def visible_fields_in_order(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FIELDS]

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) of every error in the order of the form."""
        summary = [("", str(message)) for message in self.non_field_errors()]
        for name in self.FIELDS:
            bound = self[name]
            label = str(bound.label)
            prefix = f"{label} " if label.endswith("?") else f"{label}: "
            for message in self.errors.get(name, []):
                summary.append((bound.auto_id, f"{prefix}{message}"))
        return summary


class ProjectPageForm(UtrechtFormMixin, forms.Form):
    concept = forms.CharField(
        label=_("The concept"),
        max_length=CONCEPT_MAX,
        required=False,
        help_text=_(
            "How mixed living works in this complex, in your own words: who lives here, how "
            "residents are chosen, what they do together. Do not name residents or write "
            "anything by which a resident can be recognised."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    since = forms.DateField(
        label=_("Mixed living since"),
        required=False,
        help_text=_("The date the first residents moved in under the mixed-living concept."),
        widget=DateInput(),
        error_messages={"invalid": _("Fill in a date, for example 01-05-2019.")},
    )
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=80,
        help_text=_("The last part of the page's address: lower-case letters, digits and hyphens."),
        error_messages={
            "required": _("Fill in the web address of the page."),
            "invalid": _(
                "Use only lower-case letters, digits and single hyphens, for example "
                "de-buren-utrecht."
            ),
        },
    )
