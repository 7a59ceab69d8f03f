"""What happens around a placement on its way to the flip and after it: the flip policy of an
agreement, the case worker's advice and the client's wish, the two sign-offs, the furnishing
inventory, the timeline of events, the 3-year clock's reminders, label decisions and the aftercare
check-ins after the flip."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.portfolio.models import CareLeaseAgreement
from doorstroom.tenancies.models.placements import Placement


def default_attention_months() -> list[int]:
    return [24, 30, 33]


def default_aftercare_months() -> list[int]:
    return [6, 12, 24]


class FlipPolicy(models.Model):
    """The flip checklist of one agreement and its clock settings (defaults from the practice)."""

    agreement = models.OneToOneField(
        CareLeaseAgreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="flip_policy",
    )
    months_without_arrears = models.PositiveSmallIntegerField(
        _("months without rent arrears"),
        default=6,
        validators=[MinValueValidator(0), MaxValueValidator(36)],
    )
    no_open_nuisance = models.BooleanField(_("no open nuisance signals"), default=True)
    case_worker_advice = models.BooleanField(
        _("a positive advice of the case worker"), default=True
    )
    readiness_gates = models.BooleanField(_("the readiness gates of the latest ZRM"), default=True)
    client_wish = models.BooleanField(_("the client's own wish"), default=True)
    attention_months = models.JSONField(
        _("attention points (months after the start)"), default=default_attention_months
    )
    aftercare_months = models.JSONField(
        _("aftercare check-ins (months after the flip)"), default=default_aftercare_months
    )

    class Meta:
        verbose_name = _("flip policy")
        verbose_name_plural = _("flip policies")

    def __str__(self) -> str:
        return str(_("Flip policy of %(agreement)s") % {"agreement": self.agreement})


class StatementKind(models.TextChoices):
    CASE_WORKER_ADVICE = "advice", _("Case worker's advice")
    CLIENT_WISH = "wish", _("Client's wish")


class FlipStatement(models.Model):
    """The case worker's advice on the flip, or the client's wish, as recorded by the case worker.
    The latest of each kind counts."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="statements"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=StatementKind.choices)
    positive = models.BooleanField(_("in favour of the flip"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("flip statement")
        verbose_name_plural = _("flip statements")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.positive}"


class SignOffParty(models.TextChoices):
    CARE_PROVIDER = "care_provider", _("Care provider (team lead)")
    CORPORATION = "corporation", _("Corporation (mixed-living manager)")


class FlipSignOff(models.Model):
    """One of the two sign-offs a flip needs: the care provider's team lead and the corporation's
    mixed-living manager."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="sign_offs"
    )
    party = models.CharField(_("party"), max_length=15, choices=SignOffParty.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        verbose_name = _("flip sign-off")
        verbose_name_plural = _("flip sign-offs")
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "party"],
                name="tenancies_one_sign_off_per_party",
                violation_error_message=_("This party has already signed off the flip."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement} · {self.get_party_display()}"


class InventoryItem(models.Model):
    """Furnishing the dwelling came with during the care lease, and whether it stays at the flip."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="inventory"
    )
    name = models.CharField(_("item"), max_length=120)
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    stays_at_flip = models.BooleanField(_("stays at the flip"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


class EventKind(models.TextChoices):
    STARTED = "started", _("Placed in the dwelling")
    STATEMENT = "statement", _("Advice or wish recorded")
    SIGNED_OFF = "signed_off", _("Flip signed off")
    SIGN_OFF_WITHDRAWN = "sign_off_withdrawn", _("Sign-off withdrawn")
    FLIPPED = "flipped", _("Flipped to an own tenancy")
    LABEL_CHANGED = "label_changed", _("Label end changed")
    LABEL_ENDED = "label_ended", _("Label ended")
    REMINDER = "reminder", _("Attention point reached")
    CHECK_IN = "check_in", _("Aftercare check-in")
    SIGNAL = "signal", _("Signal")
    REFERRAL = "referral", _("Referral")
    INVENTORY = "inventory", _("Inventory changed")
    EXITED = "exited", _("Ended")


class PlacementEvent(models.Model):
    """The placement's timeline: one line per event, without care details."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    on = models.DateField(_("date"))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement event")
        verbose_name_plural = _("placement events")
        ordering = ["on", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


class AttentionReminder(models.Model):
    """An attention point of the 3-year clock that was reached; the reminder e-mail is sent once."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="reminders"
    )
    months = models.PositiveSmallIntegerField(_("months after the start"))
    due_on = models.DateField(_("reached on"))
    sent_at = models.DateTimeField(_("reminder sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("attention reminder")
        verbose_name_plural = _("attention reminders")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "months"], name="tenancies_one_reminder_per_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement} · {self.months}"


class LabelDecision(models.Model):
    """A recorded decision to end the 'wonen met zorg' label earlier or later than planned."""

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.CASCADE,
        related_name="label_decisions",
    )
    previous_end = models.DateField(_("previous end"))
    new_end = models.DateField(_("new end"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("label decision")
        verbose_name_plural = _("label decisions")
        ordering = ["decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="tenancies_label_decision_has_reason",
                violation_error_message=_("A label decision needs a reason."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.placement}: {self.previous_end} → {self.new_end}"


class CheckInOutcome(models.TextChoices):
    STILL_HOUSED = "housed", _("Still housed, no concerns")
    CONCERNS = "concerns", _("Still housed, with concerns")
    REFERRED = "referred", _("Referred for support")
    NOT_HOUSED = "not_housed", _("No longer housed")


class AftercareCheckIn(models.Model):
    """A check-in after the flip (default at 6, 12 and 24 months): still housed, concerns, referred."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="check_ins"
    )
    months_after_flip = models.PositiveSmallIntegerField(_("months after the flip"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=CheckInOutcome.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("aftercare check-in")
        verbose_name_plural = _("aftercare check-ins")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "months_after_flip"], name="tenancies_one_check_in_per_point"
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(outcome=""),
                name="tenancies_check_in_done_has_outcome",
                violation_error_message=_("A check-in that took place needs an outcome."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement} · {self.months_after_flip}"
