"""The application workflow, declared once: its states, and every move with everything
that decides whether it may happen.

Every kind of programme shares this graph:

    draft → submitted → recommended → accepted → in_review → reviewed
          → approved → in_public_notice → granted
    returned (for revision) ⇄ resubmitted; rejected; withdrawn; objection → reviewed
    granted designation → warned → revoked | expired (periodic evaluation)

A move names its source states, its target, who may make it (``actors``, answered by
``programmes.access.can_make_move``), whether it needs a comment, whether it applies
to designations only, its guards and its effects. A guard is a named function of the
application and the ``MoveContext`` that returns the reasons the move may not happen
now (none: it may). An effect changes the application's own fields as the move is made.
``programmes.services.workflow.application_move`` makes every move from these
declarations, and ``available_moves`` answers from the same ones, so a button is
offered exactly when the move would succeed.

Guards and effects reach the database through the application's relations only: this
module imports no model, so that the models can build their state machine from it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .notice_period import NoWorkingDayData, notice_end


class Status(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    RETURNED = "returned", gettext_lazy("Returned for revision")
    RESUBMITTED = "resubmitted", gettext_lazy("Resubmitted")
    RECOMMENDED = "recommended", gettext_lazy("Recommended by county")
    ACCEPTED = "accepted", gettext_lazy("Accepted by bureau")
    IN_REVIEW = "in_review", gettext_lazy("In expert review")
    REVIEWED = "reviewed", gettext_lazy("Reviewed")
    APPROVED = "approved", gettext_lazy("Approved")
    IN_PUBLIC_NOTICE = "in_public_notice", gettext_lazy("In public notice")
    OBJECTION = "objection", gettext_lazy("Objection under review")
    GRANTED = "granted", gettext_lazy("Granted")
    REJECTED = "rejected", gettext_lazy("Rejected")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")
    WARNED = "warned", gettext_lazy("Warned after evaluation")
    REVOKED = "revoked", gettext_lazy("Revoked")
    EXPIRED = "expired", gettext_lazy("Expired")


class Actor(models.TextChoices):
    """Who may make a move. ``programmes.access.can_make_move`` decides who is which."""

    APPLICANT = "applicant", gettext_lazy("Applicant (approved member of the enterprise)")
    COUNTY = "county", gettext_lazy("County officer with jurisdiction")
    STAFF = "staff", gettext_lazy("Bureau staff")


S = Status

# --- Sets of states, each named once --------------------------------------------------

BEFORE_DECISION = (
    S.DRAFT,
    S.SUBMITTED,
    S.RETURNED,
    S.RESUBMITTED,
    S.RECOMMENDED,
    S.ACCEPTED,
    S.IN_REVIEW,
)
# States in which the bureau has decided; an application in one of them keeps its record.
DECIDED = frozenset(
    {
        S.APPROVED,
        S.IN_PUBLIC_NOTICE,
        S.OBJECTION,
        S.GRANTED,
        S.REJECTED,
        S.WARNED,
        S.REVOKED,
        S.EXPIRED,
    }
)
# States that count as "open work" for somebody.
OPEN = frozenset(
    {
        S.SUBMITTED,
        S.RESUBMITTED,
        S.RECOMMENDED,
        S.ACCEPTED,
        S.IN_REVIEW,
        S.REVIEWED,
        S.APPROVED,
        S.IN_PUBLIC_NOTICE,
        S.OBJECTION,
    }
)
# Visible to the public once the bureau has published them.
PUBLIC = frozenset({S.IN_PUBLIC_NOTICE, S.GRANTED, S.WARNED, S.EXPIRED})
# With the enterprise: the states in which its members may change the application.
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
# Waiting for the county to recommend or return it.
IN_COUNTY_QUEUE = (S.SUBMITTED, S.RESUBMITTED)
# Accepted by the bureau and not yet reviewed: experts are assigned and declare.
UNDER_EXPERT_REVIEW = (S.ACCEPTED, S.IN_REVIEW)
# Taken on by the bureau: what a call's ranking lists.
RANKED = (
    S.ACCEPTED,
    S.IN_REVIEW,
    S.REVIEWED,
    S.APPROVED,
    S.IN_PUBLIC_NOTICE,
    S.OBJECTION,
    S.GRANTED,
    S.WARNED,
    S.REVOKED,
    S.EXPIRED,
    S.REJECTED,
)
# Granted and in force: the award may be paid, the designation is held.
HOLDING = (S.GRANTED, S.WARNED)
# Granted at some time: a published result stays on the list after a warning or expiry.
RESULTS = (S.GRANTED, S.WARNED, S.EXPIRED)
# Selected by the bureau in the end, whatever happened after.
SELECTED = frozenset({S.GRANTED, S.WARNED, S.REVOKED, S.EXPIRED})
# Never filed: a draft, or a draft withdrawn before it was submitted. The county never
# saw it.
UNFILED = Q(status=S.DRAFT) | Q(status=S.WITHDRAWN, submitted_at__isnull=True)
# A recommendation holds a place of the county's quota until the application goes back
# to the county (returned, resubmitted) or leaves the round (withdrawn).
HOLDS_QUOTA_PLACE = Q(events__move="recommend") & ~Q(
    status__in=(S.DRAFT, S.SUBMITTED, S.RETURNED, S.RESUBMITTED, S.WITHDRAWN)
)

# What a filing must hold, per kind, beyond what a draft may leave empty.
REQUIRED_FOR_FILING = {
    "product": ("product_name", "tier", "technology_readiness_level", "key_indicators"),
    "project": ("project_name", "category", "total_investment", "starts_on", "ends_on"),
    "designation": ("platform_name", "level_sought", "rd_staff", "rd_spending"),
}
# And on the application itself: project funding asks for the amount.
REQUIRED_ON_APPLICATION = {"product": (), "project": ("requested_amount",), "designation": ()}
# The detail field naming the tier or level sought, which a reward rule is keyed by.
TIER_FIELDS = {"product": "tier", "designation": "level_sought"}


# --- What a move sees -------------------------------------------------------------------


@dataclass
class MoveContext:
    """The circumstances of one attempt: who, with which comment, at what moment.

    ``comment`` is None when only asking which moves are open (``available_moves``):
    the form asks for it then. ``locking``: inside the service's transaction, where a
    guard may lock the rows it counts. ``award``: an amount staff set at a grant in
    place of the reward rule's, with ``award_reason`` saying why (``award_by_rule``).
    """

    actor: object
    comment: str | None = None
    now: datetime | None = None
    locking: bool = False
    award: Decimal | None = None
    award_reason: str = ""

    @property
    def today(self) -> date:
        return timezone.localdate(self.now) if self.now else timezone.localdate()


Guard = Callable[[object, MoveContext], Iterable[str]]
Effect = Callable[[object, MoveContext], None]


# --- Guards -----------------------------------------------------------------------------


def filing_problems(application) -> list[str]:
    """What is still missing before the application may be filed, as sentences."""
    problems = []
    missing = [
        (record, name)
        for record, names in (
            (application.detail, REQUIRED_FOR_FILING[application.kind]),
            (application, REQUIRED_ON_APPLICATION[application.kind]),
        )
        for name in names
        if getattr(record, name) in (None, "")
    ]
    for record, name in missing:
        label = record._meta.get_field(name).verbose_name
        problems.append(_("Fill in “%(field)s” before submitting.") % {"field": label})
    if not application.attachments.exists():
        problems.append(_("Attach at least one document before submitting."))
    region = application.enterprise.region
    if region is None or not region.county_level:
        # Recommendation is by county: without one, no officer would ever see the filing.
        problems.append(
            _(
                "Set your enterprise's county (district, county, county-level city or zone) "
                "in the enterprise profile before submitting, so that the right county "
                "can recommend it."
            )
        )
    return problems


def filing_complete(application, context: MoveContext) -> list[str]:
    """The kind's essential fields, a document and the enterprise's county are there."""
    return filing_problems(application)


def eligibility_rules(application, context: MoveContext) -> list[str]:
    """The programme's eligibility rules hold, each named when broken
    (``programmes.eligibility``)."""
    # Imported here: the checks read this module's sets of states.
    from .eligibility import rule_problems

    return rule_problems(application, context)


def call_closed_reason(call, on: date) -> str | None:
    """Why ``call`` takes no submissions on ``on``, or None when it does."""
    if call.is_open(on):
        return None
    if call.opens_on and on < call.opens_on:
        return _("The call “%(call)s” opens on %(date)s; it cannot be submitted before.") % {
            "call": call.title,
            "date": date_format(call.opens_on),
        }
    if call.closes_on:
        return _(
            "The call “%(call)s” closed on %(date)s; applications can no longer be submitted."
        ) % {"call": call.title, "date": date_format(call.closes_on)}
    return _("The call “%(call)s” has no application period; it takes no submissions.") % {
        "call": call.title
    }


def call_open(application, context: MoveContext) -> list[str]:
    """A first filing is made while the call takes applications. (A resubmission is not:
    the return came from the bureau, so it may be answered after the closing date.)"""
    reason = call_closed_reason(application.call, context.today)
    return [reason] if reason else []


def recommendations_used(call, region_id) -> int:
    """How many of ``call``'s applications from the region hold a place of its quota."""
    return (
        call.applications.filter(HOLDS_QUOTA_PLACE, region_id=region_id)
        .values("pk")
        .distinct()
        .count()
    )


def county_quota(application, context: MoveContext) -> list[str]:
    """The county has a place left of the call's recommendation quota.

    In the service the call's row is locked before counting, so two officers
    recommending at the same moment are counted one after the other and cannot both
    take the last place.
    """
    call = application.call
    if call.recommendation_quota is None:
        return []
    if context.locking:
        type(call).objects.select_for_update().filter(pk=call.pk).first()
    used = recommendations_used(call, application.region_id)
    if used < call.recommendation_quota:
        return []
    return [
        _(
            "The recommendation quota for this call is used up in this county: "
            "%(used)s of %(quota)s recommended. Return or withdraw a recommendation "
            "first, or ask the bureau."
        )
        % {"used": used, "quota": call.recommendation_quota}
    ]


def last_notice_opened_at(application) -> datetime | None:
    """When the application's current public notice opened: its latest opening move."""
    opened = application.events.filter(move="open_public_notice").aggregate(latest=Max("at"))
    return opened["latest"]


def notice_ends_at(
    *, opened_at: datetime | None, days: int, working_days: bool = False
) -> datetime | None:
    """A notice opened at ``opened_at`` runs for ``days`` full days from that moment, or
    with ``working_days`` for ``days`` whole working days after its day
    (``programmes.notice_period``).

    Counting calendar days from the moment (not the calendar day) keeps
    ``public_notice_days = 0`` meaning "no waiting" and makes the end independent of the
    server's time zone.
    """
    if opened_at is None:
        return None
    return notice_end(opened_at=opened_at, days=days, working_days=working_days)


def notice_period_allowed(application, context: MoveContext) -> list[str]:
    """The call's notice is at least its programme's period, and its end can be counted
    (working days need the year's holidays: ``notice_period.NoWorkingDayData``)."""
    call = application.call
    problem = call.notice_period_problem()
    if problem:
        return [problem]
    try:
        call.notice_ends_at(context.now or timezone.now())
    except NoWorkingDayData as error:
        return [str(error)]
    return []


def notice_period_over(application, context: MoveContext) -> list[str]:
    """The public notice has run its full period (``Call.public_notice_days``, counted
    as the programme counts it)."""
    ends_at = application.call.notice_ends_at(last_notice_opened_at(application))
    if ends_at is None:
        return [
            _("“%(title)s” has no record of when its public notice opened.")
            % {"title": application.title}
        ]
    if (context.now or timezone.now()) < ends_at:
        return [
            _("The public notice of “%(title)s” runs until %(end)s; grant it after that.")
            % {
                "title": application.title,
                # The same form as the notice pages print.
                "end": date_format(timezone.localtime(ends_at), "SHORT_DATETIME_FORMAT"),
            }
        ]
    return []


# --- Effects ----------------------------------------------------------------------------


def stamp_filing(application, context: MoveContext) -> None:
    """Filing stamps the time, and takes the region snapshot: the county that recommends."""
    application.submitted_at = context.now
    application.region_id = application.enterprise.region_id


def reward_rule(application):
    """The programme's reward rule for the application's tier or level sought, or None."""
    field = TIER_FIELDS.get(application.kind)
    tier = getattr(application.detail, field, "") if field else ""
    if not tier:
        return None
    return application.call.programme.reward_rules.filter(tier=tier).first()


def award_by_rule(application, context: MoveContext) -> None:
    """The award is the programme's reward for the tier or level sought, whatever was
    entered before. Staff may grant another amount (``context.award``) with the reason
    (``award_override_explained``); without a rule, the amount staff entered stands."""
    if context.award is not None:
        application.awarded_amount = context.award
        return
    rule = reward_rule(application)
    if rule is not None:
        application.awarded_amount = rule.amount


def award_override_explained(application, context: MoveContext) -> list[str]:
    """An award set in place of the rule's is at least zero and comes with its reason."""
    if context.award is None:
        return []
    if context.award < 0:
        return [_("An award cannot be negative.")]
    if not context.award_reason:
        rule = reward_rule(application)
        return [
            _(
                "Say why “%(title)s” is awarded %(award)s yuan instead of %(rule)s: an "
                "award other than the reward rule's needs a reason."
            )
            % {
                "title": application.title,
                "award": context.award,
                "rule": _("%(amount)s yuan by the rule “%(label)s”")
                % {"amount": rule.amount, "label": rule.label}
                if rule
                else _("no rule's amount"),
            }
        ]
    return []


# --- The moves ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    designation_only: bool = False
    comment_required: bool = False
    guards: tuple[Guard, ...] = field(default=())
    effects: tuple[Effect, ...] = field(default=())


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            "submit",
            gettext_lazy("Submit"),
            (S.DRAFT,),
            S.SUBMITTED,
            (Actor.APPLICANT,),
            guards=(call_open, filing_complete, eligibility_rules),
            effects=(stamp_filing,),
        ),
        Move(
            "resubmit",
            gettext_lazy("Resubmit"),
            (S.RETURNED,),
            S.RESUBMITTED,
            (Actor.APPLICANT,),
            guards=(filing_complete, eligibility_rules),
            effects=(stamp_filing,),
        ),
        Move(
            "withdraw", gettext_lazy("Withdraw"), BEFORE_DECISION, S.WITHDRAWN, (Actor.APPLICANT,)
        ),
        Move(
            "recommend",
            pgettext_lazy("workflow action", "Recommend"),
            IN_COUNTY_QUEUE,
            S.RECOMMENDED,
            (Actor.COUNTY,),
            guards=(county_quota,),
        ),
        Move(
            "return_for_revision",
            gettext_lazy("Return for revision"),
            (*IN_COUNTY_QUEUE, S.RECOMMENDED),
            S.RETURNED,
            (Actor.COUNTY, Actor.STAFF),
            comment_required=True,
        ),
        Move(
            "accept",
            gettext_lazy("Accept (formal check passed)"),
            (S.RECOMMENDED,),
            S.ACCEPTED,
            (Actor.STAFF,),
        ),
        Move(
            "start_review",
            gettext_lazy("Start expert review"),
            (S.ACCEPTED,),
            S.IN_REVIEW,
            (Actor.STAFF,),
        ),
        Move(
            "complete_review",
            gettext_lazy("Complete expert review"),
            (S.IN_REVIEW,),
            S.REVIEWED,
            (Actor.STAFF,),
        ),
        Move(
            "approve",
            pgettext_lazy("workflow action", "Approve"),
            (S.REVIEWED,),
            S.APPROVED,
            (Actor.STAFF,),
        ),
        Move(
            "open_public_notice",
            gettext_lazy("Open public notice"),
            (S.APPROVED,),
            S.IN_PUBLIC_NOTICE,
            (Actor.STAFF,),
            guards=(notice_period_allowed,),
        ),
        Move(
            "register_objection",
            gettext_lazy("Register an objection"),
            (S.IN_PUBLIC_NOTICE,),
            S.OBJECTION,
            (Actor.STAFF,),
            comment_required=True,
        ),
        Move(
            "resolve_objection",
            gettext_lazy("Resolve objection (back to reviewed)"),
            (S.OBJECTION,),
            S.REVIEWED,
            (Actor.STAFF,),
            comment_required=True,
        ),
        Move(
            "grant",
            pgettext_lazy("workflow action", "Grant"),
            (S.IN_PUBLIC_NOTICE,),
            S.GRANTED,
            (Actor.STAFF,),
            guards=(notice_period_over, award_override_explained),
            effects=(award_by_rule,),
        ),
        Move(
            "reject",
            pgettext_lazy("workflow action", "Reject"),
            (
                S.SUBMITTED,
                S.RESUBMITTED,
                S.RECOMMENDED,
                S.ACCEPTED,
                S.IN_REVIEW,
                S.REVIEWED,
                S.APPROVED,
                S.OBJECTION,
            ),
            S.REJECTED,
            (Actor.STAFF,),
            comment_required=True,
        ),
        Move(
            "warn",
            pgettext_lazy("workflow action", "Warn"),
            (S.GRANTED,),
            S.WARNED,
            (Actor.STAFF,),
            designation_only=True,
        ),
        Move(
            "lift_warning",
            gettext_lazy("Lift warning"),
            (S.WARNED,),
            S.GRANTED,
            (Actor.STAFF,),
            designation_only=True,
        ),
        Move(
            "revoke",
            pgettext_lazy("workflow action", "Revoke"),
            HOLDING,
            S.REVOKED,
            (Actor.STAFF,),
            designation_only=True,
            comment_required=True,
        ),
        Move(
            "expire",
            pgettext_lazy("workflow action", "Expire"),
            HOLDING,
            S.EXPIRED,
            (Actor.STAFF,),
            designation_only=True,
        ),
    )
}


def move_label(name: str) -> str:
    """The label of a timeline entry's move; entries that were no move keep their name."""
    move = MOVES.get(name)
    return str(move.label) if move else name


def filing_move(status: str) -> Move | None:
    """The move that sends an application in ``status`` to the county, if one does."""
    for name in ("submit", "resubmit"):
        if status in MOVES[name].sources:
            return MOVES[name]
    return None
