"""Every change to the portfolio: complexes, dwellings, agreements, leases, quotas and policy.

Each service checks the acting user's permission (``acting_user=None`` is the system: commands
and the demo), validates, writes inside one transaction and records the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved, snapshot_fields
from doorstroom.organisations.access import require_permission as check
from doorstroom.organisations.models import Organisation
from doorstroom.organisations.roles import OrganisationKind
from doorstroom.portfolio.models import (
    CareLease,
    CareLeaseAgreement,
    CommunalSpace,
    Complex,
    Dwelling,
    LeaseEndReason,
    Quota,
    RegularTenancy,
    Reservation,
    SuitabilityPolicy,
    active_on,
)
from doorstroom.portfolio.signals import dwelling_released, dwelling_taken
from doorstroom.portfolio.validators import normalise_postcode
from doorstroom.reference.codes import accessibility_names, typology_names


def validate_codes(instance: Complex | Dwelling) -> None:
    errors: dict[str, str] = {}
    field = "typology" if isinstance(instance, Complex) else "dwelling_type"
    code = getattr(instance, field)
    if code not in typology_names():
        errors[field] = _("'%(code)s' is not a current VERA dwelling typology.") % {"code": code}
    accessibility = getattr(instance, "accessibility", "")
    if accessibility and accessibility not in accessibility_names():
        errors["accessibility"] = _("'%(code)s' is not a current VERA accessibility label.") % {
            "code": accessibility
        }
    if errors:
        raise ValidationError(errors)


def _normalise_postcode(instance: Any) -> None:
    try:
        instance.postcode = normalise_postcode(instance.postcode)
    except ValidationError as exc:
        raise ValidationError({"postcode": exc.messages}) from exc


@transaction.atomic
def save_complex(*, acting_user: Any, complex_: Complex) -> Complex:
    """Create or update a complex (validated, audited)."""
    if complex_.corporation.kind != OrganisationKind.CORPORATION:
        raise ValidationError({"corporation": _("A complex belongs to a housing corporation.")})
    check(acting_user, "portfolio.change_complex", complex_.corporation)
    before = None
    if complex_.pk:
        before = snapshot_fields(Complex.objects.select_for_update().get(pk=complex_.pk))
    _normalise_postcode(complex_)
    complex_.full_clean()
    validate_codes(complex_)
    complex_.save()
    record_saved(actor=acting_user, organisation=complex_.corporation, obj=complex_, before=before)
    return complex_


@transaction.atomic
def add_communal_space(*, acting_user: Any, space: CommunalSpace) -> CommunalSpace:
    check(acting_user, "portfolio.change_complex", space.complex)
    space.full_clean()
    space.save()
    record_saved(actor=acting_user, organisation=space.complex.corporation, obj=space, before=None)
    return space


@transaction.atomic
def remove_communal_space(*, acting_user: Any, space: CommunalSpace) -> None:
    check(acting_user, "portfolio.change_complex", space.complex)
    record(
        actor=acting_user,
        action=AuditAction.DELETE,
        organisation=space.complex.corporation,
        obj=space,
    )
    space.delete()


@transaction.atomic
def save_dwelling(*, acting_user: Any, dwelling: Dwelling) -> Dwelling:
    check(acting_user, "portfolio.change_dwelling", dwelling.complex)
    dwelling.corporation_id = dwelling.complex.corporation_id
    before = None
    if dwelling.pk:
        before = snapshot_fields(Dwelling.objects.select_for_update().get(pk=dwelling.pk))
        if before["complex_id"] != dwelling.complex_id and _has_contracts(dwelling):
            raise ValidationError(
                {"complex": _("A dwelling with contracts cannot move to another complex.")}
            )
    _normalise_postcode(dwelling)
    dwelling.full_clean()
    validate_codes(dwelling)
    dwelling.save()
    record_saved(
        actor=acting_user, organisation=dwelling.complex.corporation, obj=dwelling, before=before
    )
    return dwelling


def _has_contracts(dwelling: Dwelling) -> bool:
    return dwelling.care_leases.exists() or dwelling.regular_tenancies.exists()


def _overlapping(agreement: CareLeaseAgreement) -> Any:
    """Other agreements on the same complex whose period overlaps this one's."""
    others = CareLeaseAgreement.objects.filter(complex=agreement.complex).exclude(pk=agreement.pk)
    if agreement.end_date:
        others = others.filter(start_date__lt=agreement.end_date)
    return others.filter(Q(end_date__isnull=True) | Q(end_date__gt=agreement.start_date))


@transaction.atomic
def save_agreement(*, acting_user: Any, agreement: CareLeaseAgreement) -> CareLeaseAgreement:
    """Create or change an agreement; refuses to promise more dwellings than the complex has."""
    agreement.corporation_id = agreement.complex.corporation_id
    check(acting_user, "portfolio.change_agreement", agreement.complex)
    if agreement.care_provider.kind != OrganisationKind.CARE_PROVIDER:
        raise ValidationError({"care_provider": _("Choose a care provider.")})
    agreement.full_clean()
    # Lock the complex so two agreements saved at once cannot both pass the capacity check.
    Complex.objects.select_for_update().get(pk=agreement.complex_id)
    before = None
    if agreement.pk:
        before = snapshot_fields(CareLeaseAgreement.objects.get(pk=agreement.pk))
        leased = agreement.leases.filter(end_date__isnull=True).count()
        if agreement.dwellings_promised < leased:
            raise ValidationError(
                {
                    "dwellings_promised": _(
                        "%(n)s dwellings are leased under this agreement now; hand some back first."
                    )
                    % {"n": leased}
                }
            )
    capacity = agreement.complex.dwellings.count()
    overlapping = _overlapping(agreement)
    promised_elsewhere = overlapping.aggregate(n=Sum("dwellings_promised"))["n"] or 0
    if promised_elsewhere + agreement.dwellings_promised > capacity:
        raise ValidationError(
            {
                "dwellings_promised": _(
                    "Together with %(others)s overlapping agreement(s) (%(elsewhere)s dwellings) this would lease "
                    "%(total)s dwellings, but the complex has %(capacity)s."
                )
                % {
                    "others": overlapping.count(),
                    "elsewhere": promised_elsewhere,
                    "total": promised_elsewhere + agreement.dwellings_promised,
                    "capacity": capacity,
                }
            }
        )
    agreement.save()
    record_saved(
        actor=acting_user, organisation=agreement.corporation, obj=agreement, before=before
    )
    return agreement


def _occupied(dwelling: Dwelling, day: dt.date) -> str | None:
    if (
        CareLease.objects.filter(dwelling=dwelling)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .exists()
    ):
        return _("This dwelling is already leased to a care provider.")
    if (
        RegularTenancy.objects.filter(dwelling=dwelling)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .exists()
    ):
        return _("This dwelling is let to a tenant on that date.")
    return None


@transaction.atomic
def lease_dwelling(
    *, acting_user: Any, agreement: CareLeaseAgreement, dwelling: Dwelling, start_date: dt.date
) -> CareLease:
    """Lease a vacant dwelling of the agreement's complex to the care provider from ``start_date``."""
    check(acting_user, "portfolio.change_agreement", agreement.complex)
    dwelling = Dwelling.objects.select_for_update().get(pk=dwelling.pk)
    agreement = CareLeaseAgreement.objects.select_for_update().get(pk=agreement.pk)
    if dwelling.complex_id != agreement.complex_id:
        raise ValidationError({"dwelling": _("This dwelling is not in the agreement's complex.")})
    if not CareLeaseAgreement.objects.filter(active_on(start_date), pk=agreement.pk).exists():
        raise ValidationError({"start_date": _("The agreement does not run on this date.")})
    problem = _occupied(dwelling, start_date)
    if problem:
        raise ValidationError({"dwelling": problem})
    leased = agreement.leases.filter(end_date__isnull=True).count()
    if leased >= agreement.dwellings_promised:
        raise ValidationError(
            {
                "dwelling": _("All %(n)s dwellings of this agreement are leased already.")
                % {"n": agreement.dwellings_promised}
            }
        )
    Reservation.objects.filter(dwelling=dwelling, end_date__isnull=True).update(end_date=start_date)
    lease = CareLease(agreement=agreement, dwelling=dwelling, start_date=start_date)
    lease.full_clean()
    lease.save()
    record_saved(actor=acting_user, organisation=agreement.corporation, obj=lease, before=None)
    dwelling_taken.send(
        sender=CareLease, dwelling=dwelling, start_date=start_date, acting_user=acting_user
    )
    return lease


@transaction.atomic
def end_care_lease(
    *,
    acting_user: Any,
    lease: CareLease,
    end_date: dt.date,
    reason: str = LeaseEndReason.HANDED_BACK,
) -> CareLease:
    """Hand a dwelling back (or end the lease at a flip); the lease stays in the history."""
    check(acting_user, "portfolio.change_agreement", lease.agreement.complex)
    lease = CareLease.objects.select_for_update().get(pk=lease.pk)
    if lease.end_date is not None:
        raise ValidationError(_("This lease has already ended."))
    if end_date < lease.start_date:
        raise ValidationError({"end_date": _("The lease cannot end before it started.")})
    if (
        reason == LeaseEndReason.HANDED_BACK
        and lease.placements.filter(exit_date__isnull=True).exists()
    ):
        raise ValidationError(
            _("A client still lives in this dwelling; end or flip the placement first.")
        )
    before = snapshot_fields(lease)
    lease.end_date, lease.end_reason = end_date, reason
    lease.save(update_fields=["end_date", "end_reason"])
    record_saved(
        actor=acting_user, organisation=lease.agreement.corporation, obj=lease, before=before
    )
    if reason == LeaseEndReason.HANDED_BACK:
        dwelling_released.send(
            sender=CareLease,
            dwelling=lease.dwelling,
            available_from=end_date,
            cause="lease_handed_back",
            acting_user=acting_user,
        )
    return lease


@transaction.atomic
def save_quota(*, acting_user: Any, quota: Quota) -> Quota:
    if not quota.municipality_id:
        raise ValidationError(
            {"municipality": _("A quota is agreed with a municipality: choose one.")}
        )
    if quota.municipality.kind != OrganisationKind.MUNICIPALITY:
        raise ValidationError({"municipality": _("Choose a municipality.")})
    if quota.corporation.kind != OrganisationKind.CORPORATION:
        raise ValidationError({"corporation": _("Choose a housing corporation.")})
    check(acting_user, "portfolio.change_quota", quota)
    before = snapshot_fields(Quota.objects.get(pk=quota.pk)) if quota.pk else None
    quota.full_clean()
    quota.save()
    record_saved(actor=acting_user, organisation=quota.corporation, obj=quota, before=before)
    return quota


@transaction.atomic
def save_suitability_policy(*, acting_user: Any, policy: SuitabilityPolicy) -> SuitabilityPolicy:
    corporation: Organisation = policy.corporation
    check(acting_user, "portfolio.change_suitability_policy", corporation)
    before = snapshot_fields(SuitabilityPolicy.objects.get(pk=policy.pk)) if policy.pk else None
    bad = {code: score for code, score in policy.typology_scores.items() if score not in (0, 1, 2)}
    if bad:
        raise ValidationError({"typology_scores": _("Every typology scores 0, 1 or 2.")})
    policy.full_clean()
    policy.save()
    record_saved(actor=acting_user, organisation=corporation, obj=policy, before=before)
    return policy


@transaction.atomic
def start_regular_tenancy(
    *,
    acting_user: Any,
    dwelling: Dwelling,
    tenant_name: str,
    start_date: dt.date,
    contract_number: str = "",
    care_label_until: dt.date | None = None,
) -> RegularTenancy:
    """Let a dwelling directly to a tenant from ``start_date`` (the dwelling must be free then)."""
    check(acting_user, "portfolio.change_dwelling", dwelling.complex)
    dwelling = Dwelling.objects.select_for_update().get(pk=dwelling.pk)
    problem = _occupied(dwelling, start_date)
    if problem:
        raise ValidationError({"dwelling": problem})
    Reservation.objects.filter(dwelling=dwelling, end_date__isnull=True).update(end_date=start_date)
    tenancy = RegularTenancy(
        dwelling=dwelling,
        tenant_name=tenant_name,
        contract_number=contract_number,
        start_date=start_date,
        care_label_until=care_label_until,
    )
    tenancy.full_clean()
    tenancy.save()
    record_saved(actor=acting_user, organisation=dwelling.corporation, obj=tenancy, before=None)
    dwelling_taken.send(
        sender=RegularTenancy, dwelling=dwelling, start_date=start_date, acting_user=acting_user
    )
    return tenancy


@transaction.atomic
def end_regular_tenancy(
    *, acting_user: Any, tenancy: RegularTenancy, end_date: dt.date
) -> RegularTenancy:
    check(acting_user, "portfolio.change_dwelling", tenancy.dwelling.complex)
    tenancy = RegularTenancy.objects.select_for_update().get(pk=tenancy.pk)
    if tenancy.end_date is not None:
        raise ValidationError(_("This tenancy has already ended."))
    if end_date < tenancy.start_date:
        raise ValidationError({"end_date": _("The tenancy cannot end before it started.")})
    before = snapshot_fields(tenancy)
    tenancy.end_date = end_date
    tenancy.save(update_fields=["end_date"])
    record_saved(
        actor=acting_user, organisation=tenancy.dwelling.corporation, obj=tenancy, before=before
    )
    dwelling_released.send(
        sender=RegularTenancy,
        dwelling=tenancy.dwelling,
        available_from=end_date,
        cause="tenancy_ended",
        acting_user=acting_user,
    )
    return tenancy
