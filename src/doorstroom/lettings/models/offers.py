"""Offers (aanbiedingen) of a vacancy to one candidate at a time, the allocation that follows an
accepted offer, and the yearly affordability limits (passend toewijzen) it is checked against.

Offer statuses are the VERA AANBIEDINGSTATUS codes; refusal and withdrawal reasons the
AANBIEDINGDETAILSTATUS codes; the affordability result the PASSENDHEIDSSOORT codes.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.lettings.models.applications import Application
from doorstroom.lettings.models.nominations import Nomination
from doorstroom.lettings.models.vacancies import Vacancy
from doorstroom.portfolio.models import CareLease, RegularTenancy


class OfferStatus(models.TextChoices):
    """VERA AANBIEDINGSTATUS."""

    OFFERED = "AAN", _("Offered")
    REFUSED = "GEW", _("Refused")
    WITHDRAWN = "ING", _("Withdrawn")
    ALLOCATED = "TOE", _("Allocated")


class Offer(models.Model):
    """A vacancy offered to one regular applicant, or to a care provider for a nominated client."""

    vacancy = models.ForeignKey(
        Vacancy, verbose_name=_("vacancy"), on_delete=models.PROTECT, related_name="offers"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offers",
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
    )
    status = models.CharField(
        _("status"), max_length=3, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    detail_status = models.CharField(
        _("reason"),
        max_length=3,
        blank=True,
        help_text=_("VERA AANBIEDINGDETAILSTATUS code of a refusal or withdrawal."),
    )
    respond_by = models.DateField(_("respond by"))
    start_date = models.DateField(_("proposed start of the tenancy"))
    non_fitting_reason = models.CharField(
        _("reason for a non-fitting allocation"),
        max_length=3,
        blank=True,
        help_text=_("VERA PASSENDHEIDDETAILSOORT, needed when the rent does not fit the income."),
    )
    offered_at = models.DateTimeField(_("offered"), auto_now_add=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("response recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the applicant responded through their own link."),
    )
    response_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["offered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy"],
                condition=Q(status="AAN"),
                name="lettings_one_open_offer_per_vacancy",
                violation_error_message=_("This dwelling is already on offer to a candidate."),
            ),
            models.UniqueConstraint(
                fields=["vacancy"],
                condition=Q(status="TOE"),
                name="lettings_one_allocated_offer_per_vacancy",
                violation_error_message=_("This dwelling has already been allocated."),
            ),
            models.CheckConstraint(
                condition=(Q(application__isnull=False) & Q(nomination__isnull=True))
                | (Q(application__isnull=True) & Q(nomination__isnull=False)),
                name="lettings_offer_one_candidate",
                violation_error_message=_("An offer goes to one applicant or one nomination."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["GEW", "ING"]) | ~Q(detail_status=""),
                name="lettings_offer_refusal_has_reason",
                violation_error_message=_("A refusal or withdrawal needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__gte=models.F("respond_by")),
                name="lettings_offer_start_after_response",
                violation_error_message=_("The tenancy cannot start before the response deadline."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy} · {self.get_status_display()}"


class Affordability(models.TextChoices):
    """VERA PASSENDHEIDSSOORT."""

    FITTING = "PAS", _("Fitting (passend)")
    NOT_FITTING = "NIE", _("Not fitting (niet passend)")
    NOT_APPLICABLE = "NVT", _("Check not applicable")


class AffordabilityLimits(models.Model):
    """The income and rent limits of passend toewijzen for one calendar year (docs/affordability.md)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    income_single = models.DecimalField(
        _("income limit, one person (€)"), max_digits=9, decimal_places=2
    )
    income_multi = models.DecimalField(
        _("income limit, more persons (€)"), max_digits=9, decimal_places=2
    )
    income_senior_single = models.DecimalField(
        _("income limit, one person of pension age (€)"), max_digits=9, decimal_places=2
    )
    income_senior_multi = models.DecimalField(
        _("income limit, more persons of pension age (€)"), max_digits=9, decimal_places=2
    )
    rent_limit_low = models.DecimalField(
        _("rent limit for 1 and 2 persons (lower capping limit, €)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    rent_limit_high = models.DecimalField(
        _("rent limit for 3 or more persons (higher capping limit, €)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    social_rent_limit = models.DecimalField(
        _("social (DAEB) rent limit (€)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source address"), blank=True)

    class Meta:
        verbose_name = _("affordability limits")
        verbose_name_plural = _("affordability limits")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rent_limit_low__lte=models.F("rent_limit_high"))
                & Q(rent_limit_high__lte=models.F("social_rent_limit")),
                name="lettings_limits_ordered",
                violation_error_message=_(
                    "The rent limits must run from low to high to the social rent limit."
                ),
            )
        ]

    def __str__(self) -> str:
        return str(_("Affordability limits %(year)s") % {"year": self.year})


class Allocation(models.Model):
    """The dwelling goes to the candidate of an accepted offer (toewijzing)."""

    vacancy = models.OneToOneField(
        Vacancy, verbose_name=_("vacancy"), on_delete=models.PROTECT, related_name="allocation"
    )
    offer = models.OneToOneField(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="allocation"
    )
    start_date = models.DateField(_("start of the tenancy"))
    net_rent = models.DecimalField(_("net rent (€ per month)"), max_digits=8, decimal_places=2)
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    affordability = models.CharField(
        _("affordability check"), max_length=3, choices=Affordability.choices
    )
    affordability_detail = models.CharField(
        _("reason for a non-fitting allocation"), max_length=3, blank=True
    )
    affordability_explanation = models.TextField(_("explanation"))
    limits = models.ForeignKey(
        AffordabilityLimits,
        verbose_name=_("limits applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    regular_tenancy = models.OneToOneField(
        RegularTenancy,
        verbose_name=_("tenancy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocation",
    )
    care_lease = models.OneToOneField(
        CareLease,
        verbose_name=_("care lease"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocation",
    )
    allocated_at = models.DateTimeField(_("allocated"), auto_now_add=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("allocated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-allocated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(regular_tenancy__isnull=False) | Q(care_lease__isnull=False),
                name="lettings_allocation_has_contract",
                violation_error_message=_("An allocation starts a tenancy or a care lease."),
            ),
            models.CheckConstraint(
                condition=~Q(affordability="NIE") | ~Q(affordability_detail=""),
                name="lettings_non_fitting_has_reason",
                violation_error_message=_("A non-fitting allocation needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy} · {self.start_date}"
