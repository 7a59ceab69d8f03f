"""Standard Dutch housing code lists (VERA, by Aedes), loaded as data, never typed into code.

A concept the standard names (a dwelling's typology, an accessibility label, a signal kind) is
stored as its VERA code, so data travels to and from a corporation's ERP. Rows with an end date
are obsolete: they stay readable for history but are never offered for new data.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceCodeQuerySet(models.QuerySet["ReferenceCode"]):
    def of_list(self, list_name: str, parent: str | None = None) -> ReferenceCodeQuerySet:
        codes = self.filter(list_name=list_name)
        return codes.filter(parent=parent) if parent is not None else codes

    def current(self, on: dt.date | None = None) -> ReferenceCodeQuerySet:
        on = on or dt.date.today()
        return self.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=on))


class ReferenceCode(models.Model):
    list_name = models.CharField(_("list"), max_length=60)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("obsolete after"), null=True, blank=True)
    parent = models.CharField(_("parent"), max_length=80, blank=True)
    domain = models.CharField(_("information domain"), max_length=100, blank=True)

    objects = ReferenceCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("reference code")
        verbose_name_plural = _("reference codes")
        ordering = ["list_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["list_name", "code", "parent", "valid_until"],
                name="reference_code_unique",
            )
        ]
        indexes = [models.Index(fields=["list_name", "code"], name="reference_list_code_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
