"""What cannot be undone, and what it leads to: the portal asks for a confirmation naming
the consequence before any such step is taken.

Whether a move can be undone is read from the workflow's declaration: it can when those
who make it may make another move leading back to one of its sources (a warning and
its lifting). Every other move needs its consequence here; a test holds the two lists
together, so that a move added to the workflow cannot go unconfirmed.
"""

from django.utils.translation import gettext_lazy as _

from .workflow import MOVES, Move


def can_be_undone(move: Move) -> bool:
    """True when the actors of ``move`` may make a move back to one of its sources."""
    return any(
        back.name != move.name
        and move.target in back.sources
        and back.target in move.sources
        and set(back.actors) & set(move.actors)
        for back in MOVES.values()
    )


MOVE_CONSEQUENCES = {
    "submit": _(
        "The application goes to the county for its recommendation. You can no longer "
        "change it unless it is returned to you."
    ),
    "resubmit": _(
        "The revised application goes back to the county. You can no longer change it "
        "unless it is returned to you again."
    ),
    "withdraw": _(
        "The application is withdrawn for good: it cannot be sent again, and you would "
        "have to apply anew."
    ),
    "recommend": _(
        "The application goes to the bureau and takes one place of the county's quota "
        "for this call. You cannot take the recommendation back."
    ),
    "return_for_revision": _(
        "The application goes back to the applicant with your comment. It comes back only "
        "when the applicant resubmits it."
    ),
    "accept": _(
        "The bureau takes the application on for expert review. It can no longer be "
        "returned to the applicant."
    ),
    "start_review": _(
        "Expert review starts: the assigned experts declare their interests and score. "
        "The application cannot go back to accepted."
    ),
    "complete_review": _(
        "Expert review closes with the score sheets submitted so far. It cannot be reopened."
    ),
    "approve": _(
        "The application is approved and waits for its public notice. Only an objection "
        "or a rejection can stop it now."
    ),
    "open_public_notice": _(
        "The application is published in the public notice, where anyone may object while "
        "it runs. It cannot be taken off the notice."
    ),
    "register_objection": _(
        "The application leaves the public notice while the objection is examined; it can "
        "be granted only after a new approval and a new public notice."
    ),
    "resolve_objection": _(
        "The application goes back to reviewed: it must be approved again and pass a new "
        "public notice before it can be granted."
    ),
    "grant": _(
        "The application is granted and its official document is issued with a number. "
        "A grant cannot be undone."
    ),
    "reject": _(
        "The application is rejected for good and the applicant is told, with your "
        "comment. It cannot be reopened."
    ),
    "revoke": _("The designation is revoked for good. It cannot be restored."),
    "expire": _("The designation ends for good. It cannot be restored."),
}

SCORE_SHEET_SUBMIT = _("Once submitted, your score sheet can no longer change.")
DECLARE_NO_CONFLICT = _(
    "Your declaration is recorded and the file opens to you. It cannot be changed afterwards."
)
DECLARE_CONFLICT = _(
    "You decline this review for good: the file stays closed to you and any draft scores "
    "are deleted. The bureau will ask another expert."
)
ATTACHMENT_REMOVE = _(
    "The document is deleted from the application. To have it again, upload it again."
)
CONFIRM_NOTICE = _(
    "Every application of this call whose public notice has ended is granted and its "
    "official document issued. A grant cannot be undone."
)


def needs_confirmation(move: Move) -> bool:
    return not can_be_undone(move)


def asks_first(move: Move, *, comment: str, award=None, award_reason: str = "") -> bool:
    """Whether a form asks for the confirmation before making ``move`` with what was typed.

    A move missing its comment, or a grant's other award missing its reason, is not asked
    about: the service refuses it at once, saying why, so nobody confirms a move that cannot
    be made."""
    if not needs_confirmation(move):
        return False
    if move.comment_required and not comment.strip():
        return False
    return award is None or bool(award_reason.strip())


def move_consequence(move: Move) -> str:
    """The consequence of ``move``, said before it is made."""
    return str(MOVE_CONSEQUENCES[move.name])
