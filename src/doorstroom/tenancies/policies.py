"""Changing the flip policy of an agreement: the checklist items and the clock's settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doorstroom.audit.services import record_saved, snapshot_fields
from doorstroom.tenancies.clock import policy_for
from doorstroom.tenancies.models import FlipPolicy

#: Field name -> (lowest, highest) month of the lists of month offsets.
MONTH_LISTS = {"attention_months": (1, 36), "aftercare_months": (1, 60)}


def _check_months(policy: FlipPolicy) -> None:
    errors = {}
    for field, (lowest, highest) in MONTH_LISTS.items():
        months = getattr(policy, field)
        if not months or any(not lowest <= m <= highest for m in months):
            errors[field] = _("Give one or more whole months between %(low)s and %(high)s.") % {
                "low": lowest,
                "high": highest,
            }
        elif len(set(months)) != len(months):
            errors[field] = _("Each month may appear once.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_flip_policy(*, acting_user: Any, policy: FlipPolicy) -> FlipPolicy:
    """The corporation's manager changes an agreement's flip policy (audited)."""
    agreement = policy.agreement
    if acting_user is not None and not acting_user.has_perm(
        "portfolio.change_agreement", agreement.complex
    ):
        raise PermissionDenied(_("You may not do this."))
    current = policy_for(agreement)
    before = snapshot_fields(FlipPolicy.objects.select_for_update().get(pk=current.pk))
    policy.pk = current.pk
    policy.attention_months = sorted(policy.attention_months)
    policy.aftercare_months = sorted(policy.aftercare_months)
    _check_months(policy)
    policy.full_clean()
    policy.save()
    record_saved(actor=acting_user, organisation=agreement.corporation, obj=policy, before=before)
    return policy
