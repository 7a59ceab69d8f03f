"""Nominations of clients for a complex and the joint placement meeting that decides on them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.clients.models import Client
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.portfolio.models import CareLeaseAgreement, Complex, Dwelling


class NominationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the placement meeting")
    ACCEPTED = "accepted", _("Accepted")
    DEFERRED = "deferred", _("Deferred")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PLACED = "placed", _("Placed in a dwelling")


OPEN_STATUSES = (NominationStatus.OPEN, NominationStatus.DEFERRED)


class NominationQuerySet(models.QuerySet["Nomination"]):
    def visible_to(self, user: Any) -> NominationQuerySet:
        """The nominating care provider's staff, and the staff of the complex's corporation."""
        memberships = memberships_of(user)
        providers = {
            m.organisation_id for m in memberships if m.role in (Role.CASE_WORKER, Role.TEAM_LEAD)
        }
        corporations = {
            m.organisation_id
            for m in memberships
            if m.role in (Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER)
        }
        return self.filter(
            Q(care_provider_id__in=providers) | Q(complex__corporation_id__in=corporations)
        )

    def open(self) -> NominationQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Nomination(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="nominations"
    )
    care_provider = models.ForeignKey(
        Organisation, verbose_name=_("care provider"), on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.ForeignKey(
        CareLeaseAgreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    complex = models.ForeignKey(
        Complex, verbose_name=_("complex"), on_delete=models.PROTECT, related_name="nominations"
    )
    dwelling = models.ForeignKey(
        Dwelling,
        verbose_name=_("dwelling"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
    )
    motivation = models.TextField(
        _("motivation for the corporation"),
        help_text=_(
            "Why this client fits this complex. Do not include health, addiction or other care details."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=NominationStatus.choices, default=NominationStatus.OPEN
    )
    readiness_at_nomination = models.CharField(_("readiness when nominated"), max_length=10)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominated_at = models.DateTimeField(_("nominated"), auto_now_add=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("override by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_on = models.DateField(_("review on"), null=True, blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-nominated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status__in=["open", "deferred"]),
                name="lettings_one_open_nomination_per_client",
                violation_error_message=_("This client already has an open nomination."),
            ),
            models.CheckConstraint(
                condition=Q(override_by__isnull=True) | ~Q(override_reason=""),
                name="lettings_override_has_reason",
                violation_error_message=_("An override needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.complex}"


class PlacementMeetingQuerySet(models.QuerySet["PlacementMeeting"]):
    def visible_to(self, user: Any) -> PlacementMeetingQuerySet:
        memberships = memberships_of(user)
        staff = {
            m.organisation_id
            for m in memberships
            if m.role
            in (Role.CASE_WORKER, Role.TEAM_LEAD, Role.MIXED_LIVING_MANAGER, Role.LETTING_OFFICER)
        }
        return self.filter(Q(corporation_id__in=staff) | Q(care_provider_id__in=staff))


class PlacementMeeting(models.Model):
    """The joint placement meeting (plaatsingsoverleg) of a corporation and a care provider."""

    corporation = models.ForeignKey(
        Organisation, verbose_name=_("corporation"), on_delete=models.PROTECT, related_name="+"
    )
    care_provider = models.ForeignKey(
        Organisation, verbose_name=_("care provider"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = PlacementMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement meeting")
        verbose_name_plural = _("placement meetings")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.corporation} / {self.care_provider} {self.held_on}"


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DEFERRED = "deferred", _("Deferred")
    REJECTED = "rejected", _("Rejected")


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(
        PlacementMeeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="decisions"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reasons"))
    review_on = models.DateField(_("review on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "nomination"], name="lettings_one_decision_per_meeting"
            ),
            models.CheckConstraint(
                condition=~Q(decision="deferred") | Q(review_on__isnull=False),
                name="lettings_deferred_has_review_date",
                violation_error_message=_("A deferred nomination needs a review date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination}: {self.decision}"
