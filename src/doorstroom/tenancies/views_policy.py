"""The flip policy of an agreement: the corporation's manager edits it, the care provider reads it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from doorstroom.config.forms import UtrechtFormMixin, apply_errors
from doorstroom.portfolio.models import CareLeaseAgreement
from doorstroom.tenancies.clock import policy_for
from doorstroom.tenancies.models import FlipPolicy
from doorstroom.tenancies.policies import save_flip_policy


class MonthsField(forms.CharField):
    """Whole months, comma-separated: '24, 30, 33'."""

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value) or ""
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError as exc:
            raise ValidationError(gettext_lazy("Give whole months, separated by commas.")) from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(month) for month in value)
        return value


class FlipPolicyForm(UtrechtFormMixin, forms.ModelForm[FlipPolicy]):
    attention_months = MonthsField(
        label=gettext_lazy("Attention points (months after the start)"),
        help_text=gettext_lazy("Comma-separated, e.g. 24, 30, 33."),
    )
    aftercare_months = MonthsField(
        label=gettext_lazy("Aftercare check-ins (months after the flip)"),
        help_text=gettext_lazy("Comma-separated, e.g. 6, 12, 24."),
    )

    class Meta:
        model = FlipPolicy
        fields = [
            "months_without_arrears",
            "no_open_nuisance",
            "case_worker_advice",
            "readiness_gates",
            "client_wish",
            "attention_months",
            "aftercare_months",
        ]


@require_http_methods(["GET", "POST"])
def flip_policy(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = (
        CareLeaseAgreement.objects.visible_to(request.user)
        .select_related("complex", "care_provider", "corporation")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None or not request.user.has_perm("portfolio.view_agreement", agreement):
        raise Http404
    may_change = request.user.has_perm("portfolio.change_agreement", agreement.complex)
    policy = policy_for(agreement)
    form = FlipPolicyForm(instance=policy)
    if request.method == "POST":
        if not may_change:
            raise Http404
        form = FlipPolicyForm(request.POST, instance=policy)
        if form.is_valid():
            try:
                save_flip_policy(acting_user=request.user, policy=form.save(commit=False))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The flip policy is saved."))
                return redirect("placements:flip_policy", agreement.pk)
    return render(
        request,
        "tenancies/placements/flip_policy.html",
        {"agreement": agreement, "policy": policy, "form": form, "may_change": may_change},
    )
