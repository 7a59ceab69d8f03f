"""Early warning (vroegsignalering): signals on a tenancy (VERA SIGNALERINGSOORT), rent arrears
reported by the corporation's ERP, neighbourhood teams' areas, and referrals to the neighbourhood
team or the care provider with what the receiver did."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.organisations.models import Organisation
from doorstroom.portfolio.models import CareLease, Dwelling, RegularTenancy
from doorstroom.tenancies.models.placements import Placement


class SignalKind(models.TextChoices):
    """VERA SIGNALERINGSOORT."""

    AGGRESSION = "AGR", _("Aggression")
    SUPPORT_NEED = "ONB", _("Support need")
    IMPROPER_USE = "ONE", _("Improper use of the dwelling")
    NUISANCE = "OVE", _("Nuisance")
    RENT_ARREARS = "SCH", _("Rent arrears")
    MISCONDUCT = "WAN", _("Misconduct towards staff")


class SignalSource(models.TextChoices):
    MANUAL = "manual", _("Recorded by staff")
    ARREARS = "arrears", _("Rent arrears import")


class SignalQuerySet(models.QuerySet["Signal"]):
    def open(self) -> SignalQuerySet:
        return self.filter(closed_on__isnull=True)


class Signal(models.Model):
    """An early warning about the occupancy of a dwelling: a care lease or a regular tenancy."""

    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="signals"
    )
    care_lease = models.ForeignKey(
        CareLease,
        verbose_name=_("care lease"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signals",
    )
    regular_tenancy = models.ForeignKey(
        RegularTenancy,
        verbose_name=_("tenancy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signals",
    )
    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signals",
    )
    kind = models.CharField(_("kind"), max_length=3, choices=SignalKind.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=SignalSource.choices, default=SignalSource.MANUAL
    )
    description = models.TextField(_("description"), blank=True)
    opened_on = models.DateField(_("opened on"))
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(care_lease__isnull=False) | Q(regular_tenancy__isnull=False),
                name="tenancies_signal_on_an_occupancy",
                violation_error_message=_("A signal is about a care lease or a tenancy."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="tenancies_signal_closed_after_opened",
                violation_error_message=_("A signal cannot close before it opened."),
            ),
            models.UniqueConstraint(
                fields=["dwelling", "kind"],
                condition=Q(closed_on__isnull=True, source="arrears"),
                name="tenancies_one_open_arrears_signal_per_dwelling",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.dwelling}"


class ArrearsReport(models.Model):
    """Rent arrears of a dwelling's occupancy on a date, as exported by the corporation's ERP."""

    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="arrears"
    )
    reported_on = models.DateField(_("date"))
    months = models.DecimalField(
        _("months in arrears"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(99))],
    )
    amount = models.DecimalField(
        _("amount in arrears (€)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("rent arrears report")
        verbose_name_plural = _("rent arrears reports")
        ordering = ["-reported_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling", "reported_on"],
                name="tenancies_one_arrears_report_per_day",
                violation_error_message=_(
                    "This dwelling already has arrears reported for that date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(months__gte=0) & Q(amount__gte=0),
                name="tenancies_arrears_not_negative",
                violation_error_message=_("Arrears cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dwelling} · {self.reported_on}: {self.months}"


class NeighbourhoodArea(models.Model):
    """A four-digit postcode area a neighbourhood team covers."""

    team = models.ForeignKey(
        Organisation,
        verbose_name=_("neighbourhood team"),
        on_delete=models.CASCADE,
        related_name="areas",
        limit_choices_to={"kind": "neighbourhood_team"},
    )
    postcode_digits = models.CharField(
        _("postcode area (4 digits)"),
        max_length=4,
        validators=[RegexValidator(r"^[1-9][0-9]{3}$", _("Four digits, e.g. 3562."))],
    )

    class Meta:
        verbose_name = _("neighbourhood area")
        verbose_name_plural = _("neighbourhood areas")
        ordering = ["postcode_digits"]
        constraints = [
            models.UniqueConstraint(
                fields=["postcode_digits"],
                name="tenancies_one_team_per_area",
                violation_error_message=_("Another neighbourhood team covers this postcode area."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.postcode_digits}"


class ReferralStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONTACT_MADE = "contact_made", _("Contact made")
    REFERRED_ON = "referred_on", _("Referred on")
    CLOSED = "closed", _("Closed")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def unresolved(self) -> ReferralQuerySet:
        return self.exclude(status=ReferralStatus.CLOSED)


class Referral(models.Model):
    """A signal handed to the neighbourhood team or the care provider, with a response deadline."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signal"), on_delete=models.PROTECT, related_name="referrals"
    )
    receiver = models.ForeignKey(
        Organisation,
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    respond_by = models.DateField(_("respond by"))
    status = models.CharField(
        _("status"), max_length=15, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    first_response_on = models.DateField(_("first response"), null=True, blank=True)
    created_at = models.DateTimeField(_("referred"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["respond_by", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["signal", "receiver"],
                name="tenancies_one_referral_per_receiver",
                violation_error_message=_("This signal is already referred to this organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal} → {self.receiver}"


class ReferralAction(models.Model):
    """What the receiver did: made contact, referred on, or closed with an outcome."""

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(
        _("action"),
        max_length=15,
        choices=[(s.value, s.label) for s in ReferralStatus if s != ReferralStatus.OPEN],
    )
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral action")
        verbose_name_plural = _("referral actions")
        ordering = ["on", "at"]

    def __str__(self) -> str:
        return f"{self.referral}: {self.get_kind_display()}"
