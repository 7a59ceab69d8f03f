"""Forms for the portfolio screens. Validation that involves the database lives in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind
from doorstroom.portfolio.models import (
    CareLeaseAgreement,
    CommunalSpace,
    Complex,
    Dwelling,
    Quota,
    SuitabilityPolicy,
)
from doorstroom.portfolio.suitability import Verdict
from doorstroom.reference.codes import accessibility_names, choices, typology_names

DATE = DateInput()


class ComplexForm(UtrechtFormMixin, forms.ModelForm[Complex]):
    class Meta:
        model = Complex
        fields = [
            "code",
            "name",
            "street",
            "postcode",
            "city",
            "municipality_name",
            "year_built",
            "floors",
            "typology",
            "staff_present_daily",
            "neighbourhood_assessment",
            "leefbaarometer_class",
            "neighbourhood_note",
            "mix_target",
            "mix_tolerance",
        ]
        widgets = {"neighbourhood_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["typology"] = forms.ChoiceField(
            label=_("Access typology"),
            choices=choices(typology_names()),
            help_text=_("VERA code. Gallery access (GAL) suits mixed living best."),
        )
        self.fields["typology"].widget.attrs["class"] = "utrecht-select utrecht-select--html-select"


class CommunalSpaceForm(UtrechtFormMixin, forms.ModelForm[CommunalSpace]):
    class Meta:
        model = CommunalSpace
        fields = ["kind", "size_m2", "description"]


class DwellingForm(UtrechtFormMixin, forms.ModelForm[Dwelling]):
    class Meta:
        model = Dwelling
        fields = [
            "vhe_code",
            "street",
            "house_number",
            "house_number_addition",
            "postcode",
            "city",
            "dwelling_type",
            "rooms",
            "floor_area",
            "net_rent",
            "service_costs",
            "furnishing",
            "accessibility",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        select = "utrecht-select utrecht-select--html-select"
        self.fields["dwelling_type"] = forms.ChoiceField(
            label=_("Dwelling type"), choices=choices(typology_names())
        )
        self.fields["accessibility"] = forms.ChoiceField(
            label=_("Accessibility"),
            required=False,
            choices=[("", _("No label")), *choices(accessibility_names())],
        )
        for name in ("dwelling_type", "accessibility"):
            self.fields[name].widget.attrs["class"] = select


class AgreementForm(UtrechtFormMixin, forms.ModelForm[CareLeaseAgreement]):
    class Meta:
        model = CareLeaseAgreement
        fields = [
            "care_provider",
            "reference",
            "dwellings_promised",
            "start_date",
            "end_date",
            "max_care_lease_months",
            "label_months",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["care_provider"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(kind=OrganisationKind.CARE_PROVIDER)


class DwellingChoiceField(forms.ModelChoiceField[Dwelling]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.address} ({obj.vhe_code})"


class LeaseForm(UtrechtFormMixin, forms.Form):
    dwelling = DwellingChoiceField(label=_("Dwelling"), queryset=Dwelling.objects.none())
    start_date = forms.DateField(label=_("Leased from"), widget=DATE, initial=dt.date.today)

    def __init__(self, *args: Any, vacant: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dwelling"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = vacant


class EndLeaseForm(UtrechtFormMixin, forms.Form):
    end_date = forms.DateField(label=_("Handed back on"), widget=DATE, initial=dt.date.today)


class QuotaForm(UtrechtFormMixin, forms.ModelForm[Quota]):
    class Meta:
        model = Quota
        fields = ["municipality", "corporation", "year", "target_group", "dwellings", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, kind in (
            ("municipality", OrganisationKind.MUNICIPALITY),
            ("corporation", OrganisationKind.CORPORATION),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Organisation.objects.filter(kind=kind)


class SuitabilityPolicyForm(UtrechtFormMixin, forms.ModelForm[SuitabilityPolicy]):
    class Meta:
        model = SuitabilityPolicy
        fields = [
            "weight_typology",
            "weight_size",
            "weight_communal_space",
            "weight_staff",
            "weight_vulnerable_share",
            "weight_neighbourhood",
            "suitable_from",
            "conditional_from",
            "size_ideal_min",
            "size_ideal_max",
            "size_acceptable_min",
            "size_acceptable_max",
            "communal_min_m2",
        ]


class PortfolioFilterForm(UtrechtFormMixin, forms.Form):
    q = forms.CharField(label=_("Search name or code"), required=False, max_length=100)
    typology = forms.ChoiceField(label=_("Access typology"), required=False)
    verdict = forms.ChoiceField(
        label=_("Suitability"), required=False, choices=[("", _("All")), *Verdict.choices]
    )
    municipality = forms.CharField(label=_("Municipality"), required=False, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["typology"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *choices(typology_names())]
