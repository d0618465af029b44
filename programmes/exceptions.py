"""Errors a user can act on; views, admin and the API turn them into messages."""

from django.core.exceptions import ValidationError


class TransitionRefused(ValidationError):
    """A workflow move that is not allowed now, for this user, or without a comment.

    Raised before anything is written, so the application is left as it was.
    """
