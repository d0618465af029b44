"""The workflow's refusal; views, admin and the API turn it into messages."""

from core.exceptions import Refused, Stale


class MoveRefused(Refused):
    """A workflow move that may not be made now: the state, the person, a missing comment
    or one of the move's guards says no, with the reasons.

    Raised before anything is written, so the application is left as it was.
    """


class MoveStale(MoveRefused, Stale):
    """A move decided on a version of the application that is no longer current: its
    status (``expected_status``) or its version (the API's ``If-Match``) has changed."""
