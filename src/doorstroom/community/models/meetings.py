"""The monthly meeting of the board with the manager: agenda, attendance, minutes. Decisions on
requests are in activities.py and point here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.community.models.residents import BoardPosition, Community


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=120)
    status = models.CharField(
        _("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    minutes_updated_at = models.DateTimeField(_("minutes changed"), null=True, blank=True)
    #: Null when the recurrence planned it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "starts_at"],
                name="community_one_meeting_at_a_time",
                violation_error_message=_("There is already a meeting at this time."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="community_meeting_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.starts_at:%Y-%m-%d}"


class AttendanceCapacity(models.TextChoices):
    BOARD = "board", _("Board member")
    MANAGER = "manager", _("Manager")


class Attendance(models.Model):
    """Who was at a meeting. Board members present count towards the quorum."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=120)
    capacity = models.CharField(_("as"), max_length=12, choices=AttendanceCapacity.choices)
    position = models.CharField(
        _("position"), max_length=12, choices=BoardPosition.choices, blank=True
    )
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["capacity", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], name="community_attendance_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.meeting}"


class AgendaItemKind(models.TextChoices):
    REQUEST = "request", _("New request")
    RESUBMITTED = "resubmitted", _("Changed request")
    SENT_BACK = "sent_back", _("Sent back, waiting for changes")
    EVALUATION = "evaluation", _("Evaluation")
    FREE = "free", _("Other item")


class AgendaItem(models.Model):
    """An item on the agenda. Free items are stored when added; the items built from requests and
    evaluations are stored when the meeting is held, so the agenda of a past meeting stays as it
    was."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AgendaItemKind.choices)
    request = models.ForeignKey(
        "community.ActivityRequest",
        verbose_name=_("activity request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "request", "kind"],
                condition=Q(request__isnull=False),
                name="community_agenda_request_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="free") | Q(request__isnull=False),
                name="community_agenda_item_has_request",
            ),
        ]

    def __str__(self) -> str:
        return self.title
