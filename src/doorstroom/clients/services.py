"""Every change to a client's record, and every view of it, goes through here (and the audit trail)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved, record_view, snapshot_fields
from doorstroom.clients import crypto, zrm
from doorstroom.clients.models import (
    CARE_ROLES,
    Action,
    Assessment,
    Client,
    Consent,
    Goal,
    ReadinessPolicy,
    Review,
    Score,
)
from doorstroom.clients.validators import normalise_bsn
from doorstroom.organisations.access import require_permission as check
from doorstroom.organisations.roles import OrganisationKind, Role
from doorstroom.organisations.selectors import holds_role_in

REVIEW_INTERVAL = relativedelta(months=6)


def view_client(*, acting_user: Any, client: Client, fields: tuple[str, ...] = ("record",)) -> None:
    """Record that ``acting_user`` looked at the client's care record."""
    check(acting_user, "clients.view_client", client)
    record_view(actor=acting_user, organisation=client.care_provider, obj=client, fields=fields)


@transaction.atomic
def save_client(*, acting_user: Any, client: Client, bsn: str | None = None) -> Client:
    """Create or update a client; ``bsn`` ('' clears it) is validated and stored encrypted."""
    if client.care_provider.kind != OrganisationKind.CARE_PROVIDER:
        raise ValidationError({"care_provider": _("A client belongs to a care provider.")})
    check(acting_user, "clients.change_client", client)
    before = (
        snapshot_fields(Client.objects.select_for_update().get(pk=client.pk)) if client.pk else None
    )
    if bsn is not None:
        if bsn.strip():
            try:
                digits = normalise_bsn(bsn)
            except ValidationError as exc:
                raise ValidationError({"bsn": exc.messages}) from exc
            client.bsn_encrypted = crypto.encrypt(digits, client.care_provider_id)
            client.bsn_digest = crypto.digest(digits, client.care_provider_id)
        else:
            client.bsn_encrypted = client.bsn_digest = ""
    worker = client.case_worker
    if worker is not None and not holds_role_in(worker, client.care_provider_id, CARE_ROLES):
        raise ValidationError(
            {"case_worker": _("The case worker must work for the client's care provider.")}
        )
    client.full_clean()
    client.save()
    record_saved(actor=acting_user, organisation=client.care_provider, obj=client, before=before)
    return client


def reveal_bsn(*, acting_user: Any, client: Client) -> str:
    """The client's BSN in full, for the own care provider only; every reveal is audited."""
    check(acting_user, "clients.view_client", client)
    if not client.bsn_encrypted:
        return ""
    record_view(actor=acting_user, organisation=client.care_provider, obj=client, fields=["bsn"])
    return crypto.decrypt(client.bsn_encrypted, client.care_provider_id)


@transaction.atomic
def record_consent(*, acting_user: Any, consent: Consent) -> Consent:
    check(acting_user, "clients.change_client", consent.client)
    consent.recorded_by = acting_user
    consent.full_clean()
    consent.save()
    record_saved(
        actor=acting_user, organisation=consent.client.care_provider, obj=consent, before=None
    )
    return consent


@transaction.atomic
def withdraw_consent(*, acting_user: Any, consent: Consent) -> Consent:
    """Withdrawal takes effect at once: partners no longer see the shared fact."""
    check(acting_user, "clients.change_client", consent.client)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at:
        raise ValidationError(_("This consent was already withdrawn."))
    before = snapshot_fields(consent)
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    record_saved(
        actor=acting_user, organisation=consent.client.care_provider, obj=consent, before=before
    )
    return consent


@transaction.atomic
def record_assessment(
    *,
    acting_user: Any,
    client: Client,
    assessed_on: dt.date,
    scores: Mapping[str, int],
    notes: Mapping[str, str] | None = None,
    version: str = zrm.CURRENT_VERSION,
) -> Assessment:
    """Record a complete ZRM assessment; nothing is saved unless every domain scores 1-5."""
    check(acting_user, "clients.change_client", client)
    errors: dict[str, list[str]] = {}
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = [_("An assessment cannot be dated in the future.")]
    if version not in zrm.VERSIONS:
        errors["version"] = [_("Unknown ZRM version.")]
    codes = [d.code for d in zrm.domains(version)] if version in zrm.VERSIONS else []
    for code in codes:
        value = scores.get(code)
        if value is None:
            errors[code] = [_("Score every domain.")]
        elif not isinstance(value, int) or not 1 <= value <= 5:
            errors[code] = [_("A ZRM score is 1, 2, 3, 4 or 5.")]
    unknown = set(scores) - set(codes)
    if unknown:
        errors["__all__"] = [
            _("Unknown domains: %(domains)s.") % {"domains": ", ".join(sorted(unknown))}
        ]
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(
        client=client, assessed_on=assessed_on, assessor=acting_user, version=version
    )
    Score.objects.bulk_create(
        [
            Score(
                assessment=assessment,
                domain=code,
                score=scores[code],
                note=(notes or {}).get(code, ""),
            )
            for code in codes
        ]
    )
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=client.care_provider,
        obj=assessment,
        fields=["assessed_on", "scores", "notes"],
    )
    return assessment


@transaction.atomic
def confirm_checks(
    *,
    acting_user: Any,
    client: Client,
    housing_skills: bool,
    income: bool,
    high_risk_signal_open: bool,
) -> Client:
    check(acting_user, "clients.change_client", client)
    before = snapshot_fields(client)
    client.housing_skills_confirmed = housing_skills
    client.income_arranged = income
    client.high_risk_signal_open = high_risk_signal_open
    client.checks_confirmed_at = timezone.now()
    client.save(
        update_fields=[
            "housing_skills_confirmed",
            "income_arranged",
            "high_risk_signal_open",
            "checks_confirmed_at",
        ]
    )
    record_saved(actor=acting_user, organisation=client.care_provider, obj=client, before=before)
    return client


@transaction.atomic
def add_goal(*, acting_user: Any, goal: Goal) -> Goal:
    check(acting_user, "clients.change_client", goal.client)
    if goal.domain and goal.domain not in {d.code for d in zrm.domains()}:
        raise ValidationError({"domain": _("Unknown ZRM domain.")})
    goal.full_clean()
    goal.save()
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=goal.client.care_provider,
        obj=goal,
        fields=["domain", "description"],
    )
    _ensure_review(acting_user, goal.client)
    return goal


@transaction.atomic
def add_action(*, acting_user: Any, action: Action) -> Action:
    check(acting_user, "clients.change_client", action.client)
    action.full_clean()
    action.save()
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=action.client.care_provider,
        obj=action,
        fields=["description", "owner", "due_on"],
    )
    _ensure_review(acting_user, action.client)
    return action


@transaction.atomic
def complete_action(*, acting_user: Any, action: Action, done_on: dt.date | None = None) -> Action:
    check(acting_user, "clients.change_client", action.client)
    action.done_on = done_on or timezone.localdate()
    action.save(update_fields=["done_on"])
    record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        organisation=action.client.care_provider,
        obj=action,
        fields=["done_on"],
    )
    return action


def _plan_review(acting_user: Any, client: Client, due_on: dt.date) -> Review:
    review = Review.objects.create(client=client, due_on=due_on)
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=client.care_provider,
        obj=review,
        fields=["due_on"],
    )
    return review


def _ensure_review(acting_user: Any, client: Client) -> None:
    """A plan always has its next review planned (default every 6 months)."""
    if not client.reviews.filter(held_on__isnull=True).exists():
        _plan_review(acting_user, client, timezone.localdate() + REVIEW_INTERVAL)


@transaction.atomic
def hold_review(*, acting_user: Any, client: Client, held_on: dt.date, summary: str) -> Review:
    """Record the planned review as held and plan the next one 6 months later."""
    check(acting_user, "clients.change_client", client)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A review cannot be held in the future.")})
    review = client.reviews.filter(held_on__isnull=True).first() or Review(
        client=client, due_on=held_on
    )
    review.held_on, review.summary = held_on, summary
    review.save()
    record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        organisation=client.care_provider,
        obj=review,
        fields=["held_on", "summary"],
    )
    _plan_review(acting_user, client, held_on + REVIEW_INTERVAL)
    return review


@transaction.atomic
def save_readiness_policy(*, acting_user: Any, policy: ReadinessPolicy) -> ReadinessPolicy:
    """The provider's own readiness gates (or those for one agreement); team leads only."""
    if acting_user is not None and not holds_role_in(
        acting_user, policy.care_provider_id, (Role.TEAM_LEAD,)
    ):
        raise PermissionDenied(_("Only a team lead of the care provider sets the readiness gates."))
    agreement = policy.agreement
    if agreement is not None and agreement.care_provider_id != policy.care_provider_id:
        raise ValidationError({"agreement": _("This agreement is not one of your organisation's.")})
    before = snapshot_fields(ReadinessPolicy.objects.get(pk=policy.pk)) if policy.pk else None
    policy.full_clean()
    policy.save()
    record_saved(actor=acting_user, organisation=policy.care_provider, obj=policy, before=before)
    return policy
