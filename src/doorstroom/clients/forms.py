"""Forms of the care-pathway screens. They check input; the services check the rules and save."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.accounts.models import User
from doorstroom.clients import zrm
from doorstroom.clients.models import (
    CARE_ROLES,
    Action,
    Client,
    Consent,
    ConsentScope,
    Goal,
    ReadinessPolicy,
)
from doorstroom.clients.validators import normalise_bsn
from doorstroom.config.forms import DateInput, UtrechtFormMixin, utrecht_widget_class
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind

DATE = DateInput()

#: Which kind of partner may receive which category (issue: readiness with the corporation,
#: label and contact details with the neighbourhood team).
PARTNER_KIND = {
    ConsentScope.READINESS_OUTCOME: OrganisationKind.CORPORATION,
    ConsentScope.LABEL_AND_CONTACT: OrganisationKind.NEIGHBOURHOOD_TEAM,
}


def _not_in_future(value: dt.date | None, message: str) -> dt.date | None:
    if value and value > timezone.localdate():
        raise ValidationError(message)
    return value


def care_staff(provider: Organisation) -> QuerySet[User]:
    """Case workers and team leads of ``provider``: who can be a client's case worker."""
    return (
        User.objects.filter(
            is_active=True, memberships__organisation=provider, memberships__role__in=CARE_ROLES
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class CaseloadFilterForm(UtrechtFormMixin, forms.Form):
    show = forms.ChoiceField(label=gettext_lazy("Show"), required=False)
    q = forms.CharField(label=gettext_lazy("Name or reference"), required=False, max_length=100)

    def __init__(self, *args: Any, provider: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.fields["show"].choices = [  # type: ignore[attr-defined]
            ("mine", _("My clients")),
            ("all", _("All clients of my organisation")),
        ]


class ClientForm(UtrechtFormMixin, forms.ModelForm[Client]):
    bsn = forms.CharField(
        label=gettext_lazy("BSN (citizen service number)"),
        required=False,
        max_length=20,
        help_text=gettext_lazy(
            "Optional. Nine digits, checked with the eleven-test. It is stored encrypted: only "
            "your organisation can read it, and every time it is shown is recorded."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    remove_bsn = forms.BooleanField(label=gettext_lazy("Remove the recorded BSN"), required=False)

    field_order = [
        "first_name",
        "last_name",
        "date_of_birth",
        "bsn",
        "remove_bsn",
        "phone",
        "email",
        "case_worker",
    ]

    class Meta:
        model = Client
        fields = ["first_name", "last_name", "date_of_birth", "phone", "email", "case_worker"]
        widgets = {"date_of_birth": DATE}

    def __init__(self, *args: Any, provider: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker = self.fields["case_worker"]
        worker.queryset = care_staff(provider)  # type: ignore[attr-defined]
        worker.label_from_instance = lambda user: user.get_full_name() or user.username  # type: ignore[attr-defined]
        worker.empty_label = _("(no case worker yet)")  # type: ignore[attr-defined]
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        if self.instance.pk and self.instance.bsn_digest:
            self.fields["bsn"].help_text = _(
                "A BSN is recorded. Leave this empty to keep it, or enter a new one to replace it."
            )
        else:
            del self.fields["remove_bsn"]

    def clean_date_of_birth(self) -> dt.date | None:
        return _not_in_future(
            self.cleaned_data.get("date_of_birth"), _("A date of birth cannot be in the future.")
        )

    def clean_bsn(self) -> str:
        value: str = self.cleaned_data.get("bsn", "").strip()
        if value:
            normalise_bsn(value)  # raises the eleven-test message
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("remove_bsn") and cleaned.get("bsn"):
            self.add_error("bsn", _("Either enter a new BSN or remove it, not both."))
        return cleaned

    def bsn_to_save(self) -> str | None:
        """What ``services.save_client`` gets: a new BSN, '' to remove it, None to keep it."""
        if self.cleaned_data.get("remove_bsn"):
            return ""
        return self.cleaned_data.get("bsn") or None


class ChecksForm(UtrechtFormMixin, forms.Form):
    housing_skills = forms.BooleanField(
        label=gettext_lazy("Housing skills are confirmed"),
        required=False,
        help_text=gettext_lazy("The client can keep a household: rent, cleaning, neighbours."),
    )
    income = forms.BooleanField(
        label=gettext_lazy("Income is arranged"),
        required=False,
        help_text=gettext_lazy("A benefit, wages or other income, and rent paid from it."),
    )
    high_risk_signal_open = forms.BooleanField(
        label=gettext_lazy("A high-risk signal is open"),
        required=False,
        help_text=gettext_lazy("Tick this while a high-risk signal about the client is open."),
    )

    @classmethod
    def for_client(cls, client: Client, data: Any = None) -> ChecksForm:
        return cls(
            data,
            label_suffix="",
            initial={
                "housing_skills": client.housing_skills_confirmed,
                "income": client.income_arranged,
                "high_risk_signal_open": client.high_risk_signal_open,
            },
        )


class AssessmentForm(UtrechtFormMixin, forms.Form):
    """A complete ZRM assessment: each domain of the version as a radio group 1-5 and a note."""

    assessed_on = forms.DateField(label=gettext_lazy("Assessment date"), widget=DATE)

    def __init__(self, *args: Any, version: str = zrm.CURRENT_VERSION, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.domains = zrm.domains(version)
        levels = [(level, label) for level, label in zrm.SCALE.items()]
        for domain in self.domains:
            label = str(domain.label)
            self.fields[self.score_field(domain.code)] = forms.TypedChoiceField(
                label=label,
                choices=levels,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a level for this domain."),
                    "invalid_choice": _("A ZRM score is 1, 2, 3, 4 or 5."),
                },
            )
            self.fields[self.note_field(domain.code)] = forms.CharField(
                label=_("Note on %(domain)s (optional)") % {"domain": label},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for name, field in self.fields.items():
            if name != "assessed_on":
                field.widget.attrs["class"] = utrecht_widget_class(field.widget)

    def clean_assessed_on(self) -> dt.date | None:
        # The service refuses this too; checking here shows it together with any other error.
        return _not_in_future(
            self.cleaned_data.get("assessed_on"), _("An assessment cannot be dated in the future.")
        )

    @staticmethod
    def score_field(code: str) -> str:
        return f"score_{code}"

    @staticmethod
    def note_field(code: str) -> str:
        return f"note_{code}"

    def groups(self) -> list[dict[str, Any]]:
        """Per domain: its score field and its note field, for a fieldset each."""
        return [
            {
                "code": domain.code,
                "label": str(domain.label),
                "score": self[self.score_field(domain.code)],
                "note": self[self.note_field(domain.code)],
            }
            for domain in self.domains
        ]

    def scores(self) -> dict[str, int]:
        return {d.code: self.cleaned_data[self.score_field(d.code)] for d in self.domains}

    def notes(self) -> dict[str, str]:
        return {
            d.code: self.cleaned_data.get(self.note_field(d.code), "").strip() for d in self.domains
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show ``services.record_assessment``'s errors (keyed by domain code) on the fields."""
        codes = {d.code for d in self.domains}
        by_field = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        for key, messages in by_field.items():
            if key in codes:
                self.add_error(self.score_field(key), messages)
            elif key in self.fields:
                self.add_error(key, messages)
            else:
                self.add_error(None, messages)

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for every error, in the order of the form, to link from the top."""
        summary = [("", str(message)) for message in self.non_field_errors()]
        if "assessed_on" in self.errors:
            summary += [("id_assessed_on", str(m)) for m in self.errors["assessed_on"]]
        for domain in self.domains:
            for name in (self.score_field(domain.code), self.note_field(domain.code)):
                for message in self.errors.get(name, []):
                    anchor = f"id_{name}_0" if name.startswith("score_") else f"id_{name}"
                    summary.append((anchor, f"{domain.label}: {message}"))
        return summary


class ConsentForm(UtrechtFormMixin, forms.ModelForm[Consent]):
    class Meta:
        model = Consent
        fields = ["partner", "scope", "method", "given_on", "valid_from", "expires_on"]
        widgets = {"given_on": DATE, "valid_from": DATE, "expires_on": DATE}
        help_texts = {
            "expires_on": gettext_lazy(
                "Leave empty for consent without an end date. We remind you 30 days before it ends."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = self.fields["partner"]
        partner.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind__in=list(PARTNER_KIND.values())
        ).order_by("kind", "name")
        partner.label_from_instance = lambda org: f"{org.name} ({org.get_kind_display()})"  # type: ignore[attr-defined]
        partner.help_text = _(
            "The readiness outcome is shared with a housing corporation; the label and contact "
            "details with a neighbourhood team."
        )

    def clean_given_on(self) -> dt.date | None:
        return _not_in_future(
            self.cleaned_data.get("given_on"), _("Consent cannot be given in the future.")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        partner, scope = cleaned.get("partner"), cleaned.get("scope")
        if partner and scope and partner.kind != PARTNER_KIND.get(scope):
            self.add_error(
                "partner",
                _("%(scope)s can only be shared with a %(kind)s.")
                % {
                    "scope": ConsentScope(scope).label,
                    "kind": OrganisationKind(PARTNER_KIND[scope]).label.lower(),
                },
            )
        return cleaned


class GoalForm(UtrechtFormMixin, forms.ModelForm[Goal]):
    class Meta:
        model = Goal
        fields = ["domain", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"] = forms.ChoiceField(
            label=_("ZRM domain"),
            required=False,
            choices=[("", _("(not tied to one domain)"))]
            + [(d.code, str(d.label)) for d in zrm.domains()],
            widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
        )


class ActionForm(UtrechtFormMixin, forms.ModelForm[Action]):
    class Meta:
        model = Action
        fields = ["goal", "description", "owner", "due_on"]
        widgets = {"due_on": DATE}

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        goal = self.fields["goal"]
        goal.queryset = client.goals.filter(achieved_on__isnull=True)  # type: ignore[attr-defined]
        goal.label_from_instance = lambda g: g.description[:80]  # type: ignore[attr-defined]
        goal.empty_label = _("(not tied to a goal)")  # type: ignore[attr-defined]


class ReviewForm(UtrechtFormMixin, forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Held on"), widget=DATE)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "What was discussed with the client, and what changes in the plan. Only your "
            "organisation can read this."
        ),
    )


class ReadinessPolicyForm(UtrechtFormMixin, forms.ModelForm[ReadinessPolicy]):
    class Meta:
        model = ReadinessPolicy
        fields = [
            "min_addiction",
            "min_finances",
            "require_housing_skills",
            "require_income",
            "require_no_high_risk",
            "max_assessment_age_days",
        ]
