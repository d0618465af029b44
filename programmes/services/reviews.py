"""Review work: expert assignments, conflict-of-interest declarations and score sheets."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditEntry
from enterprises.models import Membership

from .. import access
from ..models import Application, ReviewAssignment, ReviewScore, ScoreCriterion
from ..workflow import UNDER_EXPERT_REVIEW, Status
from .notifications import (
    notify_conflict_declared,
    notify_expert_assigned,
    notify_sheets_in,
)

TWO_PLACES = Decimal("0.01")
#: Days an expert has for a review, from the day they are asked, unless staff name a day.
REVIEW_DAYS = 14


# --- Assigning experts ------------------------------------------------------------


def review_due_on(*, today: date | None = None) -> date:
    """The day a review asked for today is due by, unless staff name another."""
    return (today or timezone.localdate()) + timedelta(days=REVIEW_DAYS)


def expert_assign(
    *, application: Application, expert, actor, due_on: date | None = None
) -> ReviewAssignment:
    """Ask ``expert`` to score ``application`` by ``due_on`` (``REVIEW_DAYS`` from today
    when not given), and tell them; repeating it returns the same assignment, unchanged."""
    if not access.may(actor, "assign_experts"):
        raise ValidationError(_("Only bureau staff assign experts."))
    if not access.may(expert, "review_applications"):
        raise ValidationError(
            _("%(user)s is not in the Experts group."), params={"user": expert.get_username()}
        )
    # Any membership counts, approved or pending, with or without the Applicants group:
    # acting (or asking to act) for the enterprise is a conflict of interest.
    if Membership.objects.filter(user=expert, enterprise_id=application.enterprise_id).exists():
        raise ValidationError(_("An expert cannot review their own enterprise's application."))
    if application.status not in UNDER_EXPERT_REVIEW:
        raise ValidationError(
            _(
                "Experts are assigned once the bureau has accepted the application "
                "(now “%(status)s”)."
            ),
            params={"status": application.get_status_display()},
        )
    try:
        with transaction.atomic():
            assignment, created = ReviewAssignment.objects.get_or_create(
                application=application,
                expert=expert,
                defaults={"due_on": due_on or review_due_on()},
            )
            if created:
                audit_record(
                    action=AuditEntry.Action.RECORD, actor=actor, obj=assignment, detail="assigned"
                )
                transaction.on_commit(
                    lambda: notify_expert_assigned(assignment=assignment, actor=actor)
                )
    except IntegrityError:  # the same pair assigned at the same moment elsewhere
        assignment = ReviewAssignment.objects.get(application=application, expert=expert)
    return assignment


@dataclass
class AssignmentOutcome:
    application: Application
    expert: object
    assignment: ReviewAssignment | None = None
    created: bool = False
    error: str = ""


def experts_assign_bulk(
    *, applications, experts, actor, due_on: date | None = None
) -> list[AssignmentOutcome]:
    """Assign every expert to every application, due by ``due_on``; one outcome per pair,
    failures included.

    A pair that cannot be assigned (own enterprise, wrong stage) does not stop the others.
    """
    if not access.may(actor, "assign_experts"):
        raise ValidationError(_("Only bureau staff assign experts."))
    outcomes = []
    for application in applications:
        for expert in experts:
            existed = ReviewAssignment.objects.filter(
                application=application, expert=expert
            ).exists()
            try:
                assignment = expert_assign(
                    application=application, expert=expert, actor=actor, due_on=due_on
                )
            except ValidationError as error:
                outcomes.append(
                    AssignmentOutcome(application, expert, error=" ".join(error.messages))
                )
            else:
                outcomes.append(
                    AssignmentOutcome(application, expert, assignment, created=not existed)
                )
    return outcomes


# --- The expert's side: declaration and score sheet ---------------------------------


def _locked_own_assignment(assignment: ReviewAssignment, actor) -> ReviewAssignment:
    locked = (
        ReviewAssignment.objects.select_for_update()
        .select_related("application__call")
        .get(pk=assignment.pk)
    )
    if not access.can_score(actor, locked):
        raise ValidationError(_("Only the assigned expert may do this."))
    return locked


def review_declare_no_conflict(*, assignment: ReviewAssignment, actor) -> ReviewAssignment:
    """The expert declares no conflict of interest; the file opens to them from now on."""
    with transaction.atomic():
        locked = _locked_own_assignment(assignment, actor)
        if locked.submitted_at is not None:
            raise ValidationError(_("This assignment is closed."))
        if locked.application.status not in UNDER_EXPERT_REVIEW:
            raise ValidationError(_("This application is no longer under expert review."))
        if locked.no_conflict_declared_at is None:
            locked.no_conflict_declared_at = timezone.now()
            locked.full_clean()
            locked.save(update_fields=["no_conflict_declared_at"])
            audit_record(
                action=AuditEntry.Action.RECORD,
                actor=actor,
                obj=locked,
                detail="no conflict of interest declared",
            )
    assignment.refresh_from_db()
    return assignment


def review_declare_conflict(
    *, assignment: ReviewAssignment, actor, reason: str
) -> ReviewAssignment:
    """The expert declines: a conflict of interest closes the assignment without a score.

    Stored as closed (``submitted_at``) with no no-conflict declaration; the reason
    goes to ``comment`` and staff see it on the call's page. Any draft scores go.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say briefly what the conflict of interest is."))
    with transaction.atomic():
        locked = _locked_own_assignment(assignment, actor)
        if locked.submitted_at is not None:
            raise ValidationError(_("This assignment is closed."))
        locked.scores.all().delete()
        locked.no_conflict_declared_at = None
        locked.total_score = None
        locked.comment = reason
        locked.submitted_at = timezone.now()
        locked.full_clean()
        locked.save()
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=locked,
            detail="conflict of interest declared",
        )
        transaction.on_commit(lambda: notify_conflict_declared(assignment=locked, actor=actor))
    assignment.refresh_from_db()
    return assignment


def weighted_total(pairs) -> Decimal:
    """Σ score × weight ÷ Σ weight over (score, weight) pairs, to two places.

    Dividing by the sum of the weights keeps the total on the 0–100 scale even when
    a programme's weights do not add up to exactly 100.
    """
    pairs = list(pairs)
    total_weight = sum((weight for _score, weight in pairs), Decimal("0"))
    if total_weight <= 0:
        raise ValidationError(_("The score sheet's weights add up to zero."))
    weighted = sum((score * weight for score, weight in pairs), Decimal("0"))
    return (weighted / total_weight).quantize(TWO_PLACES, ROUND_HALF_UP)


def review_save_scores(
    *,
    assignment: ReviewAssignment,
    actor,
    scores: dict[int, Decimal | None],
    comment: str = "",
    submit: bool = False,
) -> ReviewAssignment:
    """Save the expert's score sheet; ``submit`` closes it for good.

    ``scores`` maps criterion ids to a score from 0 to 100 (None = not scored yet).
    A draft may be partial; a submitted sheet scores every criterion. The weighted
    total is stored whenever every criterion has a score.
    """
    with transaction.atomic():
        locked = _locked_own_assignment(assignment, actor)
        if locked.no_conflict_declared_at is None:
            raise ValidationError(_("Declare that you have no conflict of interest first."))
        if locked.submitted_at is not None:
            raise ValidationError(
                _("This score sheet has been submitted and can no longer change.")
            )
        if locked.application.status != Status.IN_REVIEW:
            raise ValidationError(
                _("Scores are given only while the application is in expert review.")
            )
        criteria = list(
            ScoreCriterion.objects.filter(programme_id=locked.application.call.programme_id)
        )
        if not criteria:
            raise ValidationError(
                _("This programme has no score sheet yet; the bureau must set its criteria first.")
            )
        known = {criterion.pk for criterion in criteria}
        unknown = set(scores) - known
        if unknown:
            raise ValidationError(_("A score was given on a criterion of another programme."))
        given = {pk: Decimal(value) for pk, value in scores.items() if value is not None}
        for value in given.values():
            if not Decimal("0") <= value <= Decimal("100"):
                raise ValidationError(_("Each score lies between 0 and 100."))
        complete = known <= set(given)
        if submit and not complete:
            raise ValidationError(_("Score every criterion before submitting the sheet."))
        locked.scores.exclude(criterion_id__in=list(given)).delete()
        for criterion_id, value in given.items():
            ReviewScore.objects.update_or_create(
                assignment=locked, criterion_id=criterion_id, defaults={"score": value}
            )
        locked.total_score = (
            weighted_total((given[c.pk], c.weight) for c in criteria) if complete else None
        )
        locked.comment = (comment or "").strip()
        if submit:
            locked.submitted_at = timezone.now()
        locked.full_clean()
        locked.save()
        audit_record(
            action=AuditEntry.Action.RECORD,
            actor=actor,
            obj=locked,
            detail="score sheet submitted" if submit else "score sheet saved",
        )
        if submit and not locked.application.assignments.filter(submitted_at__isnull=True).exists():
            application = locked.application
            transaction.on_commit(lambda: notify_sheets_in(application=application, actor=actor))
    assignment.refresh_from_db()
    return assignment
