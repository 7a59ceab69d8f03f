"""Readiness for independent living: our gates on top of the latest ZRM assessment.

The ZRM prescribes no cut-offs; these gates are Doorstroom's policy, configurable per care
provider and per agreement (ReadinessPolicy). Verdicts:

- ready: every gate passes;
- not ready: the substance-use gate fails ("an addiction is resolved first"), a high-risk signal
  is open, or there is no assessment at all;
- not yet: everything else that fails (e.g. finances still below the minimum, checks not yet
  confirmed, an assessment that is too old) - things the guidance is working on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.clients import zrm
from doorstroom.clients.models import Assessment, Client, ReadinessPolicy


class Readiness(models.TextChoices):
    READY = "ready", gettext_lazy("Ready")
    NOT_YET = "not_yet", gettext_lazy("Not yet")
    NOT_READY = "not_ready", gettext_lazy("Not ready")


@dataclass(frozen=True)
class Gate:
    key: str
    label: str
    passed: bool
    reason: str
    blocking: bool = False  # a failing blocking gate makes the verdict 'not ready'


@dataclass(frozen=True)
class ReadinessResult:
    verdict: str
    gates: list[Gate]
    assessment: Assessment | None

    @property
    def label(self) -> str:
        return str(Readiness(self.verdict).label)

    @property
    def failing(self) -> list[Gate]:
        return [gate for gate in self.gates if not gate.passed]


def policy_for(client: Client, agreement_id: int | None = None) -> ReadinessPolicy:
    """The agreement's own gates if it has them, else the provider's, else the defaults."""
    policies = ReadinessPolicy.objects.filter(care_provider_id=client.care_provider_id)
    if agreement_id is not None:
        specific = policies.filter(agreement_id=agreement_id).first()
        if specific:
            return specific
    return policies.filter(agreement__isnull=True).first() or ReadinessPolicy(
        care_provider_id=client.care_provider_id
    )


def latest_assessment(client: Client) -> Assessment | None:
    return client.assessments.prefetch_related("scores").order_by("-assessed_on", "-id").first()


_LOOK_UP: Any = object()


def evaluate(
    client: Client,
    *,
    policy: ReadinessPolicy | None = None,
    assessment: Assessment | None = _LOOK_UP,
    today: dt.date | None = None,
) -> ReadinessResult:
    """Evaluate the gates; pass ``assessment`` (or None for 'none') when it is already fetched."""
    policy = policy or policy_for(client)
    if assessment is _LOOK_UP:
        assessment = latest_assessment(client)
    today = today or timezone.localdate()
    gates: list[Gate] = []
    if assessment is None:
        gates.append(
            Gate(
                "assessment", _("ZRM assessment"), False, _("There is no ZRM assessment yet."), True
            )
        )
    else:
        scores = {s.domain: s.score for s in assessment.scores.all()}
        age = (today - assessment.assessed_on).days
        gates.append(
            Gate(
                "assessment",
                _("ZRM assessment"),
                age <= policy.max_assessment_age_days,
                _("Latest assessment of %(date)s (%(days)s days ago).")
                % {"date": assessment.assessed_on.strftime("%d-%m-%Y"), "days": age}
                if age <= policy.max_assessment_age_days
                else _("The latest assessment (%(date)s) is older than %(max)s days: assess again.")
                % {
                    "date": assessment.assessed_on.strftime("%d-%m-%Y"),
                    "max": policy.max_assessment_age_days,
                },
            )
        )
        addiction = zrm.ADDICTION_DOMAIN.get(assessment.version, "middelengebruik")
        gates.append(
            _score_gate(
                "addiction", _("Substance use"), scores.get(addiction), policy.min_addiction, True
            )
        )
        gates.append(
            _score_gate(
                "finances",
                _("Finances"),
                scores.get(zrm.FINANCES_DOMAIN),
                policy.min_finances,
                False,
            )
        )
    if policy.require_housing_skills:
        gates.append(
            Gate(
                "housing_skills",
                _("Housing skills"),
                client.housing_skills_confirmed,
                _("Confirmed by the case worker.")
                if client.housing_skills_confirmed
                else _("Not yet confirmed by the case worker."),
            )
        )
    if policy.require_income:
        gates.append(
            Gate(
                "income",
                _("Income"),
                client.income_arranged,
                _("Income is arranged.")
                if client.income_arranged
                else _("Income is not arranged yet."),
            )
        )
    if policy.require_no_high_risk:
        gates.append(
            Gate(
                "high_risk",
                _("High-risk signals"),
                not client.high_risk_signal_open,
                _("A high-risk signal is open.")
                if client.high_risk_signal_open
                else _("No open high-risk signal."),
                True,
            )
        )
    failing = [gate for gate in gates if not gate.passed]
    if not failing:
        verdict = Readiness.READY
    elif any(gate.blocking for gate in failing):
        verdict = Readiness.NOT_READY
    else:
        verdict = Readiness.NOT_YET
    return ReadinessResult(verdict=verdict, gates=gates, assessment=assessment)


def _score_gate(key: str, label: str, score: int | None, minimum: int, blocking: bool) -> Gate:
    if score is None:
        return Gate(key, label, False, _("Not scored in the latest assessment."), blocking)
    passed = score >= minimum
    reason = _("Score %(score)s, at least %(minimum)s needed.") % {
        "score": score,
        "minimum": minimum,
    }
    if key == "addiction" and not passed:
        reason += " " + _("An addiction is resolved first.")
    return Gate(key, label, passed, reason, blocking)
