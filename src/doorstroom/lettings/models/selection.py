"""Selection of regular applicants: two independent rubric reviews of each motivation, and the
introduction interview (kennismakingsgesprek) in a slot the candidate picks."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.lettings.models.applications import Application
from doorstroom.lettings.models.vacancies import RubricCriterion, Vacancy

SCALE = (1, 5)


class MotivationReview(models.Model):
    """One staff member's independent scoring of one application's motivation."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("scored"), auto_now_add=True)

    class Meta:
        verbose_name = _("motivation review")
        verbose_name_plural = _("motivation reviews")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="lettings_one_review_per_reviewer",
                violation_error_message=_("You have already scored this motivation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.reviewer}"


class MotivationScore(models.Model):
    review = models.ForeignKey(
        MotivationReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        RubricCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCALE[0]), MaxValueValidator(SCALE[1])]
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="lettings_one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCALE[0], score__lte=SCALE[1]),
                name="lettings_score_on_scale",
                violation_error_message=_("A score is between 1 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class InterviewOutcome(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    DOUBT = "doubt", _("Doubt")
    NEGATIVE = "negative", _("Negative")
    NO_SHOW = "no_show", _("Did not show up")


class InterviewSlot(models.Model):
    """A time the letting officer offers for an introduction interview; a candidate books it."""

    vacancy = models.ForeignKey(
        Vacancy, verbose_name=_("vacancy"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    location = models.CharField(_("place"), max_length=200)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("interviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="interview",
    )
    booked_at = models.DateTimeField(_("booked"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=InterviewOutcome.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outcome recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_recorded_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interviewer", "starts_at"],
                name="lettings_slot_unique_interviewer_time",
                violation_error_message=_("This interviewer already has a slot at this time."),
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(application__isnull=False),
                name="lettings_slot_outcome_needs_candidate",
                violation_error_message=_("Record an outcome only for a booked slot."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy} · {self.starts_at:%Y-%m-%d %H:%M}"
