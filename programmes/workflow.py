"""The application workflow, declared once: states, and who may make each move.

Every kind of programme shares this graph. ``Application`` turns each entry of
``TRANSITIONS`` into a django-fsm-2 transition method; admin actions, portal
buttons and the API read this table instead of listing states again.

    draft → submitted → recommended → accepted → in_review → reviewed
          → approved → in_public_notice → granted
    returned (for revision) ⇄ resubmitted; rejected; withdrawn; objection → reviewed
    granted designation → warned → revoked | expired (periodic evaluation)
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    RECOMMENDED = "recommended", _("Recommended by county")
    ACCEPTED = "accepted", _("Accepted by bureau")
    IN_REVIEW = "in_review", _("In expert review")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    IN_PUBLIC_NOTICE = "in_public_notice", _("In public notice")
    OBJECTION = "objection", _("Objection under review")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    WARNED = "warned", _("Warned after evaluation")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Actor(models.TextChoices):
    """Who may fire a transition. Checked by ``programmes.permissions``."""

    APPLICANT = "applicant", _("Applicant (approved member of the enterprise)")
    COUNTY = "county", _("County officer with jurisdiction")
    STAFF = "staff", _("Bureau staff")


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    designation_only: bool = False
    comment_required: bool = False


S = Status
BEFORE_DECISION = (
    S.DRAFT,
    S.SUBMITTED,
    S.RETURNED,
    S.RESUBMITTED,
    S.RECOMMENDED,
    S.ACCEPTED,
    S.IN_REVIEW,
)

TRANSITIONS: tuple[Move, ...] = (
    Move("submit", _("Submit"), (S.DRAFT,), S.SUBMITTED, (Actor.APPLICANT,)),
    Move("resubmit", _("Resubmit"), (S.RETURNED,), S.RESUBMITTED, (Actor.APPLICANT,)),
    Move("withdraw", _("Withdraw"), BEFORE_DECISION, S.WITHDRAWN, (Actor.APPLICANT,)),
    Move(
        "recommend",
        pgettext_lazy("workflow action", "Recommend"),
        (S.SUBMITTED, S.RESUBMITTED),
        S.RECOMMENDED,
        (Actor.COUNTY,),
    ),
    Move(
        "return_for_revision",
        _("Return for revision"),
        (S.SUBMITTED, S.RESUBMITTED, S.RECOMMENDED),
        S.RETURNED,
        (Actor.COUNTY, Actor.STAFF),
        comment_required=True,
    ),
    Move("accept", _("Accept (formal check passed)"), (S.RECOMMENDED,), S.ACCEPTED, (Actor.STAFF,)),
    Move("start_review", _("Start expert review"), (S.ACCEPTED,), S.IN_REVIEW, (Actor.STAFF,)),
    Move(
        "complete_review", _("Complete expert review"), (S.IN_REVIEW,), S.REVIEWED, (Actor.STAFF,)
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
        _("Open public notice"),
        (S.APPROVED,),
        S.IN_PUBLIC_NOTICE,
        (Actor.STAFF,),
    ),
    Move(
        "register_objection",
        _("Register an objection"),
        (S.IN_PUBLIC_NOTICE,),
        S.OBJECTION,
        (Actor.STAFF,),
        comment_required=True,
    ),
    Move(
        "resolve_objection",
        _("Resolve objection (back to reviewed)"),
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
        _("Lift warning"),
        (S.WARNED,),
        S.GRANTED,
        (Actor.STAFF,),
        designation_only=True,
    ),
    Move(
        "revoke",
        pgettext_lazy("workflow action", "Revoke"),
        (S.GRANTED, S.WARNED),
        S.REVOKED,
        (Actor.STAFF,),
        designation_only=True,
        comment_required=True,
    ),
    Move(
        "expire",
        pgettext_lazy("workflow action", "Expire"),
        (S.GRANTED, S.WARNED),
        S.EXPIRED,
        (Actor.STAFF,),
        designation_only=True,
    ),
)

MOVES = {move.name: move for move in TRANSITIONS}

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
# Never filed: a draft, or a draft withdrawn before it was submitted. The county never
# saw it.
UNFILED = Q(status=S.DRAFT) | Q(status=S.WITHDRAWN, submitted_at__isnull=True)
