"""The workflow's refusal; views, admin and the API turn it into messages."""

from core.exceptions import Refused


class MoveRefused(Refused):
    """A workflow move that may not be made now: the state, the person, a missing comment
    or one of the move's guards says no, with the reasons.

    Raised before anything is written, so the application is left as it was.
    """
