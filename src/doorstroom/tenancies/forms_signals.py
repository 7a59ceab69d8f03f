"""Forms of early warning: record and close a signal, refer it, answer a referral, upload
arrears, and a neighbourhood team's postcode areas. Rules live in the services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind
from doorstroom.tenancies.models import SignalKind
from doorstroom.tenancies.signals_services import ACTION_KINDS

MAX_UPLOAD_MB = 20
SUFFIXES = (".csv", ".xlsx")


class SignalForm(UtrechtFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of signal"),
        choices=[("", "—"), *SignalKind.choices],
    )
    description = forms.CharField(
        label=gettext_lazy("What is going on"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Facts you observed, no diagnoses. The receiver of a referral sees this."
        ),
    )
    opened_on = forms.DateField(
        label=gettext_lazy("Date of the signal"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Empty is today."),
    )


class CloseSignalForm(UtrechtFormMixin, forms.Form):
    outcome = forms.CharField(
        label=gettext_lazy("Outcome"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReferForm(UtrechtFormMixin, forms.Form):
    receiver = forms.ModelChoiceField(
        label=gettext_lazy("Refer to"), queryset=Organisation.objects.none(), empty_label="—"
    )

    def __init__(self, *args: Any, receivers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["receiver"]
        assert isinstance(field, forms.ModelChoiceField)
        # Any neighbourhood team or care provider is accepted, so that the service can say why
        # it refuses one; the list offers the ones this signal may go to.
        field.queryset = Organisation.objects.filter(
            kind__in=[OrganisationKind.NEIGHBOURHOOD_TEAM, OrganisationKind.CARE_PROVIDER]
        )
        field.widget.choices = [("", "—"), *((r.pk, r.name) for r in receivers)]


class ReferralActionForm(UtrechtFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What did you do?"),
        choices=[(kind.value, kind.label) for kind in ACTION_KINDS],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Empty is today."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Required when you close: the outcome. Only your organisation reads the note."
        ),
    )


class ArrearsUploadForm(UtrechtFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "A CSV file (comma or semicolon, UTF-8) or an Excel file (.xlsx), at most 20 MB."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise ValidationError(_("Choose a .csv or .xlsx file."))
        if (upload.size or 0) > MAX_UPLOAD_MB * 1024 * 1024:
            raise ValidationError(
                _("The file is larger than %(limit)s MB; use the import command.")
                % {"limit": MAX_UPLOAD_MB}
            )
        return upload


class AreaForm(UtrechtFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label=gettext_lazy("Neighbourhood team"),
        queryset=Organisation.objects.none(),
        empty_label=None,
    )
    postcode_digits = forms.CharField(
        label=gettext_lazy("Postcode area (4 digits)"),
        max_length=4,
        help_text=gettext_lazy("The four digits of the postcode, e.g. 3562."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, teams: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[t.pk for t in teams]).order_by("name")
        if len(teams) == 1:
            field.widget = forms.HiddenInput()
            field.initial = teams[0].pk
