"""Applications of regular home seekers (woningzoekenden) for an advertised vacancy.

Applicants have no account: they reach their application through a secret link sent to the
e-mail address they gave, which also verifies that address. The link carries the application's
number signed with the server's secret key, so it can be sent again in every e-mail without
storing a secret. Applications that do not lead to a tenancy are erased after the retention
period.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.lettings.models.vacancies import Vacancy
from doorstroom.portfolio.models import CORPORATION_STAFF, _org_ids

LINK_SALT = "doorstroom.lettings.application-link"


def link_token(application: Application) -> str:
    """The secret part of the applicant's personal link."""
    return signing.Signer(salt=LINK_SALT).sign_object(application.pk)


def application_pk_from(token: str) -> int | None:
    try:
        value = signing.Signer(salt=LINK_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


class ContributionKind(models.TextChoices):
    """What a resident can contribute to the community (pledged when applying, logged later)."""

    SOCIAL = "social", _("Organising social activities")
    GARDEN = "garden", _("Garden and green spaces")
    NEIGHBOUR_HELP = "neighbour_help", _("Helping neighbours (shopping, a chat, a lift)")
    ODD_JOBS = "odd_jobs", _("Odd jobs and small repairs")
    COOKING = "cooking", _("Cooking or shared meals")
    CHILDREN = "children", _("Activities for children")
    LANGUAGE = "language", _("Language or homework help")
    BOARD = "board", _("The community board or a committee")
    OTHER = "other", _("Something else")


#: Personal fields of an applicant: masked in the audit trail, erased after the retention period.
APPLICANT_FIELDS = frozenset(
    {
        "email",
        "full_name",
        "phone",
        "adults",
        "children",
        "senior_household",
        "gross_income",
        "registration_date",
        "registration_number",
        "motivation_why",
        "motivation_bring",
        "motivation_experience",
        "pledge_kinds",
        "pledge_text",
        "pledge_hours",
    }
)


class ApplicationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("E-mail address not yet confirmed")
    SUBMITTED = "submitted", _("Received")
    INVITED = "invited", _("Invited for an introduction interview")
    OFFERED = "offered", _("Offered the dwelling")
    ALLOCATED = "allocated", _("Allocated")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses in which an application is still in the running for the vacancy.
ACTIVE_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INVITED,
    ApplicationStatus.OFFERED,
)
# Statuses after which the application is erased once the retention period has passed.
ERASABLE_STATUSES = (
    ApplicationStatus.UNVERIFIED,
    ApplicationStatus.NOT_SELECTED,
    ApplicationStatus.WITHDRAWN,
)


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, user: Any) -> ApplicationQuerySet:
        """Applicant data is for the corporation's letting staff only."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            vacancy__dwelling__corporation_id__in=_org_ids(user, CORPORATION_STAFF)
        ).exclude(status=ApplicationStatus.UNVERIFIED)

    def active(self) -> ApplicationQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def by_token(self, token: str) -> ApplicationQuerySet:
        """The application a personal link points to (none for a forged or mangled link)."""
        pk = application_pk_from(token)
        return self.filter(pk=pk) if pk is not None else self.none()


class Application(models.Model):
    vacancy = models.ForeignKey(
        Vacancy, verbose_name=_("vacancy"), on_delete=models.PROTECT, related_name="applications"
    )
    email = models.EmailField(_("e-mail address"))
    verified_at = models.DateTimeField(_("e-mail address confirmed"), null=True, blank=True)
    full_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    adults = models.PositiveSmallIntegerField(
        _("adults in the household"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    children = models.PositiveSmallIntegerField(
        _("children in the household"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(15)],
    )
    senior_household = models.BooleanField(
        _("you or your partner have reached the state pension (AOW) age"), default=False
    )
    gross_income = models.DecimalField(
        _("gross household income per year (€)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("9999999"))],
    )
    registration_date = models.DateField(_("registered as a home seeker since"))
    registration_number = models.CharField(_("registration number"), max_length=30, blank=True)
    motivation_why = models.TextField(_("why do you want to live in a mixed complex?"))
    motivation_bring = models.TextField(_("what do you bring to the community?"))
    motivation_experience = models.TextField(
        _("what experience do you have with neighbours, volunteering or community work?")
    )
    pledge_kinds = models.JSONField(_("kinds of contribution"), default=list)
    pledge_text = models.TextField(_("your contribution in your own words"), blank=True)
    pledge_hours = models.PositiveSmallIntegerField(
        _("hours per month"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.UNVERIFIED,
    )
    submitted_at = models.DateTimeField(_("applied"), auto_now_add=True)
    ended_at = models.DateTimeField(
        _("ended"),
        null=True,
        blank=True,
        help_text=_("When the application was withdrawn, not selected or allocated."),
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy", "email"],
                name="lettings_one_application_per_person",
                violation_error_message=_("You have already applied for this dwelling."),
            ),
            models.CheckConstraint(
                condition=Q(gross_income__gte=0),
                name="lettings_application_income_not_negative",
                violation_error_message=_("The income cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(adults__gte=1),
                name="lettings_application_has_adult",
                violation_error_message=_("A household has at least one adult."),
            ),
        ]

    def __str__(self) -> str:
        # Never the applicant's name: this label goes into the append-only audit trail, which
        # must not keep personal data of applicants who are erased after the retention period.
        return str(_("Application %(number)s") % {"number": self.pk or "-"})

    @property
    def household_size(self) -> int:
        return self.adults + self.children

    def pledge_kind_labels(self) -> list[str]:
        labels = dict(ContributionKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.pledge_kinds]
