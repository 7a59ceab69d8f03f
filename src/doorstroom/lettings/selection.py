"""Selection of regular applicants: two staff members score each motivation independently on the
complex's rubric, disagreements are flagged, and the shortlist ranks the candidates by the rules
of the complex's letting policy and says why each stands where they stand.

Ranking (``LettingPolicy.ranking``):

* RUBRIC: candidates scored by two staff members, by average score (one decimal, as shown) from
  high to low, then by registration date (longest registered first), then by application time.
* LOTTERY: candidates scored by two staff members whose average reaches the policy's minimum, in
  the order of a lottery drawn once with a recorded seed; after them the others by score, as in
  RUBRIC. The draw is ``random.Random(seed).shuffle`` over all applications of the vacancy sorted
  by number (applications close at the deadline, the draw comes after it), and each candidate
  keeps its place from that order. So the draw can be repeated by anyone with the seed, and a
  candidate who withdraws or is scored later does not reshuffle the others.

Candidates not yet scored by two staff members and candidates whose introduction interview was
negative or who did not show up are not ranked. The policy and its rubric are configured per
complex by the mixed-living manager.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from doorstroom.audit.models import AuditAction
from doorstroom.audit.services import record, record_saved, snapshot_fields
from doorstroom.lettings.models import (
    ACTIVE_STATUSES,
    SCALE,
    Application,
    ApplicationStatus,
    InterviewOutcome,
    InterviewSlot,
    LettingPolicy,
    MotivationReview,
    MotivationScore,
    Ranking,
    RubricCriterion,
    Vacancy,
    VacancyStatus,
)
from doorstroom.lettings.vacancies import policy_for
from doorstroom.organisations.access import require_permission as check
from doorstroom.portfolio.models import Complex

#: Two staff members score every motivation; the shortlist ranks only candidates with both.
REVIEWERS = 2
#: Interview outcomes after which a candidate is no longer ranked.
NOT_RANKED_OUTCOMES = (InterviewOutcome.NEGATIVE, InterviewOutcome.NO_SHOW)
#: Statuses of applications that ended; shown under the shortlist, never ranked.
ENDED_STATUSES = (
    ApplicationStatus.NOT_SELECTED,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.ALLOCATED,
)
POLICY_FIELDS = (
    "concept",
    "expectations",
    "community_agreements",
    "ranking",
    "lottery_min_score",
    "disagreement_threshold",
    "motivation_min_chars",
    "advert_days",
    "offer_response_days",
)
ONE_DECIMAL = Decimal("0.1")


# --- permissions ---------------------------------------------------------------------------------


def criterion_key(criterion_id: int) -> str:
    """The key of a criterion's error in a ValidationError (and the rubric form's field name)."""
    return f"criterion_{criterion_id}"


def _corporation(application: Application) -> Any:
    return application.vacancy.dwelling.corporation


# --- scoring -------------------------------------------------------------------------------------


def _locked_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("vacancy__dwelling__complex", "vacancy__dwelling__corporation")
        .get(pk=application.pk)
    )


def _valid_scores(criteria: Sequence[RubricCriterion], scores: Mapping[Any, Any]) -> dict[int, int]:
    """The scores by criterion id, or a ValidationError naming every criterion that is wrong."""
    low, high = SCALE
    by_id = {c.pk: c for c in criteria}
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, int] = {}
    for key, value in scores.items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            criterion_id = -1
        criterion = by_id.get(criterion_id)
        if criterion is None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Score only the criteria of this complex's rubric.")
            )
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[criterion_key(criterion.pk)] = [
                _("%(criterion)s: give a whole number from %(low)s to %(high)s.")
                % {"criterion": criterion.name, "low": low, "high": high}
            ]
            continue
        cleaned[criterion.pk] = value
    for criterion in criteria:
        if criterion.pk not in scores and str(criterion.pk) not in scores:
            errors[criterion_key(criterion.pk)] = [
                _("%(criterion)s: this criterion has no score yet.") % {"criterion": criterion.name}
            ]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def score_motivation(
    *, acting_user: Any, application: Application, scores: Mapping[int, int], note: str = ""
) -> MotivationReview:
    """Record one staff member's independent scores (1-5 for every criterion of the rubric) of an
    application's motivation. Two staff members score each application, each once."""
    if acting_user is None:  # a review is one person's judgement
        raise PermissionDenied(_("You may not do this."))
    check(acting_user, "lettings.score_application", application)
    # The application row serialises its reviews: two at most, also when three people submit at
    # the same moment.
    application = _locked_application(application)
    if application.status not in ACTIVE_STATUSES:
        raise ValidationError(
            _("This application is no longer in the running (%(status)s).")
            % {"status": application.get_status_display()}
        )
    policy = policy_for(application.vacancy.dwelling.complex)
    criteria = list(policy.criteria.all())
    if not criteria:
        raise ValidationError(_("The rubric of this complex has no criteria yet."))
    reviewers = set(application.reviews.values_list("reviewer_id", flat=True))
    if acting_user.pk in reviewers:
        raise ValidationError(_("You have already scored this motivation."))
    if len(reviewers) >= REVIEWERS:
        raise ValidationError(
            _("Two staff members have already scored this motivation; a third score is not needed.")
        )
    cleaned = _valid_scores(criteria, scores)
    note = note.strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("Keep the note under 2000 characters.")})
    review = MotivationReview(application=application, reviewer=acting_user, note=note)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:
        raise ValidationError(_("You have already scored this motivation.")) from exc
    MotivationScore.objects.bulk_create(
        MotivationScore(review=review, criterion_id=criterion_id, score=score)
        for criterion_id, score in cleaned.items()
    )
    names = {c.pk: c.name for c in criteria}
    changes: dict[str, tuple[Any, Any]] = {
        name: (None, value) for name, value in snapshot_fields(review).items() if name != "id"
    }
    changes.update(
        {f"score: {names[criterion_id]}": (None, score) for criterion_id, score in cleaned.items()}
    )
    record(
        actor=acting_user,
        action=AuditAction.CREATE,
        organisation=_corporation(application),
        obj=review,
        changes=changes,
    )
    return review


# --- disagreements and scores --------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """A criterion on which the two reviewers differ by at least the policy's threshold."""

    criterion: RubricCriterion
    scores: tuple[int, int]

    @property
    def difference(self) -> int:
        return abs(self.scores[0] - self.scores[1])


def _scores_of(review: MotivationReview) -> dict[int, int]:
    return {s.criterion_id: s.score for s in review.scores.all()}


def _disagreements(
    reviews: Sequence[MotivationReview], criteria: Sequence[RubricCriterion], threshold: int
) -> list[Disagreement]:
    if len(reviews) < REVIEWERS:
        return []
    first, second = _scores_of(reviews[0]), _scores_of(reviews[1])
    found = []
    for criterion in criteria:
        if criterion.pk in first and criterion.pk in second:
            pair = (first[criterion.pk], second[criterion.pk])
            if abs(pair[0] - pair[1]) >= threshold:
                found.append(Disagreement(criterion=criterion, scores=pair))
    return found


def _reviews_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "reviews",
        queryset=MotivationReview.objects.select_related("reviewer")
        .prefetch_related("scores")
        .order_by("created_at", "pk"),
    )


def disagreements(application: Application) -> list[Disagreement]:
    """Criteria on which the two reviewers differ by at least the complex's threshold."""
    policy = policy_for(application.vacancy.dwelling.complex)
    reviews = list(
        MotivationReview.objects.filter(application=application)
        .prefetch_related("scores")
        .order_by("created_at", "pk")
    )
    return _disagreements(reviews, list(policy.criteria.all()), policy.disagreement_threshold)


def weighted_score(
    reviews: Sequence[MotivationReview], criteria: Iterable[RubricCriterion]
) -> Decimal | None:
    """The weighted mean over both reviewers' scores, to one decimal (None until both scored)."""
    if len(reviews) < REVIEWERS:
        return None
    weights = {c.pk: c.weight for c in criteria}
    total = 0
    weight_sum = 0
    for review in reviews:
        for score in review.scores.all():
            weight = weights.get(score.criterion_id, 1)
            total += weight * score.score
            weight_sum += weight
    if not weight_sum:
        return None
    return (Decimal(total) / Decimal(weight_sum)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


# --- the shortlist -------------------------------------------------------------------------------


@dataclass
class Candidate:
    """One applicant on a vacancy's shortlist, with where they stand and why."""

    application: Application
    rank: int | None = None
    score: Decimal | None = None
    reviews: int = 0
    disagreement: bool = False
    disagreements: list[Disagreement] = field(default_factory=list)
    slot: InterviewSlot | None = None
    in_lottery: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """The interview outcome (an InterviewOutcome value), empty when none is recorded."""
        return self.slot.outcome if self.slot is not None else ""


def slot_of(application: Application) -> InterviewSlot | None:
    """The application's interview slot (from ``select_related("interview")`` when present)."""
    try:
        return application.interview
    except ObjectDoesNotExist:
        return None


def _number(value: Decimal) -> str:
    return formats.number_format(value, decimal_pos=1)


def _date(value: Any) -> str:
    return value.strftime("%d-%m-%Y")


def _ended_reason(candidate: Candidate) -> str:
    status = candidate.application.status
    outcome = candidate.outcome
    if outcome == InterviewOutcome.NO_SHOW:
        return _("did not show up for the introduction interview")
    if outcome == InterviewOutcome.NEGATIVE:
        return _("introduction interview negative")
    if status == ApplicationStatus.WITHDRAWN:
        return _("withdrew the application")
    if status == ApplicationStatus.ALLOCATED:
        return _("the dwelling is allocated to this candidate")
    return _("not selected")


def _by_score(candidate: Candidate) -> tuple[Any, ...]:
    application = candidate.application
    return (
        -(candidate.score or Decimal(0)),
        application.registration_date,
        application.submitted_at,
        application.pk,
    )


def _tie_reason(candidate: Candidate, above: Candidate) -> str | None:
    """Why ``candidate`` comes after ``above`` although their scores are the same."""
    if candidate.score != above.score:
        return None
    mine, theirs = candidate.application, above.application
    if mine.registration_date != theirs.registration_date:
        return _("same score as no. %(rank)s, registered later (%(date)s)") % {
            "rank": above.rank,
            "date": _date(mine.registration_date),
        }
    return _("same score and registration date as no. %(rank)s, applied later (%(time)s)") % {
        "rank": above.rank,
        "time": timezone.localtime(mine.submitted_at).strftime("%d-%m-%Y %H:%M"),
    }


def _rank_by_score(candidates: list[Candidate], start: int) -> None:
    above: Candidate | None = None
    for offset, candidate in enumerate(sorted(candidates, key=_by_score)):
        candidate.rank = start + offset
        if above is not None:
            tie = _tie_reason(candidate, above)
            if tie:
                candidate.reasons.append(tie)
        above = candidate


def lottery_order(seed: int, application_ids: Iterable[int]) -> dict[int, int]:
    """Each application's place (0-based) in the lottery drawn with ``seed``."""
    ordered = sorted(application_ids)
    random.Random(seed).shuffle(ordered)
    return {pk: place for place, pk in enumerate(ordered)}


def shortlist(vacancy: Vacancy, *, include_ended: bool = False) -> list[Candidate]:
    """The candidates of a vacancy, ranked by the complex's policy, each with the reasons for
    their place. Active applications only, unless ``include_ended`` (then the ended ones follow,
    unranked, with the reason). Runs the same number of queries for any number of candidates."""
    policy = policy_for(vacancy.dwelling.complex)
    criteria = list(policy.criteria.all())
    statuses = list(ACTIVE_STATUSES) + (list(ENDED_STATUSES) if include_ended else [])
    applications = list(
        Application.objects.filter(vacancy=vacancy, status__in=statuses)
        .select_related("interview__interviewer")
        .prefetch_related(_reviews_prefetch())
        .order_by("pk")
    )
    candidates = []
    for application in applications:
        reviews = list(application.reviews.all())
        found = _disagreements(reviews, criteria, policy.disagreement_threshold)
        candidates.append(
            Candidate(
                application=application,
                score=weighted_score(reviews, criteria),
                reviews=len(reviews),
                disagreement=bool(found),
                disagreements=found,
                slot=slot_of(application),
            )
        )
    ended: list[Candidate] = []
    unranked: list[Candidate] = []
    eligible: list[Candidate] = []
    for candidate in candidates:
        if candidate.application.status not in ACTIVE_STATUSES:
            candidate.reasons.append(_ended_reason(candidate))
            ended.append(candidate)
        elif candidate.outcome in NOT_RANKED_OUTCOMES:
            candidate.reasons.append(_ended_reason(candidate))
            unranked.append(candidate)
        elif candidate.score is None:
            candidate.reasons.append(
                _("not yet scored by two staff members (%(done)s of 2)")
                % {"done": candidate.reviews}
            )
            unranked.append(candidate)
        else:
            candidate.reasons.append(
                _("average score %(score)s from %(n)s reviewers")
                % {"score": _number(candidate.score), "n": candidate.reviews}
            )
            eligible.append(candidate)

    if policy.ranking == Ranking.LOTTERY:
        _rank_lottery(vacancy, policy, eligible)
    else:
        _rank_by_score(eligible, start=1)

    for candidate in candidates:
        if candidate.disagreement:
            candidate.reasons.append(
                _("the reviewers differ by %(points)s points or more on: %(criteria)s")
                % {
                    "points": policy.disagreement_threshold,
                    "criteria": ", ".join(d.criterion.name for d in candidate.disagreements),
                }
            )
    ranked = sorted((c for c in eligible if c.rank is not None), key=lambda c: c.rank or 0)
    waiting = [c for c in eligible if c.rank is None]
    return ranked + sorted(waiting, key=_by_score) + unranked + ended


def _rank_lottery(vacancy: Vacancy, policy: LettingPolicy, eligible: list[Candidate]) -> None:
    minimum = policy.lottery_min_score
    entrants = [c for c in eligible if c.score is not None and c.score >= minimum]
    others = [c for c in eligible if c not in entrants]
    for candidate in entrants:
        candidate.in_lottery = True
    if vacancy.lottery_seed is None:
        for candidate in entrants:
            candidate.reasons.append(
                _("takes part in the lottery (minimum score %(minimum)s); not yet drawn")
                % {"minimum": _number(minimum)}
            )
        for candidate in others:
            candidate.reasons.append(
                _("below the lottery minimum of %(minimum)s: ranked by score after the lottery")
                % {"minimum": _number(minimum)}
            )
        return
    all_ids = Application.objects.filter(vacancy=vacancy).values_list("pk", flat=True)
    places = lottery_order(vacancy.lottery_seed, all_ids)
    entrants.sort(key=lambda c: places.get(c.application.pk, len(places) + c.application.pk))
    for number, candidate in enumerate(entrants, start=1):
        candidate.rank = number
        candidate.reasons.append(
            _("lottery (seed %(seed)s): position %(position)s")
            % {"seed": vacancy.lottery_seed, "position": number}
        )
    for candidate in others:
        candidate.reasons.append(
            _("below the lottery minimum of %(minimum)s: ranked by score after the lottery")
            % {"minimum": _number(minimum)}
        )
    _rank_by_score(others, start=len(entrants) + 1)


@transaction.atomic
def draw_lottery(*, acting_user: Any, vacancy: Vacancy, seed: int | None = None) -> Vacancy:
    """Draw the lottery of a vacancy whose complex ranks by lottery: once, after the advert's
    deadline, with a recorded seed so that anyone can repeat it."""
    check(acting_user, "lettings.let_vacancy", vacancy)
    vacancy = (
        Vacancy.objects.select_for_update(of=("self",))
        .select_related("dwelling__complex", "dwelling__corporation")
        .get(pk=vacancy.pk)
    )
    if vacancy.status != VacancyStatus.OPEN:
        raise ValidationError(_("This vacancy is closed."))
    if policy_for(vacancy.dwelling.complex).ranking != Ranking.LOTTERY:
        raise ValidationError(
            _("The letting policy of this complex ranks by rubric score, not by lottery.")
        )
    if vacancy.lottery_seed is not None:
        raise ValidationError(
            _("The lottery was already drawn on %(date)s; it is drawn only once.")
            % {"date": timezone.localtime(vacancy.lottery_drawn_at).strftime("%d-%m-%Y %H:%M")}
            if vacancy.lottery_drawn_at
            else _("The lottery was already drawn; it is drawn only once.")
        )
    deadline = vacancy.advert_deadline
    if vacancy.advert_published_at is None or deadline is None:
        raise ValidationError(_("The advert has not been published: there is nothing to draw."))
    if timezone.localdate() <= deadline:
        raise ValidationError(
            _("Applications are open until %(date)s; draw the lottery after the deadline.")
            % {"date": _date(deadline)}
        )
    if seed is None:
        seed = secrets.randbelow(2**62)
    if not 0 <= seed < 2**63:
        raise ValidationError({"seed": _("A seed is a whole number from 0 to 2^63.")})
    before = snapshot_fields(vacancy)
    vacancy.lottery_seed = seed
    vacancy.lottery_drawn_at = timezone.now()
    vacancy.lottery_drawn_by = acting_user
    vacancy.save(update_fields=["lottery_seed", "lottery_drawn_at", "lottery_drawn_by"])
    record_saved(
        actor=acting_user, organisation=vacancy.dwelling.corporation, obj=vacancy, before=before
    )
    return vacancy


# --- the letting policy and its rubric -----------------------------------------------------------


def _check_policy(acting_user: Any, complex_: Complex) -> None:
    check(acting_user, "portfolio.change_complex", complex_)


@transaction.atomic
def update_policy(
    *, acting_user: Any, complex_: Complex, values: Mapping[str, Any]
) -> LettingPolicy:
    """Change a complex's letting policy (the manager); ``values`` holds POLICY_FIELDS."""
    _check_policy(acting_user, complex_)
    policy = LettingPolicy.objects.select_for_update().get(pk=policy_for(complex_).pk)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown policy fields: %(fields)s") % {"fields": sorted(unknown)})
    before = snapshot_fields(policy)
    for name, value in values.items():
        setattr(policy, name, value.strip() if isinstance(value, str) else value)
    policy.full_clean()
    policy.save()
    record_saved(actor=acting_user, organisation=complex_.corporation, obj=policy, before=before)
    return policy


def _clean_criterion(criterion: RubricCriterion) -> None:
    criterion.name = criterion.name.strip()
    criterion.description = criterion.description.strip()
    if not criterion.name:
        raise ValidationError({"name": _("Give the criterion a name.")})
    if (
        RubricCriterion.objects.filter(policy=criterion.policy, name__iexact=criterion.name)
        .exclude(pk=criterion.pk)
        .exists()
    ):
        raise ValidationError({"name": _("The rubric already has a criterion with this name.")})
    criterion.full_clean()


@transaction.atomic
def add_criterion(
    *, acting_user: Any, complex_: Complex, name: str, description: str = "", weight: int = 1
) -> RubricCriterion:
    _check_policy(acting_user, complex_)
    policy = LettingPolicy.objects.select_for_update().get(pk=policy_for(complex_).pk)
    last = policy.criteria.aggregate(last=Max("position"))["last"]
    criterion = RubricCriterion(
        policy=policy,
        name=name,
        description=description,
        weight=weight,
        position=0 if last is None else last + 1,
    )
    _clean_criterion(criterion)
    try:
        with transaction.atomic():
            criterion.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"name": _("The rubric already has a criterion with this name.")}
        ) from exc
    record_saved(actor=acting_user, organisation=complex_.corporation, obj=criterion, before=None)
    return criterion


def _locked_criterion(complex_: Complex, criterion: RubricCriterion) -> RubricCriterion:
    policy = LettingPolicy.objects.select_for_update().get(pk=policy_for(complex_).pk)
    found = (
        RubricCriterion.objects.select_for_update().filter(pk=criterion.pk, policy=policy).first()
    )
    if found is None:
        raise ValidationError(_("This criterion is not part of the rubric of this complex."))
    return found


@transaction.atomic
def change_criterion(
    *,
    acting_user: Any,
    complex_: Complex,
    criterion: RubricCriterion,
    name: str,
    description: str = "",
    weight: int = 1,
) -> RubricCriterion:
    """Rename a criterion, or change what it means or weighs (audited; existing scores keep)."""
    _check_policy(acting_user, complex_)
    criterion = _locked_criterion(complex_, criterion)
    before = snapshot_fields(criterion)
    criterion.name, criterion.description, criterion.weight = name, description, weight
    _clean_criterion(criterion)
    try:
        with transaction.atomic():
            criterion.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"name": _("The rubric already has a criterion with this name.")}
        ) from exc
    record_saved(actor=acting_user, organisation=complex_.corporation, obj=criterion, before=before)
    return criterion


@transaction.atomic
def remove_criterion(*, acting_user: Any, complex_: Complex, criterion: RubricCriterion) -> None:
    """Remove a criterion nobody has scored yet (scores keep their criterion)."""
    _check_policy(acting_user, complex_)
    criterion = _locked_criterion(complex_, criterion)
    if MotivationScore.objects.filter(criterion=criterion).exists():
        raise ValidationError(
            _("%(criterion)s has been scored already and stays in the rubric.")
            % {"criterion": criterion.name}
        )
    if criterion.policy.criteria.count() <= 1:
        raise ValidationError(_("The rubric needs at least one criterion."))
    record(
        actor=acting_user,
        action=AuditAction.DELETE,
        organisation=complex_.corporation,
        obj=criterion,
        changes={
            name: (value, None)
            for name, value in snapshot_fields(criterion).items()
            if name != "id"
        },
    )
    criterion.delete()


def scored_criteria(policy: LettingPolicy) -> set[int]:
    """Ids of the policy's criteria that have scores (and so cannot be removed)."""
    return set(
        MotivationScore.objects.filter(criterion__policy=policy)
        .values_list("criterion_id", flat=True)
        .distinct()
    )
