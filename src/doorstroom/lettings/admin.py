"""Platform administration for lettings: the yearly affordability limits are configuration."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from doorstroom.audit.admin_mixins import AuditedAdminMixin
from doorstroom.lettings.models import AffordabilityLimits


@admin.register(AffordabilityLimits)
class AffordabilityLimitsAdmin(AuditedAdminMixin, admin.ModelAdmin[AffordabilityLimits]):
    """Add next year's figures here before the first allocation of that year (docs/affordability.md)."""

    list_display = [
        "year",
        "income_single",
        "income_multi",
        "rent_limit_low",
        "rent_limit_high",
        "social_rent_limit",
    ]
    ordering = ["-year"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["year"]}),
        (
            _("Income limits of passend toewijzen"),
            {
                "fields": [
                    "income_single",
                    "income_multi",
                    "income_senior_single",
                    "income_senior_multi",
                ]
            },
        ),
        (_("Rent limits"), {"fields": ["rent_limit_low", "rent_limit_high", "social_rent_limit"]}),
        (_("Source"), {"fields": ["source", "source_url"]}),
    ]
