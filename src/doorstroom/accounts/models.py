"""People who log in to Doorstroom. What they may do follows from their memberships."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with a login. Organisation and role live on ``organisations.Membership``."""

    email = models.EmailField(_("e-mail address"), blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_unique_email",
                violation_error_message=_("A user with this e-mail address already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Object permissions always follow the rules, also for platform administrators.

        Django lets a superuser pass every check; for objects (a client, a complex) that would
        open care records to the platform administrator. Model-level checks (the administration
        site) keep Django's behaviour.
        """
        if obj is not None:
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    @property
    def requires_two_factor(self) -> bool:
        """Every user who can see personal data must use a second factor (see ROLE_POLICY)."""
        from doorstroom.organisations.selectors import memberships_of

        if self.is_superuser or self.is_staff:
            return True
        return any(m.role_policy.requires_two_factor for m in memberships_of(self))
