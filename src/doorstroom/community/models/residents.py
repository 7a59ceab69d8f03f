"""Who belongs to a community: the community of a complex, its residents with the invitation that
brought them in, and the terms of the four board seats."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

#: The board has four seats (chair, secretary, treasurer and a member); a fifth is refused.
BOARD_SEATS = 4


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("first")
    SECOND = 2, _("second")
    THIRD = 3, _("third")
    FOURTH = 4, _("fourth")
    LAST = -1, _("last")


class CommunityQuerySet(models.QuerySet["Community"]):
    def visible_to(self, user: Any) -> CommunityQuerySet:
        """Communities the user lives in (as a current resident) or manages (mixed-living
        manager of the corporation that owns the complex)."""
        from doorstroom.organisations.roles import Role
        from doorstroom.organisations.selectors import memberships_of

        if not user.is_authenticated:
            return self.none()
        managed = [
            m.organisation_id for m in memberships_of(user) if m.role == Role.MIXED_LIVING_MANAGER
        ]
        return self.filter(
            Q(complex__corporation_id__in=managed)
            | Q(residents__in=Resident.objects.current().filter(user=user))
        ).distinct()


class Community(models.Model):
    """All residents of one complex, with the rules of its board and its monthly meeting."""

    complex = models.OneToOneField(
        "portfolio.Complex",
        verbose_name=_("complex"),
        on_delete=models.PROTECT,
        related_name="community",
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum (board members present for a decision)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(BOARD_SEATS)],
    )
    meeting_week = models.SmallIntegerField(
        _("meeting week of the month"), choices=WeekOfMonth.choices, default=WeekOfMonth.FIRST
    )
    meeting_weekday = models.PositiveSmallIntegerField(
        _("meeting day"), choices=Weekday.choices, default=Weekday.TUESDAY
    )
    meeting_time = models.TimeField(_("meeting time"), default=dt.time(19, 30))
    meeting_place = models.CharField(
        _("meeting place"), max_length=120, default="Gemeenschappelijke ruimte"
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["complex__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum__gte=1, quorum__lte=BOARD_SEATS),
                name="community_quorum_within_board",
                violation_error_message=_("The quorum is between 1 and 4 board members."),
            ),
            models.CheckConstraint(
                condition=Q(meeting_weekday__gte=0, meeting_weekday__lte=6),
                name="community_meeting_weekday_valid",
            ),
            models.CheckConstraint(
                condition=Q(meeting_week__in=[1, 2, 3, 4, -1]),
                name="community_meeting_week_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.complex.name)


class ResidentVisibility(models.TextChoices):
    COMMUNITY = "community", _("All residents of the complex see my display name")
    BOARD = "board", _("Only the board and the manager see my display name")


class ResidentQuerySet(models.QuerySet["Resident"]):
    def current(self, day: dt.date | None = None) -> ResidentQuerySet:
        """Residents living in the complex today (a leaving date in the future still counts)."""
        from django.utils import timezone

        day = day or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gte=day), joined_on__lte=day)


class Resident(models.Model):
    """A person living in the complex who joined the community pages. What others see of them is
    their display name, as far as they allow; never their dwelling or how they came to live here."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="residents"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="residencies",
    )
    #: Known to the manager only: ends the residency when the dwelling's tenancy ends, and finds
    #: the resident's own contribution pledge.
    dwelling = models.ForeignKey(
        "portfolio.Dwelling",
        verbose_name=_("dwelling"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    display_name = models.CharField(_("display name"), max_length=60)
    visibility = models.CharField(
        _("who sees my name"),
        max_length=12,
        choices=ResidentVisibility.choices,
        default=ResidentVisibility.COMMUNITY,
    )
    about = models.CharField(
        _("about me (optional)"),
        max_length=300,
        blank=True,
        help_text=_(
            "For example what you like to do or can help with. Others see this with your name."
        ),
    )
    joined_on = models.DateField(_("joined"))
    left_on = models.DateField(_("left"), null=True, blank=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(left_on__isnull=True),
                name="community_one_current_residency",
                violation_error_message=_("This person already belongs to a community."),
            ),
            models.UniqueConstraint(
                Lower("display_name"),
                "community",
                condition=Q(left_on__isnull=True),
                name="community_unique_display_name",
                violation_error_message=_(
                    "Another resident already uses this display name. Choose another."
                ),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="community_resident_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class Invitation(models.Model):
    """An e-mail link that lets an adult occupant of the complex join the community pages. The
    link carries the invitation number signed with SECRET_KEY; nothing secret is stored."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    dwelling = models.ForeignKey(
        "portfolio.Dwelling",
        verbose_name=_("dwelling"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_on = models.DateField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    resident = models.OneToOneField(
        Resident,
        verbose_name=_("resident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-invited_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "community",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="community_one_open_invitation",
                violation_error_message=_("This address already has an open invitation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.pk}"


class BoardPosition(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    MEMBER = "member", _("Member")


#: Positions held by one person at a time; any number of seats may be plain members.
SINGLE_POSITIONS = frozenset(
    {BoardPosition.CHAIR, BoardPosition.SECRETARY, BoardPosition.TREASURER}
)


class TermKind(models.TextChoices):
    ELECTED = "elected", _("Elected by the residents")
    APPOINTED = "appointed", _("Appointed")


class BoardTermQuerySet(models.QuerySet["BoardTerm"]):
    def on(self, day: dt.date) -> BoardTermQuerySet:
        """Terms running on ``day`` (start and end day included)."""
        return self.filter(start_date__lte=day, end_date__gte=day)


class BoardTerm(models.Model):
    """One resident's term on the board in one position; the history of the board is its terms.
    At most four terms run on any day (BOARD_SEATS), and each single position has one holder."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="terms"
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="terms"
    )
    position = models.CharField(_("position"), max_length=12, choices=BoardPosition.choices)
    start_date = models.DateField(_("term starts"))
    end_date = models.DateField(_("term ends"))
    kind = models.CharField(
        _("how"), max_length=12, choices=TermKind.choices, default=TermKind.ELECTED
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    ended_early_reason = models.CharField(
        _("reason the term ended early"), max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = BoardTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("board term")
        verbose_name_plural = _("board terms")
        ordering = ["-start_date", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="community_term_ends_after_start",
                violation_error_message=_("A term ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(position__in=BoardPosition.values),
                name="community_term_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_position_display()}"
