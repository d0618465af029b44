"""Errors a user can act on; views, admin and the API turn them into messages."""

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """An action the present state of things refuses (the API answers 409, Conflict).

    Raised before anything is written, so nothing was changed.
    """
