"""What residents did for the community, logged by themselves. Only totals are shown to others."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.community.models.residents import Resident
from doorstroom.lettings.models import ContributionKind


class ContributionLog(models.Model):
    resident = models.ForeignKey(
        Resident,
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    kind = models.CharField(_("what"), max_length=20, choices=ContributionKind.choices)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    done_on = models.DateField(_("date"))
    note = models.CharField(_("note (only you see this)"), max_length=200, blank=True)
    logged_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-done_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=Decimal("0.5"), hours__lte=24),
                name="community_contribution_hours_range",
                violation_error_message=_("Log between half an hour and 24 hours per day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.hours}"
