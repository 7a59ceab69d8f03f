"""The explainable suitability scorecard of a complex for mixed living.

Each criterion scores 0, 1 or 2 with a reason; a criterion's points are score / 2 x its weight.
The verdict follows from the share of points against the corporation's thresholds, and a
knock-out criterion that scores 0 allows at most 'suitable under conditions'. The rules are
documented in docs/suitability.md; weights and thresholds are per corporation (SuitabilityPolicy).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.portfolio.mix import Mix
from doorstroom.portfolio.models import Complex, NeighbourhoodAssessment, SuitabilityPolicy
from doorstroom.reference.codes import typology_names


class Verdict(models.TextChoices):
    SUITABLE = "suitable", gettext_lazy("Suitable")
    CONDITIONAL = "conditional", gettext_lazy("Suitable under conditions")
    NOT_SUITABLE = "not_suitable", gettext_lazy("Not suitable")


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    score: int  # 0, 1 or 2
    weight: int
    reason: str
    condition: str = ""  # what would lift a 0, shown when the verdict is conditional

    @property
    def points(self) -> Decimal:
        return Decimal(self.score) / 2 * self.weight


@dataclass(frozen=True)
class Scorecard:
    verdict: str
    share: Decimal
    criteria: list[Criterion]
    summary: str

    @property
    def verdict_label(self) -> str:
        return str(Verdict(self.verdict).label)

    @property
    def points(self) -> Decimal:
        return sum((c.points for c in self.criteria), Decimal(0))

    @property
    def max_points(self) -> int:
        return sum(c.weight for c in self.criteria)

    @property
    def conditions(self) -> list[str]:
        return [c.condition for c in self.criteria if c.score == 0 and c.condition]


def policy_for(
    corporation_id: int, policies: dict[int, SuitabilityPolicy] | None = None
) -> SuitabilityPolicy:
    """The corporation's policy, or the documented defaults when it has not set one."""
    if policies is not None and corporation_id in policies:
        return policies[corporation_id]
    found = SuitabilityPolicy.objects.filter(corporation_id=corporation_id).first()
    return found or SuitabilityPolicy(corporation_id=corporation_id)


def policies_for(corporation_ids: set[int]) -> dict[int, SuitabilityPolicy]:
    found = {
        p.corporation_id: p
        for p in SuitabilityPolicy.objects.filter(corporation_id__in=corporation_ids)
    }
    return {cid: found.get(cid) or SuitabilityPolicy(corporation_id=cid) for cid in corporation_ids}


def _typology(complex_: Complex, policy: SuitabilityPolicy) -> Criterion:
    name = typology_names().get(complex_.typology, complex_.typology)
    score = int(policy.typology_scores.get(complex_.typology, 1))
    reason = {
        2: _("%(name)s: shared access such as galleries brings neighbours into daily contact."),
        1: _("%(name)s: some shared access; contact between neighbours needs support."),
        0: _("%(name)s: stacked, anonymous access gives neighbours little natural contact."),
    }[max(0, min(score, 2))] % {"name": name}
    return Criterion(
        "typology",
        _("Access typology"),
        max(0, min(score, 2)),
        policy.weight_typology,
        reason,
        _("Create meeting places on the access routes (e.g. a shared entrance hall or landing)."),
    )


def _size(dwellings: int, policy: SuitabilityPolicy) -> Criterion:
    if policy.size_ideal_min <= dwellings <= policy.size_ideal_max:
        score, reason = (
            2,
            _("%(n)s dwellings: large enough to absorb a third, small enough to know each other."),
        )
    elif policy.size_acceptable_min <= dwellings <= policy.size_acceptable_max:
        score, reason = (
            1,
            _("%(n)s dwellings: workable, but outside the ideal range of %(low)s to %(high)s."),
        )
    else:
        score, reason = 0, _("%(n)s dwellings: outside the workable range of %(low)s to %(high)s.")
    low, high = (
        (policy.size_acceptable_min, policy.size_acceptable_max)
        if score == 0
        else (policy.size_ideal_min, policy.size_ideal_max)
    )
    return Criterion(
        "size",
        _("Size"),
        score,
        policy.weight_size,
        reason % {"n": dwellings, "low": low, "high": high},
        _("Apply mixed living to a part of the complex of workable size."),
    )


def _communal(m2: int, policy: SuitabilityPolicy) -> Criterion:
    if m2 >= policy.communal_min_m2:
        score, reason = 2, _("%(m2)s m² of communal space for joint activities.")
    elif m2 > 0:
        score, reason = 1, _("Only %(m2)s m² of communal space; %(min)s m² or more works best.")
    else:
        score, reason = 0, _("No communal space: residents have nowhere to meet.")
    return Criterion(
        "communal_space",
        _("Communal space"),
        score,
        policy.weight_communal_space,
        reason % {"m2": m2, "min": policy.communal_min_m2},
        _("Provide a communal room of at least %(min)s m².") % {"min": policy.communal_min_m2},
    )


def _staff(present: bool, policy: SuitabilityPolicy) -> Criterion:
    return Criterion(
        "staff",
        _("Daily presence of staff"),
        2 if present else 0,
        policy.weight_staff,
        _("Manager or partners are on site every day and notice problems early.")
        if present
        else _("Nobody from the corporation or partners is on site daily."),
        _("Arrange daily presence of the manager or a partner on site."),
    )


def _vulnerable_share(mix: Mix, policy: SuitabilityPolicy) -> Criterion:
    values = {"share": f"{mix.share:.0%}", "target": f"{mix.target:.0%}"}
    if mix.vulnerable <= mix.target_dwellings:
        score, reason = (
            2,
            _("%(share)s of households are vulnerable now, within the target of %(target)s."),
        )
    elif mix.vulnerable <= mix.ceiling_dwellings:
        score, reason = (
            1,
            _("%(share)s of households are vulnerable now, just above the target of %(target)s."),
        )
    else:
        score, reason = (
            0,
            _(
                "%(share)s of households are vulnerable now, well above the target of %(target)s: a risk of concentration."
            ),
        )
    return Criterion(
        "vulnerable_share",
        _("Vulnerable households already housed"),
        score,
        policy.weight_vulnerable_share,
        reason % values,
        _("Let the next vacancies go to regular tenants until the mix is back on target."),
    )


def _neighbourhood(complex_: Complex, policy: SuitabilityPolicy) -> Criterion:
    assessment = complex_.neighbourhood_assessment
    score = {
        NeighbourhoodAssessment.GOOD: 2,
        NeighbourhoodAssessment.AVERAGE: 1,
        NeighbourhoodAssessment.UNKNOWN: 1,
        NeighbourhoodAssessment.POOR: 0,
    }[NeighbourhoodAssessment(assessment)]
    reason = str(NeighbourhoodAssessment(assessment).label)
    if assessment == NeighbourhoodAssessment.UNKNOWN:
        reason = _("The manager has not assessed the neighbourhood yet (counted as average).")
    if complex_.leefbaarometer_class:
        reason += " " + _("Leefbaarometer class %(n)s of 9.") % {"n": complex_.leefbaarometer_class}
    if complex_.neighbourhood_note:
        reason += " " + complex_.neighbourhood_note
    return Criterion(
        "neighbourhood",
        _("Neighbourhood (manager's assessment)"),
        score,
        policy.weight_neighbourhood,
        reason,
        _("Agree extra attention with the neighbourhood team before placing vulnerable residents."),
    )


def scorecard(
    complex_: Complex, mix: Mix, policy: SuitabilityPolicy, communal_m2: Any = None
) -> Scorecard:
    """Judge ``complex_`` (annotated with communal_m2, or pass it) under ``policy``."""
    m2 = int(communal_m2 if communal_m2 is not None else getattr(complex_, "communal_m2", 0))
    criteria = [
        _typology(complex_, policy),
        _size(mix.dwellings, policy),
        _communal(m2, policy),
        _staff(complex_.staff_present_daily, policy),
        _vulnerable_share(mix, policy),
        _neighbourhood(complex_, policy),
    ]
    max_points = sum(c.weight for c in criteria)
    points = sum((c.points for c in criteria), Decimal(0))
    share = points / max_points if max_points else Decimal(0)
    knocked_out = [c for c in criteria if c.key in policy.knockout_criteria and c.score == 0]
    if share >= policy.suitable_from and not knocked_out:
        verdict = Verdict.SUITABLE
    elif share >= policy.conditional_from:
        verdict = Verdict.CONDITIONAL
    else:
        verdict = Verdict.NOT_SUITABLE
    values = {
        "share": f"{share:.0%}",
        "suitable": f"{policy.suitable_from:.0%}",
        "conditional": f"{policy.conditional_from:.0%}",
    }
    if verdict == Verdict.SUITABLE:
        summary = (
            _("%(share)s of the points, at least %(suitable)s needed for 'suitable'.") % values
        )
    elif verdict == Verdict.CONDITIONAL and knocked_out and share >= policy.suitable_from:
        summary = _(
            "%(share)s of the points, but %(criterion)s scores nothing, which allows at most 'under conditions'."
        ) % {
            **values,
            "criterion": knocked_out[0].label.lower(),
        }
    elif verdict == Verdict.CONDITIONAL:
        summary = (
            _(
                "%(share)s of the points: between %(conditional)s and %(suitable)s, so suitable only under the conditions below."
            )
            % values
        )
    else:
        summary = (
            _("%(share)s of the points, below the %(conditional)s needed for 'under conditions'.")
            % values
        )
    return Scorecard(verdict=verdict, share=share, criteria=criteria, summary=summary)
