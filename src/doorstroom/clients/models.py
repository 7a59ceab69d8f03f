"""Clients of a care provider: identity, consent, ZRM assessments, readiness checks, guidance plan.

Everything here except the pseudonymous reference is readable only by the client's own care
provider (case workers and team leads). Partners see derived facts through ``clients.sharing``,
and only as the client's consent allows at the moment of viewing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstroom.clients import zrm
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of

CARE_ROLES = (Role.CASE_WORKER, Role.TEAM_LEAD)

#: Special-category fields (health, addiction, care notes): never copied into the audit trail.
SPECIAL_CATEGORY = frozenset(
    {
        "score",
        "note",
        "scores",
        "notes",
        "summary",
        "high_risk_signal_open",
        "bsn_encrypted",
        "bsn_digest",
    }
)


#: A client's identity stays with the care provider: masked in the audit trail too.
CLIENT_IDENTITY = frozenset({"first_name", "last_name", "date_of_birth", "phone", "email"})


def new_reference() -> str:
    """A pseudonymous reference partners see instead of a name, e.g. 'CL-7K2QX9'."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "CL-" + "".join(secrets.choice(alphabet) for _ in range(6))


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: Any) -> ClientQuerySet:
        """Only the client's own care provider's case workers and team leads."""
        providers = {m.organisation_id for m in memberships_of(user) if m.role in CARE_ROLES}
        return self.filter(care_provider_id__in=providers)


class Client(models.Model):
    care_provider = models.ForeignKey(
        Organisation,
        verbose_name=_("care provider"),
        on_delete=models.PROTECT,
        related_name="clients",
        limit_choices_to={"kind": "care_provider"},
    )
    reference = models.CharField(_("reference"), max_length=20, default=new_reference)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    bsn_encrypted = models.TextField(_("BSN (encrypted)"), blank=True, editable=False)
    bsn_digest = models.CharField(max_length=64, blank=True, editable=False)
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
    )
    housing_skills_confirmed = models.BooleanField(_("housing skills confirmed"), default=False)
    income_arranged = models.BooleanField(_("income arranged"), default=False)
    high_risk_signal_open = models.BooleanField(_("open high-risk signal"), default=False)
    checks_confirmed_at = models.DateTimeField(_("checks confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["care_provider", "reference"], name="clients_client_unique_reference"
            ),
            models.UniqueConstraint(
                fields=["care_provider", "bsn_digest"],
                condition=~Q(bsn_digest=""),
                name="clients_client_unique_bsn",
                violation_error_message=_("This care provider already has a client with this BSN."),
            ),
        ]

    def __str__(self) -> str:
        # Deliberately the pseudonym: str() ends up in logs and the audit trail.
        return self.reference

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ConsentScope(models.TextChoices):
    READINESS_OUTCOME = "readiness_outcome", _("Readiness outcome (ready, not yet, not ready)")
    LABEL_AND_CONTACT = "label_and_contact", _("'Wonen met zorg' label and contact details")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Signed on paper")
    DIGITAL = "digital", _("Digitally")
    VERBAL = "verbal", _("Verbally, recorded by the case worker")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, on: dt.date | None = None) -> ConsentQuerySet:
        day = on or timezone.localdate()
        return self.filter(valid_from__lte=day, withdrawn_at__isnull=True).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gt=day)
        )


class Consent(models.Model):
    """The client agrees that one partner may see one category of derived facts."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="consents"
    )
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(_("what may be shared"), max_length=30, choices=ConsentScope.choices)
    method = models.CharField(_("how it was given"), max_length=10, choices=ConsentMethod.choices)
    given_on = models.DateField(_("given on"))
    valid_from = models.DateField(_("valid from"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("valid_from")),
                name="clients_consent_expires_after_start",
                violation_error_message=_("Consent cannot expire before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__gte=F("given_on")),
                name="clients_consent_valid_after_given",
                violation_error_message=_("Consent cannot apply before it was given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.partner}: {self.get_scope_display()}"


class Assessment(models.Model):
    """One ZRM assessment: every domain of its version scored 1-5, on a date, by an assessor."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessed_on = models.DateField(_("assessment date"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.CharField(_("ZRM version"), max_length=10, default=zrm.CURRENT_VERSION)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("ZRM assessment")
        verbose_name_plural = _("ZRM assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"ZRM {self.client} {self.assessed_on}"


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    domain = models.CharField(_("domain"), max_length=40)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("ZRM score")
        verbose_name_plural = _("ZRM scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain"], name="clients_score_one_per_domain"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5),
                name="clients_score_between_1_and_5",
                violation_error_message=_("A ZRM score is 1, 2, 3, 4 or 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.score}"


class ReadinessPolicy(models.Model):
    """The readiness gates of a care provider, optionally specific to one agreement."""

    care_provider = models.ForeignKey(
        Organisation,
        verbose_name=_("care provider"),
        on_delete=models.CASCADE,
        related_name="readiness_policies",
    )
    agreement = models.OneToOneField(
        "portfolio.CareLeaseAgreement",
        verbose_name=_("for agreement"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="readiness_policy",
    )
    min_addiction = models.PositiveSmallIntegerField(
        _("substance use at least"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    min_finances = models.PositiveSmallIntegerField(
        _("finances at least"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    require_housing_skills = models.BooleanField(
        _("housing skills must be confirmed"), default=True
    )
    require_income = models.BooleanField(_("income must be arranged"), default=True)
    require_no_high_risk = models.BooleanField(_("no open high-risk signal"), default=True)
    max_assessment_age_days = models.PositiveIntegerField(
        _("latest assessment at most this many days old"), default=183
    )

    class Meta:
        verbose_name = _("readiness policy")
        verbose_name_plural = _("readiness policies")
        constraints = [
            models.UniqueConstraint(
                fields=["care_provider"],
                condition=Q(agreement__isnull=True),
                name="clients_one_default_policy",
            )
        ]

    def __str__(self) -> str:
        return f"{self.care_provider} · {self.agreement or '-'}"


class ActionOwner(models.TextChoices):
    CLIENT = "client", _("Client")
    CASE_WORKER = "case_worker", _("Case worker")
    CORPORATION = "corporation", _("Corporation")


class Goal(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="goals"
    )
    domain = models.CharField(_("ZRM domain"), max_length=40, blank=True)
    description = models.TextField(_("goal"))
    achieved_on = models.DateField(_("achieved on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["achieved_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.client}: goal {self.pk}"


class Action(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="actions"
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    description = models.CharField(_("agreed action"), max_length=300)
    owner = models.CharField(_("who"), max_length=20, choices=ActionOwner.choices)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["done_on", "due_on"]

    def __str__(self) -> str:
        return f"{self.client}: action {self.pk}"


class Review(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="reviews"
    )
    due_on = models.DateField(_("planned for"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(held_on__isnull=True),
                name="clients_one_planned_review",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client}: review {self.due_on}"
