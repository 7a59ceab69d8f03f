"""The public project page of a complex (opt-in by the corporation) and the working-visit requests
colleagues from other organisations send through it.

A project page shows only what the corporation chose to tell and figures rounded so that nobody
living there can be recognised (see ``outcomes/project.py``). A visit request holds the contact
details of the person who asked; it is erased 12 months after it was handled.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstroom.organisations.roles import Role
from doorstroom.organisations.selectors import memberships_of
from doorstroom.portfolio.models import Complex

#: A working visit is for a delegation, not an excursion.
GROUP_SIZE = (1, 25)


def _managed_corporations(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {m.organisation_id for m in memberships_of(user) if m.role == Role.MIXED_LIVING_MANAGER}


class ProjectPageQuerySet(models.QuerySet["ProjectPage"]):
    def published(self) -> ProjectPageQuerySet:
        return self.filter(published=True)

    def editable_by(self, user: Any) -> ProjectPageQuerySet:
        """Pages of the complexes of the corporations where ``user`` is mixed-living manager."""
        return self.filter(complex__corporation_id__in=_managed_corporations(user))


class ProjectPage(models.Model):
    complex = models.OneToOneField(
        Complex,
        verbose_name=_("complex"),
        on_delete=models.CASCADE,
        related_name="project_page",
    )
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the page's address: lower-case letters, digits and hyphens."),
    )
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    since = models.DateField(
        _("mixed living since"),
        null=True,
        blank=True,
        help_text=_("The date the first residents moved in under the mixed-living concept."),
    )
    concept = models.TextField(
        _("the concept"),
        blank=True,
        help_text=_(
            "How mixed living works in this complex, in your own words. Do not name residents "
            "or write anything by which a resident can be recognised."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ProjectPageQuerySet.as_manager()

    class Meta:
        verbose_name = _("project page")
        verbose_name_plural = _("project pages")
        ordering = ["complex__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | (Q(since__isnull=False) & ~Q(concept="")),
                name="outcomes_projectpage_published_complete",
                violation_error_message=_(
                    "A page can only be published with its concept and the date mixed living "
                    "started."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.complex.name)


class VisitRequestQuerySet(models.QuerySet["VisitRequest"]):
    def visible_to(self, user: Any) -> VisitRequestQuerySet:
        """Requests for the complexes of the corporations where ``user`` is mixed-living manager."""
        return self.filter(complex__corporation_id__in=_managed_corporations(user))

    def open(self) -> VisitRequestQuerySet:
        return self.filter(handled_at__isnull=True)


class VisitRequest(models.Model):
    """A colleague asks for a working visit to a complex, through its public project page."""

    complex = models.ForeignKey(
        Complex,
        verbose_name=_("complex"),
        on_delete=models.CASCADE,
        related_name="visit_requests",
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    email = models.EmailField(_("e-mail address"), max_length=254)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    proposed_dates = models.CharField(
        _("proposed dates"),
        max_length=500,
        help_text=_("One or more days or periods that suit you, for example 'a Tuesday in May'."),
    )
    group_size = models.PositiveSmallIntegerField(
        _("number of visitors"),
        validators=[MinValueValidator(GROUP_SIZE[0]), MaxValueValidator(GROUP_SIZE[1])],
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = VisitRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit request")
        verbose_name_plural = _("visit requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group_size__gte=GROUP_SIZE[0], group_size__lte=GROUP_SIZE[1]),
                name="outcomes_visitrequest_group_size",
                violation_error_message=_("The number of visitors must be between 1 and 25."),
            ),
        ]

    def __str__(self) -> str:
        # The audit trail shows this label: the request's number, never the person's name.
        return str(_("Visit request %(number)s") % {"number": self.pk})
