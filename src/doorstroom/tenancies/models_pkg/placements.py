"""Placements: one client in one dwelling from one start date, through the flip to an own tenancy.

This is the placements register of shared/spec/outcome-measures.md. The client is known here only
by the care provider's pseudonymous reference; care data stays with the care provider.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from doorstroom.organisations.models import Organisation
from doorstroom.portfolio.models import CareLease, Dwelling, QuotaTargetGroup


class ExitReason(models.TextChoices):
    REGULAR_HOUSING = "regular_housing", _("Moved on to other regular housing")
    CARE_FACILITY = "care_facility", _("Intramural care or sheltered housing")
    BACK_TO_SHELTER = "back_to_shelter", _("Back to shelter, street or no fixed abode")
    EVICTION = "eviction", _("Eviction")
    DETENTION = "detention", _("Detention")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class PlacementQuerySet(models.QuerySet["Placement"]):
    def visible_to(self, user: Any) -> PlacementQuerySet:
        from doorstroom.portfolio.models import Complex

        return self.filter(dwelling__complex__in=Complex.objects.visible_to(user))


class Placement(models.Model):
    care_provider = models.ForeignKey(
        Organisation,
        verbose_name=_("care provider"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    client_ref = models.CharField(_("client reference"), max_length=40)
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="placements"
    )
    care_lease = models.ForeignKey(
        CareLease,
        verbose_name=_("care lease"),
        on_delete=models.PROTECT,
        related_name="placements",
        null=True,
        blank=True,
    )
    target_group = models.CharField(
        _("target group"),
        max_length=10,
        choices=QuotaTargetGroup.choices,
        default=QuotaTargetGroup.SHELTER,
    )
    start_date = models.DateField(_("start"))
    flip_date = models.DateField(_("flip date"), null=True, blank=True)
    exit_date = models.DateField(_("exit date"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=20, choices=ExitReason.choices, blank=True
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["care_provider", "client_ref", "start_date"],
                name="tenancies_placement_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(flip_date__isnull=True) | Q(flip_date__gte=F("start_date")),
                name="tenancies_placement_flip_after_start",
                violation_error_message=_("The flip cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=F("start_date")),
                name="tenancies_placement_exit_after_start",
                violation_error_message=_("The exit cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | ~Q(exit_reason=""),
                name="tenancies_placement_exit_has_reason",
                violation_error_message=_("An exit needs a reason."),
            ),
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(exit_date__isnull=True),
                name="tenancies_placement_one_current_per_dwelling",
                violation_error_message=_("This dwelling already has a current placement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_ref} · {self.dwelling} · {self.start_date}"
