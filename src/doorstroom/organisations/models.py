"""Organisations that work together in Doorstroom, and the memberships that give people roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from doorstroom.organisations.roles import ROLE_POLICY, OrganisationKind, Role, RolePolicy


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        """Organisations the user is a member of; platform administrators see all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(memberships__user=user).distinct()


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    kvk_number = models.CharField(
        _("Chamber of Commerce number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("A KvK number has exactly 8 digits."))],
    )
    municipality_name = models.CharField(_("municipality"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values),
                name="organisations_organisation_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def visible_to(self, user: Any) -> MembershipQuerySet:
        """Memberships of the organisations the user belongs to."""
        return self.filter(organisation__in=Organisation.objects.visible_to(user))


class Membership(models.Model):
    """A person's role in one organisation. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="organisations_membership_unique_role",
                violation_error_message=_("This person already has this role here."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="organisations_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    @property
    def role_policy(self) -> RolePolicy:
        return ROLE_POLICY[self.role]

    def clean(self) -> None:
        if (
            self.organisation_id
            and self.role in ROLE_POLICY
            and self.organisation.kind not in self.role_policy.kinds
        ):
            raise ValidationError(
                {
                    "role": _("The role %(role)s does not exist in a %(kind)s.")
                    % {
                        "role": self.get_role_display(),
                        "kind": self.organisation.get_kind_display().lower(),
                    }
                }
            )
