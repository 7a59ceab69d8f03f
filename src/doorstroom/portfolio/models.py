"""Complexes, dwellings, the care-provider lease agreements and the contracts on each dwelling.

A dwelling's status is never stored: it is derived from its contracts (care leases, regular
tenancies) and reservations on the day asked. Contract end dates are the day the contract no longer
applies (exclusive), so a flip ends the care lease and starts the tenancy on the same date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.portfolio.validators import validate_house_number_addition, validate_postcode

CORPORATION_STAFF = (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER)
CARE_PROVIDER_STAFF = (Role.CASE_WORKER, Role.TEAM_LEAD)


def _org_ids(user: Any, roles: tuple[str, ...]) -> set[int]:
    return {m.organisation_id for m in memberships_of(user) if m.role in roles}


def active_on(day: dt.date, start: str = "start_date", end: str = "end_date") -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


class NeighbourhoodAssessment(models.TextChoices):
    GOOD = "good", _("Good: a stable neighbourhood with room for newcomers")
    AVERAGE = "average", _("Average: some pressure, manageable with attention")
    POOR = "poor", _("Poor: already under pressure")
    UNKNOWN = "unknown", _("Not yet assessed")


class ComplexQuerySet(models.QuerySet["Complex"]):
    def visible_to(self, user: Any) -> ComplexQuerySet:
        """Own corporation's staff see its complexes; a care provider those of its agreements."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        corporations = _org_ids(user, CORPORATION_STAFF)
        providers = _org_ids(user, CARE_PROVIDER_STAFF)
        return self.filter(
            Q(corporation_id__in=corporations) | Q(agreements__care_provider_id__in=providers)
        ).distinct()

    def editable_by(self, user: Any) -> ComplexQuerySet:
        return self.filter(corporation_id__in=_org_ids(user, (Role.MIXED_LIVING_MANAGER,)))


class Complex(models.Model):
    corporation = models.ForeignKey(
        Organisation,
        verbose_name=_("corporation"),
        on_delete=models.PROTECT,
        related_name="complexes",
        limit_choices_to={"kind": "corporation"},
    )
    code = models.CharField(_("complex code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    street = models.CharField(_("street and number"), max_length=120)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[validate_postcode])
    city = models.CharField(_("place"), max_length=80)
    municipality_name = models.CharField(_("municipality"), max_length=80)
    year_built = models.PositiveSmallIntegerField(
        _("year built"), validators=[MinValueValidator(1600), MaxValueValidator(2100)]
    )
    floors = models.PositiveSmallIntegerField(
        _("number of floors"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    typology = models.CharField(
        _("access typology"),
        max_length=3,
        help_text=_("VERA code, e.g. GAL galerijflat, POF portiekflat, COR corridorflat."),
    )
    staff_present_daily = models.BooleanField(_("staff present on site daily"), default=False)
    neighbourhood_assessment = models.CharField(
        _("neighbourhood (manager's assessment)"),
        max_length=10,
        choices=NeighbourhoodAssessment.choices,
        default=NeighbourhoodAssessment.UNKNOWN,
    )
    neighbourhood_note = models.TextField(_("note on the neighbourhood"), blank=True)
    leefbaarometer_class = models.PositiveSmallIntegerField(
        _("Leefbaarometer class"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("Optional: 1 (very insufficient) to 9 (excellent), from leefbaarometer.nl."),
    )
    mix_target = models.DecimalField(
        _("target share for the vulnerable group"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.333"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("A fraction between 0 and 1; one third is 0.333."),
    )
    mix_tolerance = models.DecimalField(
        _("tolerance"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.050"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("How far the live mix may drift from the target, e.g. 0.05 for 5 points."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ComplexQuerySet.as_manager()

    class Meta:
        verbose_name = _("complex")
        verbose_name_plural = _("complexes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporation", "code"],
                name="portfolio_complex_unique_code",
                violation_error_message=_("This corporation already has a complex with this code."),
            ),
            models.CheckConstraint(
                condition=Q(mix_target__gte=0, mix_target__lte=1),
                name="portfolio_complex_mix_target_fraction",
                violation_error_message=_("The mix target must be between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=Q(mix_tolerance__gte=0, mix_tolerance__lte=1),
                name="portfolio_complex_mix_tolerance_fraction",
                violation_error_message=_("The tolerance must be between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommunalSpaceKind(models.TextChoices):
    LIVING_ROOM = "living_room", _("Shared living room")
    KITCHEN = "kitchen", _("Shared kitchen")
    GARDEN = "garden", _("Shared garden")
    WORKSHOP = "workshop", _("Workshop")
    MEETING_ROOM = "meeting_room", _("Meeting room")
    OTHER = "other", _("Other")


class CommunalSpace(models.Model):
    complex = models.ForeignKey(
        Complex, verbose_name=_("complex"), on_delete=models.CASCADE, related_name="communal_spaces"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommunalSpaceKind.choices)
    size_m2 = models.PositiveIntegerField(
        _("size (m²)"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("communal space")
        verbose_name_plural = _("communal spaces")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.size_m2} m²)"


class Furnishing(models.TextChoices):
    NONE = "none", _("Unfurnished")
    PARTLY = "partly", _("Partly furnished")
    FULLY = "fully", _("Furnished")


class DwellingStatus(models.TextChoices):
    VACANT = "vacant", _("Vacant")
    REGULAR = "regular", _("Let to a regular tenant")
    CARE_LEASE = "care_lease", _("Leased to a care provider")
    RESERVED = "reserved", _("Reserved")


class DwellingQuerySet(models.QuerySet["Dwelling"]):
    def visible_to(self, user: Any) -> DwellingQuerySet:
        return self.filter(complex__in=Complex.objects.visible_to(user))

    def with_status(self, on: dt.date | None = None) -> DwellingQuerySet:
        """Annotate ``status`` and ``care_label_active``, derived from contracts on ``on``."""
        day = on or dt.date.today()
        care = CareLease.objects.filter(active_on(day), dwelling=OuterRef("pk"))
        regular = RegularTenancy.objects.filter(active_on(day), dwelling=OuterRef("pk"))
        labelled = regular.filter(care_label_until__gt=day)
        reserved = Reservation.objects.filter(active_on(day), dwelling=OuterRef("pk"))
        return self.annotate(
            has_care_lease=Exists(care),
            has_regular=Exists(regular),
            care_label_active=Exists(labelled),
            is_reserved=Exists(reserved),
        ).annotate(
            status=models.Case(
                models.When(has_care_lease=True, then=models.Value(DwellingStatus.CARE_LEASE)),
                models.When(has_regular=True, then=models.Value(DwellingStatus.REGULAR)),
                models.When(is_reserved=True, then=models.Value(DwellingStatus.RESERVED)),
                default=models.Value(DwellingStatus.VACANT),
                output_field=models.CharField(),
            )
        )

    def in_status(self, status: str, on: dt.date | None = None) -> DwellingQuerySet:
        """Dwellings whose derived status on ``on`` is ``status``."""
        return self.with_status(on).filter(status=status)  # type: ignore[misc]


class Dwelling(models.Model):
    # Denormalised from the complex so the database can keep VHE codes unique per corporation.
    corporation = models.ForeignKey(
        Organisation, verbose_name=_("corporation"), on_delete=models.PROTECT, related_name="+"
    )
    complex = models.ForeignKey(
        Complex, verbose_name=_("complex"), on_delete=models.PROTECT, related_name="dwellings"
    )
    vhe_code = models.CharField(_("VHE code"), max_length=30)
    street = models.CharField(_("street"), max_length=120)
    house_number = models.PositiveIntegerField(
        _("house number"), validators=[MinValueValidator(1), MaxValueValidator(99999)]
    )
    house_number_addition = models.CharField(
        _("addition"), max_length=6, blank=True, validators=[validate_house_number_addition]
    )
    postcode = models.CharField(_("postcode"), max_length=7, validators=[validate_postcode])
    city = models.CharField(_("place"), max_length=80)
    dwelling_type = models.CharField(_("dwelling type"), max_length=3, help_text=_("VERA code."))
    rooms = models.PositiveSmallIntegerField(
        _("rooms"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("5")), MaxValueValidator(Decimal("1000"))],
    )
    net_rent = models.DecimalField(
        _("net rent (€ per month)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    service_costs = models.DecimalField(
        _("service costs (€ per month)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    furnishing = models.CharField(
        _("furnishing"), max_length=10, choices=Furnishing.choices, default=Furnishing.NONE
    )
    accessibility = models.CharField(
        _("accessibility"),
        max_length=3,
        blank=True,
        help_text=_("VERA accessibility label, e.g. NUL nultredenwoning."),
    )

    objects = DwellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("dwelling")
        verbose_name_plural = _("dwellings")
        ordering = ["street", "house_number", "house_number_addition"]
        constraints = [
            models.UniqueConstraint(
                fields=["corporation", "vhe_code"],
                name="portfolio_dwelling_unique_vhe",
                violation_error_message=_(
                    "This corporation already has a dwelling with this VHE code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(net_rent__gte=0) & Q(service_costs__gte=0),
                name="portfolio_dwelling_rent_not_negative",
                violation_error_message=_("Rent and service costs cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.vhe_code})"

    @property
    def address(self) -> str:
        number = f"{self.house_number}{'-' + self.house_number_addition if self.house_number_addition else ''}"
        return f"{self.street} {number}, {self.postcode} {self.city}"


class AgreementQuerySet(models.QuerySet["CareLeaseAgreement"]):
    def visible_to(self, user: Any) -> AgreementQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(corporation_id__in=_org_ids(user, CORPORATION_STAFF))
            | Q(care_provider_id__in=_org_ids(user, CARE_PROVIDER_STAFF))
        )

    def current(self, on: dt.date | None = None) -> AgreementQuerySet:
        return self.filter(active_on(on or dt.date.today()))


class CareLeaseAgreement(models.Model):
    """The corporation leases N dwellings in a complex to a care provider for a period."""

    corporation = models.ForeignKey(
        Organisation, verbose_name=_("corporation"), on_delete=models.PROTECT, related_name="+"
    )
    care_provider = models.ForeignKey(
        Organisation,
        verbose_name=_("care provider"),
        on_delete=models.PROTECT,
        related_name="care_lease_agreements",
        limit_choices_to={"kind": "care_provider"},
    )
    complex = models.ForeignKey(
        Complex, verbose_name=_("complex"), on_delete=models.PROTECT, related_name="agreements"
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    dwellings_promised = models.PositiveIntegerField(
        _("dwellings to lease"), validators=[MinValueValidator(1)]
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(
        _("end"), null=True, blank=True, help_text=_("Leave empty for an open-ended agreement.")
    )
    max_care_lease_months = models.PositiveSmallIntegerField(
        _("maximum care-lease term per client (months)"),
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    label_months = models.PositiveSmallIntegerField(
        _("'wonen met zorg' label after the flip (months)"),
        default=24,
        validators=[MinValueValidator(0), MaxValueValidator(120)],
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("care lease agreement")
        verbose_name_plural = _("care lease agreements")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="portfolio_agreement_end_after_start",
                violation_error_message=_("The end must be after the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.care_provider} · {self.complex} ({self.dwellings_promised})"


class DwellingPeriod(models.Model):
    """A period in which a dwelling is held by someone: a contract or a reservation.

    The database allows one open period of each kind per dwelling and refuses an end before the
    start; services check the rest (e.g. that the dwelling is free on the start date).
    """

    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(end_date__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_dwelling",
                violation_error_message=_("This dwelling is already taken for this period."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="%(app_label)s_%(class)s_end_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]


class LeaseEndReason(models.TextChoices):
    HANDED_BACK = "handed_back", _("Handed back to the corporation")
    FLIPPED = "flipped", _("Flipped to the client's own tenancy")


class CareLease(DwellingPeriod):
    """One dwelling leased by a care provider under an agreement, from start until handed back."""

    agreement = models.ForeignKey(
        CareLeaseAgreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="leases",
    )
    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="care_leases"
    )
    end_reason = models.CharField(
        _("reason for ending"), max_length=20, choices=LeaseEndReason.choices, blank=True
    )

    class Meta(DwellingPeriod.Meta):
        verbose_name = _("care lease")
        verbose_name_plural = _("care leases")

    def __str__(self) -> str:
        return f"{self.dwelling} → {self.agreement.care_provider}"


class RegularTenancy(DwellingPeriod):
    """A dwelling let directly to a tenant; after a flip it carries the 'wonen met zorg' label."""

    dwelling = models.ForeignKey(
        Dwelling,
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        related_name="regular_tenancies",
    )
    tenant_name = models.CharField(_("tenant"), max_length=200)
    contract_number = models.CharField(_("contract number"), max_length=40, blank=True)
    care_label_until = models.DateField(_("'wonen met zorg' label until"), null=True, blank=True)

    class Meta(DwellingPeriod.Meta):
        verbose_name = _("regular tenancy")
        verbose_name_plural = _("regular tenancies")

    def __str__(self) -> str:
        return f"{self.dwelling} · {self.start_date}"


class Reservation(DwellingPeriod):
    """A vacant dwelling held back, e.g. for a nomination or an offer in progress."""

    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.CASCADE, related_name="reservations"
    )
    reason = models.CharField(_("reason"), max_length=200)

    class Meta(DwellingPeriod.Meta):
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")

    def __str__(self) -> str:
        return f"{self.dwelling}: {self.reason}"


class QuotaTargetGroup(models.TextChoices):
    SHELTER = "mo", _("Outflow from shelter (maatschappelijke opvang)")
    SHELTERED_HOUSING = "bw", _("Sheltered housing (beschermd wonen)")
    OTHER = "other", _("Other vulnerable groups")


class QuotaQuerySet(models.QuerySet["Quota"]):
    def visible_to(self, user: Any) -> QuotaQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(corporation_id__in=_org_ids(user, CORPORATION_STAFF))
            | Q(municipality_id__in=_org_ids(user, (Role.POLICY_OFFICER,)))
        )


class Quota(models.Model):
    """The yearly number of dwellings (taakstelling) a corporation agreed with a municipality."""

    municipality = models.ForeignKey(
        Organisation,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="quotas_set",
        limit_choices_to={"kind": "municipality"},
    )
    corporation = models.ForeignKey(
        Organisation,
        verbose_name=_("corporation"),
        on_delete=models.PROTECT,
        related_name="quotas",
        limit_choices_to={"kind": "corporation"},
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    target_group = models.CharField(
        _("target group"), max_length=10, choices=QuotaTargetGroup.choices
    )
    dwellings = models.PositiveIntegerField(_("agreed number of dwellings"))
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where this figure is agreed, e.g. 'prestatieafspraken 2026'."),
    )

    objects = QuotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        ordering = ["-year", "target_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "corporation", "year", "target_group"],
                name="portfolio_quota_unique",
                violation_error_message=_(
                    "A quota for this municipality, corporation, year and target group already exists."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} · {self.corporation} · {self.year} · {self.get_target_group_display()}"


def default_typology_scores() -> dict[str, int]:
    """Gallery access brings neighbours into contact; stairwell ('stacked') access does not."""
    return {"GAL": 2, "COR": 1, "MAI": 1, "POF": 0, "POW": 0}


def default_knockouts() -> list[str]:
    return ["typology"]


class SuitabilityPolicy(models.Model):
    """A corporation's criteria and weights for judging a complex for mixed living (docs/suitability.md)."""

    corporation = models.OneToOneField(
        Organisation,
        verbose_name=_("corporation"),
        on_delete=models.CASCADE,
        related_name="suitability_policy",
    )
    weight_typology = models.PositiveSmallIntegerField(
        _("weight: access typology"), default=3, validators=[MaxValueValidator(10)]
    )
    weight_size = models.PositiveSmallIntegerField(
        _("weight: size"), default=1, validators=[MaxValueValidator(10)]
    )
    weight_communal_space = models.PositiveSmallIntegerField(
        _("weight: communal space"), default=2, validators=[MaxValueValidator(10)]
    )
    weight_staff = models.PositiveSmallIntegerField(
        _("weight: daily presence of staff"), default=2, validators=[MaxValueValidator(10)]
    )
    weight_vulnerable_share = models.PositiveSmallIntegerField(
        _("weight: vulnerable households already housed"),
        default=2,
        validators=[MaxValueValidator(10)],
    )
    weight_neighbourhood = models.PositiveSmallIntegerField(
        _("weight: neighbourhood"), default=2, validators=[MaxValueValidator(10)]
    )
    suitable_from = models.DecimalField(
        _("suitable from (share of points)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.70"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    conditional_from = models.DecimalField(
        _("suitable under conditions from (share of points)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.45"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    size_ideal_min = models.PositiveIntegerField(_("ideal size: from (dwellings)"), default=30)
    size_ideal_max = models.PositiveIntegerField(_("ideal size: up to (dwellings)"), default=150)
    size_acceptable_min = models.PositiveIntegerField(
        _("acceptable size: from (dwellings)"), default=15
    )
    size_acceptable_max = models.PositiveIntegerField(
        _("acceptable size: up to (dwellings)"), default=250
    )
    communal_min_m2 = models.PositiveIntegerField(
        _("communal space needed for full points (m²)"), default=30
    )
    typology_scores = models.JSONField(
        _("score per access typology (0, 1 or 2)"),
        default=default_typology_scores,
        help_text=_("VERA code to score; typologies not listed score 1."),
    )
    knockout_criteria = models.JSONField(
        _("criteria that allow at most 'under conditions' when they score 0"),
        default=default_knockouts,
    )

    class Meta:
        verbose_name = _("suitability policy")
        verbose_name_plural = _("suitability policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(conditional_from__lte=models.F("suitable_from")),
                name="portfolio_suitability_thresholds_ordered",
                violation_error_message=_(
                    "The threshold for 'under conditions' cannot be above the one for 'suitable'."
                ),
            ),
            models.CheckConstraint(
                condition=Q(size_acceptable_min__lte=models.F("size_ideal_min"))
                & Q(size_ideal_min__lte=models.F("size_ideal_max"))
                & Q(size_ideal_max__lte=models.F("size_acceptable_max")),
                name="portfolio_suitability_sizes_ordered",
                violation_error_message=_(
                    "Sizes must run from acceptable minimum to ideal minimum, ideal maximum and acceptable maximum."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Suitability policy of %(corporation)s") % {"corporation": self.corporation})
