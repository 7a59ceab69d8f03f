"""Joint activities: the request with its budget lines, the board's decisions, the yearly budget,
spending with receipts, and the evaluation afterwards."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from doorstroom.community.models.residents import Community, Resident


class ActivityStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SENT_BACK = "sent_back", _("Sent back for changes")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")
    EVALUATED = "evaluated", _("Evaluated, to be discussed")
    CLOSED = "closed", _("Closed")


#: Statuses whose grant counts against the year's budget.
GRANTED_STATUSES = frozenset(
    {ActivityStatus.APPROVED, ActivityStatus.EVALUATED, ActivityStatus.CLOSED}
)
#: Statuses in which the board still has to decide.
OPEN_STATUSES = frozenset({ActivityStatus.SUBMITTED, ActivityStatus.SENT_BACK})


class ActivityRequestQuerySet(models.QuerySet["ActivityRequest"]):
    def granted(self) -> ActivityRequestQuerySet:
        return self.filter(status__in=GRANTED_STATUSES)

    def with_requested_amount(self) -> ActivityRequestQuerySet:
        return self.annotate(
            requested_amount=models.functions.Coalesce(
                models.Sum("budget_lines__amount"),
                models.Value(Decimal("0.00")),
                output_field=models.DecimalField(max_digits=9, decimal_places=2),
            )
        )


class ActivityRequest(models.Model):
    """A residents' proposal for a joint activity; after approval it is the activity itself, up to
    its evaluation and closing."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="requests"
    )
    requested_by = models.ForeignKey(
        Resident, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="requests"
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    place = models.CharField(_("place"), max_length=120)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last date (for more than one day)"), null=True, blank=True)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    expected_participants = models.PositiveSmallIntegerField(
        _("expected participants"), validators=[MinValueValidator(1)]
    )
    organisers = models.CharField(
        _("organisers"),
        max_length=200,
        blank=True,
        help_text=_("Who organises it with you (display names)."),
    )
    needs_from_corporation = models.TextField(_("what is needed from the corporation"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.SUBMITTED
    )
    amount_granted = models.DecimalField(
        _("amount granted (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ActivityRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity request")
        verbose_name_plural = _("activity requests")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="community_activity_ends_after_start",
                violation_error_message=_("The last date is on or after the first date."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActivityStatus.values),
                name="community_activity_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount_granted__isnull=True) | Q(amount_granted__gte=0),
                name="community_activity_grant_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(GRANTED_STATUSES)) | Q(amount_granted__isnull=False),
                name="community_granted_activity_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day(self) -> Any:
        return self.ends_on or self.starts_on


class BudgetLine(models.Model):
    request = models.ForeignKey(
        ActivityRequest,
        verbose_name=_("activity request"),
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    item = models.CharField(_("item"), max_length=120)
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="community_budget_line_positive",
                violation_error_message=_("An amount is more than € 0."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.amount}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SENT_BACK = "sent_back", _("Sent back for changes")


class Decision(models.Model):
    """What the board decided on a request in a meeting (with quorum)."""

    request = models.ForeignKey(
        ActivityRequest,
        verbose_name=_("activity request"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    meeting = models.ForeignKey(
        "community.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    outcome = models.CharField(_("decision"), max_length=12, choices=DecisionOutcome.choices)
    amount_granted = models.DecimalField(
        _("amount granted (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome=DecisionOutcome.APPROVED)
                | Q(amount_granted__isnull=False, amount_granted__gte=0),
                name="community_approval_has_amount",
                violation_error_message=_("An approval states the amount granted."),
            ),
            models.CheckConstraint(
                condition=Q(outcome=DecisionOutcome.APPROVED) | ~Q(reason=""),
                name="community_refusal_has_reason",
                violation_error_message=_("A rejection or a request for changes needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.get_outcome_display()}"


class Budget(models.Model):
    """The yearly budget the corporation makes available to a community."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    amount = models.DecimalField(
        _("budget (€)"), max_digits=9, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year"],
                name="community_one_budget_per_year",
                violation_error_message=_("This community already has a budget for this year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="community_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year}"


def receipt_path(instance: Expense, filename: str) -> str:
    """Receipts are stored under an unguessable name and only served after a permission check."""
    import uuid
    from pathlib import Path

    return f"receipts/{instance.request.community_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Expense(models.Model):
    """Money spent on an approved activity, optionally with a receipt (image or PDF)."""

    request = models.ForeignKey(
        ActivityRequest,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    description = models.CharField(_("what was bought"), max_length=120)
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    spent_on = models.DateField(_("date"))
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, blank=True)
    receipt_name = models.CharField(_("file name"), max_length=120, blank=True)
    receipt_type = models.CharField(_("file type"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["spent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="community_expense_positive",
                violation_error_message=_("An amount is more than € 0."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class Evaluation(models.Model):
    """How an activity went, filled in by its organisers and closed by the board."""

    request = models.OneToOneField(
        ActivityRequest,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="evaluation",
    )
    participants = models.PositiveSmallIntegerField(_("number of participants"))
    how_it_went = models.TextField(_("how did it go?"))
    do_differently = models.TextField(_("what would you do differently?"), blank=True)
    actual_spending = models.DecimalField(
        _("actual spending (€)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    closed_in = models.ForeignKey(
        "community.Meeting",
        verbose_name=_("closed in meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closed_evaluations",
    )
    board_note = models.TextField(_("the board's conclusion"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_spending__gte=0), name="community_spending_not_negative"
            )
        ]

    def __str__(self) -> str:
        return str(self.request)
