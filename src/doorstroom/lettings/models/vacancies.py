"""Vacancies: a dwelling to be let, in the care stream or the regular stream, and the letting
policy of a complex (how candidates are ranked, the rubric, what residents are expected to do)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom.portfolio.mix import Stream
from doorstroom.portfolio.models import CORPORATION_STAFF, Complex, Dwelling, _org_ids


class Ranking(models.TextChoices):
    RUBRIC = "rubric", _("Rubric score, then registration date")
    LOTTERY = "lottery", _("Lottery among candidates who reach the minimum score")


def default_concept() -> str:
    return str(
        _(
            "In this complex regular tenants and people who get support live together as "
            "neighbours. Residents know each other, greet each other and organise activities "
            "together in the communal room."
        )
    )


def default_expectations() -> str:
    return str(
        _(
            "You are open to neighbours of every background, you take part in the community "
            "and you contribute a few hours a month: organising an activity, helping a "
            "neighbour, looking after the garden."
        )
    )


class LettingPolicy(models.Model):
    """How a complex lets its dwellings to regular applicants; one per complex."""

    complex = models.OneToOneField(
        Complex, verbose_name=_("complex"), on_delete=models.CASCADE, related_name="letting_policy"
    )
    concept = models.TextField(_("the mixed-living concept"), default=default_concept)
    expectations = models.TextField(
        _("what is expected of residents"), default=default_expectations
    )
    community_agreements = models.TextField(
        _("community agreements (in the allocation letter)"),
        blank=True,
        help_text=_("One agreement per line."),
    )
    ranking = models.CharField(
        _("ranking of candidates"), max_length=10, choices=Ranking.choices, default=Ranking.RUBRIC
    )
    lottery_min_score = models.DecimalField(
        _("minimum average rubric score to enter the lottery"),
        max_digits=2,
        decimal_places=1,
        default=Decimal("3.0"),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(5))],
    )
    disagreement_threshold = models.PositiveSmallIntegerField(
        _("flag when two scorers differ by at least (points)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    motivation_min_chars = models.PositiveSmallIntegerField(
        _("minimum length of each motivation answer (characters)"),
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    advert_days = models.PositiveSmallIntegerField(
        _("days an advert stays open"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    offer_response_days = models.PositiveSmallIntegerField(
        _("days a candidate has to respond to an offer"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )

    class Meta:
        verbose_name = _("letting policy")
        verbose_name_plural = _("letting policies")

    def __str__(self) -> str:
        return str(_("Letting policy of %(complex)s") % {"complex": self.complex})


DEFAULT_CRITERIA = [
    (
        _("Motivation for mixed living"),
        _("Understands what living in a mixed complex means and wants it."),
    ),
    (_("What the candidate brings"), _("Concrete skills, time and ideas for the community.")),
    (_("Experience"), _("Earlier experience with neighbours, volunteering or community work.")),
    (_("Openness to neighbours"), _("Open to neighbours with a different background.")),
]


class RubricCriterion(models.Model):
    """One criterion of a complex's rubric; each scorer gives it 1 to 5 points."""

    policy = models.ForeignKey(
        LettingPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=100)
    description = models.CharField(_("what a high score means"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "name"],
                name="lettings_criterion_unique_name",
                violation_error_message=_("The rubric already has a criterion with this name."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=5),
                name="lettings_criterion_weight_range",
                violation_error_message=_("A weight is between 1 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VacancyCause(models.TextChoices):
    TENANCY_ENDED = "tenancy_ended", _("The tenancy ended")
    LEASE_HANDED_BACK = "lease_handed_back", _("The care provider handed the dwelling back")
    NEW_BUILD = "new_build", _("Newly delivered")
    OTHER = "other", _("Other")


class VacancyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ALLOCATED = "allocated", _("Allocated")
    CANCELLED = "cancelled", _("Cancelled")


class VacancyQuerySet(models.QuerySet["Vacancy"]):
    def visible_to(self, user: Any) -> VacancyQuerySet:
        """The corporation's letting staff (manager and letting officers)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(dwelling__corporation_id__in=_org_ids(user, CORPORATION_STAFF))

    def open(self) -> VacancyQuerySet:
        return self.filter(status=VacancyStatus.OPEN)

    def advertised(self, on: dt.date | None = None) -> VacancyQuerySet:
        """Regular-stream vacancies whose advert is published and still open for applications."""
        day = on or timezone.localdate()
        return self.filter(
            status=VacancyStatus.OPEN,
            stream=Stream.REGULAR,
            advert_published_at__isnull=False,
            advert_deadline__gte=day,
        )


class Vacancy(models.Model):
    """A dwelling to be let (leegstand / vrijkomende woning) and the stream it goes to."""

    dwelling = models.ForeignKey(
        Dwelling, verbose_name=_("dwelling"), on_delete=models.PROTECT, related_name="vacancies"
    )
    cause = models.CharField(_("cause"), max_length=20, choices=VacancyCause.choices)
    available_from = models.DateField(_("available from"))
    stream = models.CharField(_("stream"), max_length=10, choices=Stream.choices)
    proposed_stream = models.CharField(_("proposed stream"), max_length=10, choices=Stream.choices)
    proposal_reason = models.TextField(_("why this stream was proposed"))
    override_reason = models.TextField(_("reason for choosing the other stream"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stream chosen by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=VacancyStatus.choices, default=VacancyStatus.OPEN
    )
    advert_published_at = models.DateTimeField(_("advert published"), null=True, blank=True)
    advert_deadline = models.DateField(
        _("apply until"),
        null=True,
        blank=True,
        help_text=_("Applications close at the end of this day."),
    )
    advert_text = models.TextField(_("about this dwelling"), blank=True)
    lottery_seed = models.BigIntegerField(_("lottery seed"), null=True, blank=True)
    lottery_drawn_at = models.DateTimeField(_("lottery drawn"), null=True, blank=True)
    lottery_drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lottery drawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["available_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dwelling"],
                condition=Q(status="open"),
                name="lettings_one_open_vacancy_per_dwelling",
                violation_error_message=_("This dwelling already has an open vacancy."),
            ),
            models.CheckConstraint(
                condition=Q(stream=models.F("proposed_stream")) | ~Q(override_reason=""),
                name="lettings_vacancy_override_has_reason",
                violation_error_message=_("Choosing the other stream needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(advert_published_at__isnull=True) | Q(stream="regular"),
                name="lettings_vacancy_advert_only_regular",
                violation_error_message=_("Only a regular-stream vacancy is advertised."),
            ),
            models.CheckConstraint(
                condition=Q(advert_published_at__isnull=True) | Q(advert_deadline__isnull=False),
                name="lettings_vacancy_advert_has_deadline",
                violation_error_message=_("A published advert needs a deadline."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dwelling} ({self.get_stream_display()})"

    def accepts_applications(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return (
            self.status == VacancyStatus.OPEN
            and self.stream == Stream.REGULAR
            and self.advert_published_at is not None
            and self.advert_deadline is not None
            and day <= self.advert_deadline
        )
