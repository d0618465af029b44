"""Errors a user can act on; views, admin and the API turn them into messages."""

from django.core.exceptions import ValidationError


class MoveRefused(ValidationError):
    """A workflow move that may not be made now: the state, the person, a missing comment
    or one of the move's guards says no, with the reasons.

    Raised before anything is written, so the application is left as it was.
    """
