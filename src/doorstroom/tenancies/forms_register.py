"""The upload form of the placements register import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from doorstroom.tenancies.forms_signals import ArrearsUploadForm


class RegisterUploadForm(ArrearsUploadForm):
    """The arrears upload's file checks, and whether unknown things may be created."""

    create_missing = forms.BooleanField(
        label=gettext_lazy("Create unknown care providers, complexes and dwellings"),
        required=False,
        help_text=gettext_lazy(
            "Without this, a care provider, complex or VHE code that Doorstroom does not know is "
            "an error. Created complexes and dwellings get placeholder details to complete."
        ),
    )
