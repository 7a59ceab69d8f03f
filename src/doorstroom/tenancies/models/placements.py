"""Placements: one client in one dwelling from one start date, through the flip to an own tenancy.

This is the placements register of shared/spec/outcome-measures.md. The client is known here only
by the care provider's pseudonymous reference; care data stays with the care provider.

States (``PlacementState``; the allowed transitions are listed in tenancies/transitions.py):
care lease -> flipped (own tenancy with the 'wonen met zorg' label) -> label ended (a regular
tenancy like any other); an exit ends a placement in any state. The label's end date lives on the
tenancy (``RegularTenancy.care_label_until``), which the mix of the complex counts.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from doorstroom.organisations.models import Organisation
from doorstroom.portfolio.models import CareLease, Dwelling, QuotaTargetGroup, RegularTenancy


class ExitReason(models.TextChoices):
    REGULAR_HOUSING = "regular_housing", _("Moved on to other regular housing")
    CARE_FACILITY = "care_facility", _("Intramural care or sheltered housing")
    BACK_TO_SHELTER = "back_to_shelter", _("Back to shelter, street or no fixed abode")
    EVICTION = "eviction", _("Eviction")
    DETENTION = "detention", _("Detention")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class PlacementState(models.TextChoices):
    CARE_LEASE = "care_lease", _("Care lease")
    FLIPPED = "flipped", _("Own tenancy with the 'wonen met zorg' label")
    LABEL_ENDED = "label_ended", _("Regular tenancy (label ended)")
    EXITED = "exited", _("Ended")


class PlacementQuerySet(models.QuerySet["Placement"]):
    def visible_to(self, user: Any) -> PlacementQuerySet:
        """The client's own care provider (case workers, team leads) and the staff of the
        corporation that owns the dwelling; not another care provider in the same complex."""
        from doorstroom.organisations.roles import Role
        from doorstroom.organisations.selectors import memberships_of

        memberships = memberships_of(user)
        care = {
            m.organisation_id for m in memberships if m.role in (Role.CASE_WORKER, Role.TEAM_LEAD)
        }
        corporation = {
            m.organisation_id
            for m in memberships
            if m.role in (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER)
        }
        return self.filter(
            Q(care_provider_id__in=care) | Q(dwelling__corporation_id__in=corporation)
        )


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
    exit_destination = models.CharField(_("destination"), max_length=200, blank=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=PlacementState.choices,
        default=PlacementState.CARE_LEASE,
    )
    tenancy = models.OneToOneField(
        RegularTenancy,
        verbose_name=_("own tenancy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement",
        help_text=_("The client's own tenancy after the flip."),
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
            models.CheckConstraint(
                condition=Q(flip_date__isnull=True)
                | Q(exit_date__isnull=True)
                | Q(flip_date__lte=F("exit_date")),
                name="tenancies_placement_flip_before_exit",
                violation_error_message=_("The flip cannot be after the exit."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="care_lease", flip_date__isnull=True, exit_date__isnull=True)
                    | Q(state__in=["flipped", "label_ended"], flip_date__isnull=False)
                    & Q(exit_date__isnull=True)
                    | Q(state="exited", exit_date__isnull=False)
                ),
                name="tenancies_placement_state_matches_dates",
                violation_error_message=_("The placement's state does not match its dates."),
            ),
        ]
        # Overlapping placements of one client are refused by the database too: an exclusion
        # constraint on PostgreSQL and triggers on SQLite (migration 0003).

    def __str__(self) -> str:
        return f"{self.client_ref} · {self.dwelling} · {self.start_date}"
