"""Errors a user can act on; views, admin and the API turn them into messages."""

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """An action the present state of things refuses (the API answers 409, Conflict).

    Raised before anything is written, so nothing was changed.
    """


class Stale(Refused):
    """The thing changed since the person looked at it (another decision came first):
    refused rather than made on top of a version they did not see."""
